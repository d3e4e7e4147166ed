/**
 * Wallet fan-out to 50 consumers (workflows/shared/wallet-fan-out.ts) through propagate-wallet,
 * on a real Temporal dev server, the lab (in this process, seed test) and an in-process worker
 * like test/helpers/orb-env.ts's (main queue + host queue). Prints figures, asserts nothing.
 *
 * The 50 consumers of SALESATP: the seed's 2 OIC connections and its Vault secret, plus 40 more
 * OIC connections (each with one active integration, as the seed's) and 7 more Vault secrets,
 * all holding the seed wallet, added with Lab.cloudControl.
 *
 * Measured, from the run's status (the `propagate` stage's startedAt/endedAt, workflow time):
 *  - the slowest single consumer: propagate-wallet with `consumers: [one]` for SAMPLES consumers
 *    spread over the list (both kinds), one run each;
 *  - the fan-out of all 50 at concurrency 8, 16, 32 (the later ones only while time allows);
 *  - total / slowest against the ideal ceil(50 / concurrency): lanes that never wait on each other
 *    and consumers that all take the slowest one's time.
 * Bounded: about MAX_SECONDS in all (a run still going at the deadline is terminated).
 *   node dist/bench/wallet-fanout-bench.js [--samples 10] [--concurrency 8,16,32] [--verbose]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';
import { createActivities } from '../activities';
import { buildPropagateInput } from '../client/adb-input';
import { parseEstate } from '../common/estate-config';
import { ALL_SEARCH_ATTRIBUTES } from '../common/search-attributes';
import type { RunbookStatus } from '../common/runbook-types';
import type { AdbRunbookResult } from '../workflows/propagate-wallet';
import { startLab } from '../lab/server';
import { OIC_SEED_INSTANCE } from '../lab/oic/oic-seed';
import { SEED_IDS } from '../lab/oci/cloud-seed';
import { temporalCliPath } from '../test/helpers/temporal-cli';

const MAX_SECONDS = 170;
const CONSUMERS = 50;
const EXTRA_OIC = 40;
const EXTRA_VAULT = 7;
const IAD = 'ocid1.autonomousdatabase.oc1.iad.aaaalabsalesatp0001';
const PHX = 'ocid1.autonomousdatabase.oc1.phx.aaaalabsalesatp0002';
const BUNDLE = join(__dirname, '..', 'workflow-bundle.js');

function argOf(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function intArg(name: string, dflt: number, max: number): number {
  const raw = argOf(name);
  const v = raw === undefined ? dflt : Number(raw);
  if (!Number.isInteger(v) || v < 1 || v > max) throw new Error(`--${name} must be an integer from 1 to ${max}`);
  return v;
}

function concurrencies(): number[] {
  const raw = argOf('concurrency') ?? '8,16,32';
  const list = raw.split(',').map((x) => Number(x.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 1 || n > 32)) throw new Error('--concurrency must list integers from 1 to 32, e.g. 8,16,32');
  return list;
}

const pad2 = (i: number) => String(i).padStart(2, '0');
const ms = (s: RunbookStatus, stage: string) => {
  const r = s.stages.find((x) => x.name === stage);
  return r?.endedAt ? Date.parse(r.endedAt) - Date.parse(r.startedAt) : NaN;
};

/** Adds the bench's OIC connections (one active integration each) and Vault secrets, copies of the seed's. */
function addConsumers(lab: Awaited<ReturnType<typeof startLab>>): void {
  lab.lab.cloudControl((_ctx, cloud) => {
    const inst = cloud.oic.find((i) => i.name === OIC_SEED_INSTANCE)!;
    const conn = inst.connections.find((c) => c.id === 'SALES_ATP_ORDERS')!;
    const integ = inst.integrations.find((i) => i.code === 'ORDERS_SYNC')!;
    for (let i = 1; i <= EXTRA_OIC; i++) {
      const id = `BENCH_ATP_${pad2(i)}`;
      inst.connections.push({ ...structuredClone(conn), id, name: `Bench ATP ${pad2(i)}` });
      const code = `BENCH_SYNC_${pad2(i)}`;
      const activatedWith = { [id]: integ.activatedWith.SALES_ATP_ORDERS! };
      inst.integrations.push({ ...structuredClone(integ), id: `${code}|01.00.0000`, code, name: `Bench Sync ${pad2(i)}`, connections: [id], activatedWith });
    }
    const secret = cloud.secrets.find((s) => s.id === SEED_IDS.salesWalletSecret)!;
    for (let i = 1; i <= EXTRA_VAULT; i++) {
      cloud.secrets.push({ ...structuredClone(secret), id: `ocid1.vaultsecret.oc1.iad.aaaalabbenchwallet${pad2(i)}`, secretName: `bench-wallet-${pad2(i)}` });
    }
  });
}

