/**
 * The CLI of the Autonomous Data Guard runbooks: which gate each gate option governs, the plan of a
 * database with no consumers, the progress a step reports in its heartbeat (untrusted) and how
 * `--wait` prints it, names clipped in the Approvals table; then, on a real Temporal dev server, the
 * lab and a worker, `orb cancel --wait` of a switchover at its gate and after its role change.
 */
import { describe, it, test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPayloadConverter } from '@temporalio/common';
import { buildPropagateInput, buildRoleChangeInput } from '../client/adb-input';
import { stepProgress } from '../client/heartbeat-progress';
import { renderStatus, runFollower } from '../client/render';
import { renderAdbPlan } from '../client/render-adb-plan';
import type { RunStatus } from '../client/runbooks';
import { DEFAULT_ESTATE } from '../common/estate-config';
import type { ApprovalRecord, RunbookStatus } from '../common/runbook-types';
import type { AdbPlan } from '../workflows/plan-adb';
import { cliEnvOf, orbSuite } from './helpers/orb-env';
import { runCli, type CliRun } from './helpers/processes';

const ENV = { ORB_USER: 'alice' } as NodeJS.ProcessEnv;
const manual = { kind: 'manual' } as const;

describe('gate options of the ADB runbooks govern the gates their help names', () => {
  it('propagate-wallet: --required-approvals and --allow-self-approval govern the consumer gates; a timeout is refused', () => {
    const input = buildPropagateInput({ database: 'SALESATP', requiredApprovals: '2', allowSelfApproval: true }, DEFAULT_ESTATE, manual, ENV);
    assert.deepEqual(input.gates.consumer, { approvers: ['alice', 'bob', 'carol'], requiredApprovals: 2, timeoutMs: null, onTimeout: 'wait', allowInitiator: true });
    for (const [opt, o] of [['--gate-timeout', { gateTimeout: '1m' }], ['--on-gate-timeout', { onGateTimeout: 'reject' }]] as const) {
      assert.throws(() => buildPropagateInput({ database: 'SALESATP', ...o }, DEFAULT_ESTATE, manual, ENV), new RegExp(`^InputError: ${opt}: is not taken`));
    }
    assert.throws(() => buildPropagateInput({ database: 'SALESATP', requiredApprovals: '3' }, DEFAULT_ESTATE, manual, ENV),
      /--required-approvals: 3 approval\(s\) needed but only 2 approver\(s\) other than alice/);
  });

  it('switchover-adb / failover-adb: the count and the timeout govern the role change gate; consumer gates need 1 and never time out', () => {
    const o = { database: 'SALESATP', requiredApprovals: '2', gateTimeout: '1m', onGateTimeout: 'wait' };
    for (const kind of ['switchover', 'failover'] as const) {
      const { gates } = buildRoleChangeInput(kind, o, DEFAULT_ESTATE, ENV);
      assert.deepEqual([gates.roleChange.requiredApprovals, gates.roleChange.timeoutMs, gates.roleChange.onTimeout], [2, 60_000, 'wait'], kind);
      assert.deepEqual([gates.consumer.requiredApprovals, gates.consumer.timeoutMs, gates.consumer.onTimeout], [1, null, 'wait'], kind);
    }
    const self = buildRoleChangeInput('switchover', { database: 'SALESATP', allowSelfApproval: true }, DEFAULT_ESTATE, ENV);
    assert.deepEqual([self.gates.roleChange.allowInitiator, self.gates.consumer.allowInitiator], [true, true]);
  });

  it('--consumers that names nobody is refused, not read as "all"', () => {
    for (const consumers of ['', ',,,', [' ', ',']]) {
      assert.throws(() => buildPropagateInput({ database: 'SALESATP', consumers }, DEFAULT_ESTATE, manual, ENV), /--consumers: must name at least one consumer/);
    }
  });
});

describe('orb plan of a database with no consumers, and the consumer gates\' policy', () => {
  const plan = (over: Partial<AdbPlan>): AdbPlan => ({
    runbook: 'propagate-wallet', database: 'HRATP', fence: 'adb-database:HRATP', leaveCurrent: true, wouldRun: true, checks: [], pair: null, call: null,
    gates: [{ name: 'consumer-<name>', policy: { approvers: ['bob', 'carol'], requiredApprovals: 2, timeoutMs: null, onTimeout: 'wait', allowInitiator: false }, when: 'only when a consumer fails after its retries (restored first): retry or skip' }],
    consumers: [], concurrency: 4, ...over,
  });

  it('says "no consumers" rather than an empty list', () => {
    const text = renderAdbPlan(plan({}));
    assert.match(text, /\d+\. no consumers: HRATP has none in the estate, so the wallet goes to nobody/);
    assert.doesNotMatch(text, /every consumer, 4 at a time/);
  });

  it('shows the consumer gates\' approvals', () => {
    const consumers = [{ name: 'app-tns', kind: 'tns-admin' as const, label: 'TNS_ADMIN app-tns', current: 'x', walletSha256: null, steps: ['update'] }];
    assert.match(renderAdbPlan(plan({ consumers })), /gate "consumer-<name>" \(2 approval\(s\) from bob, carol \(not the initiator\)\): retry or skip/);
  });
});

