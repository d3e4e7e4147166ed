/**
 * The Database API routes the lab serves under /oci/<region>/20160918 (oci-database, oci-workrequests
 * client.js paths): autonomous databases, their peers, switchover / failover, wallets, work requests.
 */
import type { LabCloud } from '../cloud-model';
import type { SimContext } from '../estate';
import { adbJson, etagOf } from './adb-json';
import { requireAdb } from './adb-store';
import { invalidParameter } from './oci-error';
import { type OciRequest, type OciRoute, header, jsonAnswer, jsonBody } from './oci-route';
import { generateWalletBody, listAdbQuery, pageQuery, parseOci, queryObject, roleChangeQuery } from './oci-schemas';
import type { OciAnswer } from './retry-tokens';
import { planRoleChange, startRoleChange, type RoleChangeKind } from './role-change';
import { generateWallet } from './wallets';
import { requireWorkRequest, workRequestJson } from './work-requests';

const ID = '([^/]+)';

function adbAnswer(cloud: LabCloud, req: OciRequest, id: string, extra: Record<string, string> = {}): OciAnswer {
  const json = adbJson(requireAdb(cloud, id, req.region));
  return jsonAnswer(json, { etag: etagOf(json), ...extra });
}

function roleChange(kind: RoleChangeKind) {
  return (ctx: SimContext, cloud: LabCloud, req: OciRequest): OciAnswer => {
    const q = parseOci(roleChangeQuery, queryObject(req.query), 'query');
    const plan = planRoleChange(cloud, { kind, dbId: req.params[0]!, region: req.region, peerDbId: q.peerDbId ?? null });
    // opc-dry-run: the request is checked, nothing happens (UNVERIFIED: what OCI answers for a dry run).
    if (header(req, 'opc-dry-run') === 'true') return adbAnswer(cloud, req, plan.calledOn.id);
    const wr = startRoleChange(ctx, cloud, plan);
    return adbAnswer(cloud, req, plan.calledOn.id, { 'opc-work-request-id': wr.id });
  };
}

function wallet(ctx: SimContext, cloud: LabCloud, req: OciRequest): OciAnswer {
  const body = parseOci(generateWalletBody, jsonBody(req), 'generateAutonomousDatabaseWalletDetails');
  const db = requireAdb(cloud, req.params[0]!, req.region);
  if (body.isRegional && db.peerDbIds.length === 0) {
    throw invalidParameter('isRegional applies only to a database with a cross-region Data Guard peer');
  }
  const { zip } = generateWallet(cloud, db, { password: body.password, generateType: body.generateType ?? 'SINGLE', nowMs: ctx.nowMs });
  return { status: 200, binaryBase64: Buffer.from(zip).toString('base64'), headers: { 'content-type': 'application/octet-stream' } };
}

function listAdbs(_ctx: SimContext, cloud: LabCloud, req: OciRequest): OciAnswer {
  const q = parseOci(listAdbQuery, queryObject(req.query), 'query');
  const items = cloud.autonomousDatabases
    .filter((d) => d.region === req.region && d.compartmentId === q.compartmentId)
    .filter((d) => q.displayName === undefined || d.displayName === q.displayName)
    .filter((d) => q.lifecycleState === undefined || d.lifecycleState === q.lifecycleState)
    .map(adbJson);
  return jsonAnswer(items.slice(0, q.limit ?? items.length));
}

export const ADB_ROUTES: OciRoute[] = [
  {
    method: 'GET', version: '20160918', pattern: /^\/autonomousDatabases$/, op: 'listAutonomousDatabases', mutating: false,
    handle: listAdbs,
  },
  {
    method: 'GET', version: '20160918', pattern: new RegExp(`^/autonomousDatabases/${ID}$`), op: 'getAutonomousDatabase', mutating: false,
    handle: (_ctx, cloud, req) => adbAnswer(cloud, req, req.params[0]!),
  },
  {
    method: 'GET', version: '20160918', pattern: new RegExp(`^/autonomousDatabases/${ID}/peers$`),
    op: 'listAutonomousDatabasePeers', mutating: false,
    handle: (_ctx, cloud, req) => {
      parseOci(pageQuery, queryObject(req.query), 'query');
      const db = requireAdb(cloud, req.params[0]!, req.region);
      const items = db.peerDbIds.map((id) => ({ id, region: cloud.autonomousDatabases.find((d) => d.id === id)?.region }));
      return jsonAnswer({ items });
    },
  },
  {
    method: 'POST', version: '20160918', pattern: new RegExp(`^/autonomousDatabases/${ID}/actions/switchover$`),
    op: 'switchoverAutonomousDatabase', mutating: true, idempotent: true, handle: roleChange('SWITCHOVER'),
  },
  {
    method: 'POST', version: '20160918', pattern: new RegExp(`^/autonomousDatabases/${ID}/actions/failover$`),
    op: 'failOverAutonomousDatabase', mutating: true, idempotent: true, handle: roleChange('FAILOVER'),
  },
  {
    method: 'POST', version: '20160918', pattern: new RegExp(`^/autonomousDatabases/${ID}/actions/generateWallet$`),
    op: 'generateAutonomousDatabaseWallet', mutating: true, idempotent: true, handle: wallet,
  },
  {
    method: 'GET', version: '20160918', pattern: new RegExp(`^/workRequests/${ID}$`), op: 'getWorkRequest', mutating: false,
    handle: (_ctx, cloud, req) => jsonAnswer(workRequestJson(requireWorkRequest(cloud, req.params[0]!, req.region))),
  },
  {
    method: 'GET', version: '20160918', pattern: new RegExp(`^/workRequests/${ID}/errors$`), op: 'listWorkRequestErrors', mutating: false,
    handle: (_ctx, cloud, req) => {
      parseOci(pageQuery, queryObject(req.query), 'query');
      return jsonAnswer(requireWorkRequest(cloud, req.params[0]!, req.region).errors);
    },
  },
];