function estateOf(labUrl: string) {
  const consumers: Record<string, unknown> = {
    'oic-orders': { type: 'oic', instance: OIC_SEED_INSTANCE, connection: 'SALES_ATP_ORDERS' },
    'oic-billing': { type: 'oic', instance: OIC_SEED_INSTANCE, connection: 'SALES_ATP_BILLING' },
    'vault-wallet': { type: 'vault-secret', secretId: SEED_IDS.salesWalletSecret },
  };
  for (let i = 1; i <= EXTRA_OIC; i++) consumers[`oic-bench-${pad2(i)}`] = { type: 'oic', instance: OIC_SEED_INSTANCE, connection: `BENCH_ATP_${pad2(i)}` };
  for (let i = 1; i <= EXTRA_VAULT; i++) consumers[`vault-bench-${pad2(i)}`] = { type: 'vault-secret', secretId: `ocid1.vaultsecret.oc1.iad.aaaalabbenchwallet${pad2(i)}` };
  if (Object.keys(consumers).length !== CONSUMERS) throw new Error(`the bench estate has ${Object.keys(consumers).length} consumers, not ${CONSUMERS}`);
  return parseEstate({
    lab: { url: labUrl },
    approvers: { groups: { dbas: ['alice', 'bob', 'carol'] } },
    oic: { [OIC_SEED_INSTANCE]: { adapter: 'lab' } },
    autonomousDatabases: {
      SALESATP: { adapter: 'lab', id: IAD, region: 'us-ashburn-1', peerIds: [PHX], consumers },
    },
  });
}

interface Run {
  wallMs: number;
  propagateMs: number;
  status: RunbookStatus;
  historyEvents: number;
  breakdown: string[];
}

type History = Awaited<ReturnType<ReturnType<Client['workflow']['getHandle']>['fetchHistory']>>;

/**
 * Where a run's time went, from its history: per activity type the count, the mean and max wait
 * in the task queue (scheduled → started) and run time (started → closed); the same for workflow tasks.
 */
function breakdown(hist: History): string[] {
  const events = hist.events ?? [];
  const at = (e: (typeof events)[number]) => tsToMs(e.eventTime);
  const byId = new Map(events.map((e) => [Number(e.eventId), e]));
  const acc = new Map<string, { n: number; wait: number[]; run: number[] }>();
  const add = (key: string, wait: number, run: number) => {
    const a = acc.get(key) ?? { n: 0, wait: [], run: [] };
    a.n++;
    a.wait.push(wait);
    a.run.push(run);
    acc.set(key, a);
  };
  for (const e of events) {
    const done = e.activityTaskCompletedEventAttributes ?? e.activityTaskFailedEventAttributes;
    if (done) {
      const sched = byId.get(Number(done.scheduledEventId))!;
      const start = byId.get(Number(done.startedEventId))!;
      add(`activity ${sched.activityTaskScheduledEventAttributes?.activityType?.name}`, at(start) - at(sched), at(e) - at(start));
    }
    const wft = e.workflowTaskCompletedEventAttributes;
    if (wft) {
      const sched = byId.get(Number(wft.scheduledEventId))!;
      const start = byId.get(Number(wft.startedEventId))!;
      add('workflow task', at(start) - at(sched), at(e) - at(start));
    }
  }
  const mean = (xs: number[]) => (xs.reduce((a, b) => a + b, 0) / xs.length).toFixed(0);
  return [...acc.entries()].map(([k, a]) =>
    `  ${k.padEnd(28)} ${String(a.n).padStart(4)}x  queue wait mean ${mean(a.wait).padStart(4)} max ${String(Math.max(...a.wait)).padStart(4)} ms  ` +
      `run mean ${mean(a.run).padStart(4)} max ${String(Math.max(...a.run)).padStart(4)} ms`);
}

