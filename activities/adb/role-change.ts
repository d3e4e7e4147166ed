/**
 * Switchover and failover of an Autonomous Data Guard pair, idempotent across activity retries:
 *  - before acting, the pair is read: a role change this run already made (the target is primary
 *    and its time of last switchover/failover is after the run started) is not made again;
 *  - the call carries a deterministic opc-retry-token (the run and the step), so a retry of a call
 *    whose answer was lost gets OCI's first answer (the same work request) and acts once;
 *  - the work request is then followed with heartbeats carrying percentComplete; a worker that dies
 *    meanwhile is replaced by one that keeps following the same work request.
 *
 * Where the call is made (reference: oracle-ops.md, OCI TypeScript SDK): a local standby is
 * switched to on the primary's own OCID, without peerDbId; a cross-region standby on the standby's
 * OCID in the standby's region, with peerDbId naming the primary. UNVERIFIED against a live tenancy.
 */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { AdbAccess } from './cloud-access';
import { readPair } from './data-guard-pair';
import { roleChangeDone, type RoleChangeCall } from '../../common/role-change-call';
import type { RoleChangeKind, StandbyChoice } from '../../common/adb-types';
import { ociStep } from '../oci/oci-step';
import { retryToken } from '../oci/retry-token';
import { ALIVE_EVERY_MS } from '../heartbeat';

export interface RoleChangeStarted {
  /** null: the pair already shows the change (an earlier attempt made it and its work request ended) */
  workRequestId: string | null;
  region: string;
  call: RoleChangeCall;
}

export interface RoleChangeRequest {
  kind: RoleChangeKind;
  to: StandbyChoice;
  /** The target's role-change time read at preflight (roleChangeMark): a later one means the change is made */
  since: string | null;
}

export async function startRoleChange(access: AdbAccess, req: RoleChangeRequest, call: RoleChangeCall, step: string): Promise<RoleChangeStarted> {
  const pair = await readPair(access);
  if (roleChangeDone(pair, call, req.to, req.since)) return { workRequestId: null, region: call.region, call };
  const c = await access.clients(call.region);
  const token = retryToken(step);
  const common = { autonomousDatabaseId: call.autonomousDatabaseId, opcRetryToken: token, ...(call.peerDbId ? { peerDbId: call.peerDbId } : {}) };
  const what = `${req.kind} of ${access.name} to ${call.newPrimaryId} (${call.region})`;
  const r = call.operation === 'switchoverAutonomousDatabase'
    ? await ociStep(what, () => c.database.switchoverAutonomousDatabase(common))
    : await ociStep(what, () => c.database.failOverAutonomousDatabase(common));
  if (!r.opcWorkRequestId) throw ApplicationFailure.nonRetryable(`${what}: OCI answered without a work request id`, 'OciNoWorkRequest');
  return { workRequestId: r.opcWorkRequestId, region: call.region, call };
}

export interface WorkRequestOutcome {
  status: string;
  percentComplete: number;
  timeFinished: string | null;
}

/** Follows a work request to its end, heartbeating its progress; a failed one ends the step with OCI's errors. */
export async function followWorkRequest(access: AdbAccess, id: string, region: string, pollMs: number): Promise<WorkRequestOutcome> {
  const ctx = Context.current();
  // The last progress read, heartbeated after every read and, between reads (a slow poll, a slow
  // answer), on a timer: the heartbeat timeout then notices a dead worker, not a slow OCI.
  let progress: { workRequestId: string; status: string; percentComplete: number | null } = { workRequestId: id, status: 'UNKNOWN', percentComplete: null };
  ctx.heartbeat(progress);
  const alive = setInterval(() => ctx.heartbeat(progress), ALIVE_EVERY_MS);
  try {
    const c = await access.clients(region);
    for (;;) {
      const { workRequest: w } = await ociStep(`read work request ${id}`, () => c.workRequests.getWorkRequest({ workRequestId: id }));
      const percent = Number(w.percentComplete ?? 0);
      progress = { workRequestId: id, status: w.status, percentComplete: percent };
      ctx.heartbeat(progress);
      if (w.status === 'SUCCEEDED') return { status: w.status, percentComplete: percent, timeFinished: w.timeFinished ? String(w.timeFinished) : null };
      if (w.status === 'FAILED' || w.status === 'CANCELED') {
        const errs = await ociStep(`read the errors of work request ${id}`, () => c.workRequests.listWorkRequestErrors({ workRequestId: id }));
        const text = errs.items.map((e) => `${e.code}: ${e.message}`).join('; ') || 'OCI gave no error detail';
        throw ApplicationFailure.nonRetryable(`work request ${id} ${w.status}: ${text}`, 'WorkRequestFailed', { status: w.status });
      }
      await sleepCancellable(ctx, pollMs);
    }
  } finally {
    clearInterval(alive);
  }
}

async function sleepCancellable(ctx: Context, ms: number): Promise<void> {
  await Promise.race([new Promise((r) => setTimeout(r, ms)), ctx.cancelled]);
}
