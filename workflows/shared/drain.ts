/**
 * Draining sessions off services, written once for every runbook that drains (the relocation's cutover, the
 * rolling maintenance of a RAC instance): stop the services without force and with the drain timeout, watch the
 * sessions leave (one heartbeating activity: activities/session-watch.ts), and when some are still there at the
 * timeout apply the policy: abort, ask an operator, or disconnect them after their transaction and watch again.
 * How the services are stopped and sessions disconnected (DBMS_SERVICE, srvctl) is the caller's.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { SessionsLeft } from '../../activities/session-watch';
import type { RunbookJournal } from './runbook-journal';

export interface DrainSteps {
  /** What is drained, for messages: e.g. "SALES_RW, SALES_RO" */
  what: string;
  /** Stops the services without force, letting sessions drain for `drainTimeoutSeconds` */
  stop(drainTimeoutSeconds: number): Promise<unknown>;
  /** Watches the sessions leave until none is left or `deadlineMs` (workflow clock) passes */
  awaitGone(deadlineMs: number): Promise<SessionsLeft>;
  /** Disconnects the sessions still there after their current transaction (POST_TRANSACTION) */
  disconnect(): Promise<unknown>;
  /**
   * How `disconnect` does it, for the gate's question, the notes and the errors: e.g. "DBMS_SERVICE.DISCONNECT_SESSION
   * POST_TRANSACTION", "ALTER SYSTEM DISCONNECT SESSION ... POST_TRANSACTION on every instance"
   */
  disconnectHow: string;
}

export interface DrainPolicy {
  timeoutMs: number;
  onTimeout: 'abort' | 'ask' | 'disconnect';
}

export interface Drained {
  /** Sessions still there at the timeout and disconnected, and who approved it (policy "ask") */
  disconnected: { sessions: number; approvedBy?: string } | null;
}

/** A watch's result, its samples kept in the run's session series. */
async function watched(journal: RunbookJournal, watch: Promise<SessionsLeft>): Promise<SessionsLeft> {
  const left = await watch;
  if (left.samples?.length) journal.sessions(left.samples);
  return left;
}

const listLeft = (l: SessionsLeft) => Object.entries(l.perService).filter(([, n]) => n > 0).map(([s, n]) => `${s} (${n})`).join(', ');

/**
 * Drains `steps` under `policy`. `ask` opens the operator's gate and returns its approvers (a rejection
 * ends the run there, as the caller's gates do). Throws DrainTimeout when the policy is abort, or when
 * sessions remain even after the disconnect.
 */
export async function drainSessions(
  journal: RunbookJournal,
  steps: DrainSteps,
  policy: DrainPolicy,
  ask: (question: string) => Promise<string[]>,
): Promise<Drained> {
  // The drain timeout counts from the stop, and the watch starts with it: stopping may itself wait for the
  // sessions (srvctl stop service -drain_timeout, STOP_SERVICE), and what they do meanwhile is the picture.
  const deadline = Date.now() + policy.timeoutMs;
  const stopped = steps.stop(Math.ceil(policy.timeoutMs / 1000));
  const watch = watched(journal, steps.awaitGone(deadline));
  watch.catch(() => undefined); // awaited below; a failed stop must not leave it unhandled
  await stopped;
  const left = await watch;
  if (left.total === 0) return { disconnected: null };

  const what = `${left.total} session(s) still on ${listLeft(left)} after the drain timeout`;
  if (policy.onTimeout === 'abort') throw ApplicationFailure.nonRetryable(`${what}; the runbook was told to abort`, 'DrainTimeout');
  let approvedBy: string | undefined;
  if (policy.onTimeout === 'ask') {
    const question = `${what}. Approve to disconnect them after their current transaction (${steps.disconnectHow}); reject to abort and restore.`;
    approvedBy = (await ask(question)).join(', ');
  }
  const by = approvedBy ? `, approved by ${approvedBy}` : '';
  journal.note(`drain timeout: disconnecting ${left.total} session(s) (${listLeft(left)}) after their current transaction (${steps.disconnectHow})${by}`);
  await steps.disconnect();
  const after = await watched(journal, steps.awaitGone(Date.now() + policy.timeoutMs));
  if (after.total > 0) {
    throw ApplicationFailure.nonRetryable(`sessions remained on ${listLeft(after)} even after ${steps.disconnectHow}`, 'DrainTimeout');
  }
  return { disconnected: { sessions: left.total, ...(approvedBy ? { approvedBy } : {}) } };
}