type Pending = Parameters<typeof stepProgress>[0] extends readonly (infer P)[] | null | undefined ? P : never;
const pending = (details: unknown, name = 'awaitWorkRequest'): Pending =>
  ({ activityType: { name }, heartbeatDetails: { payloads: [defaultPayloadConverter.toPayload(details)] } }) as Pending;
const WR = 'ocid1.workrequest.oc1.phx.x';

describe('a step\'s progress from its heartbeat (client/heartbeat-progress.ts)', () => {
  it('reads a work request\'s status and percentComplete', () => {
    assert.deepEqual(stepProgress([pending({ workRequestId: WR, status: 'IN_PROGRESS', percentComplete: 40 })]), [
      { activity: 'awaitWorkRequest', detail: `work request ${WR}: IN_PROGRESS 40%`, percent: 40 },
    ]);
    assert.deepEqual(stepProgress(null), []);
  });

  it('skips or bounds hostile details: not an object, a 10 KB status, a percent of 1e9, bytes that do not decode', () => {
    const undecodable = { activityType: { name: 'x' }, heartbeatDetails: { payloads: [{ metadata: { encoding: new TextEncoder().encode('binary/bogus') }, data: new Uint8Array([1]) }] } } as Pending;
    const list = stepProgress([
      pending('IN_PROGRESS 40%'),
      pending(null),
      pending({ workRequestId: WR, status: 'A'.repeat(10_000), percentComplete: 40 }),
      pending({ workRequestId: 'x'.repeat(10_000), status: 'IN_PROGRESS' }),
      undecodable,
      pending({ workRequestId: WR, status: 'IN_PROGRESS', percentComplete: 1e9 }),
    ]);
    assert.deepEqual(list, [{ activity: 'awaitWorkRequest', detail: `work request ${WR}: IN_PROGRESS`, percent: null }]);
  });
});

describe('a drain\'s and a rebalance\'s watch: sessions per instance in orb status (client/heartbeat-progress.ts)', () => {
  it('reads what is left and where, bounded; hostile names and counts are dropped', () => {
    const beat = { sessionsLeft: 5, services: ['ORDERS_UNI', 'BILLING;rm'], perInstance: { raccdb2: 14, raccdb1: 5, 'x y': 3, raccdb3: -1, raccdb4: 1.5 } };
    const [w] = stepProgress([pending(beat, 'awaitInstanceSessionsGone')]);
    assert.deepEqual(w, { activity: 'awaitInstanceSessionsGone', detail: '5 session(s) left on ORDERS_UNI', percent: null, perInstance: [['raccdb1', 5], ['raccdb2', 14]] });
    const many = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`inst${String(i).padStart(2, '0')}`, i]));
    assert.equal(stepProgress([pending({ sessionsLeft: 1, services: [], perInstance: many })])[0]!.perInstance!.length, 16);
    const [r] = stepProgress([pending({ rebalancing: 'raccdb1', share: 35, services: ['ORDERS_UNI'], perInstance: { raccdb1: 7, raccdb2: 13 } }, 'awaitRebalance')]);
    assert.equal(r!.detail, 'pools rebalancing onto raccdb1: 35% of the sessions there');
    assert.deepEqual(stepProgress([pending({ rebalancing: 'raccdb1; id', share: 35 }), pending({ rebalancing: 'raccdb1', share: 1e9 })]), []);
    const status: RunbookStatus = { runbook: 'rolling-maintenance', stage: 'drain-raccdb1', state: 'running', startedBy: 'alice', stages: [], progress: null,
      openGate: null, approvals: [], preflight: [], compensation: [], notes: [] };
    const text = renderStatus(status, { workflowId: 'rolling-maintenance:RACCDB', working: [w!] });
    assert.match(text, /in progress: 5 session\(s\) left on ORDERS_UNI \(awaitInstanceSessionsGone\)\n {4}sessions per instance: raccdb1 5 · raccdb2 14/);
  });
});

describe('orb start --wait prints a step\'s progress when it crosses a tenth (runFollower)', () => {
  const reading = (percentComplete: number): RunStatus => ({
    workflowId: 'switchover-adb:SALESATP', runId: 'r', executionStatus: 'RUNNING', startTime: '', closeTime: null, stage: 'switchover-work-request',
    awaitingApproval: false, status: null, source: 'visibility', retrying: [],
    working: stepProgress([pending({ workRequestId: WR, status: 'IN_PROGRESS', percentComplete })]),
  });

  it('one line at 40, then at 50 and 60, none for the reads between', () => {
    const lines: string[] = [];
    const follow = runFollower((l) => lines.push(l));
    for (const p of [40, 41, 45, 49, 50, 52, 59.9, 60, 60]) follow(reading(p));
    assert.deepEqual(lines.map((l) => l.replace(/^ {2}\d\d:\d\d:\d\d {2}/, '')), [40, 50, 60].map((p) => `work request ${WR}: IN_PROGRESS ${p}%`));
  });
});

