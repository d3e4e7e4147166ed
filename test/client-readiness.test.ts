/**
 * client-readiness on a real Temporal dev server and the lab: services judged as `orb check readiness` does, and
 * with fix, changed after gate "fix": through DBMS_SERVICE.MODIFY_SERVICE (every value bound) on CDB1, through
 * `srvctl modify service` over SSH on the lab's RAC (RACCDB); a rejection changes nothing; a failure mid-way puts
 * back what was applied; hostile input refused by the workflow.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { WorkflowHandle } from '@temporalio/client';
import { cliEnvOf, orbSuite, type OrbEnv } from './helpers/orb-env';
import { runCli } from './helpers/processes';
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildClientReadinessInput, type ClientReadinessOptions } from '../client/client-readiness-input';
import type { ReadinessReport, ServiceReadiness } from '../common/readiness';
import type { RunbookStatus } from '../common/runbook-types';
import type { ClientReadinessResult } from '../workflows/client-readiness';

const ENV = { ORB_USER: 'alice' } as NodeJS.ProcessEnv;
let n = 0;

const start = (o: OrbEnv, input: unknown): Promise<WorkflowHandle> =>
  o.env.client.workflow.start('clientReadiness', { taskQueue: o.taskQueue, workflowId: `client-readiness-test-${Date.now()}-${n++}`, args: [input] });
const inputOf = (o: OrbEnv, opts: ClientReadinessOptions) => buildClientReadinessInput(opts, o.estate, ENV);
const check = (o: OrbEnv, input: { cdb: string; pdb?: string; service?: string; profile: string }) =>
  o.env.client.workflow.execute<(i: unknown) => Promise<ReadinessReport>>('checkReadiness', {
    taskQueue: o.taskQueue, workflowId: `client-readiness-check-${Date.now()}-${n++}`, args: [input],
  });
const svc = (r: ReadinessReport, name: string): ServiceReadiness => r.services.find((s) => s.service === name)!;
const since = async (o: OrbEnv, from: number) => (await o.api.oplog()).slice(from);

/** Starts a fix run and approves its gate. */
async function approved(o: OrbEnv, opts: ClientReadinessOptions): Promise<{ h: WorkflowHandle; gate: RunbookStatus }> {
  const h = await start(o, inputOf(o, { ...opts, fix: true }));
  const gate = await o.waitFor(h, (s) => s.openGate?.name === 'fix', 'gate fix', 60_000);
  await o.approve(h, 'fix', 'bob');
  return { h, gate };
}

