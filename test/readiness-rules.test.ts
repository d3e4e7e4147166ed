/**
 * Client readiness rules (common/readiness): services configured right and wrong for AC, TAC and
 * TAF, the findings, the exact srvctl argument vector and DBMS_SERVICE block (with binds) that fix
 * them, the undo, and names that must never reach SQL text or a command line.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ServiceInfo } from '../activities/oracle/port';
import { statements } from '../activities/oracle/statements';
import { InputError } from '../common/input-error';
import {
  assessReadiness,
  assessService,
  parseReadinessInput,
  srvctlModifyService,
  type Management,
  type Profile,
  type ServiceFix,
  type ServiceReadiness,
} from '../common/readiness';

const SRVCTL: Management = { kind: 'srvctl', db: 'CDB4' };
const DBMS: Management = { kind: 'dbms_service' };

function svc(name: string, over: Partial<ServiceInfo> = {}): ServiceInfo {
  return {
    name,
    networkName: name,
    pdb: 'SALES',
    runningOn: ['cdb1'],
    isDefault: false,
    failoverType: null,
    failoverMethod: null,
    failoverRetries: null,
    failoverDelay: null,
    failoverRestore: null,
    commitOutcome: false,
    sessionStateConsistency: null,
    replayInitiationTimeout: null,
    retentionTimeout: null,
    drainTimeout: null,
    stopOption: null,
    aqHaNotifications: false,
    ...over,
  };
}

/** FAN and drain as Oracle documents them, common to the profiles below. */
const DRAIN = { aqHaNotifications: true, drainTimeout: 60, stopOption: 'TRANSACTIONAL' };
const AC = svc('SALES_RW', {
  failoverType: 'TRANSACTION',
  failoverRestore: 'LEVEL1',
  commitOutcome: true,
  failoverRetries: 30,
  failoverDelay: 10,
  replayInitiationTimeout: 900,
  retentionTimeout: 86400,
  sessionStateConsistency: 'DYNAMIC',
  ...DRAIN,
});
const TAC = svc('FIN_APP', {
  pdb: 'FIN',
  failoverType: 'AUTO',
  failoverRestore: 'AUTO',
  commitOutcome: true,
  failoverRetries: 30,
  failoverDelay: 10,
  replayInitiationTimeout: 600,
  retentionTimeout: 86400,
  ...DRAIN,
});
const TAF_ONLY = svc('HR_APP', { pdb: 'HR', failoverType: 'SELECT', failoverMethod: 'BASIC', failoverRetries: 20, failoverDelay: 15 });
const NOTHING = svc('SALES_RO', { drainTimeout: 30, stopOption: 'NONE' });

const judge = (s: ServiceInfo, p: Profile, m: Management = DBMS) => assessService({ service: s }, p, m);
const rules = (r: ServiceReadiness) => r.findings.map((f) => `${f.severity} ${f.rule}`);
const fixOf = (r: ServiceReadiness): ServiceFix => {
  assert.ok(r.fix && (r.fix.via === 'srvctl' || r.fix.via === 'dbms_service'), `a modify fix: ${JSON.stringify(r.fix)}`);
  return r.fix;
};

function refused(fn: () => unknown, field: string, rule?: RegExp) {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, `not an InputError: ${String(e)}`);
    assert.equal(e.field, field);
    if (rule) assert.match(e.rule, rule);
    return true;
  });
}

describe('services configured right', () => {
  test('AC service, profile ac: ready, nothing to change', () => {
    const r = judge(AC, 'ac');
    assert.deepEqual([r.protection, r.ready, r.findings, r.fix], ['AC', true, [], null]);
  });

  test('TAC service, profile tac: ready, nothing to change', () => {
    const r = judge(TAC, 'tac', SRVCTL);
    assert.deepEqual([r.protection, r.ready, r.findings, r.fix], ['TAC', true, [], null]);
  });

  test('TAF service with FAN and drain, profile taf: ready; the session state is advice only (no change)', () => {
    const r = judge({ ...TAF_ONLY, ...DRAIN }, 'taf');
    assert.equal(r.ready, true);
    assert.deepEqual(rules(r), ['warning failover-restore']);
    assert.equal(r.findings[0]!.set, undefined);
    assert.equal(r.fix, null);
  });

  test('dictionary values are compared without regard to case or blanks', () => {
    const r = judge({ ...AC, failoverType: 'transaction ', failoverRestore: 'level1', stopOption: 'transactional' }, 'ac');
    assert.deepEqual(r.findings, []);
  });
});

