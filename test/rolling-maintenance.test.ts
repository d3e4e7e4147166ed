/**
 * rolling-maintenance on a real Temporal dev server and the lab's RAC over SSH: the real srvctl executor runs
 * against the lab's SSH server. A 2-instance and a 3-instance cluster maintained one instance at a time with no
 * service ever down everywhere and everything back at the end; a rejection at a maintenance gate puts the
 * instance and its services back; hostile input refused by the workflow.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import { orbSuite, type OrbEnv } from './helpers/orb-env';
import { buildRollingInput } from '../client/rac-input';
import type { RunbookStatus } from '../common/runbook-types';
import type { RollingPlan } from '../workflows/plan-rolling-maintenance';
import { renderRollingPlan } from '../client/render-rolling-plan';

const ENV = { ORB_USER: 'alice' } as NodeJS.ProcessEnv;

async function start(o: OrbEnv, input: unknown, id: string): Promise<WorkflowHandle> {
  return o.env.client.workflow.start('rollingMaintenance', { taskQueue: o.taskQueue, workflowId: `${id}-${Date.now()}`, args: [input] });
}

/** Approves each instance's maintenance gate as it opens, in order. */
async function maintainAll(o: OrbEnv, h: WorkflowHandle, instances: string[]): Promise<void> {
  for (const inst of instances) {
    await o.waitFor(h, (s) => s.openGate?.name === `maintenance-${inst}`, `the maintenance gate of ${inst}`, 120_000);
    await o.approve(h, `maintenance-${inst}`, 'bob');
  }
}

const srvctlLines = async (o: OrbEnv, from: number) =>
  (await o.api.oplog()).slice(from).filter((e) => e.op === 'srvctl').map((e) => String((e.args as { line?: string }).line ?? ''));

