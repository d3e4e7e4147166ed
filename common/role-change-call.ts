/**
 * The OCI call a role change makes, built once from the pair as read: `orb plan` shows it and the
 * activity sends it. Pure: used by workflows (plan, switch back) and activities alike.
 *
 * Where the call is made (reference: oracle-ops.md, OCI TypeScript SDK): a local standby is
 * switched to on the primary's own OCID, without peerDbId; a cross-region standby on the standby's
 * OCID in the standby's region, with peerDbId naming the primary. UNVERIFIED against a live tenancy.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { PairFacts, RoleChangeCallFacts, RoleChangeKind, StandbyChoice } from './adb-types';

export type RoleChangeCall = RoleChangeCallFacts;

export function roleChangeCall(pair: PairFacts, kind: RoleChangeKind, to: StandbyChoice): RoleChangeCall {
  const operation = kind === 'switchover' ? 'switchoverAutonomousDatabase' : 'failOverAutonomousDatabase';
  const action = kind === 'switchover' ? 'switchover' : 'failover';
  if (to === 'local') {
    const p = pair.primary;
    if (!p) throw ApplicationFailure.nonRetryable(`${pair.database} has no member in the PRIMARY role`, 'NoPrimary');
    const path = `/20160918/autonomousDatabases/${p.id}/actions/${action}`;
    return { operation, method: 'POST', path, region: p.region, autonomousDatabaseId: p.id, peerDbId: null, newPrimaryId: p.id };
  }
  const s = pair.remoteStandby;
  const primaryId = pair.primary?.id ?? pair.members.find((m) => m.id !== s?.id)?.id;
  if (!s || !primaryId) {
    throw ApplicationFailure.nonRetryable(`${pair.database} has no cross-region standby to ${kind} to`, 'NoStandby');
  }
  const path = `/20160918/autonomousDatabases/${s.id}/actions/${action}?peerDbId=${primaryId}`;
  return { operation, method: 'POST', path, region: s.region, autonomousDatabaseId: s.id, peerDbId: primaryId, newPrimaryId: s.id };
}

const latest = (...ts: (string | null | undefined)[]): string | null =>
  ts.filter((t): t is string => !!t).sort((a, b) => Date.parse(a) - Date.parse(b)).pop() ?? null;

/**
 * The time OCI gives the target's last role change, as read before acting (OCI's clock, not the
 * workflow's: comparing with this needs no clock agreement). A later time means the change is made.
 */
export function roleChangeMark(pair: PairFacts, call: RoleChangeCall, to: StandbyChoice): string | null {
  if (to === 'local') return pair.localStandby?.timeDataGuardRoleChanged ?? null;
  const t = pair.members.find((m) => m.id === call.newPrimaryId);
  return latest(t?.timeOfLastSwitchover, t?.timeOfLastFailover);
}

/** Whether the pair shows this role change made since `since` (roleChangeMark before acting). */
export function roleChangeDone(pair: PairFacts, call: RoleChangeCall, to: StandbyChoice, since: string | null): boolean {
  const now = to === 'local' ? pair.localStandby?.timeDataGuardRoleChanged ?? null : roleChangeMark(pair, call, to);
  const changed = now !== null && (since === null || Date.parse(now) > Date.parse(since));
  return pair.primary?.id === call.newPrimaryId && changed;
}