describe('services configured wrong for the profile', () => {
  test('AC service, profile tac: failover type and restore, fixed with srvctl carrying replay and retention', () => {
    const r = judge(AC, 'tac', SRVCTL);
    assert.equal(r.ready, false);
    assert.deepEqual(rules(r), ['error failover-type', 'error failover-restore']);
    assert.deepEqual(
      r.findings.map((f) => [f.attribute, f.actual, f.expected]),
      [['failoverType', 'TRANSACTION', 'AUTO'], ['failoverRestore', 'LEVEL1', 'AUTO']],
    );
    const fix = fixOf(r);
    assert.deepEqual(fix.apply.srvctl, [
      'modify', 'service', '-db', 'CDB4', '-service', 'SALES_RW',
      '-failovertype', 'AUTO', '-failover_restore', 'AUTO', '-replay_init_time', '900', '-retention', '86400',
    ]);
    assert.deepEqual(fix.undo.srvctl, [
      'modify', 'service', '-db', 'CDB4', '-service', 'SALES_RW',
      '-failovertype', 'TRANSACTION', '-failover_restore', 'LEVEL1', '-replay_init_time', '900', '-retention', '86400',
    ]);
    assert.deepEqual(fix.undo.approximate, []);
    assert.equal(fix.apply.statement, undefined, 'a Clusterware CDB gets srvctl, not DBMS_SERVICE');
  });

  test('TAC service, profile ac: only the failover type (AUTO restore is accepted for AC), as a bound DBMS_SERVICE block', () => {
    const r = judge(TAC, 'ac');
    assert.deepEqual(rules(r), ['error failover-type']);
    const fix = fixOf(r);
    assert.equal(fix.via, 'dbms_service');
    assert.deepEqual(fix.apply.statement, {
      sql: "DECLARE p DBMS_SERVICE.SVC_PARAMETER_ARRAY; BEGIN p('FAILOVER_TYPE') := :failover_type; DBMS_SERVICE.MODIFY_SERVICE(:svc, p); END;",
      binds: { svc: 'FIN_APP', failover_type: 'TRANSACTION' },
      container: 'FIN',
    });
    assert.deepEqual(fix.undo.statement?.binds, { svc: 'FIN_APP', failover_type: 'AUTO' });
    assert.equal(fix.apply.srvctl, undefined);
  });

  test('TAF only (no FAN, no drain, no stop option), profile taf: not ready; fix and undo, unset values marked approximate', () => {
    const r = judge(TAF_ONLY, 'taf', { kind: 'srvctl', db: 'CDB3' });
    assert.equal(r.protection, 'TAF');
    assert.deepEqual(rules(r), ['warning failover-restore', 'error fan-notification', 'error drain-timeout', 'error stop-option']);
    const fix = fixOf(r);
    assert.deepEqual(fix.apply.srvctl, [
      'modify', 'service', '-db', 'CDB3', '-service', 'HR_APP', '-notification', 'TRUE', '-drain_timeout', '300', '-stopoption', 'TRANSACTIONAL',
    ]);
    assert.deepEqual(fix.undo.changes, { aqHaNotifications: false, drainTimeout: 0, stopOption: 'NONE' });
    assert.deepEqual(fix.undo.approximate, ['drainTimeout', 'stopOption']);
  });

  test('TAF service judged for tac: everything AC needs, and retries/delay set to what Oracle recommends', () => {
    const r = judge({ ...TAF_ONLY, ...DRAIN }, 'tac');
    assert.deepEqual(rules(r), [
      'error failover-type', 'error commit-outcome', 'error failover-restore', 'error replay-initiation-timeout',
      'error retention-timeout', 'warning failover-retries', 'warning failover-delay',
    ]);
    const fix = fixOf(r);
    assert.deepEqual(fix.apply.statement?.binds, {
      svc: 'HR_APP',
      failover_type: 'AUTO',
      failover_restore: 'AUTO',
      commit_outcome: 'TRUE',
      replay_initiation_timeout: 300,
      retention_timeout: 86400,
      failover_retries: 30,
      failover_delay: 10,
    });
    assert.deepEqual(fix.undo.statement?.binds, {
      svc: 'HR_APP',
      failover_type: 'SELECT',
      failover_restore: 'NONE',
      commit_outcome: 'FALSE',
      replay_initiation_timeout: 300,
      retention_timeout: 86400,
      failover_retries: 20,
      failover_delay: 15,
    });
  });

  test('a service with nothing, per profile: exactly the rules of that profile fail', () => {
    assert.deepEqual(rules(judge(NOTHING, 'taf')), [
      'error failover-type', 'error failover-method', 'warning failover-restore', 'error failover-retries',
      'error failover-delay', 'error fan-notification', 'error stop-option',
    ]);
    assert.deepEqual(rules(judge(NOTHING, 'ac')), [
      'error failover-type', 'error commit-outcome', 'error failover-restore', 'error replay-initiation-timeout',
      'error retention-timeout', 'error failover-retries', 'error failover-delay', 'error fan-notification', 'error stop-option',
    ]);
    const taf = fixOf(judge(NOTHING, 'taf')).apply.changes;
    assert.deepEqual(taf, {
      failoverType: 'SELECT', failoverMethod: 'BASIC', failoverRetries: 30, failoverDelay: 10, aqHaNotifications: true, stopOption: 'TRANSACTIONAL',
    });
  });

  test('replay must exceed the delay and retention the replay (ORA-45525 / OCI-45526)', () => {
    const r = judge({ ...AC, replayInitiationTimeout: 5, retentionTimeout: 200 }, 'ac');
    assert.deepEqual(rules(r), ['error replay-initiation-timeout', 'error retention-timeout']);
    assert.deepEqual(fixOf(r).apply.changes, { replayInitiationTimeout: 300, retentionTimeout: 86400 });
    // A replay timeout that is right keeps its value; a retention below it must rise above it.
    const long = judge({ ...AC, replayInitiationTimeout: 100_000, retentionTimeout: 86400 }, 'ac');
    assert.deepEqual(fixOf(long).apply.changes, { retentionTimeout: 100_001 });
  });

  test('suggestions leave a service ready: retries, delay, STATIC session state', () => {
    const r = judge({ ...AC, failoverRetries: 20, failoverDelay: 3, sessionStateConsistency: 'STATIC' }, 'ac');
    assert.equal(r.ready, true);
    assert.deepEqual(rules(r), ['warning failover-retries', 'warning failover-delay', 'warning session-state']);
    assert.deepEqual(fixOf(r).apply.changes, { failoverRetries: 30, failoverDelay: 10, sessionStateConsistency: 'DYNAMIC' });
  });

  test('a drain timeout of 0 with TRANSACTIONAL is refused by srvctl (PRCD-01396): not ready', () => {
    const r = judge({ ...AC, drainTimeout: 0 }, 'ac');
    assert.deepEqual(rules(r), ['error drain-timeout']);
    assert.deepEqual(fixOf(r).undo.changes, { drainTimeout: 0 });
    assert.deepEqual(fixOf(r).undo.approximate, [], 'a 0 that was read is restored exactly');
  });
});

