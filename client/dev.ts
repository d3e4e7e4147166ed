/**
 * `orb dev`: a Temporal development server (persistent SQLite file, orb's search
 * attributes registered), the lab and a worker, all in the foreground. Ctrl-C (SIGINT),
 * SIGTERM and SIGHUP stop the worker (finishing running tasks), then the lab, then the
 * server. The state directory keeps every workflow and the lab's estate across restarts.
 *
 * The server runs under a guard process (dev-server-guard.ts) that stops it when orb dev
 * is gone, even after a SIGKILL; orb dev records the server in the state directory, and the
 * next orb dev stops a server an earlier one left running there (dev-server-record.ts).
 *
 * `orb lab`: the lab alone, in the foreground.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, renameSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { Connection } from '@temporalio/client';
import type { EstateConfig } from '../common/estate-config';
import { TypedSearchAttributes } from '@temporalio/common';
import { ALL_SEARCH_ATTRIBUTES } from '../common/search-attributes';
import { CliError, EXIT, NotFoundError, UnreachableError, errorMessage } from './errors';
import type { TemporalSettings } from './connection';
import type { GuardMessage } from './dev-server-guard';
import { recordPath, removeRecord, stopLeftoverServer, writeRecord } from './dev-server-record';

/** What lab/server.ts provides. */
export interface LabHandle {
  url: string;
  port: number;
  /** The SSH server standing for the lab's RAC nodes (lab/RAC.md) */
  ssh: { host: string; port: number; user: string; privateKeyFile: string } | null;
  close(): Promise<void>;
}
export interface LabStartOptions {
  host: string;
  port: number;
  stateFile: string;
  seed?: string;
  speed?: number;
  reset?: boolean;
  /** SSH port of the RAC nodes; 0 = a free port (GET /ssh tells which) */
  sshPort?: number;
  /** A fleet of that many more PDBs when the seed is built (lab/fleet-seed.ts) */
  fleetPdbs?: number;
}

/** The line `orb lab` / `orb dev` print about the lab's SSH server. */
function sshLine(lab: LabHandle): string | null {
  if (!lab.ssh) return null;
  return `${lab.ssh.host}:${lab.ssh.port}  (srvctl for RACCDB / TRICDB; user ${lab.ssh.user}, key ${lab.ssh.privateKeyFile}; GET ${lab.url}/ssh)`;
}

/** An SSH port the lab could not take, as the error orb reports. */
function sshPortError(err: unknown, host: string, port: number | undefined): Error | null {
  const m = (err as Error).message ?? '';
  if (!m.startsWith('ssh-port:')) return null;
  return new NotFoundError(`port ${port} (lab SSH) on ${host} is in use: choose another with --ssh-port (0 = any free port)`);
}
type LabModule = { startLab(o: LabStartOptions): Promise<LabHandle> };

export async function loadLab(): Promise<LabModule> {
  return (await import('../lab/server')) as unknown as LabModule;
}

/** Path of the Temporal CLI, found or built by scripts/temporal-cli.sh (see there for the order). */
export function locateTemporalCli(): string {
  const script = path.resolve(__dirname, '..', '..', 'scripts', 'temporal-cli.sh');
  if (!existsSync(script)) throw new CliError(`cannot find ${script} to locate the Temporal CLI`, EXIT.UNREACHABLE);
  const r = spawnSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  const out = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !out) {
    throw new CliError('no Temporal CLI is available to run the development server (see the message above)', EXIT.UNREACHABLE);
  }
  return out;
}

