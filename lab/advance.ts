/**
 * Lazy time: brings the estate from its last accounted moment to `nowMs`.
 *  - relocation copies progress at their rate; a copy armed with an `at` fault aborts at that
 *    fraction, leaving the target PDB UNUSABLE (MOUNTED);
 *  - ordinary sessions of stopped services leave at their drawn time (exponential curve);
 *  - drain deadlines apply the stop option to who is still there (IMMEDIATE: everyone,
 *    TRANSACTIONAL: ordinary sessions, NONE: nobody).
 */
import { findCdb, findPdb, removeSessions, sameName, type SimContext } from './estate';
import type { LabCopy, LabState } from './model';

const ORA_MESSAGES: Record<string, string> = {
  'ORA-03113': 'end-of-file on communication channel',
  'ORA-03114': 'not connected to ORACLE',
  'ORA-03135': 'connection lost contact',
  'ORA-00028': 'your session has been killed',
  'ORA-01092': 'ORACLE instance terminated. Disconnection forced',
  'ORA-12514': 'TNS:listener does not currently know of service requested in connect descriptor',
  'ORA-12541': 'TNS:no listener',
  'ORA-00054': 'resource busy and acquire with NOWAIT specified or timeout expired',
  'ORA-19504': 'failed to create file',
  'ORA-27072': 'File I/O error',
  'ORA-17628': 'Oracle error returned by remote Oracle server',
  'ORA-01031': 'insufficient privileges',
  'ORA-00600': 'internal error code, arguments: [lab]',
};

export function oraMessage(code: string, detail?: string): string {
  const text = ORA_MESSAGES[code] ?? 'simulated error';
  return `${code}: ${text}${detail ? ` (${detail})` : ''}`;
}

export function advanceState(ctx: SimContext): void {
  const { state, nowMs } = ctx;
  for (const copy of state.copies) if (copy.state === 'running') advanceCopy(state, copy, nowMs);

  // Drain deadlines, then sessions whose leave time has come.
  const due = state.drains.filter((d) => d.deadlineMs <= nowMs);
  if (due.length) {
    state.drains = state.drains.filter((d) => d.deadlineMs > nowMs);
    for (const d of due) {
      const cdb = findCdb(state, d.cdb);
      const svc = cdb && findPdb(cdb, d.pdb)?.services.find((s) => sameName(s.name, d.service));
      if (svc && svc.runningOn.includes(d.instance)) continue; // restarted meanwhile
      if (d.stopOption === 'IMMEDIATE') removeSessions(state, { cdb: d.cdb, pdb: d.pdb, service: d.service, instance: d.instance });
      else if (d.stopOption === 'TRANSACTIONAL') removeSessions(state, { cdb: d.cdb, pdb: d.pdb, service: d.service, instance: d.instance, onlyOrdinary: true });
    }
  }
  if (state.sessions.some((s) => s.leavesAtMs !== null && s.leavesAtMs <= nowMs)) {
    state.sessions = state.sessions.filter((s) => s.leavesAtMs === null || s.leavesAtMs > nowMs);
  }
  state.simNowMs = Math.max(state.simNowMs, nowMs);
}

function advanceCopy(state: LabState, copy: LabCopy, nowMs: number): void {
  if (nowMs <= copy.accountedToMs) return;
  const stopAtBytes = copy.abortAt ? Math.floor(copy.abortAt.fraction * copy.totalBytes) : copy.totalBytes;
  const reachable = copy.copiedBytes + ((nowMs - copy.accountedToMs) / 1000) * copy.rateBytesPerSec;
  if (reachable < stopAtBytes) {
    copy.copiedBytes = Math.floor(reachable);
    copy.accountedToMs = nowMs;
    return;
  }
  // The copy reaches its end (or its abort point) somewhere in (accountedToMs, nowMs].
  const endMs = copy.accountedToMs + Math.ceil(((stopAtBytes - copy.copiedBytes) / copy.rateBytesPerSec) * 1000);
  copy.copiedBytes = stopAtBytes;
  copy.accountedToMs = endMs;
  const target = findCdb(state, copy.cdb) && findPdb(findCdb(state, copy.cdb)!, copy.pdb);
  const entry = state.oplog.find((e) => e.seq === copy.oplogSeq);
  if (copy.abortAt) {
    copy.state = 'aborted';
    copy.error = { code: copy.abortAt.ora, message: oraMessage(copy.abortAt.ora, `copy of ${copy.pdb} aborted at ${Math.round(copy.abortAt.fraction * 100)}%`) };
    if (target) {
      target.status = 'UNUSABLE';
      target.openMode = 'MOUNTED';
    }
    if (entry) {
      entry.outcome = 'error';
      entry.error = copy.error;
      entry.faultId = copy.abortAt.faultId;
      entry.endedAt = new Date(endMs).toISOString();
    }
  } else {
    copy.state = 'done';
    if (entry) {
      entry.outcome = 'ok';
      entry.endedAt = new Date(endMs).toISOString();
    }
  }
}

/** Simulated ms at which a running copy ends (or aborts), if nothing changes. */
export function copyEndMs(copy: LabCopy): number {
  const stopAtBytes = copy.abortAt ? Math.floor(copy.abortAt.fraction * copy.totalBytes) : copy.totalBytes;
  return copy.accountedToMs + Math.ceil(((stopAtBytes - copy.copiedBytes) / copy.rateBytesPerSec) * 1000);
}
