/**
 * switchover-adb and propagate-wallet when things go wrong, on a real Temporal dev server, the lab
 * and a worker running as its own process (so it can be SIGKILLed):
 *  - the worker killed while the role change's work request runs, and while consumers are updated:
 *    a new worker finishes the run with one role change and one update per consumer;
 *  - transient OCI faults at each call (and a switchover whose answer is lost): one role change;
 *    permanent ones: the run fails naming the call, OCI's code and what to do, nothing half-done;
 *  - a failing consumer's gate: retry once fixed, or skip (the consumer left as it was);
 *  - hostile input: malformed starts end at once with InvalidInput naming the field; approvals with
 *    a choice the gate does not offer (or 10 KB of it) are refused and recorded, no task fails.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import type { WorkflowHandle } from '@temporalio/client';
import { killHard } from './helpers/processes';
import { orbSuite, type OrbEnv } from './helpers/orb-env';
import { until } from './helpers/until';
import { buildPropagateInput, buildRoleChangeInput } from '../client/adb-input';
import type { RunbookStatus } from '../common/runbook-types';

const IAD = 'ocid1.autonomousdatabase.oc1.iad.aaaalabsalesatp0001';
const PHX = 'ocid1.autonomousdatabase.oc1.phx.aaaalabsalesatp0002';
const SECRET = 'ocid1.vaultsecret.oc1.iad.aaaalabsaleswallet';
const CONNECTION: Record<string, string> = { 'oic-orders': 'SALES_ATP_ORDERS', 'oic-billing': 'SALES_ATP_BILLING' };
const ENV = { ORB_USER: 'alice' } as NodeJS.ProcessEnv;
const SWAPPED = { [IAD]: 'STANDBY STANDBY', [PHX]: 'PRIMARY AVAILABLE' };
const UNCHANGED = { [IAD]: 'PRIMARY AVAILABLE', [PHX]: 'STANDBY STANDBY' };
const ALL_DONE = { 'oic-orders': 'reactivated', 'oic-billing': 'reactivated', 'vault-wallet': 'tested', 'app-tns': 'tested' };

type Oplog = { op: string; outcome: string; target?: string; faultId?: number }[];
type CloudFault = { id: number; op: string; fired: number; remaining: number | null };

const states = (s: RunbookStatus) => Object.fromEntries((s.consumers ?? []).map((c) => [c.name, c.state]));
const stage = (s: RunbookStatus, name: string) => s.stages.find((x) => x.name === name);

let seq = 0;
async function start(o: OrbEnv, type: string, input: unknown): Promise<WorkflowHandle> {
  return o.env.client.workflow.start(type, { taskQueue: o.taskQueue, workflowId: `${type}-${Date.now()}-${++seq}`, args: [input] });
}

const switchoverInput = (o: OrbEnv, opts: Record<string, unknown> = {}) => buildRoleChangeInput('switchover', { database: 'SALESATP', ...opts }, o.estate, ENV);
const propagateInput = (o: OrbEnv, opts: Record<string, unknown> = {}) =>
  buildPropagateInput({ database: 'SALESATP', ...opts }, o.estate, { kind: 'manual' }, ENV);

/** Starts a switchover and approves its gate (bob). */
async function approvedSwitchover(o: OrbEnv, opts: Record<string, unknown> = {}, atGate: () => Promise<unknown> = async () => undefined) {
  const h = await start(o, 'switchoverAdb', switchoverInput(o, opts));
  await o.waitFor(h, (s) => s.openGate?.name === 'switchover', 'the switchover gate');
  await atGate();
  await o.approve(h, 'switchover', 'bob');
  return h;
}

async function roles(o: OrbEnv): Promise<Record<string, string>> {
  const e = await o.api.estate();
  return Object.fromEntries(e.cloud.autonomousDatabases.filter((d: any) => d.dbName === 'SALESATP').map((d: any) => [d.id, `${d.role} ${d.lifecycleState}`]));
}

