import { randomUUID } from 'node:crypto';
import assert from 'node:assert/strict';
import { after, afterEach, before } from 'node:test';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { WorkflowFailedError, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { createActivities } from '../../activities';
import { labCloudEstate, parseEstate, type EstateConfig } from '../../common/estate-config';
import { ALL_SEARCH_ATTRIBUTES, OrbPdb, OrbRunbook, OrbSourceCdb, OrbTargetCdb, OrbStage, OrbAwaitingApproval } from '../../common/search-attributes';
import {
  relocateWorkflowId,
  type GatePolicy,
  type RelocatePdbInput,
  type RelocatePdbResult,
  type RunbookStatus,
} from '../../common/runbook-types';
import { startLabProcess } from './lab-process';
import { temporalCliPath } from './temporal-cli';

const DIST = join(__dirname, '..', '..');
const BUNDLE = join(DIST, 'workflow-bundle.js');

export type Lab = Awaited<ReturnType<typeof startLabProcess>>;

/** The lab's HTTP API, as tests use it. */
export function labApi(url: string) {
  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await fetch(url + path, {
      method,
      headers: body !== undefined ? { 'content-type': 'application/json' } : undefined,
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    if (!r.ok) throw new Error(`${method} ${path}: ${r.status} ${text}`);
    return text ? (JSON.parse(text) as T) : (undefined as T);
  }
  return {
    estate: () => call<any>('GET', '/estate'),
    oplog: () => call<{ entries: { op: string; cdb: string; args: any; outcome: string; error?: any; at: string; endedAt?: string }[] }>('GET', '/oplog').then((r) => r.entries),
    invariants: (quiescent = true) => call<{ ok: boolean; violations: { rule: string; detail: string }[] }>('GET', `/invariants${quiescent ? '?quiescent=true' : ''}`),
    fault: (f: { op: string; cdb?: string; object?: string; kind: 'transient' | 'permanent'; ora: string; nested?: string; times?: number; at?: number; when?: 'before' | 'after' }) =>
      call<{ id: number }>('POST', '/faults', f),
    faults: () => call<{ faults: { id: number; op: string; fired: number; remaining: number | null }[] }>('GET', '/faults').then((r) => r.faults),
    clearFaults: () => call<void>('DELETE', '/faults'),
    reset: (seed = 'test', fleetPdbs?: number) => call<void>('POST', '/reset', { seed, ...(fleetPdbs !== undefined ? { fleetPdbs } : {}) }),
    patchPdb: (cdb: string, pdb: string, body: { status?: string; openMode?: string | null; version?: string; encryptedTablespaces?: string[] }) =>
      call<unknown>('PATCH', `/cdbs/${cdb}/pdbs/${pdb}`, body),
    patchCdb: (cdb: string, body: Record<string, unknown>) => call<unknown>('PATCH', `/cdbs/${cdb}`, body),
    upgradePdb: (cdb: string, pdb: string) => call<unknown>('POST', `/cdbs/${cdb}/pdbs/${pdb}/upgrade`),
    clock: (speed: number) => call<{ speed: number }>('POST', '/clock', { speed }),
    addSessions: (s: { cdb: string; service: string; count: number; longRunning?: boolean; instance?: string }) => call<void>('POST', '/sessions', s),
    cloudFault: (f: { service: 'oci' | 'oic'; op: string; target?: string; kind: 'transient' | 'permanent'; status: number; code: string; times?: number; when?: 'before' | 'after' }) =>
      call<{ id: number }>('POST', '/faults', f),
    automaticFailover: (adbId: string) => call<unknown>('POST', `/oci-control/autonomous-databases/${adbId}/automatic-failover`, {}),
    op: <T = any>(cdb: string, op: string, args: Record<string, unknown> = {}) =>
      call<{ result: T }>('POST', `/cdbs/${cdb}/ops/${op}`, { args }).then((r) => r.result),
    /** The lab's SSH server (RAC nodes, lab/RAC.md): where it listens, its host key, the client key file */
    ssh: () => call<{ host: string; port: number; user: string; hostKey: string; privateKeyFile: string; srvctl: Record<string, string[]> }>('GET', '/ssh'),
    /** A RAC database's state: instances, services (srvctl config and running set), pools, outages */
    rac: (cdb: string) => call<any>('GET', `/rac/${cdb}`),
    /** Sessions per instance over time (bounded series) */
    racSessions: (cdb: string, q = '') =>
      call<{ instances: string[]; points: { at: string; t: number; instances: Record<string, number>; services: Record<string, Record<string, number>> }[]; current: any }>(
        'GET',
        `/rac/${cdb}/sessions${q}`,
      ),
    fan: (cdb: string, since = 0) => call<{ events: any[] }>('GET', `/rac/${cdb}/fan?since=${since}`),
    srvctlFault: (f: { srvctl: string; cdb?: string; object?: string; kind: 'transient' | 'permanent'; code?: string; message?: string; hang?: boolean; times?: number; when?: 'before' | 'after' }) =>
      call<{ id: number }>('POST', '/faults', f),
    maintainFault: (f: { node?: string; exitCode?: number; message?: string; hang?: boolean; times?: number; when?: 'before' | 'after' }) =>
      call<{ id: number }>('POST', '/faults', { maintain: true, ...f }),
  };
}

export const APPROVERS = ['alice', 'bob', 'carol'];

/** The lab's maintenance program on the test estate's RAC CDBs: 20 simulated seconds a node (lab/RAC.md). */
export const TEST_MAINTENANCE = {
  'os-patch': { command: ['/opt/orb-lab/bin/maintain', '-node', '{node}', '-seconds', '20'], timeout: '5m', description: 'lab node maintenance' },
  broken: { command: ['/opt/orb-lab/bin/maintain', '-node', '{node}', '-bogus', 'x'] },
};

export function gate(over: Partial<GatePolicy> = {}): GatePolicy {
  return { approvers: APPROVERS, requiredApprovals: 1, timeoutMs: null, onTimeout: 'wait', allowInitiator: false, ...over };
}

export function relocateInput(over: Partial<RelocatePdbInput> = {}): RelocatePdbInput {
  return {
    pdb: 'SALES',
    sourceCdb: 'CDB1',
    targetCdb: 'CDB2',
    dbLink: 'CDB1_LINK',
    availability: 'NORMAL',
    drain: { timeoutMs: 4000, onTimeout: 'disconnect', pollMs: 500 },
    gates: { beforeCopy: null, cutover: gate(), dropTombstone: null, operator: gate() },
    startedBy: 'alice',
    ...over,
  };
}

export interface OrbEnv {
  env: TestWorkflowEnvironment;
  lab: Lab;
  api: ReturnType<typeof labApi>;
  estate: EstateConfig;
  estateFile: string;
  taskQueue: string;
  start(input: RelocatePdbInput): Promise<WorkflowHandle>;
  status(h: WorkflowHandle): Promise<RunbookStatus>;
  waitFor(h: WorkflowHandle, pred: (s: RunbookStatus) => boolean, what: string, timeoutMs?: number): Promise<RunbookStatus>;
  waitForLab(pred: () => Promise<boolean>, what: string, timeoutMs?: number): Promise<void>;
  approve(h: WorkflowHandle, gate: string, by: string, comment?: string): Promise<void>;
  reject(h: WorkflowHandle, gate: string, by: string, comment?: string): Promise<void>;
  result(h: WorkflowHandle): Promise<{ ok: true; value: RelocatePdbResult } | { ok: false; type: string; message: string }>;
  startWorkerProcess(): ChildProcess;
  stop(): Promise<void>;
}

/**
 * A real Temporal dev server (the Temporal CLI), a real lab process, and a worker with the
 * prebuilt workflow bundle: the test bed of every integration test.
 */
let runtimeInstalled = false;

/** serverArgs: extra flags for the dev server, e.g. --dynamic-config-value limits. */
export async function startOrbEnv(opts: { inProcessWorker?: boolean; copyPollMs?: number; serverArgs?: string[] } = {}): Promise<OrbEnv> {
  if (!runtimeInstalled) {
    // Worker chatter only when something is wrong: failures the tests expect are asserted, not logged.
    Runtime.install({ logger: new DefaultLogger((process.env.ORB_TEST_LOG_LEVEL as 'ERROR') ?? 'ERROR') });
    runtimeInstalled = true;
  }
  const lab = await startLabProcess({ seed: 'test' });
  const api = labApi(lab.url);
  const env = await TestWorkflowEnvironment.createLocal({
    server: {
      executable: { type: 'existing-path', path: temporalCliPath() },
      searchAttributes: ALL_SEARCH_ATTRIBUTES,
      log: { format: 'pretty', level: 'error' },
      ...(opts.serverArgs ? { extraArgs: opts.serverArgs } : {}),
    },
  });
  const dir = mkdtempSync(join(tmpdir(), 'orb-test-'));
  const estateRaw = {
    lab: { url: lab.url },
    cdbs: {
      CDB1: { adapter: 'lab', dbLinks: { CDB2: 'CDB2_LINK' } },
      CDB2: {
        adapter: 'lab',
        dbLinks: { CDB1: 'CDB1_LINK', CDB3: 'CDB3_LINK', RACCDB: 'RACCDB_LINK', FLEET1: 'FLEET1_LINK', FLEET2: 'FLEET2_LINK', FLEET3: 'FLEET3_LINK' },
      },
      CDB3: { adapter: 'lab', dbLinks: { CDB2: 'CDB2_LINK' } },
      // Two instances: marked Clusterware-managed (services change with srvctl, test/readiness.test.ts).
      CDB4: { adapter: 'lab', clusterware: true, dbLinks: {} },
      // RAC databases reached through srvctl over the lab's SSH server (lab/RAC.md).
      RACCDB: { adapter: 'lab', srvctl: {}, maintenance: TEST_MAINTENANCE, dbLinks: {} },
      TRICDB: { adapter: 'lab', srvctl: {}, maintenance: TEST_MAINTENANCE, dbLinks: {} },
      // The fleet CDBs: they hold PDBs only when the lab is reset with fleetPdbs (lab/fleet-seed.ts).
      FLEET1: { adapter: 'lab', dbLinks: { CDB2: 'CDB2_LINK' } },
      FLEET2: { adapter: 'lab', dbLinks: { CDB2: 'CDB2_LINK' } },
      FLEET3: { adapter: 'lab', dbLinks: { CDB2: 'CDB2_LINK' } },
    },
    approvers: { groups: { dbas: APPROVERS } },
    ...labCloudEstate(join(dirname(lab.stateFile), 'tns_admin', 'sales-app')),
  };
  // Wallets and saved configurations rest in the test's own directory (activities/wallet/wallet-store.ts).
  process.env.ORB_WALLET_DIR = join(dir, 'wallets');
  const estateFile = join(dir, 'estate.json');
  writeFileSync(estateFile, JSON.stringify(estateRaw));
  const estate = parseEstate(estateRaw);
  const taskQueue = `orb-test-${randomUUID()}`;
  const children: ChildProcess[] = [];

  let worker: Worker | null = null;
  let hostWorker: Worker | null = null;
  let running: Promise<unknown> | null = null;
  const hostQueue = `${taskQueue}@test-host`;
  if (opts.inProcessWorker !== false) {
    const activities = createActivities(estate, { copyPollMs: opts.copyPollMs ?? 300, workRequestPollMs: 200, hostQueue });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue,
      ...(existsSync(BUNDLE) ? { workflowBundle: { codePath: BUNDLE } } : { workflowsPath: require.resolve('../../workflows') }),
      dataConverter: { payloadConverterPath: require.resolve('../../common/payload-converter') },
      activities,
    });
    hostWorker = await Worker.create({ connection: env.nativeConnection, taskQueue: hostQueue, activities });
    running = Promise.all([worker.run(), hostWorker.run()]);
  }

  const client = env.client;
  const self: OrbEnv = {
    env,
    lab,
    api,
    estate,
    estateFile,
    taskQueue,
    async start(input) {
      return client.workflow.start('relocatePdb', {
        taskQueue,
        workflowId: relocateWorkflowId(input.sourceCdb, input.pdb),
        args: [input],
        typedSearchAttributes: [
          { key: OrbRunbook, value: 'relocate-pdb' },
          { key: OrbPdb, value: input.pdb },
          { key: OrbSourceCdb, value: input.sourceCdb },
          { key: OrbTargetCdb, value: input.targetCdb },
          { key: OrbStage, value: 'preflight' },
          { key: OrbAwaitingApproval, value: false },
        ],
      });
    },
    status: (h) => h.query<RunbookStatus>('status'),
    async waitFor(h, pred, what, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      let last: RunbookStatus | undefined;
      while (Date.now() < deadline) {
        try {
          last = await h.query<RunbookStatus>('status');
          if (pred(last)) return last;
        } catch {
          // no worker yet to answer the query
        }
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(last, null, 1)}`);
    },
    async waitForLab(pred, what, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (await pred()) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`timed out waiting for ${what}`);
    },
    approve: (h, gateName, by, comment) => h.signal('approve', { gate: gateName, by, comment }),
    reject: (h, gateName, by, comment) => h.signal('reject', { gate: gateName, by, comment }),
    async result(h) {
      try {
        return { ok: true, value: (await h.result()) as RelocatePdbResult };
      } catch (err) {
        if (err instanceof WorkflowFailedError) {
          const cause = err.cause as { type?: string; message: string } | undefined;
          return { ok: false, type: cause?.type ?? err.cause?.name ?? 'unknown', message: cause?.message ?? err.message };
        }
        throw err;
      }
    },
    startWorkerProcess() {
      const child = spawn(process.execPath, [join(DIST, 'worker', 'main.js')], {
        env: {
          ...process.env,
          TEMPORAL_ADDRESS: env.address,
          TEMPORAL_NAMESPACE: env.namespace ?? 'default',
          ORB_TASK_QUEUE: taskQueue,
          ORB_ESTATE: estateFile,
          ORB_COPY_POLL_MS: '300',
          ORB_WORK_REQUEST_POLL_MS: '200',
          ORB_HOST_QUEUE: 'test-host',
          ORB_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'inherit', 'inherit'],
      });
      children.push(child);
      return child;
    },
    async stop() {
      for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
      if (worker) {
        worker.shutdown();
        hostWorker?.shutdown();
        await running;
      }
      await env.teardown();
      await lab.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return self;
}

/**
 * The environment the orb CLI needs to reach this test bed, and nothing of the developer's own
 * Temporal settings (profile, API key, config file).
 */
export function cliEnvOf(o: OrbEnv, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    TEMPORAL_ADDRESS: o.env.address,
    TEMPORAL_NAMESPACE: 'default',
    TEMPORAL_PROFILE: undefined,
    TEMPORAL_API_KEY: undefined,
    TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml',
    ORB_TASK_QUEUE: o.taskQueue,
    ORB_ESTATE: o.estateFile,
    ...extra,
  };
}

/** Counts the lab's operation-log entries of one operation. */
export async function countOps(api: ReturnType<typeof labApi>, op: string, outcome?: 'ok' | 'error'): Promise<number> {
  return (await api.oplog()).filter((e) => e.op === op && (!outcome || e.outcome === outcome)).length;
}

/** Where the PDB is, as the lab's estate shows it: { CDB1: 'NORMAL/READ WRITE', ... } */
export async function pdbEverywhere(api: ReturnType<typeof labApi>, pdb: string): Promise<Record<string, string | null>> {
  const out: Record<string, string | null> = {};
  for (const cdb of ['CDB1', 'CDB2']) {
    const p = await api.op<{ status: string; openMode: string | null } | null>(cdb, 'getPdb', { pdb });
    out[cdb] = p ? `${p.status}/${p.openMode}` : null;
  }
  return out;
}

/**
 * Registers the hooks of an integration suite and returns its environment: one Temporal dev
 * server, lab process and worker for the suite; after every test the lab's invariants must
 * hold, then any run a failed test left behind is terminated and the lab is reset to its seed.
 * The returned object forwards to the environment once `before` has started it.
 */
export function orbSuite(opts: Parameters<typeof startOrbEnv>[0] = {}): OrbEnv {
  let env: OrbEnv | undefined;
  before(async () => {
    env = await startOrbEnv(opts);
  });
  after(async () => {
    await env?.stop();
  });
  afterEach(async () => {
    const o = env!;
    const inv = await o.api.invariants(true);
    for await (const wf of o.env.client.workflow.list({ query: 'ExecutionStatus = "Running"' })) {
      // Visibility lags: a run listed as running may have ended since (WorkflowNotFoundError), which is what we want.
      await o.env.client.workflow.getHandle(wf.workflowId, wf.runId).terminate('left running by a test').catch((err) => {
        if (!(err instanceof WorkflowNotFoundError)) throw err;
      });
    }
    await o.api.clearFaults();
    await o.api.reset('test');
    assert.deepEqual(inv.violations, [], 'lab invariants must hold after every test');
  });
  return new Proxy({} as OrbEnv, {
    get(_t, prop) {
      if (!env) throw new Error('the orb test environment is not started yet (use it inside a test)');
      return Reflect.get(env, prop);
    },
  });
}
