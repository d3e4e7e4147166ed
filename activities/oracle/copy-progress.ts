/**
 * Which CREATE PLUGGABLE DATABASE statements are under way in a CDB, who started them, and how
 * far their datafile copy is: one reading of the dynamic views, shared by the node-oracledb
 * adapter (oracledb-cdb.ts, from real GV$ rows) and the lab (lab/copy-views.ts, from rows it
 * produces the way Oracle does), so the lab exercises the very rules orb applies to a database.
 *
 * What Oracle shows while a CREATE ... RELOCATE runs (shared/reference/oracle-ops.md, "What a
 * real database does"; a practitioner's trace of a 16 TB remote clone, anjo.pt 2026-01):
 *  - the session that issued the CREATE is ACTIVE in GV$SESSION, its COMMAND the CREATE
 *    PLUGGABLE DATABASE command (V$SQLCOMMAND), its statement in GV$SQL;
 *  - the datafiles are copied by parallel execution servers (Oracle's SQL Reference, PARALLEL
 *    clause of CREATE PLUGGABLE DATABASE, 12.2+: "use parallel execution servers ... to copy the
 *    new PDB's data files"; the CDB picks the degree unless told, PARALLEL 0/1 copies serially),
 *    not by that session: the 'kpdbfCopyTaskCbk' rows of GV$SESSION_LONGOPS carry the copiers'
 *    SIDs, one row per datafile task, UNITS Blocks, TARGET/MESSAGE naming the datafile path and
 *    number ("kpdbfCopyTaskCbk: <path> <n>: 2432639 out of 4129408 Blocks done"), not the PDB;
 *  - a copier that finishes a file starts a new row at 0 for the next one; finished rows stay in
 *    the view (SOFAR = TOTALWORK) after the statement, and a parallel execution server keeps its
 *    SID and SERIAL# from one statement to the next.
 *
 * What ties a longops row to one CREATE (the most defensible link the views offer):
 *  1. the row's session is a parallel execution server of the CREATE's session: GV$PX_SESSION
 *     maps each server (INST_ID, SID, SERIAL#) to its coordinator (QCINST_ID, QCSID, QCSERIAL#),
 *     the session that runs the statement; or GV$SESSION_LONGOPS.QCSID ("session identifier of
 *     the parallel coordinator") is the CREATE's SID on the same instance; or the row is the
 *     CREATE session's own (a serial copy);
 *  2. and the row started at or after the CREATE's GV$SESSION.SQL_EXEC_START, so rows a
 *     parallel server left from an earlier statement (same SID and SERIAL#) do not count.
 * UNVERIFIED against a live CDB: that the copy tasks run on parallel execution servers listed in
 * GV$PX_SESSION under the CREATE's session (oracle-base's 12.2 article shows V$PX_SESSION rows
 * during a PDB clone; whether V$SESSION_LONGOPS.QCSID is set on these rows, and whether the
 * copiers' own GV$SESSION rows show the CREATE command, is not documented: both are handled);
 * that SQL_EXEC_START is set for the CREATE; that every copy-task row is in Blocks of
 * DB_BLOCK_SIZE (a tablespace with a non-standard block size would be counted at DB_BLOCK_SIZE).
 * The datafile paths in TARGET / MESSAGE are not used to tie rows to a copy: they are
 * truncated (TARGET is VARCHAR2(64)) and depend on OMF / FILE_NAME_CONVERT.
 */
import { createHash } from 'node:crypto';
import type { CopyProgress } from './port';

/** V$SESSION_LONGOPS.OPNAME of the per-file copy tasks of CREATE PLUGGABLE DATABASE (reference; anjo.pt trace). */
export const COPY_OPNAME = 'kpdbfCopyTaskCbk';
/** V$SQLCOMMAND.COMMAND_NAME of the statement (UNVERIFIED spelling; test/real-oracle.test.ts checks it). */
export const CREATE_PDB_COMMAND = 'CREATE PLUGGABLE DATABASE';

/**
 * How orb tags the session that runs its CREATE, so that any worker of the same run can tell
 * its copy from anyone else's while it runs (end-to-end attributes, sent by node-oracledb thin
 * mode piggybacked on the next round trip):
 *  - MODULE 'orb';
 *  - ACTION 'relocate <runTag>': the run's identity, 9 + 16 = 25 bytes, within ACTION's
 *    32-byte limit (DBMS_APPLICATION_INFO.SET_ACTION / OCI_ATTR_ACTION; 'relocate ' + a
 *    30-character PDB name would not fit);
 *  - CLIENT_INFO 'orb relocate <PDB>': which PDB, at most 13 + 30 = 43 of CLIENT_INFO's 64
 *    bytes, so the copy is attributed to its PDB before the CREATE's text is in GV$SQL.
 * MODULE's limit is 48 bytes. UNVERIFIED: whether a longer value sent this way would be
 * truncated or refused by the server (the values stay within the limits, so it does not matter).
 */
