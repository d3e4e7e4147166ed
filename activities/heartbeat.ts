import { Context } from '@temporalio/activity';

/**
 * Runs a long database call (STOP_SERVICE with a drain timeout, DISCONNECT_SESSION, OPEN)
 * while heartbeating, so a worker that dies is noticed within the heartbeat timeout and the
 * call is not timed out and retried while the first one is still running.
 */
export async function whileHeartbeating<T>(note: string, fn: () => Promise<T>, everyMs = 5000): Promise<T> {
  const ctx = Context.current();
  ctx.heartbeat({ detail: note });
  const timer = setInterval(() => ctx.heartbeat({ detail: note }), everyMs);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}
