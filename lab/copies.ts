/**
 * Relocation copies as Oracle runs and shows them (activities/oracle/copy-progress.ts says what
 * orb reads and why): the CREATE's session, a few parallel execution servers copying one datafile
 * each at a time, and the GV$SESSION / GV$PX_SESSION / GV$SESSION_LONGOPS rows that come of it:
 * one 'kpdbfCopyTaskCbk' row per datafile task on the copier's SID, UNITS Blocks, TARGET and
 * MESSAGE naming the datafile, rows staying after their file (and the whole copy) is done.
 * The lab answers getCopyProgress by reading these rows with the same code as the adapter.
 * UNVERIFIED details of the rows (see copy-progress.ts): the copiers' own GV$SESSION rows show
 * the CREATE's command (the harder case for orb, so the lab shows it), QCSID is set on the
 * longops rows, TARGET holds the path (cut to VARCHAR2(64)) and MESSAGE
 * "kpdbfCopyTaskCbk: <path> <file#>: <sofar> out of <totalwork> Blocks done".
 */
import {
  copiesFromViews,
  COPY_OPNAME,
  CREATE_PDB_COMMAND,
  type CopyViews,
  type LongopsRow,
  type PxRow,
  type SessionRow,
} from '../activities/oracle/copy-progress';
import type { CopyProgress } from '../activities/oracle/port';
import { datafilePath } from './datafiles';
import { sameName } from './estate';
import type { LabCdb, LabCopy, LabCopyTask, LabDatafile, LabLongop, LabSessionRef, LabState } from './model';

/** Longops rows of ended copies kept (Oracle's buffer is circular too). */
export const LONGOPS_KEPT = 500;
/** MODULE a CREATE issued by hand shows (SQL*Plus). */
export const BY_HAND_MODULE = 'sqlplus@dbhost (TNS V1-V3)';

const skey = (s: LabSessionRef) => `${s.instId}/${s.sid}/${s.serial}`;
/** V$ DATE columns have whole seconds. */
const wholeSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

/** `n` parallel execution servers of the instance not busy with another copy, starting new ones as needed. */
export function takeCopiers(state: LabState, cdb: LabCdb, instId: number, n: number): LabSessionRef[] {
  const busy = new Set(state.copies.filter((c) => c.state === 'running').flatMap((c) => c.copiers.map(skey)));
  const mine = () => state.pxServers.filter((p) => sameName(p.cdb, cdb.name) && p.instId === instId);
  while (mine().filter((p) => !busy.has(skey(p))).length < n) {
    const sid = state.nextSid++;
    const name = `P${String(mine().length).padStart(3, '0')}`;
    state.pxServers.push({ cdb: cdb.name, instId, name, sid, serial: 1 + ((sid * 7919) % 65_000) });
  }
  return mine()
    .filter((p) => !busy.has(skey(p)))
    .slice(0, n)
    .map(({ instId: i, sid, serial }) => ({ instId: i, sid, serial }));
}

/** The copy's schedule: files in FILE# order, each to the copier that is free first, `perCopier` bytes a second each. */
export function planTasks(
  cdb: string,
  guid: string,
  files: LabDatafile[],
  blockSize: number,
  copiers: number,
  perCopier: number,
): LabCopyTask[] {
  const freeAt = Array.from({ length: copiers }, () => 0);
  return [...files]
    .sort((a, b) => a.fileNo - b.fileNo)
    .map((f) => {
      const copier = freeAt.indexOf(Math.min(...freeAt));
      const startSec = freeAt[copier]!;
      const endSec = startSec + f.bytes / perCopier;
      freeAt[copier] = endSec;
      const blocks = Math.ceil(f.bytes / blockSize);
      return { fileNo: f.fileNo, path: datafilePath(cdb, guid, f), blocks, copier, startSec, endSec };
    });
}

function blocksAt(t: LabCopyTask, sec: number): number {
  if (sec <= t.startSec) return 0;
  if (sec >= t.endSec) return t.blocks;
  return Math.floor((t.blocks * (sec - t.startSec)) / (t.endSec - t.startSec));
}

