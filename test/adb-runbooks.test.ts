/**
 * switchover-adb, failover-adb and propagate-wallet on a real Temporal dev server and the lab:
 * the real OCI SDK clients against the lab's OCI paths, the real OIC client against its OIC API.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import { orbSuite, type OrbEnv } from './helpers/orb-env';
import { buildPropagateInput, buildRoleChangeInput } from '../client/adb-input';
import type { RunbookStatus } from '../common/runbook-types';
import type { AdbPlan } from '../workflows/plan-adb';
import { renderAdbPlan } from '../client/render-adb-plan';

const IAD = 'ocid1.autonomousdatabase.oc1.iad.aaaalabsalesatp0001';
const PHX = 'ocid1.autonomousdatabase.oc1.phx.aaaalabsalesatp0002';
const ENV = { ORB_USER: 'alice' } as NodeJS.ProcessEnv;

async function start(o: OrbEnv, type: string, input: unknown, id: string): Promise<WorkflowHandle> {
  return o.env.client.workflow.start(type, { taskQueue: o.taskQueue, workflowId: `${id}-${Date.now()}`, args: [input] });
}

async function roles(o: OrbEnv): Promise<Record<string, string>> {
  const e = await o.api.estate();
  return Object.fromEntries(e.cloud.autonomousDatabases.filter((d: any) => d.dbName === 'SALESATP').map((d: any) => [d.id, `${d.role} ${d.lifecycleState}`]));
}

async function historyText(h: WorkflowHandle): Promise<string> {
  const hist = await h.fetchHistory();
  return JSON.stringify(hist, (_k, v) => (v instanceof Uint8Array ? Buffer.from(v).toString('utf8') : v));
}

const states = (s: RunbookStatus) => Object.fromEntries((s.consumers ?? []).map((c) => [c.name, c.state]));

describe('Autonomous Data Guard runbooks on the lab', () => {
  const o = orbSuite();

  test('switchover: approved, roles swapped, every consumer holds the new primary\'s wallet, tested, integrations reactivated', async () => {
    const input = buildRoleChangeInput('switchover', { database: 'SALESATP' }, o.estate, ENV);
    const opsBeforePlan = (await o.api.oplog()).length;
    const plan = await o.env.client.workflow.execute('planAdbRunbook', { taskQueue: o.taskQueue, workflowId: `plan-adb-${Date.now()}`, args: ['switchover-adb', input] }) as AdbPlan;
    assert.equal((await o.api.oplog()).length, opsBeforePlan, 'planning changes nothing');
    const shown = renderAdbPlan(plan);
    assert.match(shown, /fence: hold adb-database:SALESATP until the run ends/);
    assert.match(shown, new RegExp(`switchoverAutonomousDatabase: POST /20160918/autonomousDatabases/${PHX}/actions/switchover\\?peerDbId=${IAD} in us-phoenix-1`));
    const h = await start(o, 'switchoverAdb', input, 'switchover-adb:SALESATP');
    const gated = await o.waitFor(h, (s) => s.openGate?.name === 'switchover', 'the switchover gate');
    assert.ok(gated.preflight.some((c) => c.check === 'consumer oic-orders' && c.outcome === 'pass'), JSON.stringify(gated.preflight));
    await o.approve(h, 'switchover', 'bob');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.deepEqual(await roles(o), { [IAD]: 'STANDBY STANDBY', [PHX]: 'PRIMARY AVAILABLE' });
    assert.deepEqual(states(r.value.status), { 'oic-orders': 'reactivated', 'oic-billing': 'reactivated', 'vault-wallet': 'tested', 'app-tns': 'tested' });
    const e = await o.api.estate();
    const integrations = e.cloud.oic[0].integrations;
    const orders = integrations.find((i: any) => i.code === 'ORDERS_SYNC');
    const conn = e.cloud.oic[0].connections.find((c: any) => c.id === 'SALES_ATP_ORDERS');
    assert.equal(orders.activatedWith.SALES_ATP_ORDERS, conn.attachments.WALLET.sha256, 'the active integration runs with the new wallet');
    const inv = await o.api.invariants(true);
    assert.deepEqual(inv.violations, [], 'every consumer\'s wallet identifies the current primary');
    const ops = (await o.api.oplog()).filter((x) => x.op === 'switchoverAutonomousDatabase');
    assert.equal(ops.length, 1, 'exactly one switchover');
    const sent = ops[0] as unknown as { args: { region: string; path: string } };
    assert.deepEqual([sent.args.region, sent.args.path], [plan.call!.region, `/oci/${plan.call!.region}${plan.call!.path}`], 'the call the plan showed is the call sent');
    assert.deepEqual(r.value.status.consumers!.map((c) => c.name).sort(), plan.consumers.map((c) => c.name).sort(), 'the consumers the plan listed');
    // The Web UI's "Current Details": the consumers as a markdown table, names kept whole (escaped, not eaten as italics).
    const meta = await h.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
    assert.match(meta.currentDetails ?? '', /\| oic-orders \| oic \| reactivated \| [0-9a-f]{12}… \| OIC connection test of SALES\\_ATP\\_ORDERS: /);
    const text = await historyText(h);
    for (const secret of ['Welcome_12345', 'BEGIN CERTIFICATE', 'UEsDB' /* a zip, base64 */, 'PRIVATE KEY']) {
      assert.ok(!text.includes(secret), `the history holds ${secret}`);
    }
  });

  test('a consumer failing its test is restored and named at a gate; switch back restores everyone and the roles', async () => {
    await o.api.cloudFault({ service: 'oic', op: 'testConnection', target: 'SALES_ATP_BILLING', kind: 'permanent', status: 400, code: 'BadRequest', times: 50 });
    const input = buildRoleChangeInput('switchover', { database: 'SALESATP', concurrency: '1' }, o.estate, ENV);
    const h = await start(o, 'switchoverAdb', input, 'switchover-adb:SALESATP');
    await o.waitFor(h, (s) => s.openGate?.name === 'switchover', 'the switchover gate');
    await o.approve(h, 'switchover', 'bob');
    const asked = await o.waitFor(h, (s) => s.openGate?.name === 'consumer-oic-billing', 'the gate of the failing consumer', 90_000);
    assert.equal(states(asked)['oic-billing'], 'restored');
    assert.deepEqual(asked.openGate?.choices, ['retry', 'skip', 'switch-back']);
    assert.match(asked.openGate!.question, /OIC connection SALES_ATP_BILLING/);
    const before = (await o.api.estate()).cloud.oic[0].connections.find((c: any) => c.id === 'SALES_ATP_BILLING');
    await h.signal('approve', { gate: 'consumer-oic-billing', by: 'bob', choice: 'switch-back' });
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'RunbookCompensated', JSON.stringify(r));
    const s = await o.status(h);
    assert.equal(s.state, 'compensated', s.reason);
    assert.deepEqual(await roles(o), { [IAD]: 'PRIMARY AVAILABLE', [PHX]: 'STANDBY STANDBY' });
    assert.ok(Object.values(states(s)).every((x) => x === 'restored' || x === 'pending' || x === 'skipped'), JSON.stringify(states(s)));
    assert.equal(before.attachments.WALLET.sha256, (await o.api.estate()).cloud.oic[0].connections.find((c: any) => c.id === 'SALES_ATP_BILLING').attachments.WALLET.sha256);
    assert.equal((await o.api.oplog()).filter((x) => x.op === 'switchoverAutonomousDatabase').length, 2, 'switchover, then switch back');
    // The integrations reactivated with the new wallet run with the restored connections again.
    const oic = (await o.api.estate()).cloud.oic[0];
    for (const i of oic.integrations.filter((x: any) => x.status === 'ACTIVATED')) {
      for (const [conn, sha] of Object.entries(i.activatedWith as Record<string, string>)) {
        assert.equal(sha, oic.connections.find((c: any) => c.id === conn).attachments.WALLET.sha256, `${i.code} runs with ${conn} as it is now`);
      }
    }
    assert.equal(s.stages.find((x) => x.name === 'settle-consumers')?.outcome, 'succeeded');
    const orders = s.consumers!.find((c) => c.name === 'oic-orders')!;
    assert.ok(orders.reactivated?.length, 'oic-orders\'s integrations reactivated after the switch back');
    assert.match(orders.test ?? '', /./, 'tested again after the switch back');
    assert.deepEqual((await o.api.invariants(true)).violations, []);
  });

  test('propagate-wallet after an automatic failover: the consumers follow the new primary', async () => {
    await o.api.automaticFailover(IAD);
    await o.waitForLab(async () => (await roles(o))[PHX] === 'PRIMARY AVAILABLE', 'the automatic failover');
    const input = buildPropagateInput({ database: 'SALESATP' }, o.estate, { kind: 'manual' }, ENV);
    const plan = await o.env.client.workflow.execute('planAdbRunbook', { taskQueue: o.taskQueue, workflowId: `plan-pw-${Date.now()}`, args: ['propagate-wallet', input] }) as AdbPlan;
    assert.equal(plan.call, null, 'a propagation changes no roles');
    assert.doesNotMatch(renderAdbPlan(plan), /switchover|failover/i);
    assert.ok(plan.wouldRun);
    const h = await start(o, 'propagateWallet', input, 'propagate-wallet:SALESATP');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.deepEqual(states(r.value.status), { 'oic-orders': 'reactivated', 'oic-billing': 'reactivated', 'vault-wallet': 'tested', 'app-tns': 'tested' });
    const tns = JSON.parse(JSON.stringify((await o.api.estate()).cloud.tnsAdminDirs ?? []));
    assert.ok(tns.length > 0);
    const marker = join(tns[0].path, '.orb-wallet');
    assert.ok(existsSync(marker) && /^[0-9a-f]{64}$/.test(readFileSync(marker, 'utf8')));

    // The same event again (or one about a role change already handled): consumers that already work are left alone.
    const opsBefore = (await o.api.oplog()).length;
    const again = await o.result(await start(o, 'propagateWallet', input, 'propagate-wallet:SALESATP'));
    assert.ok(again.ok, !again.ok ? again.message : '');
    assert.deepEqual(states(again.value.status), { 'oic-orders': 'current', 'oic-billing': 'current', 'vault-wallet': 'tested', 'app-tns': 'current' },
      'a Vault secret\'s test does not reach the database: it is always updated');
    const ops = (await o.api.oplog()).slice(opsBefore).map((x) => x.op);
    assert.ok(!ops.some((op) => /^(updateConnection|uploadAttachment|reactivateIntegrations)$/.test(op)), `no OIC connection changed, no integration reactivated: ${ops.join(", ")}`);
    assert.match(again.value.status.reason ?? '', /already working with the primary, left alone: oic-orders, oic-billing, app-tns/);
  });

  test('one runbook per database at a time, however started: by hand refused at the fence, from an event it waits', async () => {
    const holder = await start(o, 'switchoverAdb', buildRoleChangeInput('switchover', { database: 'SALESATP' }, o.estate, ENV), 'by-temporal-cli');
    await o.waitFor(holder, (s) => s.openGate?.name === 'switchover', 'the switchover gate');
    const opsBefore = (await o.api.oplog()).length;
    const byHand = await start(o, 'propagateWallet', buildPropagateInput({ database: 'salesatp' }, o.estate, { kind: 'manual' }, ENV), 'other-id');
    const r = await o.result(byHand);
    assert.ok(!r.ok && r.type === 'DatabaseBusy', JSON.stringify(r));
    assert.match(r.message, /another run is working on SALESATP.*adb-database:SALESATP.*nothing was changed/);
    const refused = await o.status(byHand);
    assert.deepEqual(refused.stages.map((x) => [x.name, x.outcome]), [['fence', 'failed']], 'refused before the preflight read anything');
    const trigger = { kind: 'event' as const, eventId: 'evt-fence', eventType: 'switchoverautonomousdatabase.end', eventTime: new Date().toISOString() };
    const fromEvent = await start(o, 'propagateWallet', buildPropagateInput({ database: 'SALESATP' }, o.estate, trigger, ENV), 'event-run');
    const waiting = await o.waitFor(fromEvent, (s) => s.notes.some((n) => /waiting .* for the run holding the fence/.test(n)), 'the event run waiting');
    assert.equal(waiting.stage, 'fence');
    assert.equal((await o.api.oplog()).length, opsBefore, 'neither run touched the estate');
    await fromEvent.terminate('test done');
    await o.reject(holder, 'switchover', 'bob');
    await o.result(holder);
    const released = await o.env.client.workflow.getHandle('adb-database:SALESATP').result();
    assert.match(released, /^released by by-temporal-cli/, 'the fence is released when the holder ends');
  });

  test('failover: two approvals other than the initiator, then the wallet', async () => {
    const input = buildRoleChangeInput('failover', { database: 'SALESATP' }, o.estate, ENV);
    assert.equal(input.gates.roleChange.requiredApprovals, 2);
    const h = await start(o, 'failoverAdb', input, 'failover-adb:SALESATP');
    const s = await o.waitFor(h, (x) => x.openGate?.name === 'failover', 'the failover gate');
    assert.match(s.openGate!.question, /lost/);
    await o.approve(h, 'failover', 'alice'); // the initiator: refused
    await o.approve(h, 'failover', 'bob');
    await o.approve(h, 'failover', 'carol');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.deepEqual(await roles(o), { [IAD]: 'STANDBY STANDBY', [PHX]: 'PRIMARY AVAILABLE' });
    assert.equal((await o.api.oplog()).filter((x) => x.op === 'failOverAutonomousDatabase').length, 1);
  });
});
