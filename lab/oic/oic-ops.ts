/**
 * The OIC operations of the lab on its plain data (lab/cloud-model.ts). Each runs inside
 * Lab.cloudCall (time, faults, oplog, save); errors are OIC-shaped LabErrors.
 */
import { createHash } from 'node:crypto';
import type { LabCloud, LabOicConnection, LabOicInstance, LabOicIntegration, LabOicProperty } from '../cloud-model';
import type { SimContext } from '../estate';
import { oicError } from './oic-respond';
import type { ConnectionPatch } from './oic-schemas';
import { connectionView, integrationView } from './oic-views';
import { missingConfiguration, testAtpConnection } from './wallet-check';

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');
const MAX_ATTACHMENT = 5 * 1024 * 1024;

/** Gen3 names the instance; Gen2 style (no parameter) works when the lab has exactly one. */
export function requireInstance(cloud: LabCloud, name: string | null): LabOicInstance {
  if (name !== null) {
    const inst = cloud.oic.find((i) => i.name === name);
    if (!inst) throw oicError(404, `Integration instance ${name} not found`); // UNVERIFIED status for an unknown instance
    return inst;
  }
  if (cloud.oic.length === 1) return cloud.oic[0]!;
  throw oicError(400, `integrationInstance is required (instances: ${cloud.oic.map((i) => i.name).join(', ') || 'none'})`);
}

export function requireConnection(inst: LabOicInstance, id: string): LabOicConnection {
  const conn = inst.connections.find((c) => c.id === id);
  if (!conn) throw oicError(404, `Connection ${id} not found`);
  return conn;
}

function requireIntegration(inst: LabOicInstance, id: string): LabOicIntegration {
  const integ = inst.integrations.find((i) => i.id === id);
  if (!integ) throw oicError(404, `Integration ${id} not found`);
  return integ;
}

/** A connection open in the designer answers 412 "Connection is locked" (Test a Connection). */
function assertUnlocked(conn: LabOicConnection): void {
  if (conn.lockedBy !== null) throw oicError(412, `Connection ${conn.id} is locked by ${conn.lockedBy}`);
}

export function getConnection(inst: LabOicInstance, id: string) {
  return connectionView(inst, requireConnection(inst, id));
}

/** Merges properties by name; only names the connection has are accepted. PASSWORD values are kept as sha256 only. */
type GivenProperties = NonNullable<ConnectionPatch['securityProperties']>;

function mergeProperties(conn: LabOicConnection, have: LabOicProperty[], given: GivenProperties, what: string) {
  for (const g of given) {
    const p = have.find((x) => x.propertyName === g.propertyName);
    if (!p) throw oicError(400, `${what}: ${g.propertyName} is not a property of connection ${conn.id}`);
    if (conn.attachments[p.propertyName] !== undefined || p.propertyType === 'ATTACHMENT') {
      throw oicError(400, `${what}: ${p.propertyName} is a file property: upload it with the attachments resource`);
    }
    const value = g.propertyValue ?? null;
    if (p.propertyType === 'PASSWORD') {
      p.propertyValue = null;
      p.valueSha256 = value === null ? null : sha256(value);
    } else p.propertyValue = value;
  }
}

export function updateConnection(ctx: SimContext, inst: LabOicInstance, id: string, patch: ConnectionPatch) {
  const conn = requireConnection(inst, id);
  assertUnlocked(conn);
  if (patch.securityProperties) mergeProperties(conn, conn.securityProperties, patch.securityProperties, 'securityProperties');
  if (patch.connectionProperties) mergeProperties(conn, conn.connectionProperties, patch.connectionProperties, 'connectionProperties');
  if (patch.securityPolicy !== undefined) conn.securityPolicy = patch.securityPolicy;
  if (patch.agentGroupId !== undefined) conn.agentGroupId = patch.agentGroupId;
  conn.lastUpdated = new Date(ctx.nowMs).toISOString();
  return connectionView(inst, conn);
}

export function uploadAttachment(
  ctx: SimContext,
  inst: LabOicInstance,
  id: string,
  propertyName: string,
  file: { fileName: string; data: Buffer },
) {
  const conn = requireConnection(inst, id);
  assertUnlocked(conn);
  const p = [...conn.securityProperties, ...conn.connectionProperties].find((x) => x.propertyName === propertyName);
  if (!p || p.propertyType !== 'ATTACHMENT') throw oicError(400, `${propertyName} is not a file property of connection ${conn.id}`);
  if (file.data.length === 0) throw oicError(400, 'No file is uploaded');
  if (file.data.length > MAX_ATTACHMENT) throw oicError(413, `The file is larger than ${MAX_ATTACHMENT} bytes`);
  const sha = sha256(file.data);
  conn.attachments[propertyName] = { fileName: file.fileName, content: file.data.toString('base64'), sha256: sha };
  conn.lastUpdated = new Date(ctx.nowMs).toISOString();
  return connectionView(inst, conn);
}

