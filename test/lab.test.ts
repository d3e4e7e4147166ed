/**
 * The lab process and its HTTP API: validation, faults, oplog, invariants, persistence across a
 * kill -9, a client leaving mid-copy, and the session drain curve.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { labCdb } from '../activities/oracle/lab-cdb';
import { OracleError, type CdbPort } from '../activities/oracle/port';
import { classifyOracleError } from '../common/oracle-errors';
import { labHttp, startLabProcess, type LabProcess } from './helpers/lab-process';
import { sleep, until } from './helpers/until';


/** An orb run tag (copy-progress.ts runTagOf). */
const RUN = '0123456789abcdef';
/** SALES in the test seed: 2 GiB of 8 KiB blocks. */
const SALES_BLOCKS = (2 * 1024 ** 3) / 8192;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof OracleError, String(e));
    return e.code;
  }
  return 'ok';
}

interface OplogEntry {
  seq: number;
  at: string;
  realAt: string;
  cdb: string;
  op: string;
  args: Record<string, unknown>;
  outcome: string;
  error?: { code: string; message: string };
  faultId?: number;
  statement?: { sql: string };
}

describe('lab process and HTTP API', () => {
  let lab: LabProcess;
  let cdb1: CdbPort;
  let cdb2: CdbPort;
  const api = <T = any>(method: string, path: string, body?: unknown) => labHttp<T>(lab.url, method, path, body);
  const oplog = async () => (await api<{ entries: OplogEntry[] }>('GET', '/oplog')).body.entries;
  const total = async (port: CdbPort, svc: string) => (await port.countSessions(svc)).reduce((n, c) => n + c.count, 0);

  before(async () => {
    lab = await startLabProcess({ seed: 'test' });
    cdb1 = labCdb(lab.url, 'CDB1');
    cdb2 = labCdb(lab.url, 'CDB2');
  });
  after(async () => {
    await lab?.stop();
  });
  beforeEach(async () => {
    assert.equal((await api('POST', '/reset', { seed: 'test' })).status, 200);
  });

  test('health and estate', async () => {
    const h = await api('GET', '/health');
    assert.equal(h.status, 200);
    assert.deepEqual([h.body.ok, h.body.seed, h.body.speed], [true, 'test', 10]);
    assert.ok(!Number.isNaN(Date.parse(h.body.now)));
    const e = (await api('GET', '/estate')).body;
    assert.deepEqual(e.cdbs.map((c: { name: string }) => c.name), ['CDB1', 'CDB2', 'CDB3', 'CDB4', 'RACCDB', 'TRICDB']);
    assert.ok(Array.isArray(e.cloud.autonomousDatabases));
    assert.ok(e.sessions.length > 0);
    const saved = JSON.parse(readFileSync(lab.stateFile, 'utf8'));
    assert.deepEqual(saved.cdbs.map((c: { name: string }) => c.name), ['CDB1', 'CDB2', 'CDB3', 'CDB4', 'RACCDB', 'TRICDB']);
  });

  test('malformed requests are refused with LAB-400 naming the field and the rule', async () => {
    let r = await api('POST', '/cdbs/CDB1/ops/stopService', { args: { pdb: 'SALES', service: 'SALES_RW', stopOption: 'SOON', drainTimeoutSeconds: -1 } });
    assert.equal(r.status, 400);
    assert.equal(r.body.error.code, 'LAB-400');
    assert.match(r.body.error.message, /args\.stopOption/);
    assert.match(r.body.error.message, /args\.drainTimeoutSeconds: must be >= 0/);
    r = await api('POST', '/cdbs/CDB1/ops/getPdb', '{not json');
    assert.deepEqual([r.status, r.body.error.code], [400, 'LAB-400']);
    assert.match(r.body.error.message, /body: must be valid JSON/);
    r = await api('POST', '/cdbs/CDB1/ops/noSuchOp', { args: {} });
    assert.deepEqual([r.status, r.body.error.code], [404, 'LAB-404']);
    r = await api('POST', '/faults', { op: 'getPdb', kind: 'sometimes', ora: 'ORA-3113' });
    assert.equal(r.status, 400);
    for (const field of ['kind', 'ora']) assert.match(r.body.error.message, new RegExp(`${field}: `));
    r = await api('POST', '/faults', { op: 'getPdb', kind: 'transient', ora: 'ORA-03113', at: 0.5 });
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /at: applies only to op createPdbRelocate/);
    r = await api('POST', '/clock', { speed: 0 });
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /speed: must be > 0/);
    r = await api('POST', '/reset', { seed: 'prod' });
    assert.match(r.body.error.message, /seed/);
    r = await api('GET', '/nowhere');
    assert.deepEqual([r.status, r.body.error.code], [404, 'LAB-404']);
  });

  test('a fault is armed only with the kind orb gives its code (common/oracle-errors.ts)', async () => {
    const refused = async (kind: string, ora: string, rule: RegExp) => {
      const r = await api('POST', '/faults', { op: 'openPdb', kind, ora });
      assert.deepEqual([r.status, r.body.error.code], [400, 'LAB-400'], `${kind} ${ora}: ${JSON.stringify(r.body)}`);
      assert.match(r.body.error.message, new RegExp(`^LAB-400: ora: ${ora} `));
      assert.match(r.body.error.message, rule);
    };
    await refused('permanent', 'ORA-03113', /ORA-03113 is a transient error in orb's classification.*arm it with kind transient/);
    await refused('permanent', 'NJS-500', /arm it with kind transient/);
    await refused('permanent', 'ORA-12514', /arm it with kind transient/);
    await refused('transient', 'ORA-65086', /ORA-65086 is a permanent error in orb's classification.*arm it with kind permanent/);
    await refused('transient', 'ORA-19504', /permanent error.*arm it with kind permanent/); // unknown to orb: permanent
    await refused('transient', 'ORA-00600', /permanent error/);
    await refused('transient', 'ORA-65019', /idempotent .*arm it with kind permanent/);
    assert.deepEqual((await api('GET', '/faults')).body.faults, [], 'nothing was armed');

    // Consistent kinds are armed; idempotent ("already done") codes as permanent.
    for (const [kind, ora] of [['transient', 'ORA-03113'], ['transient', 'NJS-500'], ['permanent', 'ORA-01031'], ['permanent', 'ORA-19504'], ['permanent', 'ORA-44305']]) {
      const r = await api('POST', '/faults', { op: 'openPdb', cdb: 'CDB9', kind, ora });
      assert.equal(r.status, 201, `${kind} ${ora}: ${JSON.stringify(r.body)}`);
    }
    await api('POST', '/faults', { op: 'openPdb', cdb: 'CDB1', kind: 'permanent', ora: 'ORA-65019', times: 1 });
    assert.equal(await codeOf(cdb1.openPdb('SALES')), 'ORA-65019');
  });

  test('transient faults fire `times` times, then the op works; they match cdb and object', async () => {
    const f = await api('POST', '/faults', { op: 'getPdb', cdb: 'CDB1', object: 'SALES', kind: 'transient', ora: 'ORA-03113', times: 2 });
    assert.equal(f.status, 201);
    assert.equal(await codeOf(cdb2.getPdb('SALES')), 'ok', 'another CDB is not affected');
    assert.equal(await codeOf(cdb1.getPdb('HR')), 'ok', 'another object is not affected');
    assert.equal(await codeOf(cdb1.getPdb('SALES')), 'ORA-03113');
    assert.equal(await codeOf(cdb1.getPdb('SALES')), 'ORA-03113');
    assert.equal(await codeOf(cdb1.getPdb('SALES')), 'ok');
    const faults = (await api('GET', '/faults')).body.faults;
    assert.deepEqual(faults.map((x: { id: number; fired: number; remaining: number }) => [x.id, x.fired, x.remaining]), [[f.body.id, 2, 0]]);
  });

  test('permanent faults fire until removed', async () => {
    const f = await api('POST', '/faults', { op: 'openPdb', kind: 'permanent', ora: 'ORA-65086' });
    for (let i = 0; i < 3; i++) assert.equal(await codeOf(cdb1.openPdb('SALES')), 'ORA-65086');
    assert.equal((await api('DELETE', `/faults/${f.body.id}`)).status, 200);
    assert.equal((await api('DELETE', `/faults/${f.body.id}`)).status, 404);
    assert.equal(await codeOf(cdb1.openPdb('SALES')), 'ORA-65019', 'back to the real answer');
    await api('POST', '/faults', { op: 'getFacts', kind: 'permanent', ora: 'ORA-00942' });
    assert.equal((await api('DELETE', '/faults')).body.removed, 1);
    assert.equal(await codeOf(cdb1.getFacts()), 'ok');
  });

  test('when: after applies the operation and loses the answer; the oplog records both', async () => {
    await cdb1.stopService('SALES', 'SALES_RO', { stopOption: 'NONE', drainTimeoutSeconds: 60 });
    const f = await api('POST', '/faults', { op: 'startService', cdb: 'CDB1', object: 'SALES', kind: 'transient', ora: 'ORA-03113', when: 'after' });
    assert.equal(await codeOf(cdb1.startService('SALES', 'SALES_RO')), 'ORA-03113');
    const svc = (await cdb1.listServices('SALES')).find((s) => s.name === 'SALES_RO');
    assert.deepEqual(svc?.runningOn, ['cdb1'], 'the service was started even though the caller saw an error');
    assert.equal(await codeOf(cdb1.startService('SALES', 'SALES_RO')), 'ORA-44305', 'a retry meets the already-running service');
    const log = await oplog();
    assert.deepEqual(
      log.map((e) => [e.op, e.outcome, e.error?.code ?? null, e.faultId ?? null]),
      [
        ['stopService', 'ok', null, null],
        ['startService', 'error', 'ORA-03113', f.body.id],
        ['startService', 'error', 'ORA-44305', null],
      ],
    );
  });

  test('the oplog records every mutating call (refused ones too) with sim and real time, and no reads', async () => {
    await cdb1.getPdb('SALES');
    await cdb1.countSessions('SALES_RW');
    assert.equal(await codeOf(cdb1.openPdb('SALES')), 'ORA-65019');
    assert.equal(await codeOf(cdb1.dropPdb('SALES')), 'ORA-65025');
    await cdb1.savePdbState('SALES');
    assert.equal(await codeOf(labCdb(lab.url, 'CDB9').openPdb('SALES')), 'LAB-404');
    const log = await oplog();
    assert.deepEqual(log.map((e) => [e.cdb, e.op, e.outcome, e.error?.code ?? null]), [
      ['CDB1', 'openPdb', 'error', 'ORA-65019'],
      ['CDB1', 'dropPdb', 'error', 'ORA-65025'],
      ['CDB1', 'savePdbState', 'ok', null],
      ['CDB9', 'openPdb', 'error', 'LAB-404'],
    ]);
    assert.deepEqual(log[0]!.args, { pdb: 'SALES' });
    assert.ok(log.every((e) => !Number.isNaN(Date.parse(e.at)) && !Number.isNaN(Date.parse(e.realAt))));
    assert.ok(log.every((e, i) => i === 0 || e.seq > log[i - 1]!.seq));
    assert.ok(Date.parse(log[0]!.at) < Date.parse('2026-01-01'), 'simulated time, not wall-clock time');
  });

  test('invariants: two open copies, services on closed PDBs, relocated PDB open nowhere', async () => {
    assert.deepEqual((await api('GET', '/invariants?quiescent=true')).body, { ok: true, violations: [] });
    await api('POST', '/clock', { speed: 50 });
    await cdb2.createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL', runTag: RUN });
    // Copied, not opened: fine while a runbook runs, debris once it has ended.
    assert.deepEqual((await api('GET', '/invariants')).body, { ok: true, violations: [] });
    const q = (await api('GET', '/invariants?quiescent=true')).body;
    assert.deepEqual(q.violations.map((v: { rule: string }) => v.rule), ['relocation-debris']);

    // Stage broken estates with raw PDB edits.
    await api('PATCH', '/cdbs/CDB2/pdbs/SALES', { status: 'NORMAL', openMode: 'READ WRITE' });
    let v = (await api('GET', '/invariants')).body;
    assert.equal(v.ok, false);
    assert.deepEqual(v.violations.map((x: { rule: string }) => x.rule), ['pdb-open-rw-in-two-cdbs']);
    await api('PATCH', '/cdbs/CDB2/pdbs/SALES', { openMode: 'MOUNTED' });
    await api('PATCH', '/cdbs/CDB1/pdbs/SALES', { openMode: 'MOUNTED' });
    v = (await api('GET', '/invariants?quiescent=true')).body;
    const rules = v.violations.map((x: { rule: string }) => x.rule).sort();
    assert.ok(rules.includes('service-running-on-closed-pdb'), JSON.stringify(v));
    assert.ok(rules.includes('relocated-pdb-open-nowhere'), JSON.stringify(v));
  });

  test('a client that disconnects mid-copy does not stop the copy', async () => {
    const body = JSON.stringify({ args: { pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL' } });
    const req = http.request(`${lab.url}/cdbs/CDB2/ops/createPdbRelocate`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    req.on('error', () => undefined);
    req.end(body);
    const first = await until('the copy to start', () => cdb2.getCopyProgress(), (c) => c.length === 1);
    req.destroy(); // the caller goes away
    await sleep(300);
    const later = await until('the copy to progress', () => cdb2.getCopyProgress(), (c) => c.length === 0 || c[0]!.blocksDone > first[0]!.blocksDone);
    assert.ok(later.length === 0 || later[0]!.blocksDone > first[0]!.blocksDone);
    await until('the copy to finish', () => cdb2.getCopyProgress(), (c) => c.length === 0);
    assert.deepEqual([(await cdb2.getPdb('SALES'))?.status, (await cdb2.getPdb('SALES'))?.openMode], ['RELOCATING', 'MOUNTED']);
    const entry = (await oplog()).find((e) => e.op === 'createPdbRelocate');
    assert.equal(entry?.outcome, 'ok');
    await cdb2.openPdb('SALES');
    assert.equal(await cdb1.getPdb('SALES'), null);
  });

  test('the estate survives kill -9 of the lab: an in-flight copy continues from its recorded progress', async () => {
    await cdb1.stopService('SALES', 'SALES_RO', { stopOption: 'NONE', drainTimeoutSeconds: 600 });
    await api('POST', '/faults', { op: 'getFacts', cdb: 'CDB3', kind: 'permanent', ora: 'ORA-00942' });
    const orphan = cdb2.createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'MAX', runTag: RUN });
    const outcome = orphan.then(() => 'ok', (e: OracleError) => e.code);
    // Past the first progress save (the lab saves a running copy at least once a real second).
    await until('copy past 35%', () => cdb2.getCopyProgress(), (c) => c.length === 1 && c[0]!.blocksDone / SALES_BLOCKS > 0.35);
    const startedAt = Date.parse((await oplog()).find((e) => e.op === 'createPdbRelocate')!.at);
    const oldPid = lab.pid;

    await lab.restart(); // SIGKILL, then the same state file and port
    assert.notEqual(lab.pid, oldPid);
    assert.equal(await outcome, 'NJS-500', 'the caller of the killed lab sees a broken connection');

    const resumed = await cdb2.getCopyProgress();
    assert.equal(resumed.length, 1, 'the copy is still under way after the restart');
    assert.ok(resumed[0]!.blocksDone / SALES_BLOCKS > 0.2, `progress kept: ${JSON.stringify(resumed)}`);
    assert.ok(Date.parse((await api('GET', '/health')).body.now) > startedAt, 'simulated time went on from where it was');
    assert.deepEqual((await cdb1.listServices('SALES')).find((s) => s.name === 'SALES_RO')?.runningOn, [], 'the stopped service stays stopped');
    assert.equal(await codeOf(labCdb(lab.url, 'CDB3').getFacts()), 'ORA-00942', 'armed faults survive');
    // A retry by a new worker meets the PDB the first attempt created.
    assert.equal(await codeOf(cdb2.createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'MAX', runTag: RUN })), 'ORA-65012');

    await until('the copy to finish after the restart', () => cdb2.getCopyProgress(), (c) => c.length === 0);
    assert.equal((await cdb2.getPdb('SALES'))?.status, 'RELOCATING');
    const entries = (await oplog()).filter((e) => e.op === 'createPdbRelocate');
    assert.deepEqual(entries.map((e) => [e.outcome, e.error?.code ?? null]), [['ok', null], ['error', 'ORA-65012']]);
    await cdb2.openPdb('SALES');
    assert.equal((await cdb1.getPdb('SALES'))?.status, 'RELOCATED');
  });

  test('drain: sessions leave a stopped service along a curve; long-running ones stay until disconnected', async () => {
    await api('POST', '/clock', { speed: 2 }); // half-life 2 simulated s = 1 real s
    const add = await api('POST', '/sessions', { cdb: 'CDB1', service: 'SALES_RW', count: 40 });
    assert.equal(add.status, 200);
    await api('POST', '/sessions', { cdb: 'CDB1', service: 'SALES_RW', count: 3, longRunning: true });
    const start = await total(cdb1, 'SALES_RW');
    assert.equal(start, 8 + 40 + 3);

    await cdb1.stopService('SALES', 'SALES_RW', { stopOption: 'NONE', drainTimeoutSeconds: 600 });
    const r = await api('POST', '/sessions', { cdb: 'CDB1', service: 'SALES_RW', count: 1 });
    assert.deepEqual([r.status, r.body.error.code], [409, 'LAB-409'], 'a stopped service accepts no sessions');

    const seen: number[] = [start];
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const n = await total(cdb1, 'SALES_RW');
      seen.push(n);
      if (n === 3) break;
      await sleep(100);
    }
    assert.equal(seen.at(-1), 3, `drained down to the long-running sessions: ${seen.join(' ')}`);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i]! <= seen[i - 1]!, `never grows: ${seen.join(' ')}`);
    assert.ok(seen.some((n) => n > 3 && n < start), `a curve, not a cliff: ${seen.join(' ')}`);

    await sleep(1500); // three more half-lives
    assert.equal(await total(cdb1, 'SALES_RW'), 3, 'long-running sessions never leave on their own');
    await cdb1.disconnectSessions('SALES', 'SALES_RW', 'POST_TRANSACTION');
    assert.deepEqual(await cdb1.countSessions('SALES_RW'), []);
  });

  test('ALTER SYSTEM DISCONNECT SESSION reaches a session on any instance (CDB4: two); a gone one is ORA-00030', async () => {
    const cdb4 = labCdb(lab.url, 'CDB4');
    const refs = await cdb4.listServiceSessions('FIN_APP');
    assert.deepEqual([...new Set(refs.map((r) => r.instId))], [1, 2], 'sessions on both instances, INST_ID 1 and 2');
    const other = refs.find((r) => r.instId === 2)!;
    await cdb4.disconnectSession(other); // DBMS_SERVICE.DISCONNECT_SESSION would reach instance 1 only
    assert.equal((await cdb4.listServiceSessions('FIN_APP')).length, refs.length - 1);
    assert.equal(await codeOf(cdb4.disconnectSession(other)), 'ORA-00030', 'already gone');
    const forged = refs.find((r) => r.instId === 1)!;
    assert.equal(await codeOf(cdb4.disconnectSession({ ...forged, serial: forged.serial + 1 })), 'ORA-00030', 'another SERIAL#: not that session');
    assert.equal(await codeOf(cdb4.disconnectSession({ ...forged, instId: 2 })), 'ORA-00030', 'not on that instance');
    const logged = (await oplog()).filter((e) => e.op === 'disconnectSession');
    assert.equal(logged[0]!.statement?.sql, `ALTER SYSTEM DISCONNECT SESSION '${other.sid},${other.serial},@2' POST_TRANSACTION`);
  });

  test('stop with IMMEDIATE and no drain time disconnects everyone at once; a restart keeps who is left', async () => {
    assert.equal(await total(cdb1, 'SALES_RO'), 6);
    await cdb1.stopService('SALES', 'SALES_RO', { stopOption: 'IMMEDIATE', drainTimeoutSeconds: 0 });
    assert.deepEqual(await cdb1.countSessions('SALES_RO'), []);

    await api('POST', '/clock', { speed: 0.001 }); // time stands (almost) still
    await cdb1.stopService('SALES', 'SALES_RW', { stopOption: 'NONE', drainTimeoutSeconds: 0 });
    await cdb1.startService('SALES', 'SALES_RW');
    await api('POST', '/clock', { speed: 100 });
    await sleep(300);
    assert.equal(await total(cdb1, 'SALES_RW'), 8, 'sessions stay once the service runs again');
  });

  test('reset and clock', async () => {
    await cdb1.disconnectSessions('SALES', 'SALES_RW', 'IMMEDIATE');
    assert.deepEqual(await cdb1.countSessions('SALES_RW'), []);
    const c = await api('POST', '/clock', { speed: 3 });
    assert.equal(c.body.speed, 3);
    assert.equal((await api('GET', '/health')).body.speed, 3);
    const r = await api('POST', '/reset', { seed: 'demo', speed: 7 });
    assert.deepEqual(r.body, { seed: 'demo', speed: 7 });
    assert.equal((await cdb1.getPdb('SALES'))?.totalSizeBytes, 20 * 1024 ** 3);
    assert.equal(await total(cdb1, 'SALES_RW'), 30);
    assert.deepEqual(await oplog(), []);
  });

  test('reset with a fleet: FLEET1..FLEET3 hold FL0001.. round-robin, each open with a service and sessions; CDB2 links to them', async () => {
    const bad = await api('POST', '/reset', { seed: 'test', fleetPdbs: -1 });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /fleetPdbs/);
    const r = await api('POST', '/reset', { seed: 'test', fleetPdbs: 5 });
    assert.deepEqual(r.body, { seed: 'test', speed: 10, fleetPdbs: 5 });
    const e = (await api('GET', '/estate')).body;
    const names = (c: string) => e.cdbs.find((x: { name: string }) => x.name === c).pdbs.map((p: { name: string }) => p.name);
    assert.deepEqual([names('FLEET1'), names('FLEET2'), names('FLEET3')], [['FL0001', 'FL0004'], ['FL0002', 'FL0005'], ['FL0003']]);
    const fleet1 = labCdb(lab.url, 'FLEET1');
    assert.equal((await fleet1.getPdb('FL0004'))?.openMode, 'READ WRITE');
    assert.equal(await total(fleet1, 'FL0004_APP'), 2);
    assert.equal((await labCdb(lab.url, 'CDB2').getDbLink('FLEET3_LINK'))?.name, 'FLEET3_LINK');
    assert.deepEqual((await api('GET', '/invariants?quiescent=true')).body.violations, []);
    await api('POST', '/reset', { seed: 'demo', speed: 7 });
    assert.equal(e.cdbs.length, 9);
    assert.equal((await api('GET', '/estate')).body.cdbs.length, 6, 'without fleetPdbs the seed has no fleet');
  });

  /** What GET /cdbs/{cdb}/copy-views answers: the GV$ rows the lab shows for copies. */
  interface Views {
    sessions: { instId: number; sid: number; serial: number; command: string | null; module: string | null; status: string }[];
    px: { sid: number; serial: number; qcSid: number | null }[];
    longops: { sid: number; serial: number; qcSid: number | null; target: string; message: string; sofar: number; totalwork: number; units: string; startTimeMs: number }[];
    blockSize: number;
  }
  const views = async (cdb = 'CDB2') => (await api<Views>('GET', `/cdbs/${cdb}/copy-views`)).body;

  test('a copy shows in the views as Oracle shows it: copier sessions with their own SIDs, a Blocks row per datafile, rows that stay', async () => {
    await api('POST', '/clock', { speed: 20 });
    const copy = cdb2.createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL', runTag: RUN });
    copy.catch(() => undefined);
    // Wait until a copier has finished its first file and started the next one.
    const v = await until('a copier on its second file', views, (x) => x.longops.some((r) => r.sofar === r.totalwork) && x.longops.length > 4);
    const create = v.sessions.find((x) => x.module === 'orb')!;
    assert.equal(create.command, 'CREATE PLUGGABLE DATABASE');
    const copiers = new Set(v.longops.map((r) => `${r.sid}/${r.serial}`));
    assert.equal(copiers.size, 4, 'four parallel copiers');
    assert.ok(!copiers.has(`${create.sid}/${create.serial}`), 'the rows are not the CREATE session’s');
    assert.ok(v.px.filter((p) => p.sid !== create.sid).every((p) => p.qcSid === create.sid && copiers.has(`${p.sid}/${p.serial}`)), 'GV$PX_SESSION names the CREATE as their coordinator');
    for (const r of v.longops) {
      assert.equal(r.units, 'Blocks');
      // TARGET is VARCHAR2(64): the path, cut; MESSAGE has it whole, with the file number.
      assert.ok(r.target.length <= 64 && r.message.includes(r.target), r.target);
      assert.match(r.target, /^\/u02\/oradata\/CDB2\/[0-9A-F]{32}\/datafile\//);
      assert.match(r.message, /^kpdbfCopyTaskCbk: \/u02\/oradata\/CDB2\/\S+_\.dbf \d+: \d+ out of \d+ Blocks done$/);
      assert.ok(r.message.endsWith(`${r.sofar} out of ${r.totalwork} Blocks done`));
    }
    await copy;
    const after = await views();
    assert.deepEqual(after.sessions, [], 'the CREATE has ended');
    assert.equal(after.longops.length, 7, 'one row per datafile of SALES, kept after the copy');
    assert.ok(after.longops.every((r) => r.sofar === r.totalwork));
    assert.equal(after.longops.reduce((n, r) => n + r.totalwork, 0) * after.blockSize, 2 * 1024 ** 3);
    assert.deepEqual(await cdb2.getCopyProgress(), [], 'finished rows are no copy under way');

    // The same PDB copied again (after dropping the copy): the same parallel servers, the old rows still there, not counted.
    await cdb2.dropPdb('SALES');
    await api('POST', '/clock', { speed: 2 });
    const again = cdb2.createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL', runTag: RUN });
    again.catch(() => undefined);
    const [second] = await until('the second copy', () => cdb2.getCopyProgress(), (c) => c.length === 1);
    assert.ok(second!.blocksDone < 0.5 * SALES_BLOCKS, `the first copy’s rows do not count: ${JSON.stringify(second)}`);
    const v2 = await views();
    assert.ok(v2.longops.filter((r) => r.sofar === r.totalwork).length >= 7, 'the first copy’s rows are still in the view');
    await api('POST', '/clock', { speed: 50 });
    await again;
  });

  test('a fault can inject an error from across the database link: ORA-17628 or ORA-17627 wrapping the remote code, judged by it', async () => {
    let r = await api('POST', '/faults', { op: 'createPdbRelocate', cdb: 'CDB2', kind: 'transient', ora: 'ORA-17628', nested: 'ORA-03113', times: 1 });
    assert.equal(r.status, 201, JSON.stringify(r.body));
    const e = await cdb2.createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL', runTag: RUN }).then(() => null, (x: OracleError) => x);
    assert.equal(e?.code, 'ORA-17628');
    assert.match(e!.message, /^ORA-17628: Oracle error 3113 returned by remote Oracle server\nORA-03113: end-of-file on communication channel/);
    assert.deepEqual([classifyOracleError(e).kind, classifyOracleError(e).nestedCode], ['transient', 'ORA-03113']);

    r = await api('POST', '/faults', { op: 'createPdbRelocate', kind: 'permanent', ora: 'ORA-17627', nested: 'ORA-01017', times: 1 });
    assert.equal(r.status, 201);
    const logon = await cdb2.createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL', runTag: RUN }).then(() => null, (x: OracleError) => x);
    assert.match(logon!.message, /^ORA-17627: ORA-01017: invalid username\/password; logon denied.*\nORA-17629: Cannot connect to the remote database server$/);
    assert.equal(classifyOracleError(logon).kind, 'permanent');

    // The kind must agree with orb's reading of the nested code; nested only with a link error.
    r = await api('POST', '/faults', { op: 'createPdbRelocate', kind: 'permanent', ora: 'ORA-17628', nested: 'ORA-03113' });
    assert.equal(r.status, 400);
    assert.match(r.body.error.message, /ora: ORA-17628 \(wrapping ORA-03113\) is a transient error in orb's classification/);
    r = await api('POST', '/faults', { op: 'createPdbRelocate', kind: 'transient', ora: 'ORA-17628', nested: 'ORA-01031' });
    assert.match(r.body.error.message, /is a permanent error/);
    r = await api('POST', '/faults', { op: 'openPdb', kind: 'permanent', ora: 'ORA-01031', nested: 'ORA-65035' });
    assert.match(r.body.error.message, /nested: applies only to the link errors ORA-17627, ORA-17628, ORA-17629/);

    // Mid-copy: the copy aborts with the wrapped error, leaving the target UNUSABLE.
    await api('POST', '/faults', { op: 'createPdbRelocate', kind: 'transient', ora: 'ORA-17628', nested: 'ORA-03135', at: 0.3 });
    const mid = await cdb2.createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL', runTag: RUN }).then(() => null, (x: OracleError) => x);
    assert.match(mid!.message, /^ORA-17628: Oracle error 3135 returned by remote Oracle server\nORA-03135: connection lost contact \(copy of SALES aborted at 30%\)/);
    assert.equal((await cdb2.getPdb('SALES'))?.status, 'UNUSABLE');
    assert.deepEqual(await cdb2.getCopyProgress(), [], 'an aborted copy’s rows (SOFAR < TOTALWORK) are no copy under way');
  });
});
