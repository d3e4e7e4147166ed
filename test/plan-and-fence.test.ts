import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { planStatements, type RelocationPlan } from '../activities/relocation-plan';
import { describeStatement, type Statement } from '../activities/oracle/statements';
import type { RelocatePdbInput } from '../common/runbook-types';
import { gate, orbSuite, pdbEverywhere, relocateInput } from './helpers/orb-env';

type Oplog = Awaited<ReturnType<ReturnType<typeof orbSuite>['api']['oplog']>>;

/** `[CDB] statement` lines, sorted: services are stopped together, so their order is not fixed. */
function lines(items: { cdb: string; statement: Statement }[]): string[] {
  return items.map((i) => `[${i.cdb}] ${describeStatement(i.statement)}`).sort();
}

function oplogStatements(log: Oplog): string[] {
  const entries = log as unknown as { cdb: string; outcome: string; statement?: Statement }[];
  return lines(entries.filter((e) => e.outcome === 'ok' && e.statement).map((e) => ({ cdb: e.cdb, statement: e.statement! })));
}

/** The summaries of the timers and activities in a run's history, as the Web UI's timeline shows them. */
async function timelineSummaries(h: { fetchHistory(): Promise<{ events?: unknown[] | null }> }): Promise<string[]> {
  const events = ((await h.fetchHistory()).events ?? []) as { userMetadata?: { summary?: { data?: Uint8Array } | null } | null }[];
  return events.flatMap((e) => {
    const data = e.userMetadata?.summary?.data;
    return data ? [JSON.parse(new TextDecoder().decode(data)) as string] : [];
  });
}

