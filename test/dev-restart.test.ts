/**
 * `orb dev` stopped the hard way, as real processes: `bin/orb dev` on random ports with a
 * temporary state directory. A SIGKILL of orb dev takes its Temporal server down (the guard),
 * and the next orb dev comes up on the same state (workflows, the lab's estate). With the guard
 * killed too, the server is left running: the next orb dev recognises it, stops it and says so.
 * A second orb dev on a state directory in use is refused; SIGHUP (a closed terminal) stops
 * everything cleanly. Something else on the port is refused, and a record naming an unrelated
 * process kills nothing.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ListedRun } from '../client/runbooks';
import type { ServerRecord } from '../client/dev-server-record';
import { ORB_BIN, closedPort, runCli, type CliRun } from './helpers/processes';
import { temporalCliPath } from './helpers/temporal-cli';
import { spawnSync } from 'node:child_process';
import { until } from './helpers/until';

const ID = 'relocate-pdb:CDB1:SALES';

interface Ports {
  temporal: number;
  ui: number;
  lab: number;
}
interface Dev {
  child: ChildProcess;
  output(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children: ChildProcess[] = [];
const serverPids = new Set<number>();
const dirs: string[] = [];

/** The caller's environment without its Temporal settings and estate: orb dev's own server and lab. */
function env(temporalPort?: number): NodeJS.ProcessEnv {
  const e: NodeJS.ProcessEnv = { ...process.env, ORB_TEMPORAL_CLI: temporalCliPath(), TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' };
  for (const k of Object.keys(e)) if (k.startsWith('TEMPORAL_') && k !== 'TEMPORAL_CONFIG_FILE') delete e[k];
  delete e.ORB_ESTATE;
  delete e.ORB_TASK_QUEUE;
  if (temporalPort) e.TEMPORAL_ADDRESS = `127.0.0.1:${temporalPort}`;
  return e;
}

async function freePorts(): Promise<Ports> {
  const got = new Set<number>();
  while (got.size < 3) got.add(await closedPort());
  const [temporal, ui, lab] = [...got] as [number, number, number];
  return { temporal, ui, lab };
}

function stateDir(): string {
  const d = mkdtempSync(path.join(tmpdir(), 'orb-dev-test-'));
  dirs.push(d);
  return d;
}

function spawnDev(dir: string, p: Ports): Dev {
  const ports = ['--port', String(p.temporal), '--ui-port', String(p.ui), '--lab-port', String(p.lab)];
  const args = ['dev', '--state-dir', dir, ...ports, '--no-worker', '--seed', 'test'];
  const child = spawn(process.execPath, [ORB_BIN, ...args], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => out, exited };
}

async function ready(dev: Dev): Promise<void> {
  const gone = () => dev.child.exitCode !== null || dev.child.signalCode !== null;
  await until('orb dev to be ready', async () => dev.output().includes('orb dev is running') || gone(), (v) => v, 120_000);
  assert.ok(dev.output().includes('orb dev is running'), `orb dev did not start:\n${dev.output()}`);
}

function record(dir: string): ServerRecord {
  const r = JSON.parse(readFileSync(path.join(dir, 'temporal-server.json'), 'utf8')) as ServerRecord;
  serverPids.add(r.serverPid);
  return r;
}

/** Whether the process exists and is not a zombie (ps: portable, and independent of the code under test). */
function alive(pid: number): boolean {
  try {
    return !execFileSync('ps', ['-o', 'stat=', '-p', String(pid)], { encoding: 'utf8' }).trim().startsWith('Z');
  } catch {
    return false;
  }
}

function show(r: CliRun): string {
  return `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
}

async function listed(p: Ports): Promise<ListedRun | undefined> {
  const r = await runCli(['list', '--json'], env(p.temporal));
  assert.equal(r.code, 0, show(r));
  return (JSON.parse(r.stdout) as ListedRun[]).find((w) => w.workflowId === ID);
}

async function labOplog(p: Ports): Promise<{ op: string; cdb: string }[]> {
  const r = await fetch(`http://127.0.0.1:${p.lab}/oplog`);
  return ((await r.json()) as { entries: { op: string; cdb: string }[] }).entries;
}

describe('orb dev after a crash (real processes)', () => {
  after(() => {
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const pid of serverPids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  test('kill -9 stops the server with orb dev; a server left behind is stopped by the next orb dev; SIGHUP stops cleanly', async () => {
    const dir = stateDir();
    const ports = await freePorts();
    const a = spawnDev(dir, ports);
    await ready(a);
    const recA = record(dir);
    assert.equal(recA.orbPid, a.child.pid);
    assert.ok(alive(recA.serverPid));

    // A run (no worker: it stays in preflight) and a change in the lab, to find again after the restarts.
    const started = await runCli(['start', 'relocate-pdb', '--pdb', 'SALES', '--from', 'CDB1', '--to', 'CDB2', '--json'], env(ports.temporal));
    assert.equal(started.code, 0, show(started));
    const runId = (JSON.parse(started.stdout) as { runId: string }).runId;
    const op = await fetch(`http://127.0.0.1:${ports.lab}/cdbs/CDB1/ops/savePdbState`, {
      method: 'POST',
      body: JSON.stringify({ args: { pdb: 'SALES' } }),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(op.status, 200, await op.text());

    // The server bounds what signals can add to a run's history: a payload over 512 KiB is refused.
    const big = path.join(dir, 'big-signal.json');
    writeFileSync(big, JSON.stringify({ gate: 'cutover', by: 'mallory', comment: 'x'.repeat(600_000) }));
    const signal = ['workflow', 'signal', '--address', `127.0.0.1:${ports.temporal}`, '--workflow-id', 'relocate-pdb:CDB1:SALES', '--name', 'approve'];
    const flood = spawnSync(temporalCliPath(), [...signal, '--input-file', big], { encoding: 'utf8' });
    assert.notEqual(flood.status, 0);
    assert.match(flood.stderr, /Blob data size exceeds limit/);

    // kill -9 of orb dev: its guard stops the server.
    a.child.kill('SIGKILL');
    await a.exited;
    await until('the Temporal server to go with orb dev', async () => alive(recA.serverPid) || alive(recA.guardPid), (v) => !v, 30_000);

    const b = spawnDev(dir, ports);
    await ready(b);
    assert.doesNotMatch(b.output(), /left running/, 'nothing was left to stop');
    const kept = await listed(ports);
    assert.deepEqual([kept?.runId, kept?.executionStatus], [runId, 'RUNNING'], 'the run survived the crash');
    assert.ok((await labOplog(ports)).some((e) => e.op === 'savePdbState' && e.cdb === 'CDB1'), 'the lab kept its state');

    // orb dev and its guard killed together: the server is left running, holding the port.
    const recB = record(dir);
    process.kill(recB.orbPid, 'SIGKILL');
    process.kill(recB.guardPid, 'SIGKILL');
    await b.exited;
    assert.ok(alive(recB.serverPid), 'the orphaned server still runs');

    const c = spawnDev(dir, ports);
    await ready(c);
    assert.match(
      c.output(),
      new RegExp(
        `stopped the Temporal dev server \\(pid ${recB.serverPid}, 127\\.0\\.0\\.1:${ports.temporal}\\) ` +
          `that an earlier orb dev \\(pid ${recB.orbPid}\\) left running`,
      ),
    );
    assert.equal(alive(recB.serverPid), false);
    assert.equal((await listed(ports))?.runId, runId, 'the run is still there');

    // A second orb dev on the same state directory is refused, and stops nothing.
    const recC = record(dir);
    const d = spawnDev(dir, await freePorts());
    assert.equal((await d.exited).code, 4, d.output());
    assert.match(d.output(), new RegExp(`another orb dev \\(pid ${c.child.pid}\\) is running with the state directory ${dir}`));
    assert.ok(alive(recC.serverPid));

    // SIGHUP (the terminal closed): a clean stop, no server left, the record removed.
    c.child.kill('SIGHUP');
    assert.deepEqual(await c.exited, { code: 0, signal: null }, c.output());
    assert.match(c.output(), /SIGHUP: stopping/);
    assert.equal(alive(recC.serverPid), false);
    assert.equal(existsSync(path.join(dir, 'temporal-server.json')), false);
  });

  test('something else on the port is refused, and a record naming an unrelated process kills nothing', async () => {
    const dir = stateDir();
    const ports = await freePorts();
    const listener = net.createServer();
    await new Promise<void>((r) => listener.listen(ports.temporal, '127.0.0.1', () => r()));
    const bystander = spawn('sleep', ['600'], { stdio: 'ignore' });
    children.push(bystander);
    try {
      const pid = bystander.pid!;
      const fake: ServerRecord = {
        orbPid: pid,
        guardPid: pid,
        serverPid: pid,
        dbFile: path.resolve(dir, 'temporal.db'),
        address: `127.0.0.1:${ports.temporal}`,
        uiPort: ports.ui,
        startedAt: new Date().toISOString(),
      };
      writeFileSync(path.join(dir, 'temporal-server.json'), JSON.stringify(fake));

      const dev = spawnDev(dir, ports);
      assert.equal((await dev.exited).code, 4, dev.output());
      const refused = `something is already listening on 127\\.0\\.0\\.1:${ports.temporal}, and it is not a Temporal server that .*temporal-server\\.json says`;
      assert.match(dev.output(), new RegExp(refused));
      assert.ok(alive(pid), 'the unrelated process named in the record is untouched');
    } finally {
      bystander.kill('SIGKILL');
      await new Promise<void>((r) => listener.close(() => r()));
    }
  });
});
