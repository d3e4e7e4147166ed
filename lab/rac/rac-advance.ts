/**
 * The RAC part of lazy time (lab/advance.ts): the timed events of clusters (instance stops and
 * starts ending, pool rebalancing steps), and what follows every change of a cluster database's
 * sessions or services: pools replace the connections they lost, schedule rebalancing, outages
 * are tracked and the sessions-per-instance series gets its point.
 */
import type { SimContext } from '../estate';
import type { LabState } from '../model';
import { clusterCdbs } from './cluster';
import { endInstanceTransition } from './instance-actions';
import { planRebalance, rebalanceStep, topUpPools } from './pools';
import { trackOutages } from './rac-invariants';
import { recordSeries } from './series';

/** The earliest pending RAC event, or null. */
export function nextRacEventMs(state: LabState): number | null {
  let next: number | null = null;
  const take = (t: number | null) => {
    if (t !== null && (next === null || t < next)) next = t;
  };
  for (const cdb of clusterCdbs(state)) {
    for (const i of cdb.cluster.instances) take(i.changeAtMs);
    for (const p of cdb.cluster.pools) take(p.rebalanceAtMs);
  }
  return next;
}

/** Applies the RAC events due at `atMs`. */
export function racEventsAt(ctx: SimContext, atMs: number): void {
  for (const cdb of clusterCdbs(ctx.state)) {
    for (const i of cdb.cluster.instances) if (i.changeAtMs !== null && i.changeAtMs <= atMs) endInstanceTransition(ctx, cdb, i, atMs);
    for (const p of cdb.cluster.pools) if (p.rebalanceAtMs !== null && p.rebalanceAtMs <= atMs) rebalanceStep(ctx, cdb, p, atMs);
  }
}

/** What follows any change at `atMs`: pools top up and plan rebalancing, outages and the series are recorded. */
export function settleRac(ctx: SimContext, atMs: number): void {
  for (const cdb of clusterCdbs(ctx.state)) {
    topUpPools(ctx, cdb, atMs);
    planRebalance(ctx, cdb, atMs);
    trackOutages(cdb, atMs);
    recordSeries(ctx.state, cdb, atMs);
  }
}