describe("the PDB's default service", () => {
  const dflt = svc('SALES', { isDefault: true });

  test('with sessions (or uncounted): not ready, and the fix is another service, never a modify', () => {
    for (const sessions of [[{ service: 'SALES', failoverType: 'NONE', failoverMethod: 'NONE', failedOver: false, count: 3 }], undefined]) {
      const r = assessService({ service: dflt, ...(sessions ? { sessions } : {}) }, 'tac', SRVCTL);
      assert.equal(r.ready, false);
      assert.deepEqual(rules(r), ['error default-service']);
      assert.equal(r.fix?.via, 'use-another-service');
    }
  });

  test('with no session on it: a warning only', () => {
    const r = assessService({ service: dflt, sessions: [] }, 'ac', DBMS);
    assert.deepEqual([r.ready, rules(r), r.fix?.via], [true, ['warning default-service'], 'use-another-service']);
  });
});

describe('what the sessions and ACCHK show', () => {
  const rows = [
    { service: 'SALES_RW', failoverType: 'TRANSACTION', failoverMethod: 'NONE', failedOver: false, count: 5 },
    { service: 'SALES_RW', failoverType: 'TRANSACTION', failoverMethod: 'NONE', failedOver: true, count: 1 },
    { service: 'sales_rw', failoverType: 'NONE', failoverMethod: 'NONE', failedOver: false, count: 2 },
    { service: 'SALES_RO', failoverType: 'NONE', failoverMethod: 'NONE', failedOver: false, count: 9 },
  ];

  test('sessions connected without failover on a protected service: counted, and a warning', () => {
    const r = assessService({ service: AC, sessions: rows }, 'ac', DBMS);
    assert.deepEqual(r.sessions, { total: 8, withFailover: 6, failedOver: 1, byFailoverType: { TRANSACTION: 6, NONE: 2 } });
    assert.deepEqual(rules(r), ['warning sessions-unprotected']);
    assert.equal(r.findings[0]!.actual, '2 of 8 connected session(s) without failover');
    assert.equal(r.ready, true);
  });

  test('a service without failover does not repeat it per session', () => {
    const r = assessService({ service: NOTHING, sessions: rows }, 'ac', DBMS);
    assert.equal(r.sessions?.total, 9);
    assert.ok(!rules(r).includes('warning sessions-unprotected'));
  });

  test('ACCHK: protected calls by call counts, else by requests; below 100 % a warning', () => {
    const acchk = [
      { service: 'SALES_RW', totalRequests: 10, userCalls: 100, protectedCalls: 90, protectedCallsPercent: 50 },
      { service: 'SALES_RW', totalRequests: 10, userCalls: 100, protectedCalls: 70, protectedCallsPercent: 50 },
    ];
    const r = assessService({ service: AC, acchk }, 'ac', DBMS);
    assert.equal(r.acchkProtectedCallsPercent, 80);
    assert.deepEqual(rules(r), ['warning acchk-protection']);
    const byRequests = [
      { service: 'SALES_RW', totalRequests: 30, userCalls: null, protectedCalls: null, protectedCallsPercent: 100 },
      { service: 'SALES_RW', totalRequests: 10, userCalls: null, protectedCalls: null, protectedCallsPercent: 60 },
    ];
    assert.equal(assessService({ service: AC, acchk: byRequests }, 'ac', DBMS).acchkProtectedCallsPercent, 90);
    const full = assessService({ service: AC, acchk: [{ ...byRequests[0]!, protectedCallsPercent: 100 }] }, 'ac', DBMS);
    assert.deepEqual([full.acchkProtectedCallsPercent, full.findings], [100, []]);
    assert.equal(assessService({ service: AC, acchk: [] }, 'ac', DBMS).acchkProtectedCallsPercent, null);
  });
});

