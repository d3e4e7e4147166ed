import { Context } from '@temporalio/activity';

/**
 * Runs a long database call (STOP_SERVICE with a drain timeout, DISCONNECT_SESSION, OPEN)
 * while heartbeating, so a worker that dies is noticed within the heartbeat timeout and the
 * call is not timed out and retried while the first one is still running.
 */
export async function whileHeartbeating<T>(note: string, fn: () => Promise<T>, everyMs = 5000, ctx = Context.current()): Promise<T> {
  ctx.heartbeat({ detail: note });
  const timer = setInterval(() => ctx.heartbeat({ detail: note }), everyMs);
  try {
    return await fn();
  } finally {
    clearInterval(timer);
  }
}

/** How often a running cloud step says it is alive (the SDK throttles to 80 % of the heartbeat timeout). */
export const ALIVE_EVERY_MS = 3000;

/**
 * Wraps activities so each heartbeats while it runs: with a heartbeat timeout in its options
 * (workflows/shared/activity-options.ts), a worker that dies (SIGKILL, a lost host) is noticed
 * within that timeout and the step is retried on another worker, instead of after its whole
 * start-to-close timeout. Activities named in `own` heartbeat themselves (with progress details
 * this would overwrite) and are left as they are. Outside an activity (a plain call) nothing is sent.
 */
export function aliveWhileRunning<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T, own: (keyof T)[] = []): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    if (own.includes(name)) {
      wrapped[name] = fn;
      continue;
    }
    wrapped[name] = async (...args: never[]) => {
      let ctx: Context | null = null;
      try {
        ctx = Context.current();
      } catch {
        return fn(...args);
      }
      return whileHeartbeating(name, () => fn(...args), ALIVE_EVERY_MS, ctx);
    };
  }
  return wrapped as T;
}
