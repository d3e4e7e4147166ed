/**
 * `orb check readiness` end to end: the checkReadiness workflow on a real Temporal dev server, a
 * worker reading the lab's CDBs (read-only), and the CLI as an operator runs it. The lab's seed
 * has a service right for AC (SALES_RW), one right for TAC on a Clusterware-managed CDB (FIN_APP
 * in CDB4), one with TAF only (HR_APP) and one with nothing (SALES_RO).
 */
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowFailedError } from '@temporalio/client';
import type { ReadinessCheckInput, ReadinessReport, ServiceFix, ServiceReadiness } from '../common/readiness';
import { cliEnvOf, orbSuite } from './helpers/orb-env';
import { runCli, type CliRun } from './helpers/processes';

const byName = (rep: ReadinessReport, name: string): ServiceReadiness => {
  const s = rep.services.find((x) => x.service === name);
  assert.ok(s, `${name} in ${rep.services.map((x) => x.service).join(', ')}`);
  return s;
};
const modifyFix = (s: ServiceReadiness): ServiceFix => {
  assert.ok(s.fix && (s.fix.via === 'srvctl' || s.fix.via === 'dbms_service'), JSON.stringify(s.fix));
  return s.fix;
};
const show = (r: CliRun) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

describe('orb check readiness (Temporal dev server, lab process, worker)', () => {
  const o = orbSuite();
  const check = (input: Partial<ReadinessCheckInput> & { cdb: string }) =>
    o.env.client.workflow.execute<(i: unknown) => Promise<ReadinessReport>>('checkReadiness', {
      taskQueue: o.taskQueue,
      workflowId: `check-readiness-test-${randomUUID()}`,
      args: [input],
    });
  const orb = (args: string[]) => runCli(['check', 'readiness', ...args], cliEnvOf(o), 60_000);

  test('CDB1 for AC: SALES_RW ready with every session protected, SALES_RO not, with its bound DBMS_SERVICE fix; nothing changed', async () => {
    const before = (await o.api.oplog()).length;
    const rep = await check({ cdb: 'CDB1', profile: 'ac' });
    assert.equal((await o.api.oplog()).length, before, 'a readiness check changes nothing');
    assert.deepEqual(rep.management, { kind: 'dbms_service' });
    assert.deepEqual(rep.services.map((s) => [s.service, s.protection, s.ready]), [
      ['SALES', 'none', true],
      ['SALES_RO', 'none', false],
      ['SALES_RW', 'AC', true],
    ]);
    const rw = byName(rep, 'SALES_RW');
    assert.deepEqual([rw.findings, rw.fix], [[], null]);
    assert.deepEqual(rw.sessions, { total: 8, withFailover: 8, failedOver: 0, byFailoverType: { TRANSACTION: 8 } });
    assert.deepEqual(byName(rep, 'SALES').findings.map((f) => [f.rule, f.severity]), [['default-service', 'warning']]);
    assert.equal(byName(rep, 'SALES').fix?.via, 'use-another-service');

    const ro = byName(rep, 'SALES_RO');
    assert.deepEqual(ro.sessions?.byFailoverType, { NONE: 6 });
    assert.deepEqual(ro.findings.filter((f) => f.severity === 'error').map((f) => f.rule), [
      'failover-type', 'commit-outcome', 'failover-restore', 'replay-initiation-timeout', 'retention-timeout',
      'failover-retries', 'failover-delay', 'fan-notification', 'stop-option',
    ]);
    const fix = modifyFix(ro);
    assert.equal(fix.apply.statement?.container, 'SALES');
    assert.deepEqual(fix.apply.statement?.binds, {
      svc: 'SALES_RO', failover_type: 'TRANSACTION', failover_restore: 'LEVEL1', commit_outcome: 'TRUE',
      replay_initiation_timeout: 300, retention_timeout: 86400, failover_retries: 30, failover_delay: 10,
      aq_ha_notifications: 'TRUE', stop_option: 'TRANSACTIONAL',
    });
    assert.ok(!fix.apply.statement!.sql.includes('SALES_RO'), 'the service name is bound, not in the text');
    assert.equal(fix.undo.statement?.binds.stop_option, 'NONE');
  });

  test('sessions that connect later count with the failover settings of their service', async () => {
    await o.api.addSessions({ cdb: 'CDB1', service: 'SALES_RO', count: 3 });
    await o.api.addSessions({ cdb: 'CDB1', service: 'SALES_RW', count: 2, longRunning: true });
    const rep = await check({ cdb: 'CDB1', pdb: 'sales', profile: 'ac' });
    assert.deepEqual(byName(rep, 'SALES_RO').sessions?.byFailoverType, { NONE: 9 });
    assert.deepEqual(byName(rep, 'SALES_RW').sessions?.byFailoverType, { TRANSACTION: 10 });
  });

  test('CDB4 is Clusterware-managed: FIN_APP ready for TAC; for AC its fix is srvctl modify service', async () => {
    const tac = await check({ cdb: 'CDB4', service: 'FIN_APP' });
    assert.equal(tac.profile, 'tac', 'the default profile');
    assert.deepEqual(tac.services.map((s) => [s.service, s.protection, s.ready, s.sessions?.total]), [['FIN_APP', 'TAC', true, 6]]);
    assert.deepEqual(byName(tac, 'FIN_APP').runningOn, ['cdb4_1', 'cdb4_2']);

    const ac = await check({ cdb: 'CDB4', service: 'FIN_APP', profile: 'ac' });
    assert.deepEqual(ac.management, { kind: 'srvctl', db: 'CDB4' });
    const fix = modifyFix(byName(ac, 'FIN_APP'));
    assert.deepEqual(fix.apply.srvctl, [
      'modify', 'service', '-db', 'CDB4', '-service', 'FIN_APP', '-failovertype', 'TRANSACTION', '-replay_init_time', '600', '-retention', '86400',
    ]);
    assert.deepEqual(fix.undo.srvctl?.slice(6), ['-failovertype', 'AUTO', '-replay_init_time', '600', '-retention', '86400']);
  });

  test('HR_APP has TAF only: not ready for TAF until it has FAN, a drain timeout and a stop option', async () => {
    const rep = await check({ cdb: 'CDB3', pdb: 'HR', profile: 'taf' });
    const hr = byName(rep, 'HR_APP');
    assert.deepEqual([hr.protection, hr.ready], ['TAF', false]);
    assert.deepEqual(hr.findings.map((f) => `${f.severity} ${f.rule}`), [
      'warning failover-restore', 'error fan-notification', 'error drain-timeout', 'error stop-option',
    ]);
    assert.deepEqual(modifyFix(hr).apply.changes, { aqHaNotifications: true, drainTimeout: 300, stopOption: 'TRANSACTIONAL' });
  });

  test('a PDB or service the CDB lacks ends NotFound; malformed input ends InvalidInput, having read nothing', async () => {
    const failure = async (input: unknown) => {
      try {
        await check(input as ReadinessCheckInput);
      } catch (err) {
        assert.ok(err instanceof WorkflowFailedError, String(err));
        let c = err.cause as { type?: string; message: string; cause?: unknown } | undefined;
        while (c && !c.type && c.cause) c = c.cause as typeof c;
        return `${c?.type}: ${c?.message}`;
      }
      assert.fail(`${JSON.stringify(input)} was accepted`);
    };
    assert.match(await failure({ cdb: 'CDB1', pdb: 'NOPE' }), /^NotFound: CDB1 has no PDB named NOPE/);
    assert.match(await failure({ cdb: 'CDB1', service: 'NOPE_SVC' }), /^NotFound: no service NOPE_SVC in any open PDB of CDB1/);
    assert.match(await failure({ cdb: 'CDB1', service: "X'; DROP TABLE T; --" }), /^InvalidInput: .*service: /);
    assert.match(await failure({ cdb: 'CDB1', profile: 'maa' }), /^InvalidInput: .*profile: must be one of ac, tac, taf/);
  });

  test('the CLI prints the table and the fixes; exit 1 when a service is not ready, 0 when all are, 4 / 2 for what it cannot check', async () => {
    const notReady = await orb(['--cdb', 'CDB1', '--pdb', 'SALES', '--profile', 'ac']);
    assert.equal(notReady.code, 1, show(notReady));
    assert.match(notReady.stdout, /Readiness of CDB1 for Application Continuity \(AC\): 2 of 3 service\(s\) ready/);
    assert.match(notReady.stdout, /\n {2}SALES +SALES_RW +AC +yes +8\/8 /);
    assert.match(notReady.stdout, /\nSALES_RO \(SALES\): NOT READY\n/);
    assert.match(notReady.stdout, /error +fan-notification: FALSE, expected TRUE/);
    assert.match(notReady.stdout, /fix: {2}\[in SALES\] DECLARE p DBMS_SERVICE\.SVC_PARAMETER_ARRAY; .* DBMS_SERVICE\.MODIFY_SERVICE\(:svc, p\); END;  -- :svc = 'SALES_RO', :failover_type = 'TRANSACTION'/);
    assert.match(notReady.stdout, /undo: \[in SALES\] DECLARE .*:failover_type = 'NONE'/);

    const ready = await orb(['--cdb', 'CDB1', '--service', 'SALES_RW', '--profile', 'ac']);
    assert.equal(ready.code, 0, show(ready));

    const rac = await orb(['--cdb', 'cdb4', '--profile', 'ac']);
    assert.equal(rac.code, 1, show(rac));
    assert.match(rac.stdout, /fix: {2}srvctl modify service -db CDB4 -service FIN_APP -failovertype TRANSACTION -replay_init_time 600 -retention 86400\n/);
    const json = await orb(['--cdb', 'CDB4', '--profile', 'ac', '--json']);
    assert.equal(json.code, 1, show(json));
    const parsed = JSON.parse(json.stdout) as { input: ReadinessCheckInput; report: ReadinessReport };
    assert.deepEqual(parsed.input, { cdb: 'CDB4', profile: 'ac' });
    assert.deepEqual(modifyFix(byName(parsed.report, 'FIN_APP')).apply.srvctl?.slice(0, 6), ['modify', 'service', '-db', 'CDB4', '-service', 'FIN_APP']);

    const missing = await orb(['--cdb', 'CDB1', '--pdb', 'NOPE']);
    assert.equal(missing.code, 4, show(missing));
    assert.match(missing.stderr, /CDB1 has no PDB named NOPE/);
    for (const [args, rule] of [
      [['--cdb', 'CDB9'], /--cdb: unknown CDB "CDB9"/],
      [['--cdb', 'CDB1', '--pdb', 'SALES;DROP'], /--pdb: .*not a valid/],
      [['--cdb', 'CDB1', '--service', '$(id)'], /--service: .*not a valid service name/],
      [['--cdb', 'CDB1', '--profile', 'maa'], /Allowed choices are ac, tac, taf/],
    ] as [string[], RegExp][]) {
      const r = await orb(args);
      assert.equal(r.code, 2, show(r));
      assert.match(r.stderr, rule);
    }
    const help = await runCli(['check', 'readiness', '--help'], cliEnvOf(o));
    assert.equal(help.code, 0, show(help));
    assert.match(help.stdout, /Usage: orb check readiness \[options\]/);
  });
});