describe('names and values never reach SQL text or a command line unchecked', () => {
  test('the service name is bound in the PL/SQL, never in its text', () => {
    const s = statements.modifyService('SALES', 'APP$SVC#1.example.com', { failoverType: 'AUTO' });
    assert.equal(s.sql, "DECLARE p DBMS_SERVICE.SVC_PARAMETER_ARRAY; BEGIN p('FAILOVER_TYPE') := :failover_type; DBMS_SERVICE.MODIFY_SERVICE(:svc, p); END;");
    assert.deepEqual(s.binds, { svc: 'APP$SVC#1.example.com', failover_type: 'AUTO' });
  });

  test('hostile service names are refused by both renderings', () => {
    for (const bad of ["X'; DROP TABLE T; --", 'A B', 'svc;reboot', '$(id)', 'a`b`', 'x\ny', '', '-failovertype']) {
      refused(() => statements.modifyService('SALES', bad, { failoverType: 'AUTO' }), 'service');
      refused(() => srvctlModifyService('CDB4', bad, { failoverType: 'AUTO' }), 'service');
    }
    for (const bad of ['CDB4;reboot', 'CDB 4', '-force', 'A_DB_UNIQUE_NAME_LONGER_THAN_30_BYTES']) {
      refused(() => srvctlModifyService(bad, 'FIN_APP', { failoverType: 'AUTO' }), 'db');
    }
    refused(() => statements.modifyService('SALES; DROP', 'FIN_APP', { failoverType: 'AUTO' }), 'pdb');
  });

  test('a hostile name read from the CDB gets no fix rendered: the report says why instead', () => {
    const r = judge({ ...NOTHING, name: "X'; DROP TABLE T; --" }, 'tac', SRVCTL);
    assert.equal(r.ready, false);
    assert.equal(r.fix?.via, 'refused');
    assert.match(r.fix?.via === 'refused' ? r.fix.why : '', /^no fix rendered: service: /);
  });

  test('values: only the documented keywords and whole numbers in range, and something to change', () => {
    refused(() => statements.modifyService('SALES', 'S', { failoverType: 'AUTO; DROP' }), 'failoverType', /one of NONE, SESSION/);
    refused(() => srvctlModifyService('CDB4', 'S', { stopOption: 'abort' }), 'stopOption');
    refused(() => srvctlModifyService('CDB4', 'S', { drainTimeout: -1 }), 'drainTimeout', /whole number/);
    refused(() => srvctlModifyService('CDB4', 'S', { drainTimeout: 1.5 }), 'drainTimeout');
    refused(() => srvctlModifyService('CDB4', 'S', { commitOutcome: 'TRUE' as unknown as boolean }), 'commitOutcome', /true or false/);
    refused(() => srvctlModifyService('CDB4', 'S', { bogus: 1 } as never), 'bogus', /not a service attribute/);
    refused(() => statements.modifyService('SALES', 'S', {}), 'changes', /at least one/);
  });
});

