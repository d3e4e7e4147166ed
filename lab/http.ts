/** The lab's HTTP routes (lab/API.md), on node:http without a framework. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Lab } from './lab';
import { LabError } from './lab-error';
import { readJsonBody } from './request-body';
import type { LabLogger } from './log';
import { isCloudPath, routeCloud } from './oci/oci-http';
import { estateView } from './oci/estate-view';
import { oicRoute } from './oic/oic-http';
import { eventsRoute } from './events/routes';
import { racRoute } from './rac/rac-routes';

const MAX_BODY = 1024 * 1024;

const readBody = (req: IncomingMessage) => readJsonBody(req, MAX_BODY);

function send(res: ServerResponse, status: number, payload: unknown): void {
  // The client may have gone (e.g. it gave up on a long createPdbRelocate): nothing to answer.
  if (res.destroyed || res.writableEnded) return;
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

export function labHandler(lab: Lab, log: LabLogger): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void route(lab, req, res).catch((e: unknown) => {
      const err = e instanceof LabError ? e : new LabError('LAB-500', `LAB-500: ${(e as Error).message}`, 500);
      if (!(e instanceof LabError)) log.error({ err: e, url: req.url }, 'request failed');
      send(res, err.httpStatus, { error: err.toJSON() });
    });
  };
}

async function route(lab: Lab, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://lab');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  const method = req.method ?? 'GET';
  if (await eventsRoute(lab, req, res, path, url)) return; // OCI Streaming (/oci/<region>/20180418/streams/...) and /events
  if (/^\/(ic\/api|oauth2|oic-control)\//.test(path)) return oicRoute(lab, req, res, url, path); // lab/OIC.md
  if (isCloudPath(path)) return routeCloud(lab, req, res, url, path);
  const rac = racRoute(lab, method, path, url); // GET /ssh, /rac/... (lab/RAC.md)
  if (rac !== undefined) return send(res, 200, rac);

  const opMatch = /^\/cdbs\/([^/]+)\/ops\/([^/]+)$/.exec(path);
  if (opMatch) {
    if (method !== 'POST') throw notAllowed(method, path);
    const body = await readBody(req);
    const result = await lab.call(decodeURIComponent(opMatch[1]!), decodeURIComponent(opMatch[2]!), body);
    return send(res, 200, { result });
  }
  const patchMatch = /^\/cdbs\/([^/]+)(?:\/(users|pdbs)\/([^/]+))?$/.exec(path);
  if (patchMatch) {
    if (method !== 'PATCH') throw notAllowed(method, path);
    const body = await readBody(req);
    const cdb = decodeURIComponent(patchMatch[1]!);
    if (patchMatch[2] === 'users') return send(res, 200, { result: lab.patchUser(cdb, decodeURIComponent(patchMatch[3]!), body) });
    if (patchMatch[2] === 'pdbs') return send(res, 200, { result: lab.patchPdb(cdb, decodeURIComponent(patchMatch[3]!), body) });
    return send(res, 200, { result: lab.patchCdb(cdb, body) });
  }
  const upgradeMatch = /^\/cdbs\/([^/]+)\/pdbs\/([^/]+)\/upgrade$/.exec(path);
  if (upgradeMatch) {
    if (method !== 'POST') throw notAllowed(method, path);
    return send(res, 200, { result: lab.upgradePdb(decodeURIComponent(upgradeMatch[1]!), decodeURIComponent(upgradeMatch[2]!)) });
  }
  const viewsMatch = /^\/cdbs\/([^/]+)\/copy-views$/.exec(path);
  if (viewsMatch) {
    if (method !== 'GET') throw notAllowed(method, path);
    return send(res, 200, lab.copyViews(decodeURIComponent(viewsMatch[1]!)));
  }
  const faultMatch = /^\/faults\/(\d+)$/.exec(path);
  if (faultMatch) {
    if (method !== 'DELETE') throw notAllowed(method, path);
    return send(res, 200, lab.deleteFault(Number(faultMatch[1])));
  }

  switch (`${method} ${path}`) {
    case 'GET /health':
      return send(res, 200, lab.health());
    case 'GET /estate':
      return send(res, 200, estateView(lab.estate()));
    case 'GET /faults':
      return send(res, 200, lab.faults());
    case 'POST /faults':
      return send(res, 201, lab.addFault(await readBody(req)));
    case 'DELETE /faults':
      return send(res, 200, lab.clearFaults());
    case 'GET /oplog': {
      const since = Number(url.searchParams.get('since') ?? '0');
      if (!Number.isInteger(since) || since < 0) throw new LabError('LAB-400', 'LAB-400: since: must be a non-negative integer');
      return send(res, 200, lab.oplog(since));
    }
    case 'GET /invariants': {
      const q = url.searchParams.get('quiescent');
      if (q !== null && q !== 'true' && q !== 'false') throw new LabError('LAB-400', 'LAB-400: quiescent: must be true or false');
      return send(res, 200, lab.invariants(q === 'true'));
    }
    case 'POST /reset':
      return send(res, 200, lab.reset(await readBody(req)));
    case 'POST /clock':
      return send(res, 200, lab.setClock(await readBody(req)));
    case 'POST /sessions':
      return send(res, 200, lab.addSessions(await readBody(req)));
    default:
      throw new LabError('LAB-404', `LAB-404: no route ${method} ${path}`);
  }
}

function notAllowed(method: string, path: string): LabError {
  return new LabError('LAB-404', `LAB-404: no route ${method} ${path}`, 405);
}