/** True when something accepts TCP connections on host:port. */
export function portInUse(host: string, port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (v: boolean) => {
      sock.destroy();
      resolve(v);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

export function devServerArgs(o: { ip: string; port: number; uiPort: number; dbFile: string; namespace: string }): string[] {
  const args = ['server', 'start-dev', '--ip', o.ip, '--port', String(o.port), '--ui-port', String(o.uiPort), '--db-filename', o.dbFile];
  if (o.namespace !== 'default') args.push('--namespace', o.namespace);
  for (const key of ALL_SEARCH_ATTRIBUTES) args.push('--search-attribute', `${key.name}=${TypedSearchAttributes.toMetadataType(key.type)}`);
  for (const [key, value] of Object.entries(DEV_SERVER_LIMITS)) args.push('--dynamic-config-value', `${key}=${value}`);
  return args;
}

/**
 * Limits that keep a flood of signals from terminating a run on `orb dev`'s server: every signal
 * is written to history before a worker sees it, and a history past 50 MB ends the run without
 * compensation. 512 KiB per payload × 80 signals per run stays under 40 MB; orb's own approvals
 * are Updates, which do not count, and a flood then only uses up the run's signal budget (README).
 */
export const DEV_SERVER_LIMITS = {
  'limit.blobSize.error': 512 * 1024,
  'history.maximumSignalsPerExecution': 80,
} as const;

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

export interface DevOptions {
  ip: string;
  port: number;
  uiPort: number;
  stateDir: string;
  lab: boolean;
  /** Run a worker in this process (false: run `orb worker` separately, e.g. to kill and restart it). */
  worker: boolean;
  /** The worker's Prometheus endpoint (validated socket address), or none */
  metrics?: string;
  labPort: number;
  /** SSH port of the lab's RAC nodes (0 = a free port) */
  sshPort: number;
  seed: string;
  speed?: number;
  /** A fleet of that many more PDBs when the lab's seed is built (lab/fleet-seed.ts) */
  fleetPdbs?: number;
  namespace: string;
  taskQueue: string;
  estate: EstateConfig;
  /** The estate is the embedded default: point its lab URL at the lab started here. */
  estateIsDefault: boolean;
  /** Written (JSON) once everything is up; used by scripts/demo.sh. */
  readyFile?: string;
  out?: (line: string) => void;
}

/** The server's guard process (the leader of the server's process group) and the server's log. */
class DevServer {
  exited: Promise<number | null>;
  constructor(
    readonly child: ChildProcess,
    readonly logFile: string,
    readonly stateDir: string,
  ) {
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : null))));
  }
  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }
  kill(signal: NodeJS.Signals): void {
    if (!this.running || this.child.pid === undefined) return;
    try {
      process.kill(-this.child.pid, signal); // its own process group (detached)
    } catch {
      try {
        this.child.kill(signal);
      } catch {
        /* gone */
      }
    }
  }
  async stop(graceMs = 10_000): Promise<void> {
    if (this.running) {
      this.kill('SIGTERM');
      const t = delay(graceMs).then(() => 'timeout' as const);
      if ((await Promise.race([this.exited, t])) === 'timeout') {
        this.kill('SIGKILL');
        await this.exited;
      }
    }
    removeRecord(this.stateDir);
  }
}

/** Refuses ports something else listens on (after any leftover server of ours is stopped). */
async function checkPorts(o: DevOptions): Promise<void> {
  const address = `${o.ip}:${o.port}`;
  if (await portInUse(o.ip, o.port)) {
    throw new NotFoundError(
      `something is already listening on ${address}, and it is not a Temporal server that ${recordPath(o.stateDir)} ` +
        `says an earlier orb dev left running (another \`orb dev\` with another --state-dir?). Stop it, or use --port/--ui-port.`,
    );
  }
  if (await portInUse(o.ip, o.uiPort)) throw new NotFoundError(`port ${o.uiPort} (Web UI) on ${o.ip} is in use: choose another with --ui-port`);
  if (o.lab && (await portInUse(o.ip, o.labPort))) {
    throw new NotFoundError(`port ${o.labPort} (lab) on ${o.ip} is in use: choose another with --lab-port`);
  }
  if (o.lab && o.sshPort !== 0 && (await portInUse(o.ip, o.sshPort))) {
    throw new NotFoundError(`port ${o.sshPort} (lab SSH) on ${o.ip} is in use: choose another with --ssh-port (0 = any free port)`);
  }
}

/** Starts the guard, which starts the server; resolves with the server's pid once it runs. */
function spawnGuarded(cli: string, args: string[], logFile: string): Promise<{ guard: ChildProcess; serverPid: number }> {
  const fd = openSync(logFile, 'a');
  // Detached (own process group): the terminal's Ctrl-C reaches orb only, which stops the
  // worker first and the server last. The IPC channel tells the guard when orb is gone.
  const guardJs = path.join(__dirname, 'dev-server-guard.js');
  const guard = spawn(process.execPath, [guardJs, cli, ...args], { detached: true, stdio: ['ignore', fd, fd, 'ipc'] });
  closeSync(fd);
  return new Promise((resolve, reject) => {
    guard.once('message', (m: GuardMessage) => resolve({ guard, serverPid: m.serverPid }));
    guard.once('exit', () => reject(new UnreachableError(`the Temporal dev server did not start. The end of ${logFile}:\n${tail(logFile)}`)));
    guard.once('error', (e) => reject(new UnreachableError(`cannot start the Temporal dev server's guard: ${e.message}`)));
  });
}

