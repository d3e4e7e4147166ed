/**
 * relocate-pdb out of a Clusterware-managed CDB, on a real Temporal dev server and the lab's RAC over SSH: OLTP moves
 * from RACCDB (two instances) into CDB2. Its services drain through srvctl on every instance (no -force), the sessions
 * left at the timeout are disconnected on whatever instance they are (ALTER SYSTEM DISCONNECT SESSION), an abort
 * starts the services again through srvctl on their preferred instances; the plan shows the very command lines sent.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { planStatements, type RelocationPlan } from '../activities/relocation-plan';
import { gate, orbSuite, pdbEverywhere, relocateInput } from './helpers/orb-env';
import { renderPlan } from '../client/render-plan';
import type { RelocatePdbInput } from '../common/runbook-types';

const OLTP_SERVICES = ['BATCH_AC', 'BILLING_SGL', 'LEGACY_SVC', 'ORDERS_UNI', 'REPORTS_TAF'];

function oltpInput(over: Partial<RelocatePdbInput> = {}): RelocatePdbInput {
  return relocateInput({ pdb: 'OLTP', sourceCdb: 'RACCDB', targetCdb: 'CDB2', dbLink: 'RACCDB_LINK', ...over });
}

type Entry = { op: string; cdb: string; args: any; outcome: string; statement?: { sql: string } };

describe('relocate-pdb from a Clusterware-managed CDB (srvctl over SSH)', () => {
  const o = orbSuite();

  const plan = (input: RelocatePdbInput): Promise<RelocationPlan> =>
    o.env.client.workflow.execute('planRelocatePdb', { taskQueue: o.taskQueue, workflowId: `plan-${Date.now()}-${Math.random()}`, args: [input] });
  const entries = async (from: number) => ((await o.api.oplog()) as Entry[]).slice(from);
  const srvctlLines = (es: Entry[], verb: string) => es.filter((e) => e.op === 'srvctl' && e.args.command === verb).map((e) => String(e.args.line));
  const perInstance = async (services: string[]) => {
    const out: Record<string, number> = {};
    for (const svc of services) {
      for (const c of await o.api.op<{ instance: string; count: number }[]>('RACCDB', 'countSessions', { service: svc })) out[c.instance] = (out[c.instance] ?? 0) + c.count;
    }
    return out;
  };

  test('OLTP RACCDB → CDB2: srvctl stops on every instance without -force, sessions drained on both, plan == commands sent', async () => {
    const input = oltpInput();
    const p = await plan(input);
    assert.equal(p.wouldRun, true, JSON.stringify(p.preflight.filter((c) => c.outcome === 'fail')));
    assert.match(p.preflight.find((c) => c.check === 'service management')!.reason, /RACCDB is Clusterware-managed: its services are drained with srvctl/);
    assert.equal(p.preflight.find((c) => c.check === 'installed options')!.outcome, 'pass', 'RAC is a linked option: a single-instance CDB takes the PDB');
    const planned = p.stages.find((s) => s.name === 'drain')!.steps.filter((s) => s.kind === 'command').map((s) => s.text);
    assert.equal(planned.length, OLTP_SERVICES.length);
    for (const l of planned) assert.match(l, /^\/\S+\/bin\/srvctl stop service -db raccdb -service \w+ -stopoption NONE -drain_timeout 4$/);
    assert.match(renderPlan(p), /run    \[RACCDB\] \/\S+ stop service -db raccdb -service ORDERS_UNI/);
    assert.match(p.stages.find((s) => s.name === 'drain')!.onFailure, /start service -db raccdb -service ORDERS_UNI/);

    const before = await perInstance(OLTP_SERVICES);
    assert.ok((before.raccdb1 ?? 0) > 0 && (before.raccdb2 ?? 0) > 0, `sessions on both instances before: ${JSON.stringify(before)}`);
    const from = (await o.api.oplog()).length;
    const h = await o.start(input);
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    await o.approve(h, 'cutover', 'bob');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    const names = r.value.status.stages.map((s) => s.name);
    assert.ok(names.indexOf('readiness') > names.indexOf('preflight') && names.indexOf('readiness') < names.indexOf('drain'), names.join(' '));

    const es = await entries(from);
    const stops = srvctlLines(es, 'stop service');
    assert.deepEqual([...stops].sort(), [...planned].sort(), 'the srvctl lines sent are the plan\'s, to the character');
    assert.ok(!stops.some((l) => / -force| -instance /.test(l)), 'every instance, never -force');
    assert.ok(!es.some((e) => e.cdb === 'RACCDB' && (e.op === 'stopService' || e.op === 'disconnectSessions')), 'no DBMS_SERVICE stop or disconnect on RACCDB');
    // The long-running BILLING_SGL session outlasted the drain: disconnected by SID, serial# and instance.
    const disconnects = es.filter((e) => e.op === 'disconnectSession' && e.cdb === 'RACCDB');
    assert.ok(disconnects.length > 0);
    for (const d of disconnects) assert.match(d.statement!.sql, /^ALTER SYSTEM DISCONNECT SESSION '\d+,\d+,@[12]' POST_TRANSACTION$/);
    const open = es.findIndex((e) => e.op === 'openPdb' && e.cdb === 'CDB2');
    const lastDisconnect = es.map((e) => e.op).lastIndexOf('disconnectSession');
    assert.ok(es.findIndex((e) => e.op === 'srvctl') < open && lastDisconnect < open, 'drained before the open');
    // The run's sampled sessions: on both instances, then none.
    const series = r.value.status.sessions!;
    const col = (inst: string) => series.instances.indexOf(inst);
    assert.ok(col('raccdb1') >= 0 && col('raccdb2') >= 0, JSON.stringify(series.instances));
    assert.ok(series.points.some(([, n]) => n[col('raccdb1')]! > 0) && series.points.some(([, n]) => n[col('raccdb2')]! > 0), 'sessions on both instances');
    assert.ok(series.points[series.points.length - 1]![1].every((n) => n === 0), 'none left on any instance');

    // Statements other than the drain's are the plan's too (the srvctl lines were compared above).
    const sent = es.filter((e) => e.statement && e.op !== 'disconnectSession').map((e) => `[${e.cdb}] ${e.statement!.sql}`);
    assert.deepEqual(sent, planStatements(p, { unconditional: true }).map((s) => `[${s.cdb}] ${s.statement.sql}`));

    assert.deepEqual(await pdbEverywhere(o.api, 'OLTP'), { CDB1: null, CDB2: 'NORMAL/READ WRITE' });
    const rac = await o.api.rac('RACCDB');
    assert.deepEqual(rac.services.filter((s: { pdb: string }) => s.pdb === 'OLTP'), [], 'OLTP\'s services are no longer the cluster\'s');
    assert.deepEqual(rac.pools.filter((x: { pdb: string }) => x.pdb === 'OLTP'), [], 'nor its pools');
    const onCdb2 = await o.api.op<{ name: string; runningOn: string[]; isDefault: boolean }[]>('CDB2', 'listServices', { pdb: 'OLTP' });
    assert.deepEqual(onCdb2.filter((s) => !s.isDefault && s.runningOn.length).map((s) => s.name).sort(), OLTP_SERVICES);
  });

  test('drain timeout under "ask", approved: the sessions left on both instances are disconnected cluster-wide', async () => {
    await o.api.addSessions({ cdb: 'RACCDB', service: 'LEGACY_SVC', count: 1, longRunning: true, instance: 'raccdb2' });
    const h = await o.start(oltpInput({ drain: { timeoutMs: 3000, onTimeout: 'ask', pollMs: 500 }, gates: { beforeCopy: null, cutover: null, dropTombstone: null, operator: gate() } }));
    const at = await o.waitFor(h, (s) => s.openGate?.name === 'drain-timeout', 'the drain-timeout gate');
    assert.match(at.openGate!.question, /ALTER SYSTEM DISCONNECT SESSION '<sid>,<serial#>,@<inst_id>' POST_TRANSACTION, on every instance/);
    const left = await perInstance(['BILLING_SGL', 'LEGACY_SVC']);
    assert.ok((left.raccdb1 ?? 0) > 0 && (left.raccdb2 ?? 0) > 0, `long-running sessions on both instances: ${JSON.stringify(left)}`);
    const from = (await o.api.oplog()).length;
    await o.approve(h, 'drain-timeout', 'bob');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    const disconnects = (await entries(from)).filter((e) => e.op === 'disconnectSession' && e.cdb === 'RACCDB' && e.outcome === 'ok');
    assert.deepEqual([...new Set(disconnects.map((e) => e.args.instId))].sort(), [1, 2], 'on both instances');
    assert.match(r.value.status.stages.find((s) => s.name === 'drain')!.detail ?? '', /disconnected after their transaction \(ALTER SYSTEM DISCONNECT SESSION .*approved by bob/);
  });

  test('drain timeout under "abort": the services start again through srvctl on their preferred instances', async () => {
    const input = oltpInput({ drain: { timeoutMs: 3000, onTimeout: 'abort', pollMs: 500 }, gates: { beforeCopy: null, cutover: null, dropTombstone: null, operator: gate() } });
    const undo = (await plan(input)).stages.find((s) => s.name === 'drain')!.onFailure;
    const from = (await o.api.oplog()).length;
    const h = await o.start(input);
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'RunbookCompensated', r.ok ? 'completed' : `${r.type}: ${r.message}`);
    const starts = srvctlLines(await entries(from), 'start service');
    assert.deepEqual(starts.map((l) => / -service (\w+)$/.exec(l)?.[1]).sort(), OLTP_SERVICES);
    for (const l of starts) assert.ok(undo.includes(l), `sent but not in the plan's undo: ${l}`);
    const rac = await o.api.rac('RACCDB');
    for (const s of rac.services.filter((x: { pdb: string }) => x.pdb === 'OLTP')) {
      assert.deepEqual([...s.runningOn].sort(), [...s.preferred].sort(), `${s.name} back on its preferred instances`);
    }
    assert.deepEqual(await pdbEverywhere(o.api, 'OLTP'), { CDB1: null, CDB2: null });
    assert.equal((await o.api.op<{ status: string; openMode: string }>('RACCDB', 'getPdb', { pdb: 'OLTP' })).openMode, 'READ WRITE');
  });

  test('preflight: a Clusterware-managed target is refused (srvctl add service), a marked source without srvctl names cdbs.X.srvctl', async () => {
    const into = await plan(relocateInput({ pdb: 'SALES', sourceCdb: 'CDB1', targetCdb: 'RACCDB', dbLink: 'CDB1_LINK' }));
    const intoCheck = into.preflight.find((c) => c.check === 'service management')!;
    assert.equal(intoCheck.outcome, 'fail');
    assert.match(intoCheck.reason, /RACCDB is marked Clusterware-managed .*srvctl add service .*orb does not add services to a cluster/);
    const from = await plan(relocateInput({ pdb: 'FIN', sourceCdb: 'CDB4', targetCdb: 'CDB2', dbLink: 'CDB4_LINK' }));
    const fromCheck = from.preflight.find((c) => c.check === 'service management')!;
    assert.equal(fromCheck.outcome, 'fail');
    assert.match(fromCheck.reason, /CDB4 is marked Clusterware-managed but the estate gives no srvctl for it: set cdbs\.CDB4\.srvctl/);
  });
});
