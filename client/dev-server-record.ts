/**
 * What `orb dev` records about the Temporal dev server it started (<state dir>/temporal-server.json),
 * and how the next `orb dev` recognises a server an earlier one left running and stops it.
 *
 * A leftover is recognised by its command line (/proc/<pid>/cmdline, or `ps` where there is no
 * /proc): `server start-dev ... --db-filename <this state dir's temporal.db>`, so a pid reused by
 * an unrelated process is never touched. A server whose guard is still the child of a live
 * `orb dev` belongs to that orb dev and is refused, not stopped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { NotFoundError } from './errors';

export const SERVER_RECORD = 'temporal-server.json';

export interface ServerRecord {
  /** The orb dev that started it */
  orbPid: number;
  /** The guard (client/dev-server-guard.ts): the server's parent and process-group leader */
  guardPid: number;
  serverPid: number;
  /** Absolute path of the server's SQLite file: what identifies it on its command line */
  dbFile: string;
  address: string;
  uiPort: number;
  startedAt: string;
}

interface ProcessInfo {
  ppid: number;
  zombie: boolean;
  args: string[];
}

export function recordPath(stateDir: string): string {
  return path.join(stateDir, SERVER_RECORD);
}

export function writeRecord(stateDir: string, r: ServerRecord): void {
  const file = recordPath(stateDir);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(r, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export function removeRecord(stateDir: string): void {
  rmSync(recordPath(stateDir), { force: true });
}

function readRecord(stateDir: string): ServerRecord | null {
  try {
    const r = JSON.parse(readFileSync(recordPath(stateDir), 'utf8')) as Partial<ServerRecord>;
    const pids = [r.orbPid, r.guardPid, r.serverPid];
    return pids.every((p) => Number.isInteger(p) && p! > 1) && typeof r.dbFile === 'string' ? (r as ServerRecord) : null;
  } catch {
    return null;
  }
}

/** The process's parent, state and arguments; null when there is no such process. */
export function processInfo(pid: number): ProcessInfo | null {
  if (existsSync('/proc/self/stat')) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').filter(Boolean);
      return { ppid: Number(ppid), zombie: state === 'Z' || state === 'X', args };
    } catch {
      return null;
    }
  }
  const ps = spawnSync('ps', ['-ww', '-o', 'ppid=,stat=,command=', '-p', String(pid)], { encoding: 'utf8' });
  const m = /^(\d+)\s+(\S+)\s+(.*)$/.exec((ps.stdout ?? '').trim());
  return m ? { ppid: Number(m[1]), zombie: m[2]!.startsWith('Z'), args: [m[3]!.trim()] } : null;
}

function alive(pid: number): boolean {
  const p = processInfo(pid);
  return p !== null && !p.zombie;
}

/** A `temporal server start-dev` (or its guard) on this database file. */
export function isDevServerFor(p: ProcessInfo | null, dbFile: string): boolean {
  if (!p || p.zombie) return false;
  const line = ` ${p.args.join(' ')} `;
  return line.includes(' start-dev ') && line.includes(` --db-filename ${dbFile} `);
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/**
 * Sends SIGTERM to targets (pids, or -pgid for a process group), then SIGKILL when any of
 * `pids` is still there after graceMs; resolves once all of `pids` are gone (or 5 s after the SIGKILL).
 */
async function terminate(targets: number[], pids: number[], graceMs: number): Promise<void> {
  for (const t of targets) signal(t, 'SIGTERM');
  for (const deadline = Date.now() + graceMs; pids.some(alive) && Date.now() < deadline; ) await delay(100);
  if (pids.some(alive)) for (const t of targets) signal(t, 'SIGKILL');
  for (const deadline = Date.now() + 5000; pids.some(alive) && Date.now() < deadline; ) await delay(50);
}

/**
 * Stops the Temporal dev server an earlier `orb dev` with this state directory left running,
 * if there is one; returns a sentence saying what it stopped, or null. Throws (exit 4) when
 * that server belongs to an `orb dev` that is still running.
 */
export async function stopLeftoverServer(stateDir: string, dbFile: string, graceMs = 10_000): Promise<string | null> {
  const rec = readRecord(stateDir);
  if (!rec || rec.dbFile !== dbFile) return null;
  const guard = processInfo(rec.guardPid);
  const server = processInfo(rec.serverPid);
  if (isDevServerFor(guard, dbFile) && guard!.ppid === rec.orbPid && alive(rec.orbPid) && rec.orbPid !== process.pid) {
    throw new NotFoundError(
      `another orb dev (pid ${rec.orbPid}) is running with the state directory ${stateDir} (Temporal on ${rec.address}): ` +
        `stop it first (Ctrl-C in its terminal, or kill ${rec.orbPid}), or use another --state-dir`,
    );
  }
  const ours = [isDevServerFor(guard, dbFile) ? rec.guardPid : 0, isDevServerFor(server, dbFile) ? rec.serverPid : 0].filter(Boolean);
  // The guard leads the server's process group: signalling the group reaches both.
  const targets = ours.map((pid) => (pid === rec.guardPid ? -pid : pid));
  if (ours.length) await terminate(targets, ours, graceMs);
  removeRecord(stateDir);
  return ours.length
    ? `stopped the Temporal dev server (pid ${rec.serverPid}, ${rec.address}) ` +
        `that an earlier orb dev (pid ${rec.orbPid}) left running on ${dbFile}`
    : null;
}