export const ORB_MODULE = 'orb';
export const RELOCATE_ACTION_PREFIX = 'relocate ';
export const RELOCATE_CLIENT_INFO_PREFIX = 'orb relocate ';
const RUN_TAG_RE = /^[0-9a-f]{16}$/;
/** An orb-tagged session idle for longer than this without running its CREATE is stale (its client died). */
export const STALE_TAG_SECONDS = 120;

/** The tag of one workflow run: the first 16 hex digits of SHA-256(workflowId "/" runId). */
export function runTagOf(run: { workflowId: string; runId: string }): string {
  return createHash('sha256').update(`${run.workflowId}/${run.runId}`).digest('hex').slice(0, 16);
}

export function isRunTag(s: string): boolean {
  return RUN_TAG_RE.test(s);
}

/** GV$SESSION, as much of it as the reading needs (times in epoch ms). */
export interface SessionRow {
  instId: number;
  sid: number;
  serial: number;
  status: string | null;
  /** V$SQLCOMMAND.COMMAND_NAME of V$SESSION.COMMAND */
  command: string | null;
  module: string | null;
  action: string | null;
  clientInfo: string | null;
  /** GV$SQL.SQL_TEXT of the session's current statement */
  sqlText: string | null;
  sqlExecStartMs: number | null;
  lastCallEt: number | null;
}

/** GV$PX_SESSION: a parallel execution server and its coordinator. */
export interface PxRow {
  instId: number;
  sid: number;
  serial: number;
  qcInstId: number | null;
  qcSid: number | null;
  qcSerial: number | null;
}

/** GV$SESSION_LONGOPS, OPNAME 'kpdbfCopyTaskCbk' rows. */
export interface LongopsRow {
  instId: number;
  sid: number;
  serial: number;
  qcSid: number | null;
  startTimeMs: number | null;
  target: string | null;
  message: string | null;
  sofar: number;
  totalwork: number;
  units: string | null;
  elapsedSeconds: number | null;
  timeRemaining: number | null;
}

export interface CopyViews {
  sessions: SessionRow[];
  px: PxRow[];
  longops: LongopsRow[];
  /** DB_BLOCK_SIZE */
  blockSize: number | null;
}

type SessionKey = { instId: number; sid: number; serial?: number | null };
const key = (s: SessionKey) => `${s.instId}/${s.sid}/${s.serial ?? ''}`;

/** The PDB a CREATE PLUGGABLE DATABASE text names: unquoted names upper case, quoted ones as written. */
export function pdbOfCreate(sqlText: string | null): string | null {
  if (!sqlText) return null;
  const text = sqlText.replace(/^(\s|\/\*[\s\S]*?\*\/|--[^\n]*\n)*/, '');
  const m = /^CREATE\s+PLUGGABLE\s+DATABASE\s+(?:"([^"]+)"|([A-Za-z][A-Za-z0-9_$#]*))/i.exec(text);
  if (!m) return null;
  return m[1] ?? m[2]!.toUpperCase();
}

function isOrbTagged(s: SessionRow): boolean {
  return s.module === ORB_MODULE && (s.action ?? '').startsWith(RELOCATE_ACTION_PREFIX);
}

function runTagOfSession(s: SessionRow): string | null {
  if (!isOrbTagged(s)) return null;
  const tag = s.action!.slice(RELOCATE_ACTION_PREFIX.length).trim();
  return isRunTag(tag) ? tag : null;
}

function pdbOfClientInfo(s: SessionRow): string | null {
  const info = s.clientInfo ?? '';
  if (!isOrbTagged(s) || !info.startsWith(RELOCATE_CLIENT_INFO_PREFIX)) return null;
  return info.slice(RELOCATE_CLIENT_INFO_PREFIX.length).trim().toUpperCase() || null;
}

/** Parallel execution servers working for some coordinator (the coordinators' own rows left out). */
function serversOf(px: PxRow[]): Set<string> {
  return new Set(px.filter((p) => !(p.qcInstId === p.instId && p.qcSid === p.sid)).map(key));
}

