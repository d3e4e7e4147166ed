/**
 * rolling-maintenance when things go wrong, on a real Temporal dev server, the lab's RAC over SSH and a worker
 * running as its own process (so it can be SIGKILLed):
 *  - a drain timeout (a long-running session stays on raccdb1) under each policy: ask → approved (disconnected
 *    after their transaction, the run goes on) or rejected (put back), abort (put back);
 *  - an instance that fails to start after its maintenance waits at gate recover-start-<inst>: fixed and
 *    approved it is retried and the run completes; rejected the run stops naming what is left to do;
 *  - the worker killed mid-drain (while the relocate and the watch run) and mid-instance-stop: a new worker
 *    finishes the run, each instance stopped once, no service down everywhere, everything back;
 *  - a relocate whose answer was lost (srvctl fault `when: after`): the retry reads where the service runs
 *    and finds it done, one relocate.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import type { WorkflowHandle } from '@temporalio/client';
import { killHard } from './helpers/processes';
import { orbSuite, type OrbEnv } from './helpers/orb-env';
import { until } from './helpers/until';
import { buildRollingInput, type RollingOptions } from '../client/rac-input';
import type { RunbookStatus } from '../common/runbook-types';
import type { SrvctlCommand } from '../common/srvctl/commands';
import { srvctlExecutorFor } from '../activities/srvctl/srvctl-target';
import { srvctlStep } from '../activities/srvctl/srvctl-step';

const ENV = { ORB_USER: 'alice' } as NodeJS.ProcessEnv;
const CDB = 'RACCDB';
type SrvctlEntry = { op: string; cdb: string; outcome: string; faultId?: number; line: string };

let seq = 0;
async function start(o: OrbEnv, opts: RollingOptions): Promise<WorkflowHandle> {
  const defaults = { cdb: CDB, drainTimeout: '5s', onDrainTimeout: 'disconnect', rebalanceTimeout: '0s', startGate: false };
  const input = buildRollingInput({ ...defaults, ...opts }, o.estate, ENV);
  const workflowId = `rac-resilience-${Date.now()}-${++seq}`;
  return o.env.client.workflow.start('rollingMaintenance', { taskQueue: o.taskQueue, workflowId, args: [input] });
}

const gateOpen = (o: OrbEnv, h: WorkflowHandle, name: string) => o.waitFor(h, (s) => s.openGate?.name === name, `gate ${name}`, 120_000);

/** Approves each instance's maintenance gate as it opens, in order. */
async function maintain(o: OrbEnv, h: WorkflowHandle, instances: string[]): Promise<void> {
  for (const inst of instances) {
    await gateOpen(o, h, `maintenance-${inst}`);
    await o.approve(h, `maintenance-${inst}`, 'bob');
  }
}

async function srvctlLog(o: OrbEnv): Promise<SrvctlEntry[]> {
  return (await o.api.oplog()).filter((e) => e.op === 'srvctl' && e.cdb === CDB)
    .map((e) => ({ ...e, faultId: (e as { faultId?: number }).faultId, line: String(e.args?.line ?? '') }));
}

const matching = (log: SrvctlEntry[], re: RegExp) => log.filter((e) => re.test(e.line));
const stopsOf = (log: SrvctlEntry[], inst: string) => matching(log, new RegExp(` stop instance -db raccdb -instance ${inst}( |$)`));
const shown = (log: SrvctlEntry[]) => log.map((e) => `${e.line} ${e.outcome}`).join('\n');
const BILLING_AWAY = / relocate service .*BILLING_SGL -oldinst raccdb1 -newinst raccdb2/;

async function instanceState(o: OrbEnv, inst: string): Promise<string> {
  return (await o.api.rac(CDB)).instances.find((i: { name: string }) => i.name === inst).state;
}

/** Shutdowns of the instance the cluster made (FAN INSTANCE down). */
async function shutdowns(o: OrbEnv, inst: string): Promise<number> {
  return (await o.api.fan(CDB)).events.filter((e) => e.type === 'INSTANCE' && e.instance === inst && e.status === 'down').length;
}

async function violations(o: OrbEnv): Promise<string[]> {
  return (await o.api.invariants(true)).violations.map((v) => `${v.rule}: ${v.detail}`);
}

