/**
 * Activities of the Autonomous Data Guard role change (switchover-adb, failover-adb): preflight,
 * the role change itself (idempotent: activities/adb/role-change.ts), following its work request,
 * and verifying the roles afterwards. Read-only ones never change anything.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { CheckResult } from '../common/runbook-types';
import type { PairFacts, RoleChangeCallFacts, RoleChangeKind, StandbyChoice } from '../common/adb-types';
import type { AdbAccess } from './adb/cloud-access';
import { describePair, readPair, type DataGuardPair } from './adb/data-guard-pair';
import { followWorkRequest, startRoleChange, type RoleChangeStarted } from './adb/role-change';
import { roleChangeCall } from '../common/role-change-call';

export interface RoleChangePreflightArgs {
  database: string;
  kind: RoleChangeKind;
  to: StandbyChoice;
  maxLagSeconds: number;
}

const pass = (check: string, reason: string): CheckResult => ({ check, outcome: 'pass', reason });
const fail = (check: string, reason: string): CheckResult => ({ check, outcome: 'fail', reason });
const warn = (check: string, reason: string): CheckResult => ({ check, outcome: 'warn', reason });

/** The checks OCI's own rules make, read before anything is asked, so a refusal names its reason. */
export function roleChangeChecks(pair: DataGuardPair, a: RoleChangePreflightArgs): CheckResult[] {
  const checks: CheckResult[] = [];
  const p = pair.primary;
  const failover = a.kind === 'failover';
  if (!p) checks.push(fail('primary', `${pair.database} has no member in the PRIMARY role now (a role change may be running)`));
  else if (p.lifecycleState === 'AVAILABLE') checks.push(pass('primary', `${p.id} in ${p.region} is PRIMARY and AVAILABLE`));
  else if (failover) checks.push(warn('primary', `${p.id} is ${p.lifecycleState}: a failover is what this is for`));
  else checks.push(fail('primary', `${p.id} is ${p.lifecycleState}, not AVAILABLE: a switchover needs both members available (a failover does not)`));
  const standby = a.to === 'remote' ? pair.remoteStandby : pair.localStandby;
  const standbyName = a.to === 'remote' ? `cross-region standby ${pair.remoteStandby?.id ?? ''} (${pair.remoteStandby?.region ?? '-'})` : 'local standby';
  if (!standby) {
    checks.push(fail('peer', `${pair.database} has no ${a.to === 'remote' ? 'cross-region' : 'local'} Autonomous Data Guard standby`));
    return checks;
  }
  const role = 'role' in standby ? standby.role : 'STANDBY';
  if (role !== 'STANDBY' || standby.lifecycleState !== 'STANDBY') {
    checks.push(fail('peer', `the ${standbyName} is ${role} ${standby.lifecycleState}, not a Data Guard standby (STANDBY)`));
  } else checks.push(pass('peer', `the ${standbyName} is a Data Guard standby`));
  const lag = standby.lagSeconds;
  if (lag === null) checks.push(warn('lag', `OCI reports no apply lag for the ${standbyName}`));
  else if (lag <= a.maxLagSeconds) checks.push(pass('lag', `apply lag ${lag} s ≤ ${a.maxLagSeconds} s`));
  else if (failover) checks.push(warn('lag', `apply lag ${lag} s > ${a.maxLagSeconds} s: a failover now may lose up to ${lag} s of committed transactions`));
  else checks.push(fail('lag', `apply lag ${lag} s > ${a.maxLagSeconds} s: wait for the standby to catch up, or raise --max-lag`));
  if (failover && lag !== null && lag > 0) checks.push(warn('data-loss', `a failover may lose up to ${lag} s of committed transactions (the standby's apply lag)`));
  return checks;
}

export function roleChangeActivities(access: (db: string) => AdbAccess, opts: { pollMs: number }) {
  return {
    /** Read-only: the pair, the checks, and the call a role change would make. */
    async preflightRoleChange(a: RoleChangePreflightArgs): Promise<{ checks: CheckResult[]; pair: PairFacts; call: RoleChangeCallFacts | null; summary: string }> {
      const pair = await readPair(access(a.database));
      const checks = roleChangeChecks(pair, a);
      let call: RoleChangeCallFacts | null = null;
      if (!checks.some((c) => c.outcome === 'fail')) call = roleChangeCall(pair, a.kind, a.to);
      return { checks, pair, call, summary: describePair(pair) };
    },

    /** The role change: made once per run, whatever the retries (see activities/adb/role-change.ts). */
    async changeRole(a: { database: string; kind: RoleChangeKind; to: StandbyChoice; call: RoleChangeCallFacts; since: string | null; step: string }): Promise<RoleChangeStarted> {
      return startRoleChange(access(a.database), { kind: a.kind, to: a.to, since: a.since }, a.call, a.step);
    },

    /** Follows the role change's work request to its end (heartbeats carry percentComplete). */
    async awaitWorkRequest(a: { database: string; workRequestId: string; region: string }) {
      return followWorkRequest(access(a.database), a.workRequestId, a.region, opts.pollMs);
    },

    /** After the role change: the new primary is PRIMARY and AVAILABLE, the old one a STANDBY. Retried while OCI settles. */
    async verifyRoles(a: { database: string; newPrimaryId: string; to: StandbyChoice }): Promise<{ pair: PairFacts; summary: string }> {
      const pair = await readPair(access(a.database));
      const p = pair.primary;
      if (!p || p.id !== a.newPrimaryId || p.lifecycleState !== 'AVAILABLE') {
        throw ApplicationFailure.retryable(`roles not as expected yet: ${describePair(pair)}`, 'RolesNotSettled');
      }
      const standby = a.to === 'remote' ? pair.remoteStandby : pair.localStandby;
      if (standby && standby.lifecycleState !== 'STANDBY') {
        throw ApplicationFailure.retryable(`the standby is not STANDBY yet: ${describePair(pair)}`, 'RolesNotSettled');
      }
      return { pair, summary: describePair(pair) };
    },
  };
}
