/**
 * orb's Oracle Integration client: the connections REST API on node's fetch, for Gen2 (host only,
 * Basic or OAuth) and Gen3 (`?integrationInstance=<name>` on every call, OAuth only). One attempt
 * per call, with a timeout: the activity's retry policy decides, after common/oic-errors.ts has
 * classified the failure. Error messages are scrubbed of the password, the client secret, the
 * token and any value the call sent as a security property.
 */
import type { z } from 'zod';
import type { SecretRef } from '../../common/estate-config';
import { OicError } from '../../common/oic-errors';
import { OicAuth, type OicAuthConfig } from './oic-auth';
import { httpCodeLabel } from '../../common/metric-labels';
import { timedCall } from '../call-metrics';
import {
  oicConnection, oicIntegration, oicIntegrationList, oicTestAnswer,
  type OicConnection, type OicConnectionPatch, type OicIntegration, type OicTestResult,
} from './oic-types';

export interface OicClientOptions {
  /** e.g. https://design.integration.us-ashburn-1.ocp.oraclecloud.com (Gen3) or the lab's URL */
  baseUrl: string;
  /** Gen3: the integration instance name (sent as ?integrationInstance=) */
  integrationInstance?: string;
  auth: OicAuthConfig;
  /** Reads a secret reference (the worker's readSecret) */
  resolveSecret: (ref: SecretRef) => string;
  /** Per request, default 30 s */
  timeoutMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

const API = '/ic/api/integration/v1';
/** A failed call's metric label: the HTTP status and OIC's code, or no-answer. */
const oicCode = (err: unknown) => (err instanceof OicError ? httpCodeLabel(err.status, err.code) : 'other');
const PAGE = 100;
const MAX_PAGES = 50;
/** OIC reactivates at most 50 integrations per connection update (designer limit; UNVERIFIED for the REST call). */
const REACTIVATE_BATCH = 50;

interface Call {
  op: string;
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
  body?: string | FormData;
  /** Values the request carries that must never appear in an error message */
  secrets?: string[];
}

export class OicClient {
  private readonly auth: OicAuth;
  private readonly fetchFn: typeof fetch;
  private readonly timeoutMs: number;

  constructor(private readonly opts: OicClientOptions) {
    this.fetchFn = opts.fetch ?? fetch;
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    const deps = { resolveSecret: opts.resolveSecret, fetch: this.fetchFn, timeoutMs: this.timeoutMs, now: opts.now ?? Date.now };
    this.auth = new OicAuth(opts.auth, deps);
  }

  async getConnection(id: string): Promise<OicConnection> {
    const res = await this.send({ op: 'getConnection', method: 'GET', path: `/connections/${enc(id)}` });
    return this.json(res, oicConnection, 'getConnection');
  }

  /** Update a Connection: POST with X-HTTP-Method-Override: PATCH (OIC applies only the four fields of the patch). */
  async updateConnection(id: string, patch: OicConnectionPatch): Promise<OicConnection> {
    const secrets = [...(patch.securityProperties ?? [])].map((p) => p.propertyValue ?? '').filter((v) => v.length >= 4);
    const res = await this.send({
      op: 'updateConnection',
      method: 'POST',
      path: `/connections/${enc(id)}`,
      headers: { 'x-http-method-override': 'PATCH', 'content-type': 'application/json' },
      body: JSON.stringify(patch),
      secrets,
    });
    return this.json(res, oicConnection, 'updateConnection');
  }

