/**
 * Autonomous Data Guard role changes (switchoverAutonomousDatabase / failOverAutonomousDatabase, and
 * the Oracle-initiated automatic failover the lab control simulates). The rules:
 *
 *  - Local standby (same region): the call is made on the primary WITHOUT peerDbId. The standby lives
 *    inside the primary's resource, so the OCID keeps; the roles swap inside it and
 *    `localStandbyDb.timeDataGuardRoleChanged` records when.
 *  - Cross-region standby: the call is made on the STANDBY resource, in the standby's region, with
 *    `peerDbId` = the primary's OCID (the SDK's doc: "should be called in the remote region where the
 *    peer database resides"; which member takes the call and what peerDbId names is UNVERIFIED beyond
 *    that sentence). Made on the primary, or naming a database that is not its peer, the lab answers
 *    400 InvalidParameter (UNVERIFIED: OCI might answer 409 IncorrectState).
 *  - A switchover needs the primary AVAILABLE and the standby STANDBY, and no role change running;
 *    else 409 IncorrectState. A failover also accepts a primary that is UNAVAILABLE (lab control
 *    outage), and loses the standby's `lagTimeInSeconds` of data (`lostSecondsAtLastFailover`).
 *  - While the work request runs both members are ROLE_CHANGE_IN_PROGRESS (a local standby: its
 *    summary too); it goes ACCEPTED → IN_PROGRESS → SUCCEEDED after the seed's `adbRoleChangeSec`.
 *    On success the roles swap: the new primary AVAILABLE, the new standby STANDBY (after a failover
 *    the old primary is shown reinstated as a standby at once: UNVERIFIED, real reinstatement takes
 *    its own time), timeOfLastSwitchover / timeOfLastFailover set on both. An armed `roleChangeWork`
 *    fault makes the work request FAIL instead: the members go back to their states, roles unchanged.
 *  - Events at begin and end (adb-events.ts); the automatic failover emits
 *    `com.oraclecloud.databaseservice.autonomous.database.critical` with AutomaticFailoverBegin/End.
 *
 * Progress is lazy: `advanceCloud` (called from lab/advance.ts) applies what simulated time reached.
 */
import { takeCloudFault, type LabAutonomousDatabase, type LabCloud, type LabRoleChangeWork, type LabWorkRequest } from '../cloud-model';
import type { SimContext } from '../estate';
import { LabError } from '../lab-error';
import { adbEvent } from './adb-events';
import { adgGroup, findAdb, requireAdb } from './adb-store';
import { incorrectState, invalidParameter } from './oci-error';
import { createWorkRequest, endMsOf, finishWorkRequest, progressWorkRequest } from './work-requests';

export type RoleChangeKind = 'SWITCHOVER' | 'FAILOVER';

export interface RoleChangePlan {
  kind: RoleChangeKind;
  calledOn: LabAutonomousDatabase;
  primary: LabAutonomousDatabase;
  /** null: the primary's local standby */
  standby: LabAutonomousDatabase | null;
}

const DEFAULT_ROLE_CHANGE_SEC = 120;
const verb = (k: RoleChangeKind) => (k === 'SWITCHOVER' ? 'switchover' : 'failover');
const PRIMARY_OK: Record<RoleChangeKind, string[]> = { SWITCHOVER: ['AVAILABLE'], FAILOVER: ['AVAILABLE', 'UNAVAILABLE'] };

function refuseBusy(dbs: LabAutonomousDatabase[], kind: RoleChangeKind): void {
  const busy = dbs.find((d) => d.roleChange !== null);
  if (busy) {
    throw incorrectState(`A role change (work request ${busy.roleChange!.workRequestId}) is in progress on ${busy.id}; ` +
      `the ${verb(kind)} cannot start until it ends.`);
  }
}

function planLocal(db: LabAutonomousDatabase, kind: RoleChangeKind): RoleChangePlan {
  if (db.role !== 'PRIMARY' || !db.localStandby) {
    const hint = db.role === 'STANDBY' && db.peerDbIds.length
      ? ` To change roles with its cross-region primary, pass peerDbId=${db.peerDbIds[0]}.`
      : '';
    throw invalidParameter(`Autonomous Database ${db.id} has no local standby to ${verb(kind)} to.${hint}`);
  }
  refuseBusy([db], kind);
  if (!PRIMARY_OK[kind].includes(db.lifecycleState) || db.localStandby.lifecycleState !== 'STANDBY') {
    throw incorrectState(`The ${verb(kind)} needs the primary ${PRIMARY_OK[kind].join(' or ')} and its local standby STANDBY; ` +
      `they are ${db.lifecycleState} and ${db.localStandby.lifecycleState}.`);
  }
  return { kind, calledOn: db, primary: db, standby: null };
}