describe('orb plan, the target fence and the upgrade path', () => {
  const o = orbSuite();

  async function plan(input: RelocatePdbInput): Promise<RelocationPlan> {
    return o.env.client.workflow.execute('planRelocatePdb', { taskQueue: o.taskQueue, workflowId: `plan-${Date.now()}-${Math.random()}`, args: [input] });
  }

  test('the statements a lab run records are exactly the plan made before it', async () => {
    const input = relocateInput({ availability: 'MAX' });
    const before = (await o.api.oplog()).length;
    const p = await plan(input);
    assert.equal((await o.api.oplog()).length, before, 'planning changes nothing');
    assert.equal(p.wouldRun, true);
    const create = planStatements(p).find((s) => s.statement.sql.startsWith('CREATE PLUGGABLE DATABASE'));
    assert.equal(create?.statement.sql, 'CREATE PLUGGABLE DATABASE SALES FROM SALES@CDB1_LINK RELOCATE AVAILABILITY MAX');
    assert.deepEqual(p.stages.map((s) => s.name), [
      'fence', 'preflight', 'readiness', 'save-state', 'approve-copy', 'copy', 'approve-cutover', 'drain', 'open', 'verify', 'start-services', 'save-state-target', 'drop-tombstone',
    ]);
    assert.match(p.stages.find((s) => s.name === 'approve-cutover')!.steps[0]!.text, /1 approval\(s\) from bob, carol/);
    assert.match(p.stages.find((s) => s.name === 'copy')!.onFailure, /drop the copy in CDB2/);

    const h = await o.start(input);
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    await o.approve(h, 'cutover', 'bob');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    // The test seed's long-running sessions outlast the drain: the conditional disconnects ran too.
    assert.deepEqual(oplogStatements(await o.api.oplog()), lines(planStatements(p)));
  });

  test('a plan whose preflight fails says so and lists the failing check', async () => {
    const p = await plan(relocateInput({ pdb: 'HR', sourceCdb: 'CDB3', dbLink: 'CDB3_LINK' }));
    assert.equal(p.wouldRun, false);
    assert.ok(p.preflight.some((c) => c.check === 'same endianness' && c.outcome === 'fail'));
  });

  test('two runs moving a PDB of the same name into one target: the second is fenced off before it reads anything', async () => {
    const first = await o.start(relocateInput());
    await o.waitFor(first, (s) => s.openGate?.name === 'cutover', 'the first run at its cutover gate');
    // A second run, from another source, started around orb's CLI (no visibility pre-check).
    const other = relocateInput({ sourceCdb: 'CDB3', dbLink: 'CDB3_LINK' });
    const before = (await o.api.oplog()).length;
    const second = await o.start(other);
    const r2 = await o.result(second);
    assert.ok(!r2.ok && r2.type === 'TargetBusy', !r2.ok ? `${r2.type}: ${r2.message}` : 'completed');
    assert.match(!r2.ok ? r2.message : '', /relocate-pdb-target:CDB2:SALES/);
    assert.equal((await o.api.oplog()).length, before, 'the fenced run changed nothing');
    const fence = await o.env.client.workflow.getHandle('relocate-pdb-target:CDB2:SALES').query<{ notes: string[] }>('status');
    assert.match(fence.notes[0]!, /^held by relocate-pdb:CDB1:SALES/, 'orb status of the fence names its holder');
    // CDB names are looked up without regard to case: a lower-case target takes no second fence.
    const lower = await o.result(await o.start(relocateInput({ sourceCdb: 'CDB3', targetCdb: 'cdb2', dbLink: 'CDB3_LINK' })));
    assert.ok(!lower.ok && lower.type === 'TargetBusy', !lower.ok ? `${lower.type}: ${lower.message}` : 'completed');

    // What the Web UI's timeline shows without a click: the gate waiting, who may approve it, and what each step does.
    const summaries = await timelineSummaries(first);
    assert.ok(summaries.some((t) => /^WAITING at gate "cutover": 1 approval\(s\) from bob, carol — orb approve relocate-pdb:CDB1:SALES --gate cutover/.test(t)), summaries.join('\n'));
    assert.ok(summaries.includes('copy: [CDB2] CREATE PLUGGABLE DATABASE SALES FROM SALES@CDB1_LINK ... RELOCATE AVAILABILITY NORMAL'));
    assert.ok(summaries.includes('[CDB1] ALTER PLUGGABLE DATABASE SALES SAVE STATE INSTANCES=ALL'));

    await o.approve(first, 'cutover', 'bob');
    const r1 = await o.result(first);
    assert.ok(r1.ok, !r1.ok ? r1.message : '');
    const released = await o.env.client.workflow.getHandle('relocate-pdb-target:CDB2:SALES').result();
    assert.match(released, /^released by relocate-pdb:CDB1:SALES/, 'the fence is released when the run ends');
  });

  test('a relocation into a higher major release: refused without --upgrade, done with it (OPEN UPGRADE, gate, reopen)', async () => {
    await o.api.patchCdb('CDB2', { version: '23.6.0.24.10' });
    const refused = await o.result(await o.start(relocateInput()));
    assert.ok(!refused.ok && refused.type === 'PreflightFailed');
    assert.match(!refused.ok ? refused.message : '', /database versions: .*VSN not match.*usable nowhere.*--upgrade/);

    const h = await o.start(relocateInput({ upgrade: true, gates: { beforeCopy: null, cutover: null, dropTombstone: null, operator: gate() } }));
    await o.waitFor(h, (s) => s.openGate?.name === 'upgrade', 'the upgrade gate');
    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: null, CDB2: 'NORMAL/MIGRATE' });
    // Approved before the upgrade was done: the reopen finds it still MIGRATE and asks again.
    await o.approve(h, 'upgrade', 'bob');
    const s = await o.waitFor(h, (x) => x.openGate?.name === 'recover-reopen', 'the recover-reopen gate');
    assert.match(s.openGate!.question, /opened MIGRATE, not READ WRITE: the upgrade has not completed \(PDB's version does not match CDB's version/);
    // Approved while the upgrade runs (its sessions are in the PDB): orb will not CLOSE IMMEDIATE under it.
    const closes = async () => (await o.api.oplog()).filter((e) => e.op === 'closePdb').length;
    const closedBefore = await closes();
    await o.api.addSessions({ cdb: 'CDB2', service: 'SALES', count: 2 });
    await o.approve(h, 'recover-reopen', 'carol');
    await o.waitFor(h, (x) => x.openGate?.name === 'recover-reopen' && /2 session\(s\) are connected to SALES in CDB2.*will not CLOSE IMMEDIATE/.test(x.openGate.question),
      'recover-reopen asking again because sessions are in the PDB');
    assert.equal(await closes(), closedBefore, 'no CLOSE while sessions are in the PDB');
    await o.api.upgradePdb('CDB2', 'SALES'); // what dbupgrade -c SALES does: the PDB upgraded and closed
    await o.approve(h, 'recover-reopen', 'bob');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: null, CDB2: 'NORMAL/READ WRITE' });
    const sqls = ((await o.api.oplog()) as unknown as { statement?: Statement }[]).map((e) => e.statement?.sql).filter(Boolean);
    assert.ok(sqls.includes('ALTER PLUGGABLE DATABASE SALES OPEN UPGRADE'));
    assert.ok(sqls.includes('ALTER PLUGGABLE DATABASE SALES OPEN INSTANCES=ALL'));
  });

  test('stopping after the open lists what is left to do per object, and not what was done', async () => {
    await o.api.fault({ op: 'startService', cdb: 'CDB2', object: 'SALES_RO', kind: 'permanent', ora: 'ORA-44304', times: 1 });
    const h = await o.start(relocateInput({ gates: { beforeCopy: null, cutover: null, dropTombstone: null, operator: gate() } }));
    await o.waitFor(h, (s) => s.openGate?.name === 'recover-start-services', 'the recover-start-services gate');
    await o.reject(h, 'recover-start-services', 'bob', 'will do it by hand');
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'StoppedByOperator', !r.ok ? r.type : '');
    const msg = !r.ok ? r.message : '';
    assert.match(msg, /start service SALES_RO of SALES in CDB2/);
    assert.doesNotMatch(msg, /start service SALES_RW/, 'SALES_RW was started (before SALES_RO failed): not listed');
    assert.doesNotMatch(msg, /open SALES in CDB2/, 'the open was done: not listed');
    assert.match(msg, /save the open state of SALES in CDB2: ALTER PLUGGABLE DATABASE SALES SAVE STATE INSTANCES=ALL/);
    // Leave the estate as the invariants expect: the operator starts the service by hand.
    await o.api.op('CDB2', 'startService', { pdb: 'SALES', service: 'SALES_RO' });
  });

  test('a compensation that cannot finish names the one service left down, not the ones it restarted', async () => {
    await o.api.fault({ op: 'startService', cdb: 'CDB1', object: 'SALES_RO', kind: 'permanent', ora: 'ORA-44304' });
    const h = await o.start(relocateInput({
      drain: { timeoutMs: 1500, onTimeout: 'abort', pollMs: 500 },
      gates: { beforeCopy: null, cutover: null, dropTombstone: null, operator: gate() },
    }));
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'CompensationIncomplete', !r.ok ? `${r.type}: ${r.message}` : 'completed');
    const msg = !r.ok ? r.message : '';
    assert.match(msg, /Compensation could not finish: start service SALES_RO of SALES again in CDB1/);
    assert.doesNotMatch(msg, /SALES_RW/, 'SALES_RW was restarted: not left to do');
    const s = await o.status(h);
    assert.deepEqual(
      s.compensation.filter((c) => c.step.startsWith('start service')).map((c) => [c.step, c.outcome]).sort(),
      [['start service SALES_RO of SALES again in CDB1', 'failed'], ['start service SALES_RW of SALES again in CDB1', 'done']],
    );
    await o.api.clearFaults();
    await o.api.op('CDB1', 'startService', { pdb: 'SALES', service: 'SALES_RO' }); // what the operator does by hand
  });

  test('a run started around the CLI cannot name approvers the estate does not know', async () => {
    const mallory = gate({ approvers: ['mallory'], allowInitiator: true });
    const before = (await o.api.oplog()).length;
    const r = await o.result(await o.start(relocateInput({ startedBy: 'mallory', gates: { beforeCopy: null, cutover: mallory, dropTombstone: null, operator: mallory } })));
    assert.ok(!r.ok && r.type === 'PreflightFailed', !r.ok ? `${r.type}: ${r.message}` : 'completed');
    assert.match(!r.ok ? r.message : '', /gate approvers: mallory \(gate cutover\), mallory \(gate operator\) are in no approver group of the estate \(group:dbas\)/);
    assert.equal((await o.api.oplog()).length, before, 'nothing changed');
  });
});
