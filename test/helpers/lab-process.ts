/**
 * The lab as a real child process for tests: `node dist/lab/run.js` on a random port with a
 * temporary state file. `restart()` kills it (SIGKILL by default, like a crash) and starts it
 * again on the same port and state file, so URLs held by workers stay valid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const RUN_JS = join(__dirname, '..', '..', 'lab', 'run.js');
const START_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 5_000;

export interface LabProcess {
  /** http://127.0.0.1:PORT (unchanged across restarts) */
  readonly url: string;
  readonly port: number;
  /** The lab's SSH server port (RAC nodes, lab/RAC.md); unchanged across restarts. null when started without SSH */
  readonly sshPort: number | null;
  readonly stateFile: string;
  /** The child's pid (changes on restart) */
  readonly pid: number;
  /** The lab's stderr so far (pino JSON lines), for diagnostics */
  stderr(): string;
  /** SIGTERM (state saved), then SIGKILL if it does not exit; removes the temporary directory. */
  stop(): Promise<void>;
  /** Kills the lab (SIGKILL unless told otherwise) and starts it again from the same state file and port. */
  restart(opts?: { signal?: NodeJS.Signals }): Promise<void>;
  /** Kills the lab without starting it again (for tests of an unreachable lab); restart() brings it back. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const c of live) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  });
}

interface Spawned {
  child: ChildProcess;
  url: string;
  sshPort: number | null;
  stderr: () => string;
}

function spawnLab(args: string[]): Promise<Spawned> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN_JS, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ORB_LAB_LOG_LEVEL: process.env.ORB_LAB_LOG_LEVEL ?? 'info' },
    });
    live.add(child);
    let out = '';
    let err = '';
    let done = false;
    const finish = (e: Error | null, url?: string, sshPort: number | null = null) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (e) {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        reject(e);
      } else resolve({ child, url: url!, sshPort, stderr: () => err });
    };
    const timer = setTimeout(() => finish(new Error(`lab did not start within ${START_TIMEOUT_MS} ms; stderr:\n${err}`)), START_TIMEOUT_MS);
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (d: string) => {
      err += d;
      if (err.length > 2_000_000) err = err.slice(-1_000_000);
    });
    child.stdout!.on('data', (d: string) => {
      if (done) return;
      out += d;
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      try {
        const line = JSON.parse(out.slice(0, nl)) as { url?: unknown; ssh?: { port?: unknown } | null };
        if (typeof line.url !== 'string') throw new Error('no url');
        finish(null, line.url, typeof line.ssh?.port === 'number' ? line.ssh.port : null);
      } catch {
        finish(new Error(`lab printed an unexpected first line: ${out.slice(0, nl)}`));
      }
    });
    child.on('error', (e) => finish(e));
    child.on('exit', (code, signal) => {
      live.delete(child);
      finish(new Error(`lab exited (code ${code}, signal ${signal}) before listening; stderr:\n${err}`));
    });
  });
}

function waitExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), timeoutMs);
    child.once('exit', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

async function killChild(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  if (!(await waitExit(child, STOP_TIMEOUT_MS))) {
    child.kill('SIGKILL');
    await waitExit(child, STOP_TIMEOUT_MS);
  }
}

/** `ssh: false` starts the lab without its SSH server. */
export async function startLabProcess(opts: { seed?: 'demo' | 'test'; speed?: number; ssh?: boolean; fleetPdbs?: number } = {}): Promise<LabProcess> {
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), 'orb-lab-'));
  const stateFile = join(dir, 'lab-state.json');
  const base = ['--host', '127.0.0.1', '--state-file', stateFile, '--seed', opts.seed ?? 'test', ...(opts.speed !== undefined ? ['--speed', String(opts.speed)] : []),
    ...(opts.fleetPdbs ? ['--fleet-pdbs', String(opts.fleetPdbs)] : [])];
  const noSsh = opts.ssh === false ? ['--no-ssh'] : [];
  let current = await spawnLab([...base, '--port', '0', '--reset', ...noSsh]);
  const url = current.url;
  const port = Number(new URL(url).port);
  const sshPort = current.sshPort;
  const sshArgs = sshPort === null ? ['--no-ssh'] : ['--ssh-port', String(sshPort)];
  let stderrBefore = '';

  const startAgain = async () => {
    stderrBefore += current.stderr();
    // The port was just released by the dead child; retry briefly if the OS still holds it.
    for (let attempt = 0; ; attempt++) {
      try {
        // No --reset and no --speed: the estate, its clock and its speed come from the state file.
        current = await spawnLab(['--host', '127.0.0.1', '--state-file', stateFile, '--seed', opts.seed ?? 'test', '--port', String(port), ...sshArgs]);
        return;
      } catch (e) {
        if (attempt >= 10 || !/EADDRINUSE/.test((e as Error).message)) throw e;
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  };

  return {
    url,
    port,
    sshPort,
    stateFile,
    get pid() {
      return current.child.pid ?? -1;
    },
    stderr: () => stderrBefore + current.stderr(),
    async stop() {
      await killChild(current.child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
    async restart(o = {}) {
      await killChild(current.child, o.signal ?? 'SIGKILL');
      await startAgain();
    },
    async kill(signal = 'SIGKILL') {
      await killChild(current.child, signal);
    },
  };
}

/** One request to the lab's HTTP API: status and parsed JSON body (tests of the lab itself). */
export async function labHttp<T = any>(url: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const r = await fetch(url + path, {
    method,
    headers: body !== undefined ? { 'content-type': 'application/json' } : undefined,
    body: body !== undefined ? (typeof body === 'string' ? body : JSON.stringify(body)) : undefined,
  });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : undefined) as T };
}