function planRemote(cloud: LabCloud, db: LabAutonomousDatabase, peerDbId: string, kind: RoleChangeKind): RoleChangePlan {
  const peer = findAdb(cloud, peerDbId);
  if (!peer || !db.peerDbIds.some((p) => p.toLowerCase() === peerDbId.toLowerCase())) {
    throw invalidParameter(`peerDbId ${peerDbId} is not a Data Guard peer of Autonomous Database ${db.id}.`);
  }
  if (db.role === 'PRIMARY') {
    throw invalidParameter(`Autonomous Database ${db.id} is the primary: ask the ${verb(kind)} of the standby ${peer.id} ` +
      `in ${peer.region}, with peerDbId=${db.id}.`);
  }
  refuseBusy([db, peer], kind);
  if (peer.role !== 'PRIMARY') throw incorrectState(`The peer ${peer.id} is not in the PRIMARY role (it is ${peer.role}).`);
  if (!PRIMARY_OK[kind].includes(peer.lifecycleState) || db.lifecycleState !== 'STANDBY') {
    throw incorrectState(`The ${verb(kind)} needs the primary ${PRIMARY_OK[kind].join(' or ')} and the standby STANDBY; ` +
      `they are ${peer.lifecycleState} and ${db.lifecycleState}.`);
  }
  return { kind, calledOn: db, primary: peer, standby: db };
}

/** Checks a role change request against the rules; throws OCI's error when it does not fit. */
export function planRoleChange(
  cloud: LabCloud,
  req: { kind: RoleChangeKind; dbId: string; region: string; peerDbId: string | null },
): RoleChangePlan {
  const db = requireAdb(cloud, req.dbId, req.region);
  return req.peerDbId === null ? planLocal(db, req.kind) : planRemote(cloud, db, req.peerDbId, req.kind);
}

/** The automatic failover of the group `dbId` belongs to, to its cross-region standby (lab control). */
export function planAutomaticFailover(cloud: LabCloud, dbId: string): RoleChangePlan {
  const db = findAdb(cloud, dbId);
  if (!db) throw new LabError('LAB-404', `LAB-404: the lab has no autonomous database ${dbId}`);
  const group = adgGroup(cloud, db);
  const primary = group.find((d) => d.role === 'PRIMARY');
  const standby = group.find((d) => d.role === 'STANDBY' && primary && d.region !== primary.region);
  if (!primary || !standby) throw new LabError('LAB-409', `LAB-409: ${db.id} has no cross-region standby to fail over to`);
  const busy = group.find((d) => d.roleChange !== null);
  if (busy || standby.lifecycleState !== 'STANDBY') {
    const why = `${standby.lifecycleState}${busy ? ' (a role change runs)' : ''}`;
    throw new LabError('LAB-409', `LAB-409: the standby ${standby.id} is ${why}`);
  }
  return { kind: 'FAILOVER', calledOn: standby, primary, standby };
}

function eventType(work: LabRoleChangeWork, phase: 'begin' | 'end'): string {
  if (work.automatic) return 'com.oraclecloud.databaseservice.autonomous.database.critical';
  return `com.oraclecloud.databaseservice.${work.kind === 'SWITCHOVER' ? 'switchover' : 'failover'}autonomousdatabase.${phase}`;
}

function emit(ctx: SimContext, cloud: LabCloud, wr: LabWorkRequest, phase: 'begin' | 'end', atMs: number): void {
  const work = wr.roleChange!;
  const db = findAdb(cloud, work.calledOnId);
  if (!db) return;
  const details: Record<string, string> = { workRequestId: wr.id };
  if (work.standbyId) details.peerDbId = work.standbyId === db.id ? work.primaryId : work.standbyId;
  if (work.automatic) details.eventName = phase === 'begin' ? 'AutomaticFailoverBegin' : 'AutomaticFailoverEnd';
  if (phase === 'end') details.status = wr.status;
  adbEvent(cloud, db, eventType(work, phase), atMs, details);
}