export function downloadAttachment(inst: LabOicInstance, id: string, propertyName: string): { fileName: string; bytes: Buffer } {
  const a = requireConnection(inst, id).attachments[propertyName];
  if (!a) throw oicError(404, `Connection ${id} has no attachment for ${propertyName}`);
  return { fileName: a.fileName, bytes: Buffer.from(a.content, 'base64') };
}

/**
 * Test a Connection: 200 with the connection (status CONFIGURED) when it connects; 409 when it is not
 * configured; 412 when locked. A configured connection that cannot connect answers 200 with status
 * INPROGRESS, testStatus FAILED and testMessage: that body is UNVERIFIED (how OIC reports a failed ping).
 */
export function testConnection(cloud: LabCloud, inst: LabOicInstance, id: string) {
  const conn = requireConnection(inst, id);
  assertUnlocked(conn);
  if (conn.adapterType !== 'atpdatabase') {
    throw oicError(400, `The lab tests only atpdatabase connections (${conn.id} is ${conn.adapterType})`);
  }
  const missing = missingConfiguration(conn);
  if (missing) throw oicError(409, `Connection ${conn.id} is not configured: ${missing}`);
  const verdict = testAtpConnection(cloud, conn);
  conn.status = verdict.ok ? 'CONFIGURED' : 'INPROGRESS';
  return { ...connectionView(inst, conn), testStatus: verdict.ok ? 'SUCCESS' : 'FAILED', testMessage: verdict.message };
}

/** q={status:'ACTIVATED'} / q={name:'X'} (the lab reads these two exact-match forms; OIC's q has more). */
function queryFilter(q: string | null): (i: LabOicIntegration) => boolean {
  if (q === null) return () => true;
  const status = /status\s*:\s*'([A-Z_]+)'/.exec(q)?.[1];
  const name = /name\s*:\s*'([^']*)'/.exec(q)?.[1];
  return (i) => (status === undefined || i.status === status) && (name === undefined || i.name === name);
}

export function listIntegrations(inst: LabOicInstance, opts: { q: string | null; expand: boolean; limit: number; offset: number }) {
  const all = inst.integrations.filter(queryFilter(opts.q));
  const page = all.slice(opts.offset, opts.offset + opts.limit);
  return {
    items: page.map((i) => integrationView(inst, i, opts.expand)),
    totalResults: all.length,
    limit: opts.limit,
    offset: opts.offset,
    hasMore: opts.offset + page.length < all.length,
  };
}

export function getIntegration(inst: LabOicInstance, id: string, expand: boolean) {
  return integrationView(inst, requireIntegration(inst, id), expand);
}

/**
 * Reactivate Integrations (OIC 3): POST /integrations/reactivate?connectionCode=C with ["CODE|VER", ...].
 * Active ones are redeployed with the connection's settings of now (activatedWith); inactive ones stay
 * inactive (as the designer's Save & Reactivate does). The response body's shape is UNVERIFIED
 * (documented as an object): the lab answers { items: [{ id, status, reactivated }] }.
 */
export function reactivate(ctx: SimContext, inst: LabOicInstance, connectionCode: string, ids: string[]) {
  requireConnection(inst, connectionCode);
  const integs = ids.map((id) => requireIntegration(inst, id));
  const stranger = integs.find((i) => !i.connections.includes(connectionCode));
  if (stranger) throw oicError(400, `Integration ${stranger.id} does not use connection ${connectionCode}`);
  const items = integs.map((i) => {
    if (i.status !== 'ACTIVATED') return { id: i.id, status: i.status, reactivated: false };
    for (const c of i.connections) i.activatedWith[c] = inst.connections.find((x) => x.id === c)?.attachments.WALLET?.sha256 ?? null;
    i.lastActivated = new Date(ctx.nowMs).toISOString();
    return { id: i.id, status: i.status, reactivated: true };
  });
  return { items };
}

/** Lab control: lock or unlock a connection (as a designer holding it open would). */
export function controlConnection(cloud: LabCloud, instance: string, id: string, body: { lockedBy?: string | null }) {
  const inst = requireInstance(cloud, instance);
  const conn = requireConnection(inst, id);
  if (body.lockedBy !== undefined) conn.lockedBy = body.lockedBy;
  return connectionView(inst, conn);
}
