/**
 * The lab's Oracle Integration routes (lab/OIC.md): the connections REST API under /ic/api/,
 * the identity domain's token endpoint under /oauth2/, and lab control under /oic-control/.
 * Every OIC API call goes through Lab.cloudCall (service 'oic'): simulated time, armed faults,
 * oplog, save. Passwords never reach the oplog: only property names are recorded.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LabCloud, LabOicInstance } from '../cloud-model';
import type { SimContext } from '../estate';
import type { Lab } from '../lab';
import { LabError } from '../lab-error';
import { parseMultipart } from './multipart';
import { authenticate, OAuthError, tokenFor } from './oic-auth';
import { readForm, readJson, readRaw } from './oic-body';
import * as ops from './oic-ops';
import { oicError, sendBytes, sendJson, sendOicError } from './oic-respond';
import { connectionPatch, controlConnectionPatch, reactivateBody, validate } from './oic-schemas';

const API = '/ic/api/integration/v1';
type Req = { lab: Lab; req: IncomingMessage; res: ServerResponse; url: URL; method: string; instance: string | null };

export async function oicRoute(lab: Lab, req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
  const method = req.method ?? 'GET';
  if (path.startsWith('/oauth2/')) return tokenRoute(req, res, method, path);
  if (path.startsWith('/oic-control/')) return controlRoute(lab, req, res, method, path);
  try {
    const instance = url.searchParams.get('integrationInstance');
    authenticate(req, instance !== null);
    await apiRoute({ lab, req, res, url, method, instance }, path);
  } catch (e) {
    sendOicError(res, e);
  }
}

async function tokenRoute(req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
  if (path !== '/oauth2/v1/token' || method !== 'POST') {
    return sendJson(res, 404, { error: 'not_found', error_description: `no route ${method} ${path}` });
  }
  try {
    sendJson(res, 200, tokenFor(req, await readForm(req)), { 'cache-control': 'no-store' });
  } catch (e) {
    if (e instanceof OAuthError) return sendJson(res, e.status, { error: e.error, error_description: e.description });
    if (e instanceof LabError) return sendJson(res, e.httpStatus, { error: 'invalid_request', error_description: e.message });
    throw e;
  }
}

async function controlRoute(lab: Lab, req: IncomingMessage, res: ServerResponse, method: string, path: string): Promise<void> {
  const m = /^\/oic-control\/instances\/([^/]+)\/connections\/([^/]+)$/.exec(path);
  if (!m) throw new LabError('LAB-404', `LAB-404: no route ${method} ${path}`);
  if (method !== 'PATCH') throw new LabError('LAB-404', `LAB-404: no route ${method} ${path}`, 405);
  const body = controlConnectionPatchOrLab400(await readJson(req));
  const [instance, id] = [decodeURIComponent(m[1]!), decodeURIComponent(m[2]!)];
  sendJson(res, 200, { result: lab.cloudControl((_ctx, cloud) => ops.controlConnection(cloud, instance, id, body)) });
}

function controlConnectionPatchOrLab400(body: unknown) {
  const r = controlConnectionPatch.safeParse(body ?? {});
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  throw new LabError('LAB-400', `LAB-400: ${issue.path.map(String).join('.') || 'body'}: ${issue.message}`);
}

async function apiRoute(r: Req, path: string): Promise<void> {
  const conn = /^\/ic\/api\/integration\/v1\/connections\/([^/]+)(?:\/(test|attachments)(?:\/([^/]+))?)?$/.exec(path);
  if (conn) {
    const id = decodeURIComponent(conn[1]!);
    if (conn[2] === 'test') return testRoute(r, id);
    if (conn[2] === 'attachments' && conn[3]) return attachmentRoute(r, id, decodeURIComponent(conn[3]));
    if (!conn[2]) return connectionRoute(r, id);
  }
  if (path === `${API}/integrations/reactivate`) return reactivateRoute(r);
  if (path === `${API}/integrations`) return listRoute(r);
  const integ = /^\/ic\/api\/integration\/v1\/integrations\/([^/]+)$/.exec(path);
  if (integ && r.method === 'GET') return integrationRoute(r, decodeURIComponent(integ[1]!));
  throw oicError(404, `No resource ${r.method} ${path}`);
}

type OpFn<T> = (ctx: SimContext, inst: LabOicInstance, cloud: LabCloud) => T;

/** One OIC API call through Lab.cloudCall; `args` go to the oplog (never a secret). */
function call<T>(r: Req, op: string, target: string | null, mutating: boolean, args: object, fn: OpFn<T>): T {
  const logged = { instance: r.instance, ...args };
  return r.lab.cloudCall({ service: 'oic', op, target, args: logged, mutating }, (ctx, cloud) =>
    fn(ctx, ops.requireInstance(cloud, r.instance), cloud),
  );
}

