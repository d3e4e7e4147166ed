/**
 * Client connection pools as Active GridLink / UCP run them (reference, "Services and draining"):
 *  - a pool keeps `size` connections to its service, spread over the instances offering it
 *    (a new connection goes to the instance where the pool has fewest);
 *  - on a planned DOWN of the service on an instance (FAN, reason USER) its idle connections there
 *    close at once and its busy ones when the application returns them (a borrow lasts an
 *    exponential time: settings.sessionHalfLifeSec); the pool opens replacements where the service
 *    still runs;
 *  - on UP the pool rebalances onto the instance over time: one connection moved every
 *    rac.poolRebalanceStepSec until the instances differ by one connection at most.
 * Pool connections are LabSessions with `pool`: GV$SESSION counts them like any user session.
 */
import { exponentialDelayMs, isOpen, sameName, type SimContext } from '../estate';
import type { LabCdb, LabSession } from '../model';
import { findRacService, racSettings } from './cluster';
import type { LabCluster, LabPool } from './rac-model';

type ClusterCdb = LabCdb & { cluster: LabCluster };

function connections(ctx: SimContext, cdb: LabCdb, pool: LabPool): LabSession[] {
  return ctx.state.sessions.filter((s) => s.pool === pool.name && sameName(s.cdb, cdb.name));
}

/** Instances where the pool's service runs now (a new connection can go there). */
export function offering(cdb: ClusterCdb, pool: LabPool): string[] {
  const r = findRacService(cdb, pool.service);
  if (!r || !isOpen(r.pdb)) return [];
  return cdb.cluster.instances.filter((i) => i.state === 'running' && r.svc.runningOn.includes(i.name)).map((i) => i.name);
}

/** Connections per offering instance that are not on their way out. */
function load(ctx: SimContext, cdb: ClusterCdb, pool: LabPool, on: string[]): Map<string, LabSession[]> {
  const m = new Map<string, LabSession[]>(on.map((i) => [i, []]));
  for (const s of connections(ctx, cdb, pool)) if (s.leavesAtMs === null) m.get(s.instance)?.push(s);
  return m;
}

function leastLoaded(m: Map<string, LabSession[]>): string {
  return [...m.entries()].reduce((a, b) => (b[1].length < a[1].length ? b : a))[0];
}

function mostLoaded(m: Map<string, LabSession[]>): string {
  return [...m.entries()].reduce((a, b) => (b[1].length > a[1].length ? b : a))[0];
}

function connect(ctx: SimContext, cdb: LabCdb, pool: LabPool, instance: string, atMs: number): LabSession {
  const s: LabSession = {
    sid: ctx.state.nextSid++,
    cdb: cdb.name,
    pdb: pool.pdb,
    service: pool.service,
    instance,
    longRunning: false,
    connectedAtMs: atMs,
    leavesAtMs: null,
    pool: pool.name,
  };
  ctx.state.sessions.push(s);
  return s;
}

/** Opens connections until each pool has its size, where its service runs. */
export function topUpPools(ctx: SimContext, cdb: ClusterCdb, atMs: number): void {
  for (const pool of cdb.cluster.pools) {
    const on = offering(cdb, pool);
    if (on.length === 0) continue;
    const m = load(ctx, cdb, pool, on);
    let missing = pool.size - connections(ctx, cdb, pool).filter((s) => s.leavesAtMs === null).length;
    for (; missing > 0; missing--) {
      const inst = leastLoaded(m);
      m.get(inst)!.push(connect(ctx, cdb, pool, inst, atMs));
    }
  }
}

function imbalanced(m: Map<string, LabSession[]>): boolean {
  if (m.size < 2) return false;
  const n = [...m.values()].map((v) => v.length);
  return Math.max(...n) - Math.min(...n) > 1;
}

/** Schedules a rebalancing step for pools whose connections are unevenly spread; clears it for the others. */
export function planRebalance(ctx: SimContext, cdb: ClusterCdb, atMs: number): void {
  const step = racSettings(ctx.state).poolRebalanceStepSec * 1000;
  for (const pool of cdb.cluster.pools) {
    const uneven = imbalanced(load(ctx, cdb, pool, offering(cdb, pool)));
    if (!uneven) pool.rebalanceAtMs = null;
    else if (pool.rebalanceAtMs === null) pool.rebalanceAtMs = atMs + Math.max(1, Math.round(step));
  }
}

/** One rebalancing step (connection gravitation): an idle connection of the busiest instance moves to the emptiest. */
export function rebalanceStep(ctx: SimContext, cdb: ClusterCdb, pool: LabPool, atMs: number): void {
  pool.rebalanceAtMs = null;
  const m = load(ctx, cdb, pool, offering(cdb, pool));
  if (!imbalanced(m)) return;
  const from = m.get(mostLoaded(m))!;
  const moved = from[from.length - 1]!;
  ctx.state.sessions = ctx.state.sessions.filter((s) => s !== moved);
  connect(ctx, cdb, pool, leastLoaded(m), atMs);
}

/**
 * When a session of a service stopped on its instance (a planned DOWN, or DBMS_SERVICE.STOP_SERVICE)
 * leaves: a pool connection at once when idle, when returned when busy; an ordinary session along
 * the exponential curve; a long-running one never (null).
 */
export function drainLeaveMs(ctx: SimContext, s: LabSession, busyFraction: number | undefined, atMs: number): number | null {
  if (s.longRunning) return null;
  const halfLife = ctx.state.settings.sessionHalfLifeSec;
  if (s.pool !== undefined && ctx.random() >= (busyFraction ?? 0)) return atMs;
  return atMs + Math.max(1, exponentialDelayMs(ctx.random, halfLife));
}

/** The pool a session belongs to, if any. */
export function poolOf(cdb: LabCdb, s: LabSession): LabPool | undefined {
  return s.pool === undefined ? undefined : cdb.cluster?.pools.find((p) => p.name === s.pool);
}