describe('rolling-maintenance on the lab RAC (srvctl over SSH)', () => {
  const o = orbSuite();

  test('two instances, one at a time: services drain without -force, no service down everywhere, all back', async () => {
    const from = (await o.api.oplog()).length;
    const input = buildRollingInput({ cdb: 'RACCDB', drainTimeout: '20s', onDrainTimeout: 'disconnect', rebalanceTimeout: '20s', startGate: false }, o.estate, ENV);
    const plan = await o.env.client.workflow.execute('planRollingMaintenance', { taskQueue: o.taskQueue, workflowId: `plan-rm-${Date.now()}`, args: [input] }) as RollingPlan;
    assert.equal((await o.api.oplog()).filter((e) => e.op === 'srvctl').length, (await o.api.oplog()).slice(0, from).filter((e) => e.op === 'srvctl').length, 'planning changes nothing');
    assert.ok(plan.wouldRun);
    const text = renderRollingPlan(plan);
    assert.match(text, /Instance raccdb1: .*BILLING_SGL → raccdb2/);
    assert.match(text, /gate approvers +pass/);
    assert.match(text, /Client readiness of the services that will drain[^]*LEGACY_SVC +warn/);
    assert.match(text, /maintenance-<instance> +each instance, once stopped: do the maintenance, then approve +1 of bob, carol\n/);
    assert.doesNotMatch(text, /^ {2}start /m, 'no start gate was asked for');
    const h = await start(o, input, 'rolling-maintenance:RACCDB');
    await maintainAll(o, h, ['raccdb1', 'raccdb2']);
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    const s = r.value.status as RunbookStatus;
    assert.deepEqual(s.stages.filter((x) => x.name.endsWith('raccdb1')).map((x) => x.name), [
      'drain-raccdb1', 'disable-services-raccdb1', 'stop-raccdb1', 'approve-maintenance-raccdb1', 'start-raccdb1', 'services-raccdb1', 'rebalance-raccdb1',
    ]);
    const lines = await srvctlLines(o, from);
    assert.ok(lines.some((l) => / relocate service -db raccdb -service BILLING_SGL -oldinst raccdb1 -newinst raccdb2 /.test(l)), lines.join('\n'));
    assert.ok(lines.some((l) => / stop instance -db raccdb -instance raccdb1 -stopoption IMMEDIATE/.test(l)));
    assert.ok(!lines.some((l) => / -force/.test(l)), 'no service and no instance is stopped with -force');
    // The first turn's srvctl lines are the plan's, to the character (the later turn reads srvctl again).
    const first = plan.turns[0]!.steps.flatMap((x) => x.lines);
    for (const l of first) assert.ok(lines.includes(l), `planned but not sent: ${l}\nsent:\n${lines.join('\n')}`);
    assert.deepEqual((await o.api.invariants(true)).violations, [], 'no service was down everywhere; everything is back');
    // The readiness stage: the seed's services judged; one ready for none of AC / TAC / TAF is a warning, not a refusal.
    assert.equal(s.stages.find((x) => x.name === 'readiness')?.outcome, 'succeeded');
    const readiness = s.preflight.filter((c) => c.check.startsWith('readiness '));
    assert.match(readiness.find((c) => c.check === 'readiness ORDERS_UNI')?.reason ?? '', /^ready for AC/);
    assert.equal(readiness.find((c) => c.check === 'readiness LEGACY_SVC')?.outcome, 'warn');
    const series = s.sessions!;
    assert.deepEqual([...series.instances].sort(), ['raccdb1', 'raccdb2']);
    const drained = series.points.some(([, v]) => v[series.instances.indexOf('raccdb1')] === 0 && v[series.instances.indexOf('raccdb2')]! > 0);
    assert.ok(drained, 'the series shows raccdb1 drained while raccdb2 served (100:0)');
  });

  test('rejected at the maintenance gate: the instance and its services are put back, the next instance untouched', async () => {
    const input = buildRollingInput({ cdb: 'RACCDB', drainTimeout: '20s', onDrainTimeout: 'disconnect', rebalanceTimeout: '0s', startGate: false }, o.estate, ENV);
    const h = await start(o, input, 'rolling-maintenance:RACCDB');
    await o.waitFor(h, (s) => s.openGate?.name === 'maintenance-raccdb1', 'the maintenance gate', 120_000);
    await o.reject(h, 'maintenance-raccdb1', 'carol', 'patch not ready');
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'RunbookCompensated', JSON.stringify(r));
    const s = await o.status(h);
    assert.match(s.reason ?? '', /rejected at gate "maintenance-raccdb1" by carol.*put back.*Not started: raccdb2/);
    assert.ok(s.compensation.every((c) => c.outcome === 'done'), JSON.stringify(s.compensation));
    assert.deepEqual((await o.api.invariants(true)).violations, []);
  });

  test('three instances, in the order asked, each maintained by the estate\'s command on its own node, between stop and start', async () => {
    const from = (await o.api.oplog()).length;
    const opts = { cdb: 'TRICDB', instances: 'tricdb3,tricdb1,tricdb2', maintenance: 'os-patch', drainTimeout: '20s', onDrainTimeout: 'disconnect', rebalanceTimeout: '0s', startGate: false };
    const input = buildRollingInput(opts, o.estate, ENV);
    const plan = await o.env.client.workflow.execute('planRollingMaintenance', { taskQueue: o.taskQueue, workflowId: `plan-rm3-${Date.now()}`, args: [input] }) as RollingPlan;
    assert.match(renderRollingPlan(plan), /maintenance-tricdb3: the maintenance command.*\n {4}\[trinode3 via [^\]]+\] \/opt\/orb-lab\/bin\/maintain -node trinode3 -seconds 20/);
    const r = await o.result(await start(o, input, 'rolling-maintenance:TRICDB'));
    assert.ok(r.ok, !r.ok ? r.message : '');
    const s = r.value.status as RunbookStatus;
    assert.ok(!s.stages.some((x) => x.name.startsWith('approve-maintenance')), 'no maintenance gate with a command');
    // Between the drain's watch and the rebalance's, readings after the stop, the maintenance and the start keep the
    // picture going: tricdb3 at 0 while the others serve.
    const stage = (n: string) => Date.parse(s.stages.find((x) => x.name === n)!.startedAt);
    const series = s.sessions!;
    const idx = series.instances.indexOf('tricdb3');
    const between = series.points.filter(([t]) => Date.parse(t) > stage('maintenance-tricdb3') && Date.parse(t) <= stage('services-tricdb3'));
    assert.ok(between.length >= 2 && between.every(([, v]) => v[idx] === 0 && v.some((n) => n > 0)), JSON.stringify(between));
    assert.match(s.preflight.find((c) => c.check === 'maintenance command os-patch')?.reason ?? '', /maintain -node trinode3 -seconds 20/);
    // In the oplog: per instance, its stop, then the maintenance of its node, then its start; nodes in the order asked.
    const log = (await o.api.oplog()).slice(from).map((e) => `${e.op} ${String((e.args as { line?: string }).line ?? '')}`);
    const at = (re: RegExp) => log.findIndex((l) => re.test(l));
    const maintained = log.filter((l) => l.startsWith('maintain ')).map((l) => /-node (\S+)/.exec(l)![1]);
    assert.deepEqual(maintained, ['trinode3', 'trinode1', 'trinode2'], log.join('\n'));
    for (const [inst, node] of [['tricdb3', 'trinode3'], ['tricdb1', 'trinode1'], ['tricdb2', 'trinode2']]) {
      const stop = at(new RegExp(`stop instance -db tricdb -instance ${inst} `));
      const work = at(new RegExp(`^maintain .*-node ${node} `));
      const begin = at(new RegExp(`start instance -db tricdb -instance ${inst}$`));
      assert.ok(stop >= 0 && stop < work && work < begin, `${inst}: stop ${stop}, maintain ${work}, start ${begin}\n${log.join('\n')}`);
    }
    assert.deepEqual((await o.api.invariants(true)).violations, []);
  });

  test('a maintenance command that fails waits at recover-maintenance: retried on approval, the run completes', async () => {
    await o.api.maintainFault({ node: 'racnode1', exitCode: 3, message: 'patch-node: yum transaction failed' });
    const input = buildRollingInput({ cdb: 'RACCDB', maintenance: 'os-patch', drainTimeout: '20s', onDrainTimeout: 'disconnect', rebalanceTimeout: '0s', startGate: false }, o.estate, ENV);
    const h = await start(o, input, 'rolling-maintenance:RACCDB');
    const s = await o.waitFor(h, (x) => x.openGate?.name === 'recover-maintenance-raccdb1', 'the recovery gate', 120_000);
    assert.match(s.openGate!.question, /exited with status 3: patch-node: yum transaction failed.*raccdb1 is stopped and disabled/);
    assert.equal((await o.api.rac('RACCDB')).instances.find((i: { name: string }) => i.name === 'raccdb1').state, 'stopped');
    await o.approve(h, 'recover-maintenance-raccdb1', 'bob');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    const names = (r.value.status as RunbookStatus).stages.map((x) => x.name);
    assert.ok(names.includes('maintenance-raccdb1 (retry 1)') && names.includes('maintenance-raccdb2'), names.join(', '));
    assert.deepEqual((await o.api.invariants(true)).violations, []);
  });

  test('a maintenance command that fails, and the operator rejects: the instance and its services are put back', async () => {
    await o.api.maintainFault({ node: 'racnode1', when: 'after' });
    const input = buildRollingInput({ cdb: 'RACCDB', maintenance: 'os-patch', drainTimeout: '20s', onDrainTimeout: 'disconnect', rebalanceTimeout: '0s', startGate: false }, o.estate, ENV);
    const h = await start(o, input, 'rolling-maintenance:RACCDB');
    await o.waitFor(h, (x) => x.openGate?.name === 'recover-maintenance-raccdb1', 'the recovery gate', 120_000);
    await o.reject(h, 'recover-maintenance-raccdb1', 'carol', 'will look at it tomorrow');
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'RunbookCompensated', JSON.stringify(r));
    assert.match((await o.status(h)).reason ?? '', /recover-maintenance-raccdb1.*carol.*put back.*Not started: raccdb2/);
    assert.deepEqual((await o.api.invariants(true)).violations, []);
  });

  test('cancelled while the maintenance command runs: the command ends first, then the instance comes back; the next is not started', async () => {
    const from = (await o.api.oplog()).length;
    const input = buildRollingInput({ cdb: 'RACCDB', maintenance: 'os-patch', drainTimeout: '20s', onDrainTimeout: 'disconnect', rebalanceTimeout: '0s', startGate: false }, o.estate, ENV);
    const h = await start(o, input, 'rolling-maintenance:RACCDB');
    await o.waitFor(h, (x) => x.stage === 'maintenance-raccdb1', 'the maintenance stage', 120_000);
    await h.cancel();
    await assert.rejects(h.result());
    assert.equal((await h.describe()).status.name, 'CANCELLED');
    const s = await o.status(h);
    assert.match(s.reason ?? '', /cancelled by an operator: raccdb1 maintained and back in service\. Not started: raccdb2/);
    assert.equal(s.stages.find((x) => x.name === 'maintenance-raccdb1')?.outcome, 'succeeded');
    const log = (await o.api.oplog()).slice(from);
    const maintained = log.find((e) => e.op === 'maintain')!;
    const started = log.find((e) => e.op === 'srvctl' && /start instance -db raccdb -instance raccdb1$/.test(String((e.args as { line: string }).line)))!;
    assert.ok(maintained.outcome === 'ok' && Date.parse(maintained.endedAt!) <= Date.parse(started.at), 'raccdb1 started only once its maintenance had ended');
    assert.ok(!log.some((e) => /raccdb2/.test(String((e.args as { line?: string }).line ?? '')) && / stop instance /.test(String((e.args as { line?: string }).line))), 'raccdb2 untouched');
    assert.deepEqual((await o.api.invariants(true)).violations, []);
  });

  test('a maintenance command the estate does not define, or that cannot reach a node: the preflight fails, nothing changes', async () => {
    const from = (await o.api.oplog()).length;
    const input = { ...buildRollingInput({ cdb: 'RACCDB', startGate: false }, o.estate, ENV), maintenance: 'nosuch' };
    const r = await o.result(await start(o, input, 'rolling-maintenance:RACCDB'));
    assert.ok(!r.ok && r.type === 'PreflightFailed', JSON.stringify(r));
    assert.match(r.message, /maintenance: "nosuch" is not a maintenance command of RACCDB .*os-patch, broken/);
    assert.deepEqual((await o.api.oplog()).slice(from).filter((e) => e.op === 'srvctl' || e.op === 'maintain'), []);
    assert.throws(() => buildRollingInput({ cdb: 'RACCDB', maintenance: 'nosuch' }, o.estate, ENV), /--maintenance: "nosuch" is not a maintenance command of RACCDB.*known: os-patch, broken/);
  });

  test('approvers the estate does not name (a run started around orb): the preflight fails, nothing changes', async () => {
    const from = (await o.api.oplog()).length;
    const input = buildRollingInput({ cdb: 'RACCDB', startGate: false }, o.estate, ENV);
    const evil = { ...input, gates: { ...input.gates, maintenance: { ...input.gates.maintenance, approvers: ['mallory'], allowInitiator: true } } };
    const r = await o.result(await start(o, evil, 'rolling-maintenance:RACCDB'));
    assert.ok(!r.ok && r.type === 'PreflightFailed', JSON.stringify(r));
    assert.match(r.message, /mallory/);
    assert.deepEqual((await o.api.oplog()).slice(from).filter((e) => e.op === 'srvctl'), []);
  });

  test('hostile input is refused by the workflow, naming the field', async () => {
    const input = buildRollingInput({ cdb: 'RACCDB', startGate: false }, o.estate, ENV) as unknown as Record<string, unknown>;
    for (const [bad, want] of [
      [{ ...input, cdb: 'RACCDB; reboot' }, /cdb: /],
      [{ ...input, instances: ['raccdb1 -force'] }, /instances\.0: /],
      [{ ...input, instances: ['raccdb1', 'RACCDB1'] }, /instances: must not name an instance twice/],
      [{ ...input, rebalanceTimeoutMs: 1e12 }, /rebalanceTimeoutMs: must be at most 6h/],
      [{ ...input, maintenance: 'os-patch; reboot' }, /maintenance: must be a lower-case letter/],
    ] as [unknown, RegExp][]) {
      const r = await o.result(await start(o, bad, 'hostile'));
      assert.ok(!r.ok && r.type === 'InvalidInput', JSON.stringify(r));
      assert.match(r.message, want);
    }
  });
});
