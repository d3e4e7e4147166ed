/**
 * How orb authenticates to Oracle Integration: Basic (Gen2) or OAuth 2 client credentials from
 * the IAM identity domain (`<domain>/oauth2/v1/token`, scope `<audience>urn:opc:resource:consumer::all`;
 * the only way into Oracle Integration 3). Secrets are given by reference and read by the worker
 * through `resolveSecret`, at the moment they are needed; the access token is cached until shortly
 * before it expires. Nothing here logs or returns a secret.
 */
import type { SecretRef } from '../../common/estate-config';
import { OicError } from '../../common/oic-errors';

export type OicAuthConfig =
  | { type: 'basic'; username: string; password: SecretRef }
  | { type: 'oauth2'; tokenUrl: string; clientId: string; clientSecret: SecretRef; scope: string };

export interface OicAuthDeps {
  resolveSecret: (ref: SecretRef) => string;
  fetch: typeof fetch;
  timeoutMs: number;
  now: () => number;
}

/** Refresh this long before expiry (or at 90 % of a short lifetime). */
const REFRESH_MARGIN_MS = 60_000;

export class OicAuth {
  private token: { value: string; refreshAtMs: number } | null = null;

  constructor(
    private readonly config: OicAuthConfig,
    private readonly deps: OicAuthDeps,
  ) {}

  /** The Authorization header value for the next call. */
  async header(): Promise<string> {
    if (this.config.type === 'basic') {
      const password = this.deps.resolveSecret(this.config.password);
      return `Basic ${Buffer.from(`${this.config.username}:${password}`).toString('base64')}`;
    }
    if (!this.token || this.deps.now() >= this.token.refreshAtMs) this.token = await this.fetchToken(this.config);
    return `Bearer ${this.token.value}`;
  }

  /** A 401 with a cached token: forget it so the next call asks for a new one. Returns whether a retry makes sense. */
  invalidate(): boolean {
    const had = this.token !== null;
    this.token = null;
    return had;
  }

  /** Values that must never appear in a message (the password or client secret, the token). */
  secrets(): string[] {
    const out: string[] = [];
    if (this.token) out.push(this.token.value);
    try {
      out.push(this.deps.resolveSecret(this.config.type === 'basic' ? this.config.password : this.config.clientSecret));
    } catch {
      // an unreadable secret cannot leak
    }
    return out.filter((s) => s.length >= 4);
  }

  private async fetchToken(c: Extract<OicAuthConfig, { type: 'oauth2' }>): Promise<{ value: string; refreshAtMs: number }> {
    const secret = this.deps.resolveSecret(c.clientSecret);
    let res: Response;
    try {
      res = await this.deps.fetch(c.tokenUrl, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${c.clientId}:${secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: c.scope }).toString(),
        signal: AbortSignal.timeout(this.deps.timeoutMs),
      });
    } catch (e) {
      throw new OicError('token', null, 'NETWORK', `token: the identity domain could not be reached: ${(e as Error).name}`);
    }
    const text = await res.text();
    const body = parse(text);
    if (!res.ok) {
      const code = typeof body?.error === 'string' ? body.error : `HTTP-${res.status}`;
      const desc = typeof body?.error_description === 'string' ? body.error_description.slice(0, 300) : '';
      const message = `token: the identity domain answered ${res.status} ${code}${desc ? `: ${desc}` : ''}`;
      throw new OicError('token', res.status, code, message.split(secret).join('***'));
    }
    if (typeof body?.access_token !== 'string' || typeof body.expires_in !== 'number') {
      throw new OicError('token', res.status, 'BAD_TOKEN_ANSWER', 'token: the identity domain answered without access_token / expires_in');
    }
    const lifetimeMs = body.expires_in * 1000;
    const refreshInMs = Math.max(0, Math.min(lifetimeMs - REFRESH_MARGIN_MS, lifetimeMs * 0.9));
    return { value: body.access_token, refreshAtMs: this.deps.now() + refreshInMs };
  }
}

function parse(text: string): Record<string, unknown> | null {
  try {
    const v = JSON.parse(text) as unknown;
    return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