  /** Upload Connection Property Attachment: multipart/form-data, field `file`. */
  async uploadAttachment(id: string, property: string, fileName: string, bytes: Buffer): Promise<void> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(bytes)], { type: 'application/octet-stream' }), fileName);
    const path = `/connections/${enc(id)}/attachments/${enc(property)}`;
    const res = await this.send({ op: 'uploadAttachment', method: 'POST', path, body: form });
    await res.arrayBuffer();
  }

  /** Retrieve Connection Property Attachment: the bytes, and the file name when OIC gives one. */
  async downloadAttachment(id: string, property: string): Promise<{ bytes: Buffer; fileName: string | null }> {
    const res = await this.send({ op: 'downloadAttachment', method: 'GET', path: `/connections/${enc(id)}/attachments/${enc(property)}` });
    const bytes = Buffer.from(await res.arrayBuffer());
    const m = /filename="?([^";]+)"?/i.exec(res.headers.get('content-disposition') ?? '');
    return { bytes, fileName: m?.[1] ?? null };
  }

  /** Test a Connection: 200 = tested (ok when CONFIGURED and not FAILED); 409 = not configured (ok false); others throw. */
  async testConnection(id: string): Promise<OicTestResult> {
    try {
      const res = await this.send({ op: 'testConnection', method: 'POST', path: `/connections/${enc(id)}/test` });
      const body = await this.json(res, oicTestAnswer, 'testConnection');
      const ok = body.status === 'CONFIGURED' && body.testStatus !== 'FAILED';
      const message = ok ? null : (body.testMessage ?? `connection status ${body.status ?? 'unknown'}`);
      return { ok, status: body.status ?? null, message };
    } catch (e) {
      if (e instanceof OicError && e.status === 409) return { ok: false, status: null, message: e.message };
      throw e;
    }
  }

  async getIntegration(id: string): Promise<OicIntegration> {
    const res = await this.send({ op: 'getIntegration', method: 'GET', path: `/integrations/${enc(id)}`, query: { expand: 'connection' } });
    return this.json(res, oicIntegration, 'getIntegration');
  }

  /**
   * The integrations that use a connection: Retrieve Integrations with expand=connection, page by page,
   * filtered here (OIC's q filters name/status/type/style, not connections). Where OIC puts an
   * integration's connections (dependencies.connections or endPoints[].connection) is UNVERIFIED: both are read.
   */
  async integrationsUsing(connectionId: string): Promise<OicIntegration[]> {
    const found: OicIntegration[] = [];
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = { expand: 'connection', limit: String(PAGE), offset: String(page * PAGE) };
      const res = await this.send({ op: 'listIntegrations', method: 'GET', path: '/integrations', query });
      const list = await this.json(res, oicIntegrationList, 'listIntegrations');
      const items = list.items ?? [];
      found.push(...items.filter((i) => usesConnection(i, connectionId)));
      if (!list.hasMore || items.length === 0) return found;
    }
    throw new OicError('listIntegrations', null, 'TOO_MANY', `listIntegrations: more than ${MAX_PAGES * PAGE} integrations`, null,
      'orb reads at most 5000 integrations when looking for the users of a connection.');
  }

  /** Reactivate Integrations (OIC 3): POST /integrations/reactivate?connectionCode=<connection> with the ids, 50 at a time. */
  async reactivate(connectionId: string, ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += REACTIVATE_BATCH) {
      const res = await this.send({
        op: 'reactivateIntegrations',
        method: 'POST',
        path: '/integrations/reactivate',
        query: { connectionCode: connectionId },
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(ids.slice(i, i + REACTIVATE_BATCH)),
      });
      await res.arrayBuffer();
    }
  }

  private url(path: string, query: Record<string, string> = {}): string {
    const u = new URL(`${this.opts.baseUrl.replace(/\/+$/, '')}${API}${path}`);
    for (const [k, v] of Object.entries(query)) u.searchParams.set(k, v);
    if (this.opts.integrationInstance) u.searchParams.set('integrationInstance', this.opts.integrationInstance);
    return u.toString();
  }

  /** One request, counted and timed (orb_oic_* metrics: the op, and ok or the status and OIC's code). */
  private send(call: Call, retried = false): Promise<Response> {
    return timedCall('oic', call.op, () => this.request(call, retried), oicCode);
  }

  /** One request (a second one only after a 401 with a cached OAuth token); non-2xx → OicError. */
  private async request(call: Call, retried: boolean): Promise<Response> {
    // Outside the try: an unreadable secret reference is the estate's problem, not a network one.
    const headers = { accept: 'application/json', ...call.headers, authorization: await this.auth.header() };
    let res: Response;
    try {
      const signal = AbortSignal.timeout(this.timeoutMs);
      res = await this.fetchFn(this.url(call.path, call.query), { method: call.method, headers, body: call.body, signal });
    } catch (e) {
      const what = (e as Error).name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : (e as Error).message;
      const message = this.scrub(`${call.op}: Oracle Integration could not be reached: ${what}`, call.secrets);
      throw new OicError(call.op, null, 'NETWORK', message);
    }
    if (res.ok) return res;
    if (res.status === 401 && !retried && this.opts.auth.type === 'oauth2' && this.auth.invalidate()) {
      await res.arrayBuffer();
      return this.send(call, true);
    }
    throw await this.failure(call, res);
  }

  private async failure(call: Call, res: Response): Promise<OicError> {
    const text = (await res.text()).slice(0, 4000);
    let detail = text.slice(0, 300);
    let code = `HTTP-${res.status}`;
    try {
      const b = JSON.parse(text) as Record<string, unknown>;
      detail = String(b.detail ?? b.message ?? b.title ?? detail).slice(0, 500);
      if (typeof b['o:errorCode'] === 'string') code = b['o:errorCode'];
    } catch {
      // not JSON: keep the start of the text
    }
    const requestId = res.headers.get('opc-request-id') ?? res.headers.get('x-oracle-dms-ecid');
    const message = this.scrub(`${call.op}: Oracle Integration answered ${res.status}: ${detail}`, call.secrets);
    return new OicError(call.op, res.status, code, message, requestId);
  }

  private async json<T>(res: Response, schema: z.ZodType<T>, op: string): Promise<T> {
    const r = schema.safeParse(await res.json().catch(() => undefined));
    if (r.success) return r.data;
    const issue = r.error.issues[0];
    const where = issue?.path.join('.') || '(top)';
    throw new OicError(op, res.status, 'UNEXPECTED_ANSWER', `${op}: unexpected answer from Oracle Integration at ${where}: ${issue?.message}`, null,
      'Oracle Integration answered in a shape orb does not know: orb and this OIC version disagree on the API.');
  }

  private scrub(text: string, extra: string[] = []): string {
    let out = text;
    for (const s of [...this.auth.secrets(), ...extra]) out = out.split(s).join('***');
    return out;
  }
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

function usesConnection(i: OicIntegration, connectionId: string): boolean {
  const inDependencies = (i.dependencies?.connections ?? []).some((c) => c.id === connectionId);
  return inDependencies || (i.endPoints ?? []).some((e) => e.connection?.id === connectionId);
}