/** Role changes the lab made: work requests of a switchover (a replayed answer makes none). */
async function switchoverWork(o: OrbEnv): Promise<any[]> {
  return (await o.api.estate()).cloud.workRequests.filter((w: any) => /^Switchover/.test(w.operationType));
}

async function oplog(o: OrbEnv): Promise<Oplog> {
  return (await o.api.oplog()) as unknown as Oplog;
}

/** Changes each consumer received, from the lab's oplog (failed calls too): OIC uploads per connection, Vault updates. */
async function consumerWrites(o: OrbEnv) {
  const log = await oplog(o);
  const n = (op: string, target: string) => log.filter((e) => e.op === op && e.target?.toLowerCase() === target.toLowerCase()).length;
  return {
    SALES_ATP_ORDERS: n('uploadAttachment', 'SALES_ATP_ORDERS'),
    SALES_ATP_BILLING: n('uploadAttachment', 'SALES_ATP_BILLING'),
    vault: n('updateSecret', SECRET),
  };
}

async function cloudFaults(o: OrbEnv): Promise<CloudFault[]> {
  const r = await fetch(`${o.lab.url}/faults`);
  return ((await r.json()) as { cloudFaults: CloudFault[] }).cloudFaults;
}

async function violations(o: OrbEnv): Promise<string[]> {
  return (await o.api.invariants(true)).violations.map((v) => `${v.rule}: ${v.detail}`);
}

/** Activities of a run that took more than one attempt, and the worker (pid@host) that ran the last one. */
async function retriedActivities(h: WorkflowHandle): Promise<{ what: string; attempt: number; identity: string }[]> {
  const events = (await h.fetchHistory()).events ?? [];
  const scheduled = new Map<string, string>();
  for (const e of events) {
    const a = e.activityTaskScheduledEventAttributes;
    if (!a) continue;
    const input = (a.input?.payloads ?? []).map((p) => Buffer.from(p.data ?? []).toString('utf8')).join(' ');
    const consumer = /"consumer":"([^"]+)"/.exec(input)?.[1];
    scheduled.set(String(e.eventId), `${a.activityType?.name}${consumer ? ` ${consumer}` : ''}`);
  }
  return events
    .map((e) => e.activityTaskStartedEventAttributes)
    .filter((a): a is NonNullable<typeof a> => !!a && (a.attempt ?? 1) > 1)
    .map((a) => ({ what: scheduled.get(String(a.scheduledEventId)) ?? '?', attempt: a.attempt ?? 0, identity: a.identity ?? '' }));
}

/**
 * The workflow tasks of a run that failed because of orb's code. Left out, as in hostile-input.test.ts:
 * the server's own refusals while signals arrive (1 UNHANDLED_COMMAND, 17 FORCE_CLOSE_COMMAND).
 */
async function failedWorkflowTasks(h: WorkflowHandle): Promise<string[]> {
  const history = await h.fetchHistory();
  return (history.events ?? [])
    .filter((e) => e.workflowTaskFailedEventAttributes && ![1, 17].includes(e.workflowTaskFailedEventAttributes.cause ?? 0))
    .map((e) => JSON.stringify(e.workflowTaskFailedEventAttributes?.failure?.message));
}

