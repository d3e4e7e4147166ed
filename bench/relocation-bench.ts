/**
 * Concurrent relocations against a no-op workflow of the same shape (issue 8 §2), on a real Temporal dev server,
 * the lab as a process (seed test with `fleetPdbs`, lab/fleet-seed.ts) and ONE worker process
 * (`node dist/worker/main.js`, the production entry point, its default settings). Prints figures, asserts nothing.
 *
 *  1. One relocation alone (FL0001 FLEET1 → CDB2, no gates, drain timeout 5 s then disconnect): its history gives
 *     the shape — per workflow task, how many activities it scheduled and which timers it started (their observed
 *     durations: fired = the timeout, cancelled = until cancelled).
 *  2. RUNS no-op workflows (workflows/bench-shape.ts: that shape, empty activities) all started at once; a fresh
 *     worker process; runs per minute, worker peak RSS (VmHWM) and CPU.
 *  3. RUNS relocations FL0002.. (round-robin over FLEET1..3 → CDB2) all started at once; a fresh worker process;
 *     the same figures, history events per relocation, and per-stage orchestration overhead: a stage's wall time
 *     (its startedAt/endedAt in the run's status) minus the lab's own time for that stage's operations (oplog:
 *     a copy's simulated duration / speed; every other operation is instant in the lab, ~0.5 ms a call, see
 *     `npm run bench:lab`).
 * The lab runs at SPEED simulated seconds per real second, so copies and sessions leaving take little wall time:
 * the figures measure orchestration (Temporal, the worker, the activities' calls), not Oracle.
 * Bounded: a phase still going at the deadline is cut short (its runs terminated) and reported as far as it got.
 *   node dist/bench/relocation-bench.js [--runs 200] [--speed 200] [--max-seconds 480] [--verbose]
 * The issue's full size is --runs 1000.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, release, totalmem, tmpdir, type as osType } from 'node:os';
import { join } from 'node:path';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { buildRelocateInput } from '../client/relocate-input';
import { parseEstate } from '../common/estate-config';
import { ALL_SEARCH_ATTRIBUTES } from '../common/search-attributes';
import { relocateWorkflowId, type RelocatePdbResult, type RunbookStatus } from '../common/runbook-types';
import { FLEET_CDBS, fleetPdbName } from '../lab/fleet-seed';
import type { BenchShapeBatch } from '../workflows/bench-shape';
import { startLabProcess, type LabProcess } from '../test/helpers/lab-process';
import { labApi } from '../test/helpers/orb-env';
import { temporalCliPath } from '../test/helpers/temporal-cli';

const FULL_SIZE = 1000;
const TARGET_RATIO = 0.7;
const TARGET_RSS_MB = 1536;
const WORKER_JS = join(__dirname, '..', 'worker', 'main.js');
/** Starts in flight at once (the client side only: every run is started before the first is awaited). */
const START_CONCURRENCY = 50;

type History = Awaited<ReturnType<WorkflowHandle['fetchHistory']>>;

function argOf(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function intArg(name: string, dflt: number, min: number, max: number): number {
  const raw = argOf(name);
  const v = raw === undefined ? dflt : Number(raw);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw new Error(`--${name} must be a whole number from ${min} to ${max}`);
  }
  return v;
}

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** The worker process: peak RSS and CPU seconds so far, from /proc (Linux). */
function procFigures(pid: number): { peakRssMb: number; cpuSeconds: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? NaN) / 1024;
  // Fields after the command name: utime and stime are the 12th and 13th (man 5 proc).
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return { peakRssMb: hwm, cpuSeconds: ticks / 100 }; // USER_HZ is 100 on Linux
}

/** The Temporal dev server this process started (its child whose command name says temporal), or null. */
function serverPid(): number | null {
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && /temporal/i.test(comm)) return Number(d);
    } catch {
      // gone meanwhile
    }
  }
  return null;
}

function estateRaw(labUrl: string) {
  const fleet = Object.fromEntries(FLEET_CDBS.map((c) => [c, { adapter: 'lab', dbLinks: { CDB2: 'CDB2_LINK' } }]));
  return {
    lab: { url: labUrl },
    cdbs: {
      CDB2: { adapter: 'lab', dbLinks: Object.fromEntries(FLEET_CDBS.map((c) => [c, `${c}_LINK`])) },
      ...fleet,
    },
    approvers: { groups: { dbas: ['alice', 'bob', 'carol'] } },
  };
}