async function connectionRoute(r: Req, id: string): Promise<void> {
  if (r.method === 'GET') return sendJson(r.res, 200, call(r, 'getConnection', id, false, {}, (_c, inst) => ops.getConnection(inst, id)));
  if (r.method !== 'POST') throw oicError(405, `${r.method} is not allowed on a connection`);
  if ((r.req.headers['x-http-method-override'] ?? '').toString().toUpperCase() !== 'PATCH') {
    throw oicError(405, 'Update a Connection is POST with the header X-HTTP-Method-Override: PATCH');
  }
  const patch = validate(connectionPatch, (await readJson(r.req)) ?? {}, '');
  const args = {
    securityPolicy: patch.securityPolicy,
    agentGroupId: patch.agentGroupId,
    connectionProperties: patch.connectionProperties?.map((p) => p.propertyName),
    securityProperties: patch.securityProperties?.map((p) => p.propertyName),
  };
  sendJson(r.res, 200, call(r, 'updateConnection', id, true, args, (ctx, inst) => ops.updateConnection(ctx, inst, id, patch)));
}

async function attachmentRoute(r: Req, id: string, prop: string): Promise<void> {
  if (r.method === 'GET') {
    const a = call(r, 'downloadAttachment', id, false, { property: prop }, (_c, inst) => ops.downloadAttachment(inst, id, prop));
    return sendBytes(r.res, a.bytes, a.fileName);
  }
  if (r.method !== 'POST') throw oicError(405, `${r.method} is not allowed on an attachment`);
  const parts = parseMultipart(await readRaw(r.req), r.req.headers['content-type']);
  const file = parts.find((p) => p.name === 'file');
  if (!file) throw oicError(400, 'No file is uploaded (multipart field "file")');
  const upload = { fileName: file.fileName ?? `${prop}.zip`, data: file.data };
  const args = { property: prop, fileName: upload.fileName, bytes: file.data.length, sha256: ops.sha256(file.data) };
  sendJson(r.res, 200, call(r, 'uploadAttachment', id, true, args, (ctx, inst) => ops.uploadAttachment(ctx, inst, id, prop, upload)));
}

function testRoute(r: Req, id: string): void {
  if (r.method !== 'POST') throw oicError(405, `${r.method} is not allowed on test`);
  sendJson(r.res, 200, call(r, 'testConnection', id, true, {}, (_c, inst, cloud) => ops.testConnection(cloud, inst, id)));
}

function paging(url: URL): { limit: number; offset: number } {
  const limit = Number(url.searchParams.get('limit') ?? '100');
  const offset = Number(url.searchParams.get('offset') ?? '0');
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw oicError(400, 'limit: must be an integer from 1 to 1000');
  if (!Number.isInteger(offset) || offset < 0) throw oicError(400, 'offset: must be a non-negative integer');
  return { limit, offset };
}

function listRoute(r: Req): void {
  if (r.method !== 'GET') throw oicError(405, `${r.method} is not allowed on integrations`);
  const opts = { q: r.url.searchParams.get('q'), expand: r.url.searchParams.get('expand') === 'connection', ...paging(r.url) };
  sendJson(r.res, 200, call(r, 'listIntegrations', null, false, opts, (_c, inst) => ops.listIntegrations(inst, opts)));
}

function integrationRoute(r: Req, id: string): void {
  const expand = r.url.searchParams.get('expand') === 'connection';
  sendJson(r.res, 200, call(r, 'getIntegration', id, false, {}, (_c, inst) => ops.getIntegration(inst, id, expand)));
}

async function reactivateRoute(r: Req): Promise<void> {
  if (r.method !== 'POST') throw oicError(405, `${r.method} is not allowed on reactivate`);
  const connectionCode = r.url.searchParams.get('connectionCode');
  if (!connectionCode) throw oicError(400, 'connectionCode: is required');
  const ids = validate(reactivateBody, await readJson(r.req), 'body');
  const result = call(r, 'reactivateIntegrations', connectionCode, true, { ids }, (ctx, inst) =>
    ops.reactivate(ctx, inst, connectionCode, ids),
  );
  sendJson(r.res, 200, result);
}