describe('orb status: the Approvals table', () => {
  const status = (approvals: ApprovalRecord[]): RunbookStatus => ({
    runbook: 'propagate-wallet', stage: 'propagate', state: 'running', startedBy: 'alice', stages: [], progress: null, openGate: null,
    approvals, preflight: [], compensation: [], notes: [],
  });
  const at = '2025-01-01T10:00:00.000Z';

  it('clips a hostile name so the table stays narrow', () => {
    const by = `${'m'.repeat(64)}…(+999936 more)`;
    const text = renderStatus(status([{ gate: 'consumer-app-tns', by, decision: 'approve', at, refusedBecause: 'not an approver' }]), { workflowId: 'w' });
    const header = text.split('\n').find((l) => l.includes('RESULT'))!;
    assert.ok(header.indexOf('RESULT') <= 2 + 8 + 2 + 8 + 2 + 16 + 2 + 32 + 2, header);
    assert.match(text, new RegExp(`${'m'.repeat(31)}… +REFUSED: not an approver`));
  });

  it('a rejection sent with a choice (by another client) is not shown as a choice made', () => {
    const text = renderStatus(status([{ gate: 'consumer-app-tns', by: 'bob', decision: 'reject', choice: 'retry', at }]), { workflowId: 'w' });
    assert.match(text, /reject +consumer-app-tns +bob +accepted$/m);
  });
});

describe('orb cancel --wait of a switchover (Temporal dev server, lab, worker)', () => {
  const o = orbSuite();
  const ID = 'switchover-adb:SALESATP';
  const orb = (args: string[], user = 'alice'): Promise<CliRun> => runCli(args, cliEnvOf(o, { ORB_USER: user }), 90_000);
  const show = (r: CliRun) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
  const handle = () => o.env.client.workflow.getHandle(ID);

  test('at the gate: stops, nothing changed, exit 0; after the role change: says what is left, exit 0; propagate-wallet finishes', async () => {
    assert.equal((await orb(['start', 'switchover-adb', '--database', 'SALESATP'])).code, 0);
    await o.waitFor(handle(), (s) => s.openGate?.name === 'switchover', 'the switchover gate');
    const atGate = await orb(['cancel', ID, '--wait']);
    assert.equal(atGate.code, 0, show(atGate));
    assert.match(atGate.stdout, /before the switchover is requested: the run stops and nothing is changed/);
    assert.match(atGate.stdout, /was cancelled at stage approve-switchover: nothing was changed/);
    assert.doesNotMatch(atGate.stdout, /PDB|compensat/);
    const stopped = await o.status(handle());
    assert.deepEqual([stopped.state, stopped.reason], ['failed', 'cancelled by an operator at stage approve-switchover. Nothing was changed'],
      'the run\'s own status says it ended, and why');
    assert.equal((await handle().describe()).status.name, 'CANCELLED');

    await o.api.cloudFault({ service: 'oic', op: 'testConnection', target: 'SALES_ATP_BILLING', kind: 'permanent', status: 400, code: 'BadRequest' });
    assert.equal((await orb(['start', 'switchover-adb', '--database', 'SALESATP', '--concurrency', '1'])).code, 0);
    await o.waitFor(handle(), (s) => s.openGate?.name === 'switchover', 'the switchover gate');
    const approved = await orb(['approve', ID, '--gate', 'switchover'], 'bob'); // --by from $ORB_USER
    assert.match(approved.stdout, /approved: gate "switchover" of switchover-adb:SALESATP by bob/, show(approved));
    await o.waitFor(handle(), (s) => s.openGate?.name === 'consumer-oic-billing', 'the failing consumer\'s gate', 90_000);
    const after = await orb(['cancel', ID, '--wait']);
    assert.equal(after.code, 0, show(after));
    assert.match(after.stdout, /after the switchover was requested: nothing is undone: OCI completes the switchover it accepted/);
    assert.match(after.stdout, /was cancelled at stage propagate; nothing was undone: SALESATP is switched over; oic-orders hold the new primary's wallet; .*run propagate-wallet for SALESATP/);
    const cut = await o.status(handle());
    assert.match(cut.reason ?? '', /^cancelled by an operator at stage propagate\. SALESATP is switched over/);
    assert.equal(cut.consumers?.find((c) => c.name === 'oic-billing')?.state, 'restored', 'restored before its gate, and no restore attempted after the cancel');

    await o.api.clearFaults();
    let fix: CliRun;
    do fix = await orb(['start', 'propagate-wallet', '--database', 'SALESATP', '--wait']); // 4 while visibility still lists the cancelled run
    while (fix.code === 4);
    assert.equal(fix.code, 0, show(fix));
    assert.deepEqual((await o.api.invariants(true)).violations, []);
  });
});
