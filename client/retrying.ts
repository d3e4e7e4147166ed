/**
 * Activities Temporal is retrying, read from DescribeWorkflowExecution's pendingActivities:
 * a run whose database cannot be reached stays in one stage for minutes, and these say why
 * (the attempt, when the next one is, the last error with its ORA/NJS code).
 */
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { optionalTsToDate } from '@temporalio/common/lib/time';

type PendingActivity = NonNullable<WorkflowExecutionDescription['raw']['pendingActivities']>[number];
type Failure = NonNullable<PendingActivity['lastFailure']>;

export interface ActivityError {
  /** The failure's message (the activity's own sentence: what it did, the code, what it means) */
  message: string;
  /** ORA-03113, NJS-511, ECONNREFUSED, ...: the failure's type when it is a code, else the first code in the message */
  code: string | null;
  /** The failure's type as the worker set it (an ApplicationFailure type, or e.g. "timeout: START_TO_CLOSE") */
  type: string | null;
}

export interface RetryingActivity {
  /** The activity type, e.g. preflightRelocation */
  activity: string;
  /** The runbook's stage while it retries (the run's current stage) */
  stage: string | null;
  /** The attempt under way or scheduled next (2 = the first retry) */
  attempt: number;
  /** null: no limit */
  maximumAttempts: number | null;
  /** waiting: for nextAttemptAt (backoff); running: an attempt is under way on a worker */
  state: 'waiting' | 'running' | 'cancel-requested' | 'paused' | 'unknown';
  /** When the next attempt starts (ISO), while waiting */
  nextAttemptAt: string | null;
  /** When the attempt under way started (ISO); Temporal clears it while the next attempt waits */
  lastStartedAt: string | null;
  /** When the last attempt ended (ISO) */
  lastAttemptEndedAt: string | null;
  lastHeartbeatAt: string | null;
  lastWorker: string | null;
  lastError: ActivityError | null;
}

const STATES: Record<number, RetryingActivity['state']> = { 1: 'waiting', 2: 'running', 3: 'cancel-requested', 4: 'paused', 5: 'paused' };
const CODE = /^(?:(?:ORA|NJS|DPI|TNS|LAB)-\d{3,5}|E[A-Z]{3,})$/;
const CODE_IN_TEXT = /\b(?:ORA|NJS|DPI|TNS)-\d{3,5}\b/;

function iso(ts: Parameters<typeof optionalTsToDate>[0]): string | null {
  return optionalTsToDate(ts)?.toISOString() ?? null;
}

/** The failure's type: an ApplicationFailure's type, or what kind of failure it is. */
function failureType(f: Failure): string | null {
  if (f.applicationFailureInfo) return f.applicationFailureInfo.type || null;
  if (f.timeoutFailureInfo) return `timeout${f.timeoutFailureInfo.timeoutType ? ` (${timeoutName(f.timeoutFailureInfo.timeoutType)})` : ''}`;
  if (f.canceledFailureInfo) return 'cancelled';
  if (f.serverFailureInfo) return 'server';
  return null;
}

function timeoutName(t: number): string {
  return ({ 1: 'start-to-close', 2: 'schedule-to-start', 3: 'schedule-to-close', 4: 'heartbeat' } as Record<number, string>)[t] ?? String(t);
}

export function activityError(f: Failure | null | undefined): ActivityError | null {
  if (!f) return null;
  const type = failureType(f);
  const message = f.message || (f.cause?.message ?? '') || type || 'no message';
  const inText = CODE_IN_TEXT.exec(message)?.[0] ?? null;
  return { message, code: type && CODE.test(type) ? type : inText, type };
}

/**
 * The pending activities that have failed at least once (attempt 2 or more, or a last
 * failure recorded), in the order Temporal lists them.
 */
export function retryingActivities(pending: readonly PendingActivity[] | null | undefined, stage: string | null): RetryingActivity[] {
  return (pending ?? [])
    .filter((a) => (a.attempt ?? 1) > 1 || a.lastFailure)
    .map((a) => ({
      activity: a.activityType?.name ?? 'unknown',
      stage,
      attempt: a.attempt ?? 1,
      maximumAttempts: a.maximumAttempts ? a.maximumAttempts : null,
      state: STATES[a.state ?? 0] ?? 'unknown',
      nextAttemptAt: iso(a.nextAttemptScheduleTime),
      lastStartedAt: iso(a.lastStartedTime),
      lastAttemptEndedAt: iso(a.lastAttemptCompleteTime),
      lastHeartbeatAt: iso(a.lastHeartbeatTime),
      lastWorker: a.lastWorkerIdentity || null,
      lastError: activityError(a.lastFailure),
    }));
}