/** Where each service runs now, as the lab's cluster shows it. */
async function placement(o: OrbEnv): Promise<Record<string, string>> {
  const rac = await o.api.rac(CDB);
  return Object.fromEntries(rac.services.map((s: { name: string; runningOn: string[] }) => [s.name, [...s.runningOn].sort().join(',')]));
}

const SEED_PLACEMENT = {
  ORDERS_UNI: 'raccdb1,raccdb2', BILLING_SGL: 'raccdb1', REPORTS_TAF: 'raccdb2', BATCH_AC: 'raccdb1,raccdb2', LEGACY_SVC: 'raccdb1,raccdb2',
};

const stage = (s: RunbookStatus, name: string) => s.stages.find((x) => x.name === name);

describe('rolling-maintenance under failure: drain timeouts, an instance that will not start, killed workers, lost answers', () => {
  const o = orbSuite({ inProcessWorker: false });
  let worker: ChildProcess;
  before(() => {
    worker = o.startWorkerProcess();
  });

  const killWorker = () => killHard(worker);

  /** A long-running session on ORDERS_UNI at raccdb1: a stop without IMMEDIATE leaves it there (lab/RAC.md). */
  const straggler = () => o.api.addSessions({ cdb: CDB, service: 'ORDERS_UNI', count: 1, longRunning: true, instance: 'raccdb1' } as never);

  test('drain timeout, policy ask, approved: the straggler is disconnected after its transaction and the run goes on', async () => {
    await straggler();
    const from = (await srvctlLog(o)).length;
    const h = await start(o, { onDrainTimeout: 'ask' });
    const s = await gateOpen(o, h, 'drain-timeout-raccdb1');
    assert.match(s.openGate!.question, /\d+ session\(s\) still on .*ORDERS_UNI \(1\).* after the drain timeout/);
    assert.equal(stopsOf((await srvctlLog(o)).slice(from), 'raccdb1').length, 0, 'the instance is not stopped while the gate waits');
    await o.approve(h, 'drain-timeout-raccdb1', 'bob');
    await maintain(o, h, ['raccdb1', 'raccdb2']);
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    const st = r.value.status as RunbookStatus;
    assert.match(stage(st, 'drain-raccdb1')!.detail!, /\d+ session\(s\) left at the drain timeout were disconnected after their transaction/);
    assert.ok(st.notes.some((n) => /disconnecting \d+ session\(s\).*approved by bob/.test(n)), st.notes.join('\n'));
    const stops = stopsOf((await srvctlLog(o)).slice(from), 'raccdb1').map((e) => e.line);
    assert.match(stops[0] ?? '', /-stopoption TRANSACTIONAL/, 'disconnected by SHUTDOWN TRANSACTIONAL, no -force');
    assert.equal(await shutdowns(o, 'raccdb1'), 1);
    assert.deepEqual(await placement(o), SEED_PLACEMENT);
    assert.deepEqual(await violations(o), []);
  });

  for (const [policy, act] of [['ask', 'rejected'], ['abort', 'aborted']] as const) {
    test(`drain timeout, policy ${policy} (${act}): raccdb1's services are put back, nothing stopped, the run ends compensated`, async () => {
      await straggler();
      const from = (await srvctlLog(o)).length;
      const h = await start(o, { onDrainTimeout: policy });
      if (policy === 'ask') {
        await gateOpen(o, h, 'drain-timeout-raccdb1');
        await o.reject(h, 'drain-timeout-raccdb1', 'carol', 'that batch must finish');
      }
      const r = await o.result(h);
      assert.ok(!r.ok && r.type === 'RunbookCompensated', JSON.stringify(r));
      const s = await o.status(h);
      const why = policy === 'ask'
        ? /rejected at gate "drain-timeout-raccdb1" by carol: that batch must finish/
        : /session\(s\) still on .*ORDERS_UNI \(1\).*told to abort/;
      assert.match(s.reason ?? '', why);
      assert.match(s.reason ?? '', /The instance and its services were put back\. Not started: raccdb2/);
      assert.ok(s.compensation.length > 0 && s.compensation.every((c) => c.outcome === 'done'), JSON.stringify(s.compensation));
      const log = (await srvctlLog(o)).slice(from);
      assert.equal(stopsOf(log, 'raccdb1').length + stopsOf(log, 'raccdb2').length, 0, 'no instance was stopped');
      assert.equal(matching(log, / relocate service .*BILLING_SGL -oldinst raccdb2 -newinst raccdb1 /).length, 1, 'BILLING_SGL came back');
      assert.deepEqual(await placement(o), SEED_PLACEMENT);
      assert.deepEqual(await violations(o), []);
    });
  }

  /** raccdb1's start fails (CRS-2674) until the fault is cleared; the run waits at recover-start-raccdb1. */
  async function startFails(): Promise<{ h: WorkflowHandle; s: RunbookStatus }> {
    await o.api.srvctlFault({ srvctl: 'start instance', cdb: CDB, object: 'raccdb1', kind: 'permanent', code: 'CRS-2674' });
    const h = await start(o, {});
    await maintain(o, h, ['raccdb1']);
    const s = await gateOpen(o, h, 'recover-start-raccdb1');
    assert.match(s.openGate!.question, /Stage start-raccdb1 failed: .*CRS-2674/);
    assert.equal(stage(s, 'start-raccdb1')?.outcome, 'failed');
    assert.equal(await instanceState(o, 'raccdb1'), 'stopped');
    return { h, s };
  }

  test('an instance that fails to start: fixed, approved at recover-start-raccdb1, retried, the run completes', async () => {
    const { h } = await startFails();
    await o.api.clearFaults();
    await o.approve(h, 'recover-start-raccdb1', 'bob');
    await maintain(o, h, ['raccdb2']);
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal(stage(r.value.status as RunbookStatus, 'start-raccdb1 (retry 1)')?.outcome, 'succeeded');
    assert.deepEqual(await placement(o), SEED_PLACEMENT);
    assert.deepEqual(await violations(o), []);
  });

  test('an instance that fails to start, and the operator stops: StoppedByOperator naming what is left to do', async () => {
    const { h } = await startFails();
    await o.reject(h, 'recover-start-raccdb1', 'carol', 'hardware fault');
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'StoppedByOperator', JSON.stringify(r));
    assert.match(r.message, /start-raccdb1 failed \(.*CRS-2674.*\) and carol chose to stop; the estate is left as it is\./);
    assert.match(r.message, /Still to do: enable and start raccdb1 and enable and start its services there again .*; /);
    assert.match(r.message, /raccdb2 not maintained yet \(run again with --instances raccdb2\)\.$/);
    assert.ok((await violations(o)).some((v) => /rac-instance-not-running: .*raccdb1/.test(v)), 'raccdb1 is left stopped, as the reason says');
    // The operator does what the reason says (with orb's srvctl executor), so the lab ends whole.
    await o.api.clearFaults();
    await operatorRestores(o, 'raccdb1');
    assert.deepEqual(await placement(o), SEED_PLACEMENT);
  });

  test('worker killed mid-drain (the relocate and the session watch running): a new worker finishes, one relocate, each instance stopped once', async () => {
    await straggler(); // keeps the watch running to its deadline, and the drain goes on to the disconnect
    const from = (await srvctlLog(o)).length;
    const h = await start(o, { drainTimeout: '20s' });
    await until('the relocate of BILLING_SGL to run', () => srvctlLog(o), (log) =>
      matching(log.slice(from), BILLING_AWAY).some((e) => e.outcome === 'running'), 60_000);
    const pending = ((await h.describe()).raw.pendingActivities ?? []).map((a) => a.activityType?.name);
    assert.ok(pending.includes('awaitInstanceSessionsGone') && pending.includes('runSrvctl'), JSON.stringify(pending));
    await killWorker();
    worker = o.startWorkerProcess();
    await maintain(o, h, ['raccdb1', 'raccdb2']);
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    const log = (await srvctlLog(o)).slice(from);
    assert.equal(matching(log, BILLING_AWAY).length, 1, 'one relocate');
    for (const inst of ['raccdb1', 'raccdb2']) {
      assert.equal(stopsOf(log, inst).filter((e) => e.outcome === 'ok').length, 1, `${inst} stopped by one command: ${shown(stopsOf(log, inst))}`);
      assert.equal(await shutdowns(o, inst), 1, `${inst} shut down once`);
    }
    assert.deepEqual(await placement(o), SEED_PLACEMENT);
    assert.deepEqual(await violations(o), [], 'no service down everywhere; everything back');
  });

  test('worker killed mid-instance-stop: a new worker finds raccdb1 stopped (PRCC-1017, done) and finishes; each instance stopped once', async () => {
    // A transient fault on disabling ORDERS_UNI there gives a second (Temporal's retry backoff) to slow the
    // lab's clock before the stop: SHUTDOWN then takes 3 simulated s = 10 real s, long enough to kill the worker in.
    await o.api.srvctlFault({ srvctl: 'disable service', cdb: CDB, object: 'ORDERS_UNI', kind: 'transient', times: 1 });
    const from = (await srvctlLog(o)).length;
    const h = await start(o, {});
    await until('the disable to fail once', () => srvctlLog(o), (log) =>
      matching(log.slice(from), / disable service /).some((e) => e.faultId !== undefined), 60_000);
    await o.api.clock(0.3);
    await until('raccdb1 to be stopping', () => srvctlLog(o), (log) =>
      stopsOf(log.slice(from), 'raccdb1').some((e) => / -stopoption IMMEDIATE/.test(e.line) && e.outcome === 'running'), 30_000);
    await killWorker();
    // The retry can only run on a worker: the new one starts once the shutdown is over, so its retry finds it stopped.
    await o.waitForLab(async () => (await instanceState(o, 'raccdb1')) === 'stopped', 'raccdb1 stopped', 60_000);
    await o.api.clock(10); // the test seed's speed
    worker = o.startWorkerProcess();
    await maintain(o, h, ['raccdb1', 'raccdb2']);
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    const log = (await srvctlLog(o)).slice(from);
    const r1 = stopsOf(log, 'raccdb1');
    assert.equal(r1.filter((e) => e.outcome === 'ok').length, 1, shown(r1));
    assert.ok(r1.length === 1 || r1.slice(1).every((e) => e.outcome === 'error'), 'a retry found it stopped (PRCC-1017: done)');
    for (const inst of ['raccdb1', 'raccdb2']) assert.equal(await shutdowns(o, inst), 1, `${inst} shut down once`);
    assert.deepEqual(await placement(o), SEED_PLACEMENT);
    assert.deepEqual(await violations(o), []);
  });

  test('a relocate whose answer was lost: the retry reads where BILLING_SGL runs, finds it moved, one relocate, no failure', async () => {
    await o.api.srvctlFault({ srvctl: 'relocate service', cdb: CDB, object: 'BILLING_SGL', kind: 'transient', when: 'after', times: 1 });
    const from = (await srvctlLog(o)).length;
    const h = await start(o, {});
    await maintain(o, h, ['raccdb1', 'raccdb2']);
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    const relocates = matching((await srvctlLog(o)).slice(from), BILLING_AWAY);
    assert.equal(relocates.length, 1, 'one relocate');
    assert.ok(relocates[0]!.faultId !== undefined && relocates[0]!.outcome === 'error', 'its answer was the injected failure');
    assert.equal(stage(r.value.status as RunbookStatus, 'drain-raccdb1')?.outcome, 'succeeded');
    const retried = ((await h.fetchHistory()).events ?? []).some((e) => (e.activityTaskStartedEventAttributes?.attempt ?? 1) > 1);
    assert.ok(retried, 'the relocate step was retried');
    assert.deepEqual(await placement(o), SEED_PLACEMENT);
    assert.deepEqual(await violations(o), []);
  });
});

/** What the operator does after a stopped run, with srvctl: the instance up, its services enabled and back. */
async function operatorRestores(o: OrbEnv, inst: string): Promise<void> {
  const ex = await srvctlExecutorFor(o.estate, CDB);
  const db = ex.target.db;
  const run = (command: SrvctlCommand) => srvctlStep(ex, command, `restore ${inst}`);
  await run({ kind: 'enable-instance', db, instance: inst });
  await run({ kind: 'start-instance', db, instance: inst });
  const rac = await o.api.rac(CDB);
  for (const s of rac.services as { name: string; preferred: string[]; runningOn: string[]; disabledOn: string[] }[]) {
    if (s.disabledOn.includes(inst)) await run({ kind: 'enable-service', db, service: s.name, instance: inst });
    if (!s.preferred.includes(inst) || s.runningOn.includes(inst)) continue;
    if (s.preferred.length === 1 && s.runningOn.length === 1) {
      await run({ kind: 'relocate-service', db, service: s.name, oldInstance: s.runningOn[0]!, newInstance: inst, drainTimeout: 5 });
    } else {
      await run({ kind: 'start-service', db, service: s.name, instance: inst });
    }
  }
}
