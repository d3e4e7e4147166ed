/**
 * What `orb cancel` does to a switchover-adb, failover-adb or propagate-wallet run, and how `--wait`
 * judges the end. These runbooks have no compensation for a cancellation (workflows/shared/adb-stages.ts):
 * the run stops where it is. Before the role change is requested (propagate-wallet: before the
 * consumers are updated) nothing has changed; from then on nothing is undone — OCI completes a role
 * change it accepted, there is no switch back, and no consumer is restored. A run cancelled at a gate
 * ends CANCELLED; one cancelled in a step ends FAILED, the stage it stopped in failed with Temporal's
 * cancellation ("Activity cancelled", "Workflow cancelled") and its reason starting with it.
 */
import type { RunbookStatus } from '../common/runbook-types';
import { EXIT } from './errors';
import type { CancelOutcome, CancelPlan, RunStatus } from './runbooks';

export const ADB_RUNBOOKS = ['switchover-adb', 'failover-adb', 'propagate-wallet'] as const;
type AdbRunbook = (typeof ADB_RUNBOOKS)[number];

/** stop-unchanged: the run stops before changing anything; stop-as-is: it stops where it is, undoing nothing. */
export type AdbCancelEffect = 'stop-unchanged' | 'stop-as-is';

export function isAdbRunbook(runbook: string | null | undefined): runbook is AdbRunbook {
  return (ADB_RUNBOOKS as readonly string[]).includes(runbook ?? '');
}

const CANCELLATION = /^(?:(?:Activity|Workflow) cancell?ed|cancelled by an operator)$/;
const CANCELLATION_REASON = /^(?:(?:preflight failed, nothing was changed: )?(?:Activity|Workflow) cancell?ed\b[.:]?|cancelled by an operator(?: at stage [a-z-]+| while waiting for the fence)?\.)\s*/;

/** The runbook a cancelled run is of, when it is an ADB runbook. */
function adbRunbookOf(r: RunStatus): AdbRunbook {
  const runbook = r.status?.runbook ?? r.runbook;
  if (!isAdbRunbook(runbook)) throw new Error(`${r.workflowId} is not a run of ${ADB_RUNBOOKS.join(', ')}`);
  return runbook;
}

/** The stage from which the run changes the estate: the role change request, or propagate-wallet's consumer updates. */
function changingStage(runbook: AdbRunbook): string {
  return runbook === 'propagate-wallet' ? 'propagate' : runbook === 'switchover-adb' ? 'switchover' : 'failover';
}

function hasChanged(s: RunbookStatus, runbook: AdbRunbook): boolean {
  return s.stages.some((st) => st.name === changingStage(runbook) && st.outcome !== 'skipped');
}

function texts(runbook: AdbRunbook) {
  const untested = 'a consumer being updated at that moment may hold the new wallet untested';
  if (runbook === 'propagate-wallet') {
    return {
      before: 'any consumer is updated',
      since: 'the consumers are being updated',
      after:
        'nothing is undone: the run stops where it is; consumers updated so far keep the new wallet, the others keep what ' +
        `they had (start propagate-wallet again to finish; ${untested})`,
    };
  }
  const kind = runbook === 'switchover-adb' ? 'switchover' : 'failover';
  return {
    before: `the ${kind} is requested`,
    since: `the ${kind} was requested`,
    after:
      `nothing is undone: OCI completes the ${kind} it accepted (a cancel does not reach it) and there is no switch back; ` +
      "the run stops where it is: consumers updated so far keep the new primary's wallet, the others keep the old one " +
      `until propagate-wallet runs for the database (${untested})`,
  };
}

export function adbCancelPlan(r: RunStatus): CancelPlan {
  const runbook = adbRunbookOf(r);
  const id = r.workflowId;
  const stage = r.status?.stage ?? r.stage;
  const t = texts(runbook);
  const see = `See: orb status ${id}`;
  if (!r.status) {
    const last = stage ? ` (last known stage: ${stage})` : '';
    const message =
      `cancellation requested for ${id}, but no worker answered the status query, so orb cannot tell how far the run ` +
      `got${last}: before ${t.before} the run stops and nothing is changed; from then on ${t.after}. ${see}`;
    return { effect: 'unknown', stage, message };
  }
  if (hasChanged(r.status, runbook)) {
    const message = `cancellation requested for ${id} at stage ${stage}, after ${t.since}: ${t.after}. ${see}`;
    return { effect: 'stop-as-is', stage, message };
  }
  const message =
    `cancellation requested for ${id} at stage ${stage}, before ${t.before}: the run stops and nothing is changed. ` +
    `If the run gets there before the cancellation reaches it, ${t.after}. ${see}`;
  return { effect: 'stop-unchanged', stage, message };
}

/** Whether the run ended because of the cancellation: CANCELLED, or FAILED in a stage the cancellation stopped. */
export function endedByCancel(final: RunStatus): boolean {
  if (final.executionStatus === 'CANCELLED') return true;
  if (final.executionStatus !== 'FAILED') return false;
  const stopped = (final.status?.stages ?? []).some((st) => st.outcome === 'failed' && CANCELLATION.test(st.detail ?? ''));
  return stopped || CANCELLATION_REASON.test(final.status?.reason ?? final.failure ?? '');
}

/** The last stage the run went through. */
function lastStage(s: RunbookStatus | null, fallback: string | null): string {
  return s?.stages.filter((st) => st.outcome !== 'skipped').pop()?.name ?? fallback ?? '?';
}

/** What a run the cancellation ended left changed. */
function cancelledText(final: RunStatus, runbook: AdbRunbook): string {
  const s = final.status;
  const cancelled = `${final.workflowId} was cancelled at stage ${lastStage(s, final.stage)}`;
  if (!s) return `${cancelled}; what it changed is unknown: see orb status ${final.workflowId}`;
  if (!hasChanged(s, runbook)) return `${cancelled}: nothing was changed`;
  return `${cancelled}; nothing was undone: ${(s.reason ?? '').replace(CANCELLATION_REASON, '') || texts(runbook).after}`;
}

/**
 * How a cancelled ADB run ended: exit 0 when it ended because of the cancellation (saying what it left
 * changed, if anything) or compensated; 1 when it completed anyway or failed for another reason.
 */
export function adbCancelOutcome(final: RunStatus): CancelOutcome {
  const runbook = adbRunbookOf(final);
  const s = final.status;
  const id = final.workflowId;
  if (final.executionStatus === 'COMPLETED' || s?.state === 'completed') {
    const message = `${id} was NOT cancelled: it completed before the cancellation reached it${s?.reason ? `: ${s.reason}` : ''}`;
    return { cancelled: false, exitCode: EXIT.RUNBOOK_FAILED, message };
  }
  if (s?.state === 'compensated') {
    return { cancelled: true, exitCode: EXIT.OK, message: `${id} ended compensated: ${s.reason ?? 'nothing is left changed'}` };
  }
  if (endedByCancel(final)) return { cancelled: true, exitCode: EXIT.OK, message: cancelledText(final, runbook) };
  const why = s?.reason ?? final.failure;
  return {
    cancelled: false,
    exitCode: EXIT.RUNBOOK_FAILED,
    message: `${id} did not end cancelled: workflow ${final.executionStatus}${s ? `, runbook ${s.state}` : ''}${why ? `: ${why}` : ''}`,
  };
}