async function startDevServer(o: DevOptions, out: (l: string) => void): Promise<DevServer> {
  const address = `${o.ip}:${o.port}`;
  mkdirSync(o.stateDir, { recursive: true });
  const dbFile = path.resolve(o.stateDir, 'temporal.db');
  const leftover = await stopLeftoverServer(o.stateDir, dbFile);
  if (leftover) out(`${leftover}; starting a new one (workflows are kept in ${dbFile})`);
  await checkPorts(o);
  const cli = locateTemporalCli();
  const logFile = path.join(o.stateDir, 'temporal.log');
  const args = devServerArgs({ ip: o.ip, port: o.port, uiPort: o.uiPort, dbFile, namespace: o.namespace });
  out(`starting the Temporal dev server: ${cli} ${args.join(' ')}`);
  const { guard, serverPid } = await spawnGuarded(cli, args, logFile);
  const server = new DevServer(guard, logFile, o.stateDir);
  process.once('exit', () => server.kill('SIGKILL'));
  const startedAt = new Date().toISOString();
  writeRecord(o.stateDir, { orbPid: process.pid, guardPid: guard.pid!, serverPid, dbFile, address, uiPort: o.uiPort, startedAt });
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (!server.running) {
      throw new UnreachableError(`the Temporal dev server exited during start-up. The end of ${logFile}:\n${tail(logFile)}`);
    }
    try {
      const c = await Connection.connect({ address, connectTimeout: 1000 });
      await c.close();
      return server;
    } catch {
      if (Date.now() > deadline) {
        await server.stop();
        throw new UnreachableError(`the Temporal dev server did not answer on ${address} within 90s. The end of ${logFile}:\n${tail(logFile)}`);
      }
      await delay(300);
    }
  }
}