/** Per workflow task of the history: the activities it scheduled and the timers it started (observed ms). */
function shapeOf(hist: History): BenchShapeBatch[] {
  const events = hist.events ?? [];
  const timerEnd = new Map<string, number>();
  for (const e of events) {
    const id = e.timerFiredEventAttributes?.timerId ?? e.timerCanceledEventAttributes?.timerId;
    if (id) timerEnd.set(id, tsToMs(e.eventTime));
  }
  const batches: BenchShapeBatch[] = [];
  let cur: BenchShapeBatch | null = null;
  for (const e of events) {
    if (e.workflowTaskCompletedEventAttributes) {
      cur = { activities: 0, timersMs: [] };
      batches.push(cur);
    } else if (e.activityTaskScheduledEventAttributes && cur) cur.activities++;
    else if (e.timerStartedEventAttributes && cur) {
      const end = timerEnd.get(e.timerStartedEventAttributes.timerId ?? '');
      const planned = tsToMs(e.timerStartedEventAttributes.startToFireTimeout);
      cur.timersMs.push(end !== undefined ? end - tsToMs(e.eventTime) : planned);
    }
  }
  return batches.filter((b) => b.activities > 0 || b.timersMs.length > 0);
}

function eventTypes(hist: History): string {
  const n = new Map<string, number>();
  for (const e of hist.events ?? []) {
    const k = Object.keys(e).find((x) => x.endsWith('EventAttributes')) ?? 'other';
    n.set(k.replace(/EventAttributes$/, ''), (n.get(k.replace(/EventAttributes$/, '')) ?? 0) + 1);
  }
  return [...n.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
}

interface Worker {
  child: ChildProcess;
  stop(): Promise<void>;
}

function startWorkerProcess(env: TestWorkflowEnvironment, taskQueue: string, estateFile: string): Worker {
  const child = spawn(process.execPath, [WORKER_JS], {
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_PROFILE: undefined,
      TEMPORAL_API_KEY: undefined,
      TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml',
      ORB_TASK_QUEUE: taskQueue,
      ORB_ESTATE: estateFile,
      ORB_HOST_QUEUE: 'bench-host',
      ORB_LOG_LEVEL: 'error',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  return {
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const t = setTimeout(() => child.kill('SIGKILL'), 15_000);
        child.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}

interface PhaseResult<T> {
  done: { workflowId: string; value: T }[];
  failed: string[];
  cut: number;
  wallMs: number;
  peakRssMb: number;
  cpuSeconds: number;
  labCpuSeconds: number;
  serverCpuSeconds: number;
}

/**
 * Starts every run (START_CONCURRENCY starts in flight), then awaits them all until the deadline; the runs
 * still going then are terminated. Wall time: from the first start to the last completion.
 */
async function phase<T>(
  client: Client,
  worker: Worker,
  labPid: number,
  srvPid: number | null,
  ids: string[],
  start: (id: string) => Promise<WorkflowHandle>,
  deadline: number,
): Promise<PhaseResult<T>> {
  const cpu0 = procFigures(worker.child.pid!).cpuSeconds;
  const labCpu0 = procFigures(labPid).cpuSeconds;
  const srvCpu0 = srvPid ? procFigures(srvPid).cpuSeconds : NaN;
  const t0 = Date.now();
  const handles: WorkflowHandle[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: START_CONCURRENCY }, async () => {
      while (next < ids.length) handles.push(await start(ids[next++]!));
    }),
  );
  const done: PhaseResult<T>['done'] = [];
  const failed: string[] = [];
  let last = t0;
  const timeout = new Promise<'timeout'>((r) => {
    setTimeout(() => r('timeout'), Math.max(0, deadline - Date.now())).unref();
  });
  const settled = Promise.all(
    handles.map((h) =>
      h.result().then(
        (value: T) => {
          done.push({ workflowId: h.workflowId, value });
          last = Date.now();
        },
        (e: Error) => {
          failed.push(`${h.workflowId}: ${e.message}`);
          last = Date.now();
        },
      ),
    ),
  );
  const cut = (await Promise.race([settled, timeout])) === 'timeout';
  const endAt = cut ? Date.now() : last;
  // What ended by itself before the deadline (the terminations below fail the rest).
  const doneByDeadline = [...done];
  const failedByDeadline = [...failed];
  const figures = procFigures(worker.child.pid!);
  const labCpuSeconds = procFigures(labPid).cpuSeconds - labCpu0;
  const serverCpuSeconds = srvPid ? procFigures(srvPid).cpuSeconds - srvCpu0 : NaN;
  if (cut) {
    for (const h of handles) await h.terminate('the bench ran out of time').catch(() => undefined);
  }
  const unfinished = ids.length - doneByDeadline.length - failedByDeadline.length;
  return {
    done: doneByDeadline,
    failed: failedByDeadline,
    cut: unfinished,
    wallMs: endAt - t0,
    peakRssMb: figures.peakRssMb,
    cpuSeconds: figures.cpuSeconds - cpu0,
    labCpuSeconds,
    serverCpuSeconds,
  };
}

/** Stage name → overhead samples (ms): wall time minus the lab's own time of the stage's operations. */
function stageOverheads(
  statuses: { pdb: string; status: RunbookStatus }[],
  oplog: Awaited<ReturnType<ReturnType<typeof labApi>['oplog']>>,
  speed: number,
): Map<string, { overhead: number[]; lab: number[]; ops: number }> {
  const byPdb = new Map<string, typeof oplog>();
  for (const e of oplog) {
    const pdb = typeof e.args?.pdb === 'string' ? e.args.pdb : null;
    if (pdb) byPdb.set(pdb, [...(byPdb.get(pdb) ?? []), e]);
  }
  const out = new Map<string, { overhead: number[]; lab: number[]; ops: number }>();
  for (const { pdb, status } of statuses) {
    const ops = byPdb.get(pdb) ?? [];
    for (const s of status.stages) {
      if (!s.endedAt || s.outcome === 'skipped') continue;
      const from = Date.parse(s.startedAt);
      const to = Date.parse(s.endedAt);
      // realAt: when the lab received the call (real time); 5 ms of slack for the clocks' rounding.
      const mine = ops.filter((e) => {
        const at = Date.parse((e as { realAt?: string }).realAt ?? e.at);
        return at >= from - 5 && at <= to + 5;
      });
      const labMs = mine.reduce((a, e) => a + (e.endedAt ? (Date.parse(e.endedAt) - Date.parse(e.at)) / speed : 0), 0);
      const row = out.get(s.name) ?? { overhead: [], lab: [], ops: 0 };
      row.overhead.push(to - from - labMs);
      row.lab.push(labMs);
      row.ops += mine.length;
      out.set(s.name, row);
    }
  }
  return out;
}

/** `p`, or an error when the deadline comes first. */
async function beforeDeadline<T>(p: Promise<T>, deadline: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not end before the bench's deadline`)),
      deadline - Date.now(),
    );
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

const f0 = (x: number) => (Number.isFinite(x) ? x.toFixed(0) : '-');
const f1 = (x: number) => (Number.isFinite(x) ? x.toFixed(1) : '-');

async function main(): Promise<void> {
  const t0 = Date.now();
  const runs = intArg('runs', 200, 1, 4999);
  const speed = intArg('speed', 200, 1, 10_000);
  const maxSeconds = intArg('max-seconds', 480, 20, 3600);
  const deadline = t0 + maxSeconds * 1000;
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  process.env.ORB_LAB_LOG_LEVEL = 'warn';
  const dir = mkdtempSync(join(tmpdir(), 'orb-bench-reloc-'));
  let lab: LabProcess | undefined;
  let env: TestWorkflowEnvironment | undefined;
  let worker: Worker | undefined;
  try {
    lab = await startLabProcess({ seed: 'test', speed, fleetPdbs: runs + 1, ssh: false });
    const api = labApi(lab.url);
    const raw = estateRaw(lab.url);
    const estateFile = join(dir, 'estate.json');
    writeFileSync(estateFile, JSON.stringify(raw));
    const estate = parseEstate(raw);
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalCliPath() },
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
        log: { format: 'pretty', level: 'error' },
      },
    });
    const client = env.client;
    const srvPid = serverPid();
    const taskQueue = 'orb-bench-relocations';
    const relocate = (i: number) => {
      const pdb = fleetPdbName(i);
      const from = FLEET_CDBS[(i - 1) % FLEET_CDBS.length]!;
      const input = buildRelocateInput(
        {
          pdb,
          from,
          to: 'CDB2',
          cutoverGate: false,
          drainTimeout: '5s',
          onDrainTimeout: 'disconnect',
          startedBy: 'bench',
        },
        estate,
      );
      const workflowId = relocateWorkflowId(from, pdb);
      return client.workflow.start('relocatePdb', { taskQueue, workflowId, args: [input] });
    };
    console.log(
      `machine: ${osType()} ${release()}, ${cpus().length} x ${cpus()[0]?.model ?? '?'}, ` +
        `${(totalmem() / 2 ** 30).toFixed(1)} GiB (${(freemem() / 2 ** 30).toFixed(1)} free), ` +
        `load ${loadavg().map(f1).join(' ')}`,
    );
    console.log(
      `settings: ${runs} runs a phase (the issue's full size: ${FULL_SIZE}), lab speed ${speed}, ` +
        `one worker process (dist/worker/main.js, default settings), deadline ${maxSeconds} s; ` +
        `setup ${f1((Date.now() - t0) / 1000)} s`,
    );

    // 1. The shape of one relocation alone.
    worker = startWorkerProcess(env, taskQueue, estateFile);
    const one = await relocate(1);
    const alone = await beforeDeadline(one.result() as Promise<RelocatePdbResult>, deadline, 'the first relocation');
    const hist = await one.fetchHistory();
    const shape = shapeOf(hist);
    const acts = shape.reduce((a, b) => a + b.activities, 0);
    const timers = shape.flatMap((b) => b.timersMs);
    console.log(`\none relocation alone: ${hist.events?.length} history events (${eventTypes(hist)})`);
    console.log(
      `shape: ${shape.length} workflow tasks that schedule, ${acts} activities, ${timers.length} timers ` +
        `(${timers.map(f0).join(', ')} ms)`,
    );
    console.log(
      "not in the no-op (the issue counts activities and timers only): the relocation's child workflow " +
        '(the target lock), its signal to it and its search-attribute upserts; the ratio charges them to the relocation',
    );
    await worker.stop();

    // 2. The no-op workflow of that shape.
    worker = startWorkerProcess(env, taskQueue, estateFile);
    const noopIds = Array.from({ length: runs }, (_, i) => `bench-noop-${i + 1}`);
    const noopDeadline = t0 + (deadline - t0) / 2;
    const noop = await phase<number>(
      client,
      worker,
      lab.pid,
      srvPid,
      noopIds,
      (id) => client.workflow.start('benchShape', { taskQueue, workflowId: id, args: [shape] }),
      noopDeadline,
    );
    await worker.stop();

    // 3. The relocations.
    worker = startWorkerProcess(env, taskQueue, estateFile);
    const relocIds = Array.from({ length: runs }, (_, i) => String(i + 2));
    const reloc = await phase<RelocatePdbResult>(
      client,
      worker,
      lab.pid,
      srvPid,
      relocIds,
      (i) => relocate(Number(i)),
      deadline,
    );
    await worker.stop();
    worker = undefined;

    const events: number[] = [];
    for (const { workflowId } of reloc.done.slice(0, 50)) {
      events.push((await client.workflow.getHandle(workflowId).fetchHistory()).events?.length ?? 0);
    }
    events.sort((a, b) => a - b);
    // relocate-pdb:<source>:<pdb>
    const statuses = reloc.done.map((r) => ({ pdb: r.workflowId.split(':').at(-1)!, status: r.value.status }));
    const oplog = await api.oplog();
    const overheads = stageOverheads(statuses, oplog, speed);
    const aloneOverheads = stageOverheads([{ pdb: fleetPdbName(1), status: alone.status }], oplog, speed);

    // Figures.
    const perMin = (p: PhaseResult<unknown>) => p.done.length / (p.wallMs / 60_000);
    const ratio = perMin(reloc) / perMin(noop);
    const head: [string, number][] = [
      ['phase', -12],
      ['done', 6],
      ['failed', 6],
      ['cut', 5],
      ['wall s', 7],
      ['runs/min', 9],
      ['worker RSS MB', 13],
      ['CPU s', 7],
      ['CPU cores', 9],
      ['lab CPU s', 9],
      ['server CPU s', 12],
    ];
    const line = (cells: string[]) =>
      cells
        .map((c, i) => {
          const w = head[i]![1];
          return w < 0 ? c.padEnd(-w) : c.padStart(w);
        })
        .join('  ');
    const row = (name: string, p: PhaseResult<unknown>) =>
      line([
        name,
        String(p.done.length),
        String(p.failed.length),
        String(p.cut),
        f1(p.wallMs / 1000),
        f1(perMin(p)),
        f0(p.peakRssMb),
        f1(p.cpuSeconds),
        (p.cpuSeconds / (p.wallMs / 1000)).toFixed(2),
        f1(p.labCpuSeconds),
        f1(p.serverCpuSeconds),
      ]);
    console.log(`\n${line(head.map(([h]) => h))}`);
    console.log(row('no-op shape', noop));
    console.log(row('relocation', reloc));
    const complete = reloc.cut === 0 && reloc.failed.length === 0;
    if (noop.cut || reloc.cut) {
      console.log(
        `a phase was cut at the deadline (cut: runs not ended by then, terminated): its runs/min counts ` +
          `only the runs that ended, it is no throughput; lower --runs or raise --max-seconds`,
      );
    }
    const meets = ratio >= TARGET_RATIO && reloc.peakRssMb < TARGET_RSS_MB && complete;
    const ratioText = Number.isFinite(ratio) ? ratio.toFixed(2) : '-';
    console.log(
      `\nrelocations / no-op throughput: ${ratioText}x (target >= ${TARGET_RATIO}x); worker peak RSS ` +
        `${f0(reloc.peakRssMb)} MB (target < ${TARGET_RSS_MB} MB): ${meets ? 'MEETS' : 'DOES NOT MEET'} the issue's ` +
        `target` +
        (runs < FULL_SIZE ? ` at ${runs} runs (the issue checks ${FULL_SIZE})` : ''),
    );
    console.log(
      `history events per relocation without waits (${events.length} runs): ` +
        `p50 ${pct(events, 50)}, max ${events.at(-1) ?? '-'}`,
    );
    console.log(
      "\nper-stage orchestration overhead (ms; wall time of the stage minus the lab's own time " +
        'of its operations; alone: the first relocation, run by itself):',
    );
    const stageHead = ['stage'.padEnd(20), 'runs', 'lab ops', 'lab ms p50', 'overhead p50', 'p99', 'alone'];
    console.log(stageHead.map((h, i) => (i ? h.padStart(Math.max(7, h.length)) : h)).join(' '));
    for (const [name, r] of overheads) {
      const o = [...r.overhead].sort((a, b) => a - b);
      const l = [...r.lab].sort((a, b) => a - b);
      const cells = [
        name.padEnd(20),
        String(o.length),
        String(r.ops),
        f1(pct(l, 50)),
        f0(pct(o, 50)),
        f0(pct(o, 99)),
        f0(aloneOverheads.get(name)?.overhead[0] ?? NaN),
      ];
      console.log(cells.map((c, i) => (i ? c.padStart(Math.max(7, stageHead[i]!.length)) : c)).join(' '));
    }
    const failures = [...noop.failed, ...reloc.failed];
    if (failures.length) console.log(`\nfailed runs (first 5):\n  ${failures.slice(0, 5).join('\n  ')}`);
    const inv = await api.invariants(true);
    const invText = inv.violations.length === 0 ? 'hold' : JSON.stringify(inv.violations.slice(0, 3));
    console.log(`\nlab invariants after: ${invText}; ` + `bench ${f1((Date.now() - t0) / 1000)} s`);
  } finally {
    await worker?.stop();
    await env?.teardown();
    await lab?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
