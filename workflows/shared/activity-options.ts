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

/**
 * The cloud steps (OCI, Oracle Integration, the wallet's consumers) heartbeat while they run
 * (activities/heartbeat.ts aliveWhileRunning): a worker that dies mid-step is noticed within this
 * and the step retried by another worker, instead of after its start-to-close timeout (minutes).
 * Every such step is idempotent (it reads before it changes, OCI calls carry an opc-retry-token).
 */
const ALIVE = '15s';

/**
 * srvctl over SSH and the RAC session watches (they heartbeat while they run: activities/index.ts): as long
 * as the drain may take plus a margin; a worker killed mid-drain or mid-instance-stop is noticed within the
 * heartbeat timeout and another worker retries the step (the activities read or treat "already so" as done).
 */
export function srvctlSteps(drainTimeoutMs = 0): ActivityOptions {
  return { startToCloseTimeout: drainTimeoutMs + 15 * 60_000, heartbeatTimeout: ALIVE, retry, cancellationType };
}

/** Calls to OCI and Oracle Integration: short, retried with backoff on transient errors (common/oci-errors.ts). */
export const cloudSteps: ActivityOptions = { startToCloseTimeout: '5m', heartbeatTimeout: ALIVE, retry, cancellationType };

/**
 * Following a role change's work request: as long as OCI takes, with heartbeats carrying its
 * percentComplete; a worker that dies is noticed within the heartbeat timeout and another one
 * keeps following the same work request (nothing is asked of OCI twice).
 */
export const workRequestSteps: ActivityOptions = { startToCloseTimeout: '6h', heartbeatTimeout: ALIVE, retry, cancellationType };

/** Reading the roles after a role change: retried for about five minutes while OCI settles. */
export const settleSteps: ActivityOptions = {
  startToCloseTimeout: '1m',
  heartbeatTimeout: ALIVE,
  retry: { initialInterval: '2s', backoffCoefficient: 1.5, maximumInterval: '15s', maximumAttempts: 30 },
  cancellationType,
};

/** A consumer's test: a few tries (a connection may take a moment to see its new wallet), then it is reported failed. */
/** Whether a consumer already works with the current primary: one attempt, a failure only means "update it". */
export const consumerCheckSteps: ActivityOptions = { startToCloseTimeout: '2m', heartbeatTimeout: ALIVE, retry: { maximumAttempts: 1 }, cancellationType };

export const consumerTestSteps: ActivityOptions = {
  startToCloseTimeout: '2m',
  heartbeatTimeout: ALIVE,
  retry: { initialInterval: '2s', backoffCoefficient: 2, maximumInterval: '20s', maximumAttempts: 4 },
  cancellationType,
};

/**
 * Steps that need a wallet's bytes or a saved configuration run on the task queue of the worker
 * host that holds them. If that host is gone they cannot start: the schedule-to-start timeout
 * says so within five minutes instead of waiting forever.
 */
export function walletHostSteps(queue: string): ActivityOptions {
  return { taskQueue: queue, scheduleToStartTimeout: '5m', startToCloseTimeout: '5m', heartbeatTimeout: ALIVE, retry, cancellationType };
}
