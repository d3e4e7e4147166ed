/**
 * The lab's OCI REST surface: /oci/<region>/<api version>/... (20160918 database + work requests,
 * 20180608 vault, 20190301 secrets), with OCI's error body `{ code, message }` and an opc-request-id
 * header on every answer; plus the lab-control routes /oci-control/... and POST /adb/connect
 * (control-routes.ts, lab error bodies). Every OCI call goes through Lab.cloudCall (time, cloud
 * faults, oplog, save). The region is a path segment; a resource of another region is 404
 * NotAuthorizedOrNotFound (OCIDs are regional).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Lab } from '../lab';
import { LabError } from '../lab-error';
import { ADB_ROUTES } from './adb-routes';
import { routeControl } from './control-routes';
import { checkSignature } from './oci-auth';
import { notFound, ociError, ociErrorBody } from './oci-error';
import type { OciRequest, OciRoute } from './oci-route';
import { REGION_PATTERN } from './regions';
import { readRaw } from './raw-body';
import { remember, replayed, type OciAnswer } from './retry-tokens';
import { VAULT_ROUTES } from './vault-routes';

const ROUTES: OciRoute[] = [...ADB_ROUTES, ...VAULT_ROUTES];
const OCI_PATH = /^\/oci\/([^/]+)\/(\d{8})(\/.*)$/;

/** Paths this module serves (one dispatch line in lab/http.ts). */
export function isCloudPath(path: string): boolean {
  return /^\/(oci|oci-control|adb)\//.test(path);
}

export async function routeCloud(lab: Lab, req: IncomingMessage, res: ServerResponse, url: URL, path: string): Promise<void> {
  if (!path.startsWith('/oci/')) return routeControl(lab, req, res, url, path);
  const requestId = randomBytes(16).toString('hex').toUpperCase();
  try {
    const body = await readRaw(req);
    const request = parseRequest(req, url, path, body);
    const answer = serve(lab, request.route, request.req);
    sendAnswer(res, answer, requestId);
  } catch (e) {
    const err = e instanceof LabError ? e : ociError(500, 'InternalServerError', (e as Error).message);
    sendAnswer(res, { status: err.httpStatus, json: ociErrorBody(err), headers: {} }, requestId);
  }
}

function parseRequest(req: IncomingMessage, url: URL, path: string, body: Buffer): { route: OciRoute; req: OciRequest } {
  const method = req.method ?? 'GET';
  const m = OCI_PATH.exec(path);
  if (!m || !REGION_PATTERN.test(m[1]!)) throw notFound(`no OCI route ${method} ${path}`);
  checkSignature(method, req.headers, body);
  const [, region, version, rest] = m;
  for (const route of ROUTES) {
    const hit = route.version === version && route.method === method ? route.pattern.exec(rest!) : null;
    if (!hit) continue;
    const params = hit.slice(1).map((p) => decodeURIComponent(p));
    const target = path + url.search;
    return { route, req: { region: region!, method, path, target, query: url.searchParams, headers: req.headers, body, params } };
  }
  throw notFound(`no OCI route ${method} ${path}`);
}

function serve(lab: Lab, route: OciRoute, req: OciRequest): OciAnswer {
  const args = { region: req.region, path: req.target };
  const call = { service: 'oci' as const, op: route.op, target: req.params[0] ?? null, args, mutating: route.mutating };
  return lab.cloudCall(call, (ctx, cloud) => {
    const token = route.idempotent ? req.headers['opc-retry-token'] : undefined;
    if (typeof token !== 'string' || token === '') return route.handle(ctx, cloud, req);
    const key = { token, request: `${req.method} ${req.target}`, bodySha256: createHash('sha256').update(req.body).digest('hex') };
    const again = replayed(cloud, key, ctx.nowMs);
    if (again) return again;
    const answer = route.handle(ctx, cloud, req);
    remember(cloud, key, answer, ctx.nowMs);
    return answer;
  });
}

function sendAnswer(res: ServerResponse, a: OciAnswer, requestId: string): void {
  if (res.destroyed || res.writableEnded) return;
  const body = a.binaryBase64 !== undefined ? Buffer.from(a.binaryBase64, 'base64') : Buffer.from(JSON.stringify(a.json ?? {}));
  const type = a.binaryBase64 !== undefined ? 'application/octet-stream' : 'application/json';
  res.writeHead(a.status, { 'content-type': type, ...a.headers, 'content-length': body.length, 'opc-request-id': requestId });
  res.end(body);
}