describe('the check as a whole', () => {
  test('input: the default profile is tac; a bad profile or PDB name is named', () => {
    const ok = parseReadinessInput({ cdb: 'CDB1', pdb: 'sales' });
    assert.deepEqual(ok, { ok: true, input: { cdb: 'CDB1', pdb: 'SALES', profile: 'tac' } });
    const bad = parseReadinessInput({ cdb: 'CDB1', pdb: 'SALES; DROP', profile: 'maa' });
    assert.ok(!bad.ok);
    assert.deepEqual(bad.ok ? [] : bad.problems.map((p) => p.split(':')[0]), ['pdb', 'profile']);
  });

  test('a PDB that is not open is a note; services by name; ready only when every service is', () => {
    const rep = assessReadiness(
      {
        cdb: 'CDB1',
        management: DBMS,
        pdbs: [
          { pdb: 'SALES', openMode: 'READ WRITE', services: [AC, NOTHING], sessions: [], acchk: [] },
          { pdb: 'HR', openMode: 'MOUNTED', services: [], sessions: [], acchk: [] },
        ],
      },
      'ac',
    );
    assert.deepEqual(rep.services.map((s) => [s.service, s.ready]), [['SALES_RO', false], ['SALES_RW', true]], 'by service name');
    assert.equal(rep.ready, false);
    assert.deepEqual(rep.notes, ['HR is not open (MOUNTED): its services cannot be read']);
  });

  test('judged for TAF, a service ready for TAC or AC is ready as it is: no fix downgrades it to SELECT', () => {
    const pdbs = [{ pdb: 'FIN', openMode: 'READ WRITE' as const, services: [TAC, AC, NOTHING], sessions: [], acchk: [] }];
    const rep = assessReadiness({ cdb: 'CDB4', management: SRVCTL, pdbs }, 'taf');
    assert.deepEqual(rep.services.map((s) => [s.service, s.ready, s.profile, s.fix?.via ?? null]), [
      ['FIN_APP', true, 'tac', null], ['SALES_RO', false, 'taf', 'srvctl'], ['SALES_RW', true, 'ac', null],
    ]);
    assert.deepEqual(rep.notes, [
      'FIN_APP is ready for TAC, which supersedes TAF: judged as such, nothing to change',
      'SALES_RW is ready for AC, which supersedes TAF: judged as such, nothing to change',
    ]);
  });
});