describe('ADB runbooks under failure: killed workers, OCI faults, consumer gates, hostile input', () => {
  const o = orbSuite({ inProcessWorker: false });
  let worker: ChildProcess;
  before(() => {
    worker = o.startWorkerProcess();
  });

  const killWorker = () => killHard(worker);

  test('worker killed while the role change runs: a new worker follows the same work request, one switchover', async () => {
    const h = await start(o, 'switchoverAdb', switchoverInput(o));
    await o.waitFor(h, (s) => s.openGate?.name === 'switchover', 'the switchover gate');
    // The role change takes 20 simulated s: at speed 0.5 (42 real s with its start) it outlasts the kill, the
    // heartbeat timeout (15 s) that tells the server the worker is gone, and the new worker's start.
    await o.api.clock(0.5);
    await o.approve(h, 'switchover', 'bob');
    await o.waitFor(h, (s) => stage(s, 'switchover-work-request')?.outcome === 'running', 'the work request being followed');
    await killWorker();
    const killedAt = Date.now();
    const [wr] = await switchoverWork(o);
    assert.match(wr.status, /^(ACCEPTED|IN_PROGRESS)$/, 'the role change goes on without the worker');

    worker = o.startWorkerProcess();
    // The new worker takes the activity over once the dead one's heartbeat is missed, and follows the same work request.
    await until('the new worker to follow the work request', async () => (await h.describe()).raw.pendingActivities ?? [], (acts) =>
      acts.some((a) => a.activityType?.name === 'awaitWorkRequest' && (a.attempt ?? 0) >= 2 && Number(a.lastHeartbeatTime?.seconds ?? 0) * 1000 > killedAt),
    30_000);
    assert.match((await switchoverWork(o))[0].status, /^(ACCEPTED|IN_PROGRESS)$/, 'the new worker joined while it still ran');
    await o.api.clock(10);

    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.deepEqual(await roles(o), SWAPPED);
    assert.deepEqual(states(r.value.status), ALL_DONE);
    assert.equal((await oplog(o)).filter((e) => e.op === 'switchoverAutonomousDatabase').length, 1, 'exactly one switchover call');
    assert.equal((await switchoverWork(o)).length, 1, 'one role change');
    assert.match(stage(r.value.status, 'switchover-work-request')!.detail!, /SUCCEEDED 100%/);
    const followed = (await retriedActivities(h)).find((a) => a.what === 'awaitWorkRequest');
    assert.ok(followed?.identity.startsWith(`${worker.pid}@`), `the new worker (pid ${worker.pid}) followed it to the end: ${JSON.stringify(followed)}`);
    assert.deepEqual(await violations(o), []);
  });

  test('worker killed between a consumer\'s update and its report: a new worker completes the run, every consumer updated exactly once', async (t) => {
    // The second consumer's upload is made and its answer lost, so the activity that made it cannot report
    // it; the worker is killed right then, with the first consumer done and the others not started.
    await o.api.cloudFault({ service: 'oic', op: 'uploadAttachment', target: 'SALES_ATP_BILLING', kind: 'transient', status: 503, code: 'ServiceUnavailable', when: 'after' });
    // refreshAll: the seed's consumers already work with the primary, and every one must be updated here.
    const h = await start(o, 'propagateWallet', { ...propagateInput(o, { concurrency: '1' }), refreshAll: true });
    const killed = await until('the second consumer\'s upload', () => oplog(o), (log) =>
      log.some((e) => e.op === 'uploadAttachment' && e.target === 'SALES_ATP_BILLING' && e.faultId !== undefined), 60_000);
    await killWorker();
    assert.equal(killed.filter((e) => e.op === 'uploadAttachment' && e.target === 'SALES_ATP_ORDERS').length, 1, 'the first consumer was updated');
    assert.equal(killed.filter((e) => e.op === 'updateSecret').length, 0, 'the Vault secret was not');
    worker = o.startWorkerProcess();

    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.deepEqual(states(r.value.status), ALL_DONE);
    assert.deepEqual(await consumerWrites(o), { SALES_ATP_ORDERS: 1, SALES_ATP_BILLING: 1, vault: 1 }, 'one change per consumer');
    const log = await oplog(o);
    for (const conn of Object.values(CONNECTION)) {
      const calls = log.filter((e) => e.target === conn && e.op !== 'testConnection').map((e) => e.op);
      assert.deepEqual(calls, ['updateConnection', 'uploadAttachment', 'reactivateIntegrations'], `${conn}: the password, the wallet, the integrations, once each`);
    }
    // The update whose answer was lost was taken up again by the new worker, which found it made.
    const retried = await retriedActivities(h);
    t.diagnostic(`activities retried: ${JSON.stringify(retried)}`);
    const billing = retried.find((a) => a.what === 'updateConsumer oic-billing');
    assert.ok(billing && billing.identity.startsWith(`${worker.pid}@`), `the new worker (pid ${worker.pid}) ran it: ${JSON.stringify(retried)}`);
    assert.deepEqual(await violations(o), []);
  });

  /** Transient faults, each at its own OCI call: armed before the run (preflight's reads) or at the gate (the change). */
  const TRANSIENT: { phase: 'start' | 'gate'; op: string; status: number; code: string; when?: 'after' }[] = [
    { phase: 'start', op: 'getAutonomousDatabase', status: 503, code: 'ServiceUnavailable' },
    { phase: 'start', op: 'listAutonomousDatabasePeers', status: 429, code: 'TooManyRequests' },
    { phase: 'start', op: 'getSecretBundle', status: 503, code: 'ServiceUnavailable' },
    { phase: 'gate', op: 'getAutonomousDatabase', status: 409, code: 'IncorrectState' },
    { phase: 'gate', op: 'switchoverAutonomousDatabase', status: 409, code: 'IncorrectState' },
    // The switchover is made and its answer lost: the retry, same opc-retry-token, must not switch twice.
    { phase: 'gate', op: 'switchoverAutonomousDatabase', status: 503, code: 'ServiceUnavailable', when: 'after' },
    { phase: 'gate', op: 'getWorkRequest', status: 429, code: 'TooManyRequests' },
    { phase: 'gate', op: 'generateAutonomousDatabaseWallet', status: 503, code: 'ServiceUnavailable' },
    // The wallet is generated and its answer lost: the retry gets the same wallet (its opc-retry-token), no second one.
    { phase: 'gate', op: 'generateAutonomousDatabaseWallet', status: 503, code: 'ServiceUnavailable', when: 'after' },
    { phase: 'gate', op: 'updateSecret', status: 429, code: 'TooManyRequests' },
    { phase: 'gate', op: 'getSecretBundle', status: 409, code: 'IncorrectState' },
  ];

  test('transient OCI faults at each call (and a switchover whose answer is lost): the run completes with one role change', async () => {
    const arm = (phase: 'start' | 'gate') =>
      Promise.all(TRANSIENT.filter((f) => f.phase === phase).map(({ phase: _, ...f }) => o.api.cloudFault({ service: 'oci', kind: 'transient', times: 1, ...f })));
    await arm('start');
    // At speed 2 the role change lasts about 10 s: the retry after the lost answer (4 s later, after backoff)
    // finds it still running, so it is the opc-retry-token (OCI's first answer again, the same work
    // request) that keeps it single.
    await o.api.clock(2);
    const walletsBefore = (await o.api.estate()).cloud.wallets.length;
    const h = await approvedSwitchover(o, {}, () => arm('gate'));
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    const fired = await cloudFaults(o);
    assert.deepEqual(fired.map((f) => `${f.op} fired ${f.fired}`), TRANSIENT.map((f) => `${f.op} fired 1`), 'every fault met its call once');
    const work = await switchoverWork(o);
    assert.equal(work.length, 1, 'one role change');
    const calls = (await oplog(o)).filter((e) => e.op === 'switchoverAutonomousDatabase').map((e) => `${e.outcome}${e.faultId ? ' (fault)' : ''}`);
    assert.deepEqual(calls, ['error (fault)', 'error (fault)', 'ok'], 'refused, made with its answer lost, answered again');
    const generated = (await oplog(o)).filter((e) => e.op === 'generateAutonomousDatabaseWallet').map((e) => `${e.outcome}${e.faultId ? ' (fault)' : ''}`);
    assert.deepEqual(generated, ['error (fault)', 'error (fault)', 'ok'], 'refused, made with its answer lost, answered again');
    assert.equal((await o.api.estate()).cloud.wallets.length - walletsBefore, 1, 'one wallet generated: the retry got the first answer');
    assert.equal(stage(r.value.status, 'switchover')?.detail, `work request ${work[0].id}`, 'the retry got the first answer: the same work request');
    assert.match(stage(r.value.status, 'switchover-work-request')?.detail ?? '', /SUCCEEDED 100%/);
    assert.deepEqual(await roles(o), SWAPPED);
    assert.deepEqual(states(r.value.status), ALL_DONE);
    assert.deepEqual(await consumerWrites(o), { SALES_ATP_ORDERS: 1, SALES_ATP_BILLING: 1, vault: 2 }, 'the Vault update refused once, then made');
    assert.deepEqual(await violations(o), []);
  });

  /** Permanent faults: where the run stops, what its message says, and what the estate holds afterwards. */
  const PERMANENT: {
    op: string; status: number; code: string; type: string; stage: string; message: RegExp; roles: Record<string, string>;
  }[] = [
    {
      op: 'getAutonomousDatabase', status: 404, code: 'NotAuthorizedOrNotFound', type: 'PreflightFailed', stage: 'preflight', roles: UNCHANGED,
      message: /preflight failed, nothing was changed: read Autonomous Database \S+ in us-ashburn-1: OCI 404 NotAuthorizedOrNotFound: .*check the OCID and the IAM policies/,
    },
    {
      op: 'listAutonomousDatabasePeers', status: 401, code: 'NotAuthenticated', type: 'PreflightFailed', stage: 'preflight', roles: UNCHANGED,
      message: /preflight failed, nothing was changed: list the peers of \S+: OCI 401 NotAuthenticated: .*check the OCI config profile/,
    },
    {
      op: 'switchoverAutonomousDatabase', status: 400, code: 'InvalidParameter', type: 'RunbookFailed', stage: 'switchover', roles: UNCHANGED,
      message: /switchover of SALESATP to \S+ \(us-phoenix-1\): OCI 400 InvalidParameter: .*the request must be fixed.*no consumer was changed/,
    },
    {
      // The role change goes on in OCI while orb cannot follow it.
      op: 'getWorkRequest', status: 404, code: 'NotAuthorizedOrNotFound', type: 'RunbookFailed', stage: 'switchover-work-request', roles: SWAPPED,
      message: /read work request \S+: OCI 404 NotAuthorizedOrNotFound: .*Check SALESATP's roles in the OCI Console .*no consumer was changed: if the roles did change, run propagate-wallet for SALESATP$/,
    },
    {
      op: 'generateAutonomousDatabaseWallet', status: 404, code: 'NotAuthorizedOrNotFound', type: 'RunbookFailed', stage: 'generate-wallet', roles: SWAPPED,
      message: /generate the wallet of SALESATP .*OCI 404 NotAuthorizedOrNotFound: .*check the OCID and the IAM policies\. SALESATP is switched over; no consumer holds the new primary's wallet yet; oic-orders, oic-billing, vault-wallet, app-tns still hold the old one: once the cause is fixed, run propagate-wallet for SALESATP$/,
    },
  ];

  test('permanent OCI faults: the run fails at once naming the call, OCI\'s code and what to do; nothing half-done', async (t) => {
    for (const p of PERMANENT) {
      await t.test(`${p.status} ${p.code} on ${p.op}`, async (st) => {
        await o.api.cloudFault({ service: 'oci', op: p.op, kind: 'permanent', status: p.status, code: p.code });
        const h = await start(o, 'switchoverAdb', switchoverInput(o));
        if (p.stage !== 'preflight') {
          await o.waitFor(h, (s) => s.openGate?.name === 'switchover', 'the switchover gate');
          await o.approve(h, 'switchover', 'bob');
        }
        const r = await o.result(h);
        assert.ok(!r.ok, 'the run fails');
        assert.equal(r.type, p.type, r.message);
        assert.match(r.message, p.message);
        st.diagnostic(r.message);
        const s = await o.status(h);
        assert.equal(s.state, 'failed');
        assert.equal(stage(s, p.stage)?.outcome, 'failed', JSON.stringify(s.stages));
        await o.api.clearFaults();
        await o.waitForLab(async () => !(await roles(o))[PHX]!.includes('IN_PROGRESS'), 'the lab to settle');
        assert.deepEqual(await roles(o), p.roles);
        assert.equal((await switchoverWork(o)).length, p.roles === SWAPPED ? 1 : 0);
        assert.deepEqual(await consumerWrites(o), { SALES_ATP_ORDERS: 0, SALES_ATP_BILLING: 0, vault: 0 }, 'no consumer was touched');
        if (p.roles === SWAPPED) {
          // Half the job: the roles changed, the consumers still hold the old primary's wallet; the status says
          // so and what to run, and doing it mends the estate.
          assert.equal((await violations(o)).filter((v) => v.startsWith('wallet-not-current-primary')).length, 4);
          if (p.stage === 'generate-wallet') assert.deepEqual(Object.values(states(s)), ['pending', 'pending', 'pending', 'pending']);
          const fix = await start(o, 'propagateWallet', propagateInput(o));
          const f = await o.result(fix);
          assert.ok(f.ok, !f.ok ? f.message : '');
        }
        assert.deepEqual(await violations(o), []);
        await o.api.reset('test');
      });
    }
  });

  test('a consumer failing its test waits at its gate: a choice not offered is refused; retry once fixed completes', async () => {
    await o.api.cloudFault({ service: 'oic', op: 'testConnection', target: 'SALES_ATP_BILLING', kind: 'permanent', status: 400, code: 'BadRequest' });
    const h = await start(o, 'propagateWallet', propagateInput(o, { consumers: 'oic-billing' }));
    const asked = await o.waitFor(h, (s) => s.openGate?.name === 'consumer-oic-billing', 'the gate of the failing consumer', 20_000);
    assert.deepEqual(asked.openGate!.choices, ['retry', 'skip'], 'no switch back without a role change');
    assert.equal(states(asked)['oic-billing'], 'restored');
    // OIC's 400 is permanent: one attempt, no retries, and the gate says what it means.
    assert.match(asked.openGate!.question, /OIC connection SALES_ATP_BILLING .*failed at test: testConnection: Oracle Integration answered 400: .*refused the request as malformed/);

    await h.signal('approve', { gate: 'consumer-oic-billing', by: 'bob', choice: 'switch-back' });
    await h.signal('approve', { gate: 'consumer-oic-billing', by: 'bob', choice: 'retry'.repeat(2048) }); // 10 KB
    await h.signal('reject', { gate: 'consumer-oic-billing', by: 'bob', choice: 'retry' }); // e.g. from the temporal CLI
    const refused = await o.waitFor(h, (s) => s.approvals.filter((a) => a.refusedBecause).length === 3, 'the refusals recorded');
    assert.equal(refused.openGate?.name, 'consumer-oic-billing', 'the gate stays open');
    const [notOffered, huge, rejectWithChoice] = refused.approvals.filter((a) => a.refusedBecause);
    assert.match(rejectWithChoice!.refusedBecause!, /a rejection makes no choice/);
    assert.match(notOffered!.refusedBecause!, /offers retry, skip; "switch-back" is not one of them/);
    assert.match(huge!.refusedBecause!, /choice: must be a choice the open gate offers/);
    assert.ok(JSON.stringify(refused).length < 20_000, 'the 10 KB choice is not kept');

    await o.api.clearFaults();
    await h.signal('approve', { gate: 'consumer-oic-billing', by: 'bob', choice: 'retry' });
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.deepEqual(states(r.value.status), { 'oic-billing': 'reactivated' });
    // update, restore (after the failed test), update again
    assert.equal((await consumerWrites(o)).SALES_ATP_BILLING, 3);
    assert.deepEqual(await failedWorkflowTasks(h), []);
  });

  test('skip at a consumer gate after a switchover: that consumer is left as it was, the others move on', async () => {
    await o.api.cloudFault({ service: 'oic', op: 'testConnection', target: 'SALES_ATP_BILLING', kind: 'permanent', status: 400, code: 'BadRequest' });
    const before = (await o.api.estate()).cloud.oic[0].connections.find((c: any) => c.id === 'SALES_ATP_BILLING').attachments.WALLET.sha256;
    const h = await approvedSwitchover(o);
    await o.waitFor(h, (s) => s.openGate?.name === 'consumer-oic-billing', 'the gate of the failing consumer', 30_000);
    await h.signal('approve', { gate: 'consumer-oic-billing', by: 'bob', choice: 'skip' });
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.deepEqual(states(r.value.status), { ...ALL_DONE, 'oic-billing': 'skipped' });
    assert.match(r.value.status.reason ?? '', /3 of 4 consumers hold wallet .*; NOT updated: oic-billing \(skipped\)$/);
    const after = (await o.api.estate()).cloud.oic[0].connections.find((c: any) => c.id === 'SALES_ATP_BILLING').attachments.WALLET.sha256;
    assert.equal(after, before, 'the skipped consumer holds what it held');
    // The one consumer the run left behind is the only one on the old primary's wallet ...
    const v = await violations(o);
    assert.equal(v.length, 1, v.join('\n'));
    assert.match(v[0]!, /^wallet-not-current-primary: OIC orb-oic connection SALES_ATP_BILLING holds a wallet of SALESATP/);
    // ... until propagate-wallet brings it along, once its test passes again.
    await o.api.clearFaults();
    const fix = await start(o, 'propagateWallet', propagateInput(o, { consumers: 'oic-billing' }));
    const f = await o.result(fix);
    assert.ok(f.ok, !f.ok ? f.message : '');
    assert.deepEqual(await violations(o), []);
  });

  test('hostile input: malformed starts end at once with InvalidInput naming the field', async () => {
    const sw = switchoverInput(o) as unknown as Record<string, unknown>;
    const pw = propagateInput(o) as unknown as Record<string, unknown>;
    const huge = 'S'.repeat(300_000);
    const cases: [string, unknown, RegExp][] = [
      ['switchoverAdb', null, /\(input\): must be an input object, not null/],
      ['switchoverAdb', [sw], /\(input\): must be an input object, not an array/],
      ['switchoverAdb', { ...sw, database: 42 }, /database: /],
      ['switchoverAdb', { ...sw, database: huge }, /database: /],
      ['switchoverAdb', { ...sw, database: 'NOSUCHDB' }, /database: unknown Autonomous Database "NOSUCHDB": the estate knows SALESATP/],
      ['switchoverAdb', { ...sw, consumers: ['oic-orders; rm -rf /'] }, /consumers\.0: must be a consumer name/],
      ['switchoverAdb', { ...sw, consumers: ['$(reboot)', '`id`'] }, /consumers\.0: must be a consumer name.*consumers\.1: must be a consumer name/],
      ['switchoverAdb', { ...sw, consumers: ['nosuch'] }, /consumers: SALESATP has no consumer nosuch/],
      ['switchoverAdb', { ...sw, concurrency: 10_000 }, /concurrency: must be a whole number from 1 to 32/],
      ['switchoverAdb', { ...sw, concurrency: '4' }, /concurrency: must be a whole number from 1 to 32/],
      ['switchoverAdb', { ...sw, to: 'moon' }, /to: must be "local" or "remote"/],
      ['switchoverAdb', { ...sw, maxLagSeconds: 1e12 }, /maxLagSeconds: must be at most 86400/],
      ['switchoverAdb', { ...sw, startedBy: huge }, /startedBy: /],
      ['switchoverAdb', { ...sw, sudo: true }, /\(input\): has unknown field\(s\) "sudo"/],
      // A failover's four eyes hold whoever starts it (the temporal CLI, the Web UI), not only through orb.
      ['failoverAdb', { ...sw, gates: { ...(sw.gates as object), roleChange: { ...(sw.gates as any).roleChange, requiredApprovals: 1 } } },
        /gates\.roleChange\.requiredApprovals: must be at least 2 for a failover/],
      ['failoverAdb', { ...sw, gates: { ...(sw.gates as object), roleChange: { ...(sw.gates as any).roleChange, requiredApprovals: 2, allowInitiator: true } } },
        /gates\.roleChange\.allowInitiator: must be false for a failover/],
      ['propagateWallet', { ...pw, concurrency: 10_000 }, /concurrency: must be a whole number from 1 to 32/],
      ['propagateWallet', { ...pw, consumers: ['a|b', 'c&&d'] }, /consumers\.0: must be a consumer name.*consumers\.1: must be a consumer name/],
      ['propagateWallet', { ...pw, database: huge }, /database: /],
      ['propagateWallet', { ...pw, trigger: { kind: 'event', eventId: '$(reboot)', eventType: 'x', eventTime: '2026-01-01T00:00:00Z' } }, /trigger\.eventId: must be an event id/],
      ['propagateWallet', { ...pw, trigger: 'manual' }, /trigger: /],
      ['propagateWallet', { ...pw, refreshAll: 'yes' }, /refreshAll: must be true or false/],
    ];
    const ran = await Promise.all(cases.map(async ([type, input, want]) => {
      const h = await start(o, type, input);
      const t0 = Date.now();
      const r = await o.result(h);
      return { type, want, r, ms: Date.now() - t0, h };
    }));
    for (const { type, want, r, ms, h } of ran) {
      assert.ok(!r.ok, `${type} ${want}: the run must fail`);
      assert.equal(r.type, 'InvalidInput', `${want}: ${r.message}`);
      assert.match(r.message, want);
      assert.ok(r.message.length < 3000, `${want}: the message is bounded (${r.message.length})`);
      assert.ok(ms < 15_000, `${want}: ended at once (${ms} ms)`);
      const s = await o.status(h);
      assert.equal(s.state, 'failed');
      assert.deepEqual(await failedWorkflowTasks(h), []);
      assert.ok(!(s.consumers ?? []).some((c) => c.state !== 'pending'), 'nothing was done');
    }
    assert.deepEqual(await consumerWrites(o), { SALES_ATP_ORDERS: 0, SALES_ATP_BILLING: 0, vault: 0 });
    assert.equal((await switchoverWork(o)).length, 0);
  });

  test('hostile approvals at the switchover gate: a choice where none is offered, a 10 KB one, refused and recorded, no task fails', async () => {
    const h = await start(o, 'switchoverAdb', switchoverInput(o));
    await o.waitFor(h, (s) => s.openGate?.name === 'switchover', 'the switchover gate');
    await h.signal('approve', { gate: 'switchover', by: 'bob', choice: 'skip' });
    await h.signal('approve', { gate: 'switchover', by: 'bob', choice: 'x'.repeat(10 * 1024) });
    await h.signal('approve', { gate: 'switchover', by: 'bob', choice: 42 });
    // The same as an Update (what orb approve sends): its validator refuses it, nothing reaches the history.
    await assert.rejects(h.executeUpdate('approve', { args: [{ gate: 'switchover', by: 'bob', choice: 'x'.repeat(10 * 1024) }] }),
      (e: Error & { cause?: Error }) => /not a valid approve update: choice: must be a choice/.test(e.cause?.message ?? ''));
    const s = await o.waitFor(h, (x) => x.approvals.filter((a) => a.refusedBecause).length === 3, 'three refusals');
    const why = s.approvals.map((a) => a.refusedBecause ?? 'accepted');
    assert.match(why[0]!, /gate "switchover" offers no choice \(got "skip"\)/);
    assert.match(why[1]!, /choice: must be a choice the open gate offers/);
    assert.match(why[2]!, /choice: must be a choice \(a string\)/);
    assert.equal(s.openGate?.name, 'switchover', 'still waiting');
    assert.deepEqual(s.openGate?.approvedBy, []);
    assert.ok(JSON.stringify(s).length < 20_000, 'the status does not keep the 10 KB choice');
    assert.deepEqual(await failedWorkflowTasks(h), []);
    // The gate still works: a proper approval runs the switchover.
    await o.approve(h, 'switchover', 'bob');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal((await switchoverWork(o)).length, 1);
    assert.deepEqual(await failedWorkflowTasks(h), []);
  });
});
