/**
 * Watching user sessions leave a set of services (GV$SESSION): the count, and a watch that runs inside one
 * activity, reading every second at most and heartbeating what is left (`{ sessionsLeft, services, perInstance }`,
 * shown by `orb status`), so a drain sees its last session leave within a second without a history event per read.
 */
import { Context } from '@temporalio/activity';
import type { CdbPort } from './oracle/port';
import { oracleStep } from './oracle-step';
import { sessionsLeft } from './call-metrics';

export interface SessionsLeft {
  total: number;
  perService: Record<string, number>;
  /** Per instance (INST_ID's instance name), all services together */
  perInstance: Record<string, number>;
  /** What the watch saw: [epoch ms, per instance], at most SAMPLES_MAX (awaitSessionsGone only) */
  samples?: [number, Record<string, number>][];
}

/** Samples a watch returns at most: evenly thinned, the first and the last kept. */
export const SAMPLES_MAX = 60;

function thinned<T>(all: T[], max: number): T[] {
  if (all.length <= max) return all;
  const step = (all.length - 1) / (max - 1);
  return Array.from({ length: max }, (_, i) => all[Math.round(i * step)]!);
}

/**
 * The sessions still on the services: `total` and `perService` on one instance when `instance` is given
 * (what a drain of that instance waits for), `perInstance` always on every instance (what the run's chart shows).
 */
export async function countSessionsLeft(port: CdbPort, p: { services: string[]; instance?: string }): Promise<SessionsLeft> {
  const perService: Record<string, number> = {};
  const perInstance: Record<string, number> = {};
  const here = (instance: string) => p.instance === undefined || instance.toUpperCase() === p.instance.toUpperCase();
  for (const svc of p.services) {
    const counts = await oracleStep(`counting sessions on ${svc}`, () => port.countSessions(svc));
    perService[svc] = counts.filter((c) => here(c.instance)).reduce((n, c) => n + c.count, 0);
    for (const c of counts) perInstance[c.instance] = (perInstance[c.instance] ?? 0) + c.count;
  }
  return { total: Object.values(perService).reduce((a, b) => a + b, 0), perService, perInstance };
}

/** Reads `count` until nothing is left or `deadlineMs` passes; heartbeats every read. */
export function watchSessions(
  count: () => Promise<SessionsLeft>,
  services: string[],
  deadlineMs: number,
  pollMs: number,
  ctx = Context.current(),
): Promise<SessionsLeft> {
  const beat = (l: SessionsLeft) => {
    sessionsLeft(l.total); // orb_drain_sessions_left
    return { sessionsLeft: l.total, services, perInstance: l.perInstance };
  };
  return watchUntil(count, { deadlineMs, pollMs, done: (l) => l.total === 0, beat }, ctx);
}

/**
 * Reads `count` every `pollMs` (at most 1 s) until `done` or the deadline, heartbeating `beat` of each read;
 * returns the last read with what the watch saw (thinned samples).
 */
export async function watchUntil(
  count: () => Promise<SessionsLeft>,
  w: { deadlineMs: number; pollMs: number; done: (l: SessionsLeft) => boolean; beat: (l: SessionsLeft) => unknown },
  ctx = Context.current(),
): Promise<SessionsLeft> {
  const every = Math.max(50, Math.min(w.pollMs, 1000));
  const samples: [number, Record<string, number>][] = [];
  for (;;) {
    const left = await count();
    samples.push([Date.now(), left.perInstance]);
    ctx.heartbeat(w.beat(left));
    if (w.done(left) || Date.now() >= w.deadlineMs) return { ...left, samples: thinned(samples, SAMPLES_MAX) };
    await ctx.sleep(Math.min(every, Math.max(0, w.deadlineMs - Date.now())));
  }
}
