import { ActivityCancellationType, type ActivityOptions, type RetryPolicy } from '@temporalio/workflow';

/**
 * Retry policies, written once for every runbook. Transient Oracle errors (connection lost,
 * service not registered, listener down) are retried with backoff; permanent ones arrive as
 * non-retryable ApplicationFailures (common/oracle-errors.ts) and end the step at once.
 */
const retry: RetryPolicy = { initialInterval: '1s', backoffCoefficient: 2, maximumInterval: '30s', maximumAttempts: 20 };

/**
 * A cancelled run waits for a running database step to acknowledge the cancellation (or to
 * finish) before it compensates, so compensation never races the statement it undoes.
 */
const cancellationType = ActivityCancellationType.WAIT_CANCELLATION_COMPLETED;

/** Ordinary database steps: short statements and reads. */
export const dbSteps: ActivityOptions = { startToCloseTimeout: '10m', retry, cancellationType };

/**
 * The copy: as long as the data takes, with heartbeats carrying progress; a worker that dies
 * is noticed within the heartbeat timeout and another worker joins the copy already running.
 */
export const copySteps: ActivityOptions = { startToCloseTimeout: '48h', heartbeatTimeout: '15s', retry, cancellationType };

/** Compensation: retried until it succeeds or fails permanently, so it survives its own transient failures. */
export const undoSteps: ActivityOptions = {
  startToCloseTimeout: '2h',
  heartbeatTimeout: '2m',
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '1m' },
};

/** Best-effort reads for the status (copy progress): one quick retry, never holding the runbook up. */
export const progressSteps: ActivityOptions = { startToCloseTimeout: '30s', retry: { maximumAttempts: 2, initialInterval: '1s' } };

/**
 * Statements that wait on sessions (STOP_SERVICE with a drain timeout, DISCONNECT_SESSION,
 * the first OPEN that drains the source): as long as the drain may take plus a margin, with
 * heartbeats so a dead worker is noticed and the call is never retried while it still runs.
 */
export function longSteps(drainTimeoutMs: number): ActivityOptions {
  return { startToCloseTimeout: drainTimeoutMs + 15 * 60_000, heartbeatTimeout: '60s', retry, cancellationType };
}
