/**
 * Lab control on the cloud estate (lab error bodies `{ error: { code, message } }`, no OCI signature):
 *  - PATCH /oci-control/autonomous-databases/{id} {lifecycleState?, lagTimeInSeconds?, localStandby?}: stage an
 *    outage (UNAVAILABLE) or a lag;
 *  - POST /oci-control/autonomous-databases/{id}/automatic-failover: an Oracle-initiated failover to the
 *    cross-region standby (critical events AutomaticFailoverBegin / AutomaticFailoverEnd);
 *  - POST /adb/connect {tnsnamesOra, alias, ewalletPem}: what a thin connection would meet (adb-connect.ts).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Lab } from '../lab';
import { LabError } from '../lab-error';
import { adbConnectBody, adbPatchBody, parseBody } from '../schemas';
import { connectCheck } from './adb-connect';
import { adbJson } from './adb-json';
import { findAdb } from './adb-store';
import { readRaw } from './raw-body';
import { planAutomaticFailover, startRoleChange } from './role-change';
import { workRequestJson } from './work-requests';

async function jsonOf(req: IncomingMessage): Promise<unknown> {
  const text = (await readRaw(req)).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new LabError('LAB-400', 'LAB-400: body: must be valid JSON');
  }
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

const noRoute = (method: string, path: string) => new LabError('LAB-404', `LAB-404: no route ${method} ${path}`);

function patchAdb(lab: Lab, id: string, raw: unknown): unknown {
  const b = parseBody(adbPatchBody, raw, '');
  return lab.cloudControl((_ctx, cloud) => {
    const db = findAdb(cloud, id);
    if (!db) throw new LabError('LAB-404', `LAB-404: the lab has no autonomous database ${id}`);
    if (db.roleChange && b.lifecycleState) throw new LabError('LAB-409', `LAB-409: a role change runs on ${db.id}`);
    if (b.lifecycleState) db.lifecycleState = b.lifecycleState;
    if (b.lagTimeInSeconds !== undefined) db.lagTimeInSeconds = b.lagTimeInSeconds;
    if (b.localStandby && !db.localStandby) throw new LabError('LAB-409', `LAB-409: ${db.id} has no local standby`);
    if (b.localStandby?.lifecycleState) db.localStandby!.lifecycleState = b.localStandby.lifecycleState;
    if (b.localStandby?.lagTimeInSeconds !== undefined) db.localStandby!.lagTimeInSeconds = b.localStandby.lagTimeInSeconds;
    return adbJson(db);
  });
}

function automaticFailover(lab: Lab, id: string): unknown {
  return lab.cloudControl((ctx, cloud) => {
    const wr = startRoleChange(ctx, cloud, planAutomaticFailover(cloud, id), true);
    return { workRequest: workRequestJson(wr) };
  });
}

export async function routeControl(lab: Lab, req: IncomingMessage, res: ServerResponse, _url: URL, path: string): Promise<void> {
  const method = req.method ?? 'GET';
  const adb = /^\/oci-control\/autonomous-databases\/([^/]+)(\/automatic-failover)?$/.exec(path);
  if (adb) {
    const id = decodeURIComponent(adb[1]!);
    if (adb[2] && method === 'POST') return send(res, 200, { result: automaticFailover(lab, id) });
    if (!adb[2] && method === 'PATCH') return send(res, 200, { result: patchAdb(lab, id, await jsonOf(req)) });
    throw noRoute(method, path);
  }
  if (path === '/adb/connect' && method === 'POST') {
    const body = parseBody(adbConnectBody, await jsonOf(req), '');
    return send(res, 200, { result: lab.cloudControl((_ctx, cloud) => connectCheck(cloud, body)) });
  }
  throw noRoute(method, path);
}