/** Runs `orb dev` until Ctrl-C (or a component fails); returns the exit code. */
export async function runDev(o: DevOptions): Promise<number> {
  const out = o.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const stopRequested = new Promise<string>((resolve) => {
    let count = 0;
    const on = (sig: NodeJS.Signals) => {
      count++;
      if (count === 1) {
        out(`\n${sig}: stopping the worker, the lab and the Temporal server (again to force)...`);
        resolve(sig);
      } else {
        out('forced stop');
        process.exit(130);
      }
    };
    // SIGHUP: the terminal was closed. Stopping like Ctrl-C leaves no server behind.
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, on);
  });

  const server = await startDevServer(o, out);
  let lab: LabHandle | null = null;
  let worker: { shutdown(): Promise<void>; finished: Promise<void> } | null = null;
  const cleanup = async () => {
    if (worker) await worker.shutdown().catch(() => undefined);
    if (lab) await lab.close().catch((e) => out(`closing the lab: ${errorMessage(e)}`));
    await server.stop();
    if (o.readyFile) rmSync(o.readyFile, { force: true });
  };

  try {
    const address = `${o.ip}:${o.port}`;
    let estate = o.estate;
    if (o.lab) {
      const { startLab } = await loadLab();
      const labOpts = { host: o.ip, port: o.labPort, stateFile: path.join(o.stateDir, 'lab-state.json'), seed: o.seed, speed: o.speed, sshPort: o.sshPort, fleetPdbs: o.fleetPdbs };
      lab = await startLab(labOpts).catch((e: unknown) => {
        throw sshPortError(e, o.ip, o.sshPort) ?? e;
      });
      if (o.estateIsDefault) {
        estate = { ...estate, lab: { url: lab.url } };
      } else if (estate.lab.url.replace(/\/+$/, '') !== lab.url.replace(/\/+$/, '')) {
        out(`note: the estate file points lab CDBs at ${estate.lab.url}, not at the lab started here (${lab.url})`);
      }
    }
    const settings: TemporalSettings = { address, namespace: o.namespace, connectionOptions: { address }, tls: false };
    const { startWorker } = await import('../worker/worker');
    const { createLogger } = await import('../worker/logger');
    const metrics = o.metrics ? { metrics: o.metrics } : {};
    const logger = createLogger('orb-worker');
    if (o.worker) worker = await startWorker({ estate, taskQueue: o.taskQueue, settings, shutdownSignals: [], logger, ...metrics });

    const ui = `http://${o.ip}:${o.uiPort}`;
    out('');
    out(`orb dev is running — Ctrl-C stops everything; state in ${o.stateDir}/ is kept across restarts`);
    out(`  Temporal:  ${address}  (namespace ${o.namespace}; server log ${server.logFile})`);
    out(`  Web UI:    ${ui}`);
    if (lab) out(`  Lab:       ${lab.url}  (state ${path.join(o.stateDir, 'lab-state.json')})`);
    const ssh = lab && sshLine(lab);
    if (ssh) out(`  Lab SSH:   ${ssh}`);
    out(o.worker ? `  Worker:    task queue ${o.taskQueue}` : `  Worker:    none (--no-worker): run \`orb worker\` in another terminal (task queue ${o.taskQueue})`);
    const metricsLine = o.metrics ? `http://${o.metrics}/metrics  (Prometheus)` : 'off (orb dev --metrics 127.0.0.1:9464 serves them)';
    if (o.worker) out(`  Metrics:   ${metricsLine}`);
    const env: string[] = [];
    if (address !== '127.0.0.1:7233') env.push(`TEMPORAL_ADDRESS=${address}`);
    if (o.uiPort !== 8233 || o.ip !== '127.0.0.1') env.push(`ORB_UI_URL=${ui}`);
    if (lab && lab.url.replace(/\/+$/, '') !== 'http://127.0.0.1:7480') env.push(`ORB_LAB_URL=${lab.url}`);
    if (env.length) out(`  In other terminals: export ${env.join(' ')}`);
    out(`  Try:       orb demo    or    orb start relocate-pdb --pdb SALES --from CDB1 --to CDB2`);
    out('');
    if (o.readyFile) {
      const tmp = `${o.readyFile}.tmp`;
      const labSsh = lab?.ssh ? { host: lab.ssh.host, port: lab.ssh.port } : null;
      writeFileSync(tmp, JSON.stringify({ temporal: address, namespace: o.namespace, ui, lab: lab?.url ?? null, labSsh, metrics: o.metrics ?? null, pid: process.pid }));
      renameSync(tmp, o.readyFile);
    }

    const ended = await Promise.race([
      stopRequested.then((s) => ({ why: 'signal' as const, s })),
      server.exited.then((code) => ({ why: 'server' as const, s: String(code) })),
      ...(worker
        ? [
            worker.finished.then(
              () => ({ why: 'worker' as const, s: 'stopped' }),
              (e: unknown) => ({ why: 'worker' as const, s: errorMessage(e) }),
            ),
          ]
        : []),
    ]);
    await cleanup();
    if (ended.why === 'signal') {
      out('stopped');
      return EXIT.OK;
    }
    if (ended.why === 'server') {
      out(`the Temporal dev server exited (${ended.s}). The end of ${server.logFile}:\n${tail(server.logFile)}`);
      return EXIT.UNREACHABLE;
    }
    out(`the worker stopped: ${ended.s}`);
    return EXIT.RUNBOOK_FAILED;
  } catch (err) {
    await cleanup();
    throw err;
  }
}

export interface LabCommandOptions extends LabStartOptions {
  host: string;
  port: number;
  stateFile: string;
}

/** `orb lab`: serves the lab until Ctrl-C. */
export async function runLab(o: LabCommandOptions, out: (l: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  mkdirSync(path.dirname(path.resolve(o.stateFile)), { recursive: true });
  if (o.reset) out(`--reset: ignoring ${o.stateFile}, starting from the ${o.seed ?? 'demo'} seed`);
  const { startLab } = await loadLab();
  let lab: LabHandle;
  try {
    lab = await startLab({ host: o.host, port: o.port, stateFile: o.stateFile, seed: o.seed, speed: o.speed, reset: o.reset, sshPort: o.sshPort, fleetPdbs: o.fleetPdbs });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new NotFoundError(`port ${o.port} on ${o.host} is in use (is a lab already running?)`);
    throw sshPortError(err, o.host, o.sshPort) ?? err;
  }
  out(`lab listening on ${lab.url} (state ${o.stateFile}) — Ctrl-C stops it`);
  const ssh = sshLine(lab);
  if (ssh) out(`lab SSH server on ${ssh}`);
  const sig = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  out(`${sig}: stopping the lab`);
  await lab.close();
  return EXIT.OK;
}