async function main(): Promise<void> {
  const t0 = Date.now();
  const deadline = t0 + MAX_SECONDS * 1000;
  const samples = intArg('samples', 10, CONSUMERS);
  const levels = concurrencies();
  Runtime.install({ logger: new DefaultLogger('ERROR') });
  const dir = mkdtempSync(join(tmpdir(), 'orb-bench-wallet-'));
  process.env.ORB_WALLET_DIR = join(dir, 'wallets');
  const lab = await startLab({ port: 0, stateFile: join(dir, 'lab-state.json'), seed: 'test', logger: pino({ level: 'silent' }) });
  let env: TestWorkflowEnvironment | undefined;
  let stopWorkers: (() => Promise<void>) | undefined;
  try {
    addConsumers(lab);
    const estate = estateOf(lab.url);
    const names = Object.keys(estate.autonomousDatabases.SALESATP!.consumers);
    env = await TestWorkflowEnvironment.createLocal({
      server: {
        executable: { type: 'existing-path', path: temporalCliPath() },
        searchAttributes: ALL_SEARCH_ATTRIBUTES,
        log: { format: 'pretty', level: 'error' },
      },
    });
    const taskQueue = `orb-bench-${randomUUID()}`;
    const hostQueue = `${taskQueue}@bench-host`;
    const activities = createActivities(estate, { workRequestPollMs: 200, hostQueue });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      workflowBundle: { codePath: BUNDLE },
      dataConverter: { payloadConverterPath: require.resolve('../common/payload-converter') },
      activities,
    });
    const hostWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: hostQueue, activities });
    const running = Promise.all([worker.run(), hostWorker.run()]);
    stopWorkers = async () => {
      worker.shutdown();
      hostWorker.shutdown();
      await running;
    };
    const client: Client = env.client;
    console.log(`lab ${lab.url} (in process), Temporal ${env.address}, ${names.length} consumers of SALESATP ` +
      `(${names.filter((n) => n.startsWith('oic')).length} OIC connections, ${names.filter((n) => n.startsWith('vault')).length} Vault secrets); ` +
      `setup ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    const propagate = async (label: string, opts: { consumers?: string; concurrency: number }): Promise<Run | null> => {
      // refreshAll: every run updates every consumer it names (the first would leave the later ones current).
      const input = { ...buildPropagateInput({ database: 'SALESATP', startedBy: 'bench', ...opts }, estate, { kind: 'manual' }), refreshAll: true };
      const started = Date.now();
      const h = await client.workflow.start('propagateWallet', { taskQueue, workflowId: `bench-propagate-${label}-${randomUUID()}`, args: [input] });
      const left = deadline - Date.now();
      const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), Math.max(0, left)).unref());
      const r = await Promise.race([h.result() as Promise<AdbRunbookResult>, timer]);
      if (r === 'timeout') {
        await h.terminate('the bench ran out of time').catch(() => undefined);
        console.log(`${label}: terminated at the bench's deadline`);
        return null;
      }
      const wallMs = Date.now() - started;
      const hist = await h.fetchHistory();
      const notDone = (r.status.consumers ?? []).filter((c) => c.state !== 'tested' && c.state !== 'reactivated');
      if (notDone.length) console.log(`${label}: not done: ${notDone.map((c) => `${c.name} ${c.state} ${c.error ?? ''}`).join('; ')}`);
      return { wallMs, propagateMs: ms(r.status, 'propagate'), status: r.status, historyEvents: hist.events?.length ?? 0, breakdown: breakdown(hist) };
    };

    // Warm-up: the first run pays for worker caches, connections and the bundle's first load.
    await propagate('warm-up', { consumers: names[0]!, concurrency: 1 });

    // (a) each sampled consumer alone
    const step = names.length / samples;
    const sampled = Array.from({ length: samples }, (_, i) => names[Math.floor(i * step)]!);
    const singles: { name: string; propagateMs: number; wallMs: number; breakdown: string[] }[] = [];
    for (const name of sampled) {
      if (Date.now() > deadline - 60_000) break;
      const r = await propagate(`single-${name}`, { consumers: name, concurrency: 1 });
      if (r) singles.push({ name, propagateMs: r.propagateMs, wallMs: r.wallMs, breakdown: r.breakdown });
    }
    const slowest = singles.reduce((a, b) => (b.propagateMs > a.propagateMs ? b : a));
    const sorted = singles.map((s) => s.propagateMs).sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)]!;
    console.log(`\nsingle consumer (propagate stage, ${singles.length} consumers run alone, one run each):`);
    for (const s of singles) {
      console.log(`  ${s.name.padEnd(16)} ${String(s.propagateMs).padStart(6)} ms   (whole run ${s.wallMs} ms)`);
      if (process.argv.includes('--verbose')) for (const line of s.breakdown) console.log(`  ${line}`);
    }
    console.log(`  slowest ${slowest.name} ${slowest.propagateMs} ms, median ${median} ms; where the slowest run's time went:`);
    for (const line of slowest.breakdown) console.log(line);

    // (b) all 50 at each concurrency
    const rows: string[] = [];
    const details: string[] = [];
    for (const c of levels) {
      if (Date.now() > deadline - 20_000) {
        rows.push(`${String(names.length).padStart(9)}  ${String(c).padStart(11)}  skipped: out of time`);
        continue;
      }
      const r = await propagate(`fanout-${c}`, { concurrency: c });
      if (!r) {
        rows.push(`${String(names.length).padStart(9)}  ${String(c).padStart(11)}  terminated at the deadline`);
        continue;
      }
      const ratio = r.propagateMs / slowest.propagateMs;
      details.push(`concurrency ${c}:`, ...r.breakdown);
      rows.push(
        `${String(names.length).padStart(9)}  ${String(c).padStart(11)}  ${String(r.propagateMs).padStart(13)}  ${String(slowest.propagateMs).padStart(15)}  ` +
          `${ratio.toFixed(2).padStart(13)}  ${String(Math.ceil(names.length / c)).padStart(11)}  ${String(r.wallMs).padStart(11)}  ${String(r.historyEvents).padStart(14)}`,
      );
    }
    console.log('\nfan-out of all consumers (ms; ratio = total / slowest single; ideal = ceil(consumers / concurrency)):');
    const header: [string, number][] = [
      ['consumers', 9], ['concurrency', 11], ['propagate ms', 13], ['slowest 1 ms', 15], ['total/slowest', 13], ['ideal ratio', 11],
      ['run ms', 11], ['history events', 14],
    ];
    console.log(header.map(([h, w]) => h.padStart(w)).join('  '));
    for (const row of rows) console.log(row);
    console.log('\nwhere the fan-out runs\' time went (whole run, preflight included):');
    for (const line of details) console.log(line);
    const inv = await (await fetch(`${lab.url}/invariants?quiescent=true`)).json() as { violations: unknown[] };
    console.log(`\nlab invariants after: ${inv.violations.length === 0 ? 'hold' : JSON.stringify(inv.violations)}; bench ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    await stopWorkers?.();
    await env?.teardown();
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