describe('client-readiness (Temporal dev server, lab, worker)', () => {
  const o = orbSuite();

  test('without --fix: the report as a durable run, nothing changed', async () => {
    const from = (await o.api.oplog()).length;
    const r = await o.result(await start(o, inputOf(o, { cdb: 'CDB1', pdb: 'sales', profile: 'ac' })));
    assert.ok(r.ok, !r.ok ? r.message : '');
    const v = r.value as ClientReadinessResult;
    assert.deepEqual(v.status.readiness!.map((x) => [x.service, x.before.ready, x.fix]), [
      ['SALES', true, 'none'], ['SALES_RO', false, 'planned'], ['SALES_RW', true, 'none'],
    ]);
    assert.match(v.status.reason ?? '', /1 fix\(es\) planned, not applied/);
    assert.deepEqual(await since(o, from), [], 'a report changes nothing');
  });

  test('CDB1 SALES_RO for AC through DBMS_SERVICE: approved, applied with every value bound, now ready', async () => {
    const from = (await o.api.oplog()).length;
    const { h, gate } = await approved(o, { cdb: 'CDB1', service: 'SALES_RO', profile: 'ac' });
    assert.match(gate.openGate!.question, /SALES_RO \(SALES\): \[in SALES\] DECLARE p DBMS_SERVICE\.SVC_PARAMETER_ARRAY;.*:svc = 'SALES_RO'/);
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    const v = r.value as ClientReadinessResult;
    assert.deepEqual(v.status.readiness!.map((x) => [x.service, x.before.ready, x.after?.ready, x.fix]), [['SALES_RO', false, true, 'applied']]);
    const mods = (await since(o, from)).filter((e) => e.op === 'modifyService');
    assert.equal(mods.length, 1);
    const st = (mods[0] as { statement?: { sql: string; binds: Record<string, unknown>; container?: string } }).statement!;
    assert.equal(st.container, 'SALES');
    assert.ok(!st.sql.includes('SALES_RO') && !st.sql.includes('TRANSACTION'), 'names and values are bound, not in the text');
    assert.equal(st.binds.svc, 'SALES_RO');
    assert.equal(st.binds.failover_type, 'TRANSACTION');
    const re = await check(o, { cdb: 'CDB1', service: 'SALES_RO', profile: 'ac' });
    assert.equal(svc(re, 'SALES_RO').ready, true, JSON.stringify(svc(re, 'SALES_RO').findings));
    assert.equal(svc(re, 'SALES_RO').protection, 'AC');
    // Sessions connected before keep the settings they connected with (GV$SESSION) until they reconnect.
    const sessions = svc(re, 'SALES_RO').sessions!;
    assert.ok(sessions.total > 0 && sessions.withFailover === 0, JSON.stringify(sessions));
  });

  test('rejected at gate fix: nothing changed', async () => {
    const from = (await o.api.oplog()).length;
    const h = await start(o, inputOf(o, { cdb: 'CDB1', service: 'SALES_RW', profile: 'tac', fix: true }));
    await o.waitFor(h, (s) => s.openGate?.name === 'fix', 'gate fix', 60_000);
    await o.reject(h, 'fix', 'carol', 'not this week');
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'GateRejected', JSON.stringify(r));
    assert.match((await o.status(h)).reason ?? '', /rejected at gate "fix" by carol: not this week\. Nothing was changed/);
    assert.deepEqual(await since(o, from), []);
    assert.equal(svc(await check(o, { cdb: 'CDB1', service: 'SALES_RW', profile: 'tac' }), 'SALES_RW').protection, 'AC');
  });

  test('a failure mid-way puts back what was applied, in reverse order', async () => {
    const before = await check(o, { cdb: 'CDB1', pdb: 'SALES', profile: 'tac' });
    await o.api.fault({ op: 'modifyService', cdb: 'CDB1', object: 'SALES_RW', kind: 'permanent', ora: 'ORA-01031', times: 1 });
    const from = (await o.api.oplog()).length;
    const { h } = await approved(o, { cdb: 'CDB1', pdb: 'sales', profile: 'tac' });
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'RunbookCompensated', JSON.stringify(r));
    const s = await o.status(h);
    assert.match(s.reason ?? '', /ORA-01031.*put back/);
    assert.deepEqual(s.readiness!.map((x) => [x.service, x.fix]), [['SALES', 'none'], ['SALES_RO', 'undone'], ['SALES_RW', 'undone']]);
    const mods = (await since(o, from)).filter((e) => e.op === 'modifyService').map((e) => [e.args.service, e.outcome]);
    // SALES_RO applied, SALES_RW refused, SALES_RO put back (SALES_RW was never changed: its undo finds it as read)
    assert.deepEqual(mods, [['SALES_RO', 'ok'], ['SALES_RW', 'error'], ['SALES_RO', 'ok']]);
    const after = await check(o, { cdb: 'CDB1', pdb: 'SALES', profile: 'tac' });
    // Put back as read, except attributes that were not set: those are restored to Oracle's default, and say so.
    assert.match(s.compensation.map((c) => c.detail ?? '').join(' '), /were not set: restored to the default/);
    for (const name of ['SALES_RO', 'SALES_RW']) {
      const [b, a] = [svc(before, name), svc(after, name)];
      const unset = new Set<string | null>(b.fix && 'undo' in b.fix ? b.fix.undo.approximate : []);
      const kept = (r: ServiceReadiness) => r.findings.filter((f) => !unset.has(f.attribute)).map((f) => f.rule);
      assert.deepEqual([a.protection, kept(a)], [b.protection, kept(b)], name);
    }
  });

  test('RACCDB LEGACY_SVC (Clusterware) for AC through srvctl modify service over SSH', async () => {
    const from = (await o.api.oplog()).length;
    const { h, gate } = await approved(o, { cdb: 'RACCDB', service: 'LEGACY_SVC', profile: 'ac' });
    assert.match(gate.openGate!.question, /LEGACY_SVC \(OLTP\): srvctl modify service -db raccdb -service LEGACY_SVC -failovertype TRANSACTION /);
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    const lines = (await since(o, from)).filter((e) => e.op === 'srvctl').map((e) => String(e.args?.line ?? ''));
    const modify = lines.filter((l) => / modify service -db raccdb -service LEGACY_SVC /.test(l));
    assert.equal(modify.length, 1, lines.join('\n'));
    const fix = (r.value as ClientReadinessResult).before.services[0]!.fix as { apply: { srvctl: string[] } };
    const pairs = (words: string[]) => words.slice(6).reduce<string[]>((a, w, i, all) => (i % 2 ? a : [...a, `${w} ${all[i + 1]}`]), []).sort();
    assert.deepEqual(pairs(modify[0]!.split(' ').slice(1)), pairs(fix.apply.srvctl), 'the gate showed what srvctl got');
    assert.equal((await since(o, from)).filter((e) => e.op === 'modifyService').length, 0, 'no DBMS_SERVICE on a Clusterware CDB');
    assert.equal(svc(await check(o, { cdb: 'RACCDB', service: 'LEGACY_SVC', profile: 'ac' }), 'LEGACY_SVC').ready, true);
  });

  test('from the CLI: orb start client-readiness --fix --wait, approved with orb approve; orb status and orb report show each service', async () => {
    const orb = (args: string[], user = 'alice') => runCli(args, cliEnvOf(o, { ORB_USER: user }), 90_000);
    const run = orb(['start', 'client-readiness', '--cdb', 'CDB1', '--service', 'SALES_RO', '--profile', 'ac', '--fix', '--wait']);
    const h = o.env.client.workflow.getHandle('client-readiness:CDB1');
    await o.waitFor(h, (s) => s.openGate?.name === 'fix', 'gate fix', 60_000);
    const approve = await orb(['approve', 'client-readiness:CDB1', '--gate', 'fix', '--by', 'bob'], 'bob');
    assert.equal(approve.code, 0, approve.stderr);
    const done = await run;
    assert.equal(done.code, 0, `${done.stdout}\n${done.stderr}`);
    assert.match(done.stdout, /Services \(client readiness\)\n.*SERVICE +BEFORE +FIX +AFTER +CALL/);
    assert.match(done.stdout, /SALES_RO \(SALES\) +NOT ready \([^)]*\): \d+ to fix +applied +ready \(/);
    const status = await orb(['status', 'client-readiness:CDB1']);
    assert.match(status.stdout, /SALES_RO \(SALES\) +NOT ready .* applied +ready /);
    const file = join(mkdtempSync(join(tmpdir(), 'orb-report-')), 'r.html');
    const report = await orb(['report', 'client-readiness:CDB1', '--out', file]);
    assert.equal(report.code, 0, report.stderr);
    assert.match(readFileSync(file, 'utf8'), /<h2>Services \(client readiness\)<\/h2>.*SALES_RO \(SALES\).*applied/s);
  });

  test('approvers the estate does not name: the fix is refused before its gate, nothing changes', async () => {
    const from = (await o.api.oplog()).length;
    const input = inputOf(o, { cdb: 'CDB1', service: 'SALES_RO', profile: 'ac', fix: true });
    const r = await o.result(await start(o, { ...input, gates: { fix: { ...input.gates.fix, approvers: ['mallory'], allowInitiator: true } } }));
    assert.ok(!r.ok && r.type === 'PreflightFailed', JSON.stringify(r));
    assert.match(r.message, /nothing was changed: .*mallory/);
    assert.deepEqual(await since(o, from), []);
  });

  test('hostile input is refused by the workflow, naming the field', async () => {
    const input = inputOf(o, { cdb: 'CDB1', fix: true }) as unknown as Record<string, unknown>;
    for (const [bad, want] of [
      [{ ...input, cdb: 'CDB1; drop' }, /cdb: /],
      [{ ...input, service: 'SALES_RO -failovertype NONE' }, /service: /],
      [{ ...input, pdb: "SALES' OR 1=1" }, /pdb: /],
      [{ ...input, profile: 'all' }, /profile: must be one of ac, tac, taf/],
      [{ ...input, fix: 'yes' }, /fix: must be true or false/],
      [{ ...input, gates: {} }, /gates\.fix: /],
      [{ ...input, extra: 1 }, /extra|unrecognized/i],
      ['CDB1', /must be a client-readiness input object/],
    ] as [unknown, RegExp][]) {
      const r = await o.result(await start(o, bad));
      assert.ok(!r.ok && r.type === 'InvalidInput', JSON.stringify(r));
      assert.match(r.message, want);
    }
  });
});