/**
 * Sessions creating a PDB now: ACTIVE ones running the CREATE, and orb-tagged ones that have not
 * sent it yet (between the tagging round trip and the CREATE; stale after STALE_TAG_SECONDS).
 * A session that finished its CREATE keeps COMMAND = CREATE but is no longer ACTIVE: not counted.
 * Parallel execution servers working for another session are copiers, not creators.
 */
function creatingSessions(v: CopyViews): SessionRow[] {
  const servers = serversOf(v.px);
  return v.sessions.filter((s) => {
    if (servers.has(key(s))) return false;
    if (s.command === CREATE_PDB_COMMAND) return s.status === 'ACTIVE';
    return isOrbTagged(s) && (s.status === 'ACTIVE' || (s.lastCallEt ?? 0) < STALE_TAG_SECONDS);
  });
}

/** The copiers of one CREATE session (GV$PX_SESSION rows whose coordinator it is). */
function copiersOf(c: SessionRow, px: PxRow[]): Set<string> {
  const ofC = (p: PxRow) => p.qcInstId === c.instId && p.qcSid === c.sid && (p.qcSerial === null || p.qcSerial === c.serial);
  const isC = (p: PxRow) => p.instId === c.instId && p.sid === c.sid;
  return new Set(px.filter((p) => ofC(p) && !isC(p)).map(key));
}

/**
 * The copy-task rows of one CREATE session (rules 1 and 2 of the header). QCSID on the row ties it
 * only when GV$PX_SESSION does not list its session (that view, naming the coordinator's instance
 * and serial, wins: on RAC a QCSID alone may be another instance's session).
 */
function rowsOf(c: SessionRow, copiers: Set<string>, servers: Set<string>, longops: LongopsRow[]): LongopsRow[] {
  const own = key(c);
  return longops.filter((r) => {
    const byQcsid = !servers.has(key(r)) && r.instId === c.instId && r.qcSid === c.sid && r.sid !== c.sid;
    const linked = copiers.has(key(r)) || key(r) === own || byQcsid;
    const recent = c.sqlExecStartMs === null || r.startTimeMs === null || r.startTimeMs >= c.sqlExecStartMs;
    return linked && recent && (r.units ?? '').toUpperCase() === 'BLOCKS';
  });
}

function copyOfSession(c: SessionRow, v: CopyViews): CopyProgress {
  const copiers = copiersOf(c, v.px);
  const rows = rowsOf(c, copiers, serversOf(v.px), v.longops);
  const blocksDone = rows.reduce((n, r) => n + r.sofar, 0);
  const blocksTotal = rows.reduce((n, r) => n + r.totalwork, 0);
  const remaining = rows.filter((r) => r.sofar < r.totalwork && r.timeRemaining !== null).map((r) => r.timeRemaining!);
  const reporting = new Set(rows.map(key)).size;
  const pdb = c.command === CREATE_PDB_COMMAND ? (pdbOfCreate(c.sqlText) ?? pdbOfClientInfo(c)) : pdbOfClientInfo(c);
  return {
    pdb,
    session: { instId: c.instId, sid: c.sid, serial: c.serial },
    runTag: runTagOfSession(c),
    module: c.module,
    action: c.action,
    blocksDone,
    blocksTotal,
    blockSize: v.blockSize,
    bytesDone: v.blockSize === null ? null : blocksDone * v.blockSize,
    bytesTotal: v.blockSize === null ? null : blocksTotal * v.blockSize,
    copierSessions: Math.max(copiers.size, reporting),
    elapsedSeconds: c.status === 'ACTIVE' && c.command === CREATE_PDB_COMMAND ? (c.lastCallEt ?? 0) : 0,
    timeRemainingSeconds: remaining.length ? Math.max(...remaining) : null,
  };
}

/** Every CREATE PLUGGABLE DATABASE under way, with its copy's progress, by instance and SID. */
export function copiesFromViews(v: CopyViews): CopyProgress[] {
  return creatingSessions(v)
    .sort((a, b) => a.instId - b.instId || a.sid - b.sid)
    .map((c) => copyOfSession(c, v));
}

/** "session 1,245,31337 (orb run 0123456789abcdef)" / "(MODULE sqlplus@db1, ACTION -)": who runs a copy. */
export function describeCopy(c: CopyProgress): string {
  const s = `session ${c.session.instId},${c.session.sid},${c.session.serial}`;
  if (c.runTag) return `${s} (orb run ${c.runTag})`;
  return `${s} (MODULE ${c.module ?? '-'}, ACTION ${c.action ?? '-'})`;
}