/** Starts the work: members ROLE_CHANGE_IN_PROGRESS, a work request, the begin event. */
export function startRoleChange(ctx: SimContext, cloud: LabCloud, plan: RoleChangePlan, automatic = false): LabWorkRequest {
  const { kind, calledOn, primary, standby } = plan;
  const fault = takeCloudFault(cloud, 'oci', 'roleChangeWork', calledOn.id);
  const operation = `${automatic ? 'Automatic ' : ''}${kind === 'SWITCHOVER' ? 'Switchover' : 'Failover'} Autonomous Database`;
  const members = standby ? [calledOn, calledOn === primary ? standby : primary] : [primary];
  const wr = createWorkRequest(ctx, cloud, {
    compartmentId: calledOn.compartmentId,
    region: calledOn.region,
    operationType: operation,
    durationMs: (ctx.state.settings.adbRoleChangeSec ?? DEFAULT_ROLE_CHANGE_SEC) * 1000,
    resourceIds: members.map((m) => m.id),
  });
  wr.roleChange = {
    kind,
    automatic,
    calledOnId: calledOn.id,
    primaryId: primary.id,
    standbyId: standby?.id ?? null,
    primaryWas: primary.lifecycleState,
    failure: fault
      ? { code: fault.code, message: `${fault.code}: injected ${fault.kind} fault #${fault.id} on roleChangeWork`, faultId: fault.id }
      : null,
  };
  for (const m of members) {
    m.roleChange = { workRequestId: wr.id, kind, peerDbId: standby ? (m === primary ? standby.id : primary.id) : null };
    m.lifecycleState = 'ROLE_CHANGE_IN_PROGRESS';
  }
  if (!standby) primary.localStandby!.lifecycleState = 'ROLE_CHANGE_IN_PROGRESS';
  emit(ctx, cloud, wr, 'begin', ctx.nowMs);
  return wr;
}

function applyLocal(primary: LabAutonomousDatabase, kind: RoleChangeKind, iso: string): void {
  const s = primary.localStandby!;
  s.timeDataGuardRoleChanged = iso;
  if (kind === 'FAILOVER') {
    primary.lostSecondsAtLastFailover = s.lagTimeInSeconds;
    primary.timeOfLastFailover = iso;
  } else primary.timeOfLastSwitchover = iso;
}

function applyRemote(primary: LabAutonomousDatabase, standby: LabAutonomousDatabase, kind: RoleChangeKind, iso: string): void {
  const lost = standby.lagTimeInSeconds;
  [primary.lagTimeInSeconds, standby.lagTimeInSeconds] = [standby.lagTimeInSeconds, primary.lagTimeInSeconds];
  primary.role = 'STANDBY';
  standby.role = 'PRIMARY';
  for (const m of [primary, standby]) {
    if (kind === 'FAILOVER') {
      m.timeOfLastFailover = iso;
      m.lostSecondsAtLastFailover = lost;
    } else m.timeOfLastSwitchover = iso;
  }
}

/** Ends the work at `endMs`: roles swapped (or, on an armed failure, put back), the end event. */
function endRoleChange(ctx: SimContext, cloud: LabCloud, wr: LabWorkRequest, endMs: number): void {
  const work = wr.roleChange!;
  const primary = findAdb(cloud, work.primaryId);
  const standby = work.standbyId ? findAdb(cloud, work.standbyId) : null;
  const iso = new Date(endMs).toISOString();
  finishWorkRequest(wr, endMs, work.failure ? { code: work.failure.code, message: work.failure.message } : null);
  if (primary && !work.failure) {
    if (standby) applyRemote(primary, standby, work.kind, iso);
    else applyLocal(primary, work.kind, iso);
  }
  for (const m of [primary, standby]) {
    if (!m) continue;
    m.roleChange = null;
    m.lifecycleState = m.role === 'PRIMARY' ? 'AVAILABLE' : 'STANDBY';
  }
  // A failed work leaves the primary as it was (e.g. UNAVAILABLE during an outage).
  if (primary && work.failure) primary.lifecycleState = work.primaryWas;
  if (primary?.localStandby && !standby) primary.localStandby.lifecycleState = 'STANDBY';
  emit(ctx, cloud, wr, 'end', endMs);
}

/** Applies what simulated time reached to running role changes (lab/advance.ts). */
export function advanceCloud(ctx: SimContext): void {
  const cloud = ctx.state.cloud;
  for (const wr of cloud.workRequests) {
    if (!wr.roleChange || (wr.status !== 'ACCEPTED' && wr.status !== 'IN_PROGRESS')) continue;
    if (ctx.nowMs >= endMsOf(wr)) endRoleChange(ctx, cloud, wr, endMsOf(wr));
    else progressWorkRequest(wr, ctx.nowMs);
  }
}