/** The longops rows of a copy that has run `sec` simulated seconds: one per task started so far. */
function rowsOf(copy: LabCopy, sec: number): LabLongop[] {
  return copy.tasks
    .filter((t) => t.startSec <= sec)
    .map((t) => {
      const copier = copy.copiers[t.copier]!;
      const sofar = blocksAt(t, sec);
      const upTo = Math.min(sec, t.endSec);
      return {
        cdb: copy.cdb,
        ...copier,
        qcSid: copy.session.sid,
        startTimeMs: wholeSecond(copy.startedAtMs + t.startSec * 1000),
        lastUpdateMs: wholeSecond(copy.startedAtMs + upTo * 1000),
        target: t.path.slice(0, 64),
        message: `${COPY_OPNAME}: ${t.path} ${t.fileNo}: ${sofar} out of ${t.blocks} Blocks done`,
        sofar,
        totalwork: t.blocks,
        elapsedSeconds: Math.floor(upTo - t.startSec),
        timeRemaining: sofar < t.blocks ? Math.ceil(t.endSec - sec) : 0,
      };
    });
}

/** A copy has ended: its rows stay in the longops view, frozen where they were. */
export function keepLongops(state: LabState, copy: LabCopy): void {
  state.longops.push(...rowsOf(copy, copy.progressSec));
  if (state.longops.length > LONGOPS_KEPT) state.longops.splice(0, state.longops.length - LONGOPS_KEPT);
}

function sessionRows(copy: LabCopy, nowMs: number): SessionRow[] {
  const s = copy.session;
  const common = {
    status: 'ACTIVE',
    command: CREATE_PDB_COMMAND,
    sqlText: s.sqlText,
    sqlExecStartMs: wholeSecond(copy.startedAtMs),
    lastCallEt: Math.floor((nowMs - copy.startedAtMs) / 1000),
  };
  return [
    { instId: s.instId, sid: s.sid, serial: s.serial, module: s.module, action: s.action, clientInfo: s.clientInfo, ...common },
    ...copy.copiers.map((c) => ({ ...c, module: null, action: null, clientInfo: null, ...common })),
  ];
}

function pxRows(copy: LabCopy): PxRow[] {
  const s = copy.session;
  return [
    { instId: s.instId, sid: s.sid, serial: s.serial, qcInstId: s.instId, qcSid: s.sid, qcSerial: null },
    ...copy.copiers.map((c) => ({ ...c, qcInstId: s.instId, qcSid: s.sid, qcSerial: s.serial })),
  ];
}

function longopsRow(r: LabLongop): LongopsRow {
  const { instId, sid, serial, qcSid, startTimeMs, target, message, sofar, totalwork, elapsedSeconds, timeRemaining } = r;
  return { instId, sid, serial, qcSid, startTimeMs, target, message, sofar, totalwork, units: 'Blocks', elapsedSeconds, timeRemaining };
}

/** What GV$SESSION (CREATE sessions and copiers), GV$PX_SESSION and GV$SESSION_LONGOPS show in `cdb` now. */
export function copyViews(state: LabState, cdb: LabCdb, nowMs: number): CopyViews {
  const running = state.copies.filter((c) => c.state === 'running' && sameName(c.cdb, cdb.name));
  const ended = state.longops.filter((r) => sameName(r.cdb, cdb.name));
  return {
    sessions: running.flatMap((c) => sessionRows(c, nowMs)),
    px: running.flatMap(pxRows),
    longops: [...ended, ...running.flatMap((c) => rowsOf(c, c.progressSec))].map(longopsRow),
    blockSize: cdb.blockSize,
  };
}

/** getCopyProgress: the views above, read the way orb reads a real CDB's. */
export function copyProgress(state: LabState, cdb: LabCdb, nowMs: number): CopyProgress[] {
  return copiesFromViews(copyViews(state, cdb, nowMs));
}
