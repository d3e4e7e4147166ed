/**
 * Lazy time: brings the estate from its last accounted moment to `nowMs`.
 *  - relocation copies progress along their schedule (lab/copies.ts); one that completes leaves
 *    the target PDB RELOCATING (MOUNTED), one armed with an `at` fault aborts at that fraction of
 *    its duration, leaving it UNUSABLE (MOUNTED);
 *  - ordinary sessions of stopped services leave at their drawn time (exponential curve);
 *  - drain deadlines apply the stop option to who is still there (IMMEDIATE: everyone,
 *    TRANSACTIONAL: ordinary sessions, NONE: nobody);
 *  - RAC clusters: instance stops / starts end, pools rebalance and replace connections (lab/rac/*).
 */
import { findCdb, findPdb, removeSessions, sameName, type SimContext } from './estate';
import { keepLongops } from './copies';
import type { LabCopy, LabState } from './model';
import { oraMessage, wrappedMessage } from './ora-messages';
import { advanceCloud } from './oci/role-change';
import { nextRacEventMs, racEventsAt, settleRac } from './rac/rac-advance';

export { oraMessage } from './ora-messages';

export function advanceState(ctx: SimContext): void {
  const { state, nowMs } = ctx;
  for (const copy of state.copies) if (copy.state === 'running') advanceCopy(state, copy, nowMs);
  advanceSessions(ctx);
  advanceCloud(ctx);
  state.simNowMs = Math.max(state.simNowMs, nowMs);
}

/**
 * Sessions and clusters, event by event in simulated-time order (drain deadlines, sessions leaving,
 * RAC instance stops / starts ending, pool rebalancing), so that what follows each change (a pool
 * replacing a connection, the sessions-per-instance series) happens at the change's own time.
 */
function advanceSessions(ctx: SimContext): void {
  for (let guard = 0; guard < 1_000_000; guard++) {
    const t = nextEventMs(ctx.state);
    if (t === null || t > ctx.nowMs) break;
    const at: SimContext = { ...ctx, nowMs: t };
    applyDrainDeadlines(ctx.state, t);
    if (ctx.state.sessions.some((s) => s.leavesAtMs !== null && s.leavesAtMs <= t)) {
      ctx.state.sessions = ctx.state.sessions.filter((s) => s.leavesAtMs === null || s.leavesAtMs > t);
    }
    racEventsAt(at, t);
    settleRac(at, t);
  }
  settleRac(ctx, ctx.nowMs);
}

function nextEventMs(state: LabState): number | null {
  let next = nextRacEventMs(state);
  const take = (t: number | null) => {
    if (t !== null && (next === null || t < next)) next = t;
  };
  for (const d of state.drains) take(d.deadlineMs);
  for (const s of state.sessions) take(s.leavesAtMs);
  return next;
}

/** Drain deadlines due by `atMs` apply the stop option to who is still there (unless the service was restarted there). */
function applyDrainDeadlines(state: LabState, atMs: number): void {
  const due = state.drains.filter((d) => d.deadlineMs <= atMs);
  if (due.length === 0) return;
  state.drains = state.drains.filter((d) => d.deadlineMs > atMs);
  for (const d of due) {
    const cdb = findCdb(state, d.cdb);
    const svc = cdb && findPdb(cdb, d.pdb)?.services.find((s) => sameName(s.name, d.service));
    if (svc && svc.runningOn.includes(d.instance)) continue; // restarted meanwhile
    if (d.stopOption === 'IMMEDIATE') removeSessions(state, { cdb: d.cdb, pdb: d.pdb, service: d.service, instance: d.instance });
    else if (d.stopOption === 'TRANSACTIONAL') removeSessions(state, { cdb: d.cdb, pdb: d.pdb, service: d.service, instance: d.instance, onlyOrdinary: true });
  }
}

/** Simulated seconds after its start at which a copy ends, or aborts (an `at` fault). */
function stopSec(copy: LabCopy): number {
  return copy.abortAt ? copy.abortAt.fraction * copy.durationSec : copy.durationSec;
}

function advanceCopy(state: LabState, copy: LabCopy, nowMs: number): void {
  if (nowMs <= copy.accountedToMs && copy.progressSec < stopSec(copy)) return;
  const reachable = copy.progressSec + Math.max(0, nowMs - copy.accountedToMs) / 1000;
  if (reachable < stopSec(copy)) {
    copy.progressSec = reachable;
    copy.accountedToMs = nowMs;
    return;
  }
  // The copy reaches its end (or its abort point) somewhere in (accountedToMs, nowMs].
  const endMs = Math.max(copy.accountedToMs, copyEndMs(copy));
  copy.progressSec = stopSec(copy);
  copy.accountedToMs = endMs;
  endCopy(state, copy, endMs);
}

/**
 * The CREATE ends: its rows stay in the longops view; the new PDB is RELOCATING (MOUNTED) when
 * the copy completed, UNUSABLE when it was aborted (it can then only be dropped).
 */
function endCopy(state: LabState, copy: LabCopy, endMs: number): void {
  const cdb = findCdb(state, copy.cdb);
  const target = cdb && findPdb(cdb, copy.pdb);
  const entry = state.oplog.find((e) => e.seq === copy.oplogSeq);
  keepLongops(state, copy);
  const a = copy.abortAt;
  copy.state = a ? 'aborted' : 'done';
  if (a) {
    const detail = `copy of ${copy.pdb} aborted at ${Math.round(a.fraction * 100)}%`;
    copy.error = { code: a.ora, message: a.nested ? wrappedMessage(a.ora, a.nested, detail) : oraMessage(a.ora, detail) };
  }
  if (target) {
    target.status = a ? 'UNUSABLE' : 'RELOCATING';
    target.openMode = 'MOUNTED';
  }
  if (entry) {
    entry.outcome = a ? 'error' : 'ok';
    if (a) {
      entry.error = copy.error!;
      entry.faultId = a.faultId;
    }
    entry.endedAt = new Date(endMs).toISOString();
  }
}

/** Simulated ms at which a running copy ends (or aborts), if nothing changes. */
export function copyEndMs(copy: LabCopy): number {
  return copy.accountedToMs + Math.ceil((stopSec(copy) - copy.progressSec) * 1000);
}
