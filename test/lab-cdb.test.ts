/**
 * Oracle's rules as the lab enforces them, exercised through the CdbPort (activities/oracle/lab-cdb.ts)
 * against a lab child process.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { labCdb } from '../activities/oracle/lab-cdb';
import { classifyOracleError } from '../common/oracle-errors';
import { OracleError, type CdbPort } from '../activities/oracle/port';
import { labHttp, startLabProcess, type LabProcess } from './helpers/lab-process';
import { until } from './helpers/until';

/** An orb run tag (copy-progress.ts runTagOf). */
const RUN = '0123456789abcdef';

/**
 * The call fails with `code`; with `nested`, `code` is a database-link error (ORA-17627/17628)
 * wrapping the remote side's `nested`, and orb classifies it by that nested code.
 */
async function rejectsWith(p: Promise<unknown>, code: string, nested?: string): Promise<OracleError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof OracleError, `expected an OracleError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    assert.ok(e.message.startsWith(code), e.message);
    if (nested) {
      assert.match(e.message, new RegExp(`(^${code}: |\\n)${nested}: `), e.message);
      assert.equal(classifyOracleError(e).nestedCode, nested, e.message);
    }
    return e;
  }
  assert.fail(`expected ${code}, the call succeeded`);
}


describe('lab CDB port: Oracle rules', () => {
  let lab: LabProcess;
  let cdb1: CdbPort;
  let cdb2: CdbPort;
  let cdb3: CdbPort;
  const relocate = (availability: 'NORMAL' | 'MAX' = 'NORMAL') => cdb2.createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability, runTag: RUN });

  before(async () => {
    lab = await startLabProcess({ seed: 'test' });
    cdb1 = labCdb(lab.url, 'CDB1');
    cdb2 = labCdb(lab.url, 'CDB2');
    cdb3 = labCdb(lab.url, 'CDB3');
  });
  after(async () => {
    await lab?.stop();
  });
  beforeEach(async () => {
    // Fast copies (2 GiB at 48 MiB/s = ~43 simulated s = ~0.9 real s at speed 50).
    assert.equal((await labHttp(lab.url, 'POST', '/reset', { seed: 'test', speed: 50 })).status, 200);
  });

  test('facts, links and users read like the dictionary views', async () => {
    const f1 = await cdb1.getFacts();
    assert.deepEqual(
      [f1.name, f1.localUndo, f1.logMode, f1.platformId, f1.platformName, f1.endianFormat, f1.characterSet, f1.ncharCharacterSet],
      ['CDB1', true, 'ARCHIVELOG', 13, 'Linux x86 64-bit', 'Little', 'AL32UTF8', 'AL16UTF16'],
    );
    assert.match(f1.version, /^19\./);
    assert.ok(f1.options.some((o) => o.compId === 'CATPROC' && o.status === 'VALID'));
    const f3 = await cdb3.getFacts();
    assert.equal(f3.endianFormat, 'Big');

    const link = await cdb2.getDbLink('CDB1_LINK');
    assert.equal(link?.name, 'CDB1_LINK');
    assert.equal(link?.username, 'C##RELOCATE');
    assert.match(link!.host, /CDB1/);
    assert.equal(await cdb2.getDbLink('NO_SUCH_LINK'), null);
    assert.equal((await cdb1.getDbLink('CDB2_LINK'))?.name, 'CDB2_LINK');

    const u = await cdb1.getUserPrivileges('C##RELOCATE');
    assert.deepEqual([u.exists, u.common, u.sysoper], [true, true, true]);
    assert.deepEqual([...u.systemPrivileges].sort(), ['CREATE PLUGGABLE DATABASE', 'CREATE SESSION']);
    const nobody = await cdb1.getUserPrivileges('NOBODY');
    assert.deepEqual([nobody.exists, nobody.common, nobody.systemPrivileges, nobody.sysoper], [false, false, [], false]);

    assert.deepEqual(await cdb1.getPdb('SALES'), { name: 'SALES', status: 'NORMAL', openMode: 'READ WRITE', totalSizeBytes: 2 * 1024 ** 3 });
    assert.equal(await cdb2.getPdb('SALES'), null);
    const svcs = await cdb1.listServices('SALES');
    assert.deepEqual(svcs.map((s) => [s.name, s.isDefault, s.runningOn]).sort(), [
      ['SALES', true, ['cdb1']],
      ['SALES_RO', false, ['cdb1']],
      ['SALES_RW', false, ['cdb1']],
    ]);
    const rw = svcs.find((s) => s.name === 'SALES_RW')!;
    assert.deepEqual([rw.failoverType, rw.commitOutcome, rw.pdb], ['TRANSACTION', true, 'SALES']);
    assert.deepEqual(await cdb1.countSessions('SALES_RO'), [{ instance: 'cdb1', count: 6 }]);
  });

  test('a CDB the lab does not have is a permanent LAB-404 naming it and the CDBs there are, not ORA-12514', async () => {
    const e = await rejectsWith(labCdb(lab.url, 'cdb9').getFacts(), 'LAB-404');
    assert.equal(e.message, 'LAB-404: the lab has no CDB CDB9 (its CDBs: CDB1, CDB2, CDB3, CDB4, RACCDB, TRICDB)');
    assert.equal(classifyOracleError(e).kind, 'permanent', 'orb does not retry an estate/lab mismatch');
    await rejectsWith(labCdb(lab.url, 'CDB9').openPdb('SALES'), 'LAB-404');
    const r = await labHttp<{ error: { code: string } }>(lab.url, 'POST', '/cdbs/CDB9/ops/getPdb', { args: { pdb: 'SALES' } });
    assert.deepEqual([r.status, r.body.error.code], [404, 'LAB-404']);
    const s = await labHttp<{ error: { code: string } }>(lab.url, 'POST', '/sessions', { cdb: 'CDB9', service: 'SALES_RW', count: 1 });
    assert.deepEqual([s.status, s.body.error.code], [404, 'LAB-404']);
  });

  test('createPdbRelocate refuses failed prerequisites with Oracle codes: the source side’s wrapped in ORA-17628, logon failures in ORA-17627', async () => {
    await rejectsWith(cdb2.createPdbRelocate({ pdb: 'SALES', dbLink: 'NO_SUCH_LINK', availability: 'NORMAL', runTag: RUN }), 'ORA-02019');
    await rejectsWith(cdb2.createPdbRelocate({ pdb: 'HR', dbLink: 'CDB3_LINK', availability: 'NORMAL', runTag: RUN }), 'ORA-38958');
    const missing = await rejectsWith(cdb2.createPdbRelocate({ pdb: 'NOPE', dbLink: 'CDB1_LINK', availability: 'NORMAL', runTag: RUN }), 'ORA-17628', 'ORA-65011');
    assert.match(missing.message, /^ORA-17628: Oracle error 65011 returned by remote Oracle server\nORA-65011: Pluggable database NOPE does not exist\./);
    // CDB1 already has SALES: relocating SALES into it is refused on the name first.
    await rejectsWith(cdb1.createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB2_LINK', availability: 'NORMAL', runTag: RUN }), 'ORA-65012');

    const patch = async (path: string, body: unknown) => {
      const r = await labHttp(lab.url, 'PATCH', path.replace('C##', encodeURIComponent('C##')), body);
      assert.equal(r.status, 200, JSON.stringify(r.body));
    };
    await patch('/cdbs/CDB1/users/C##RELOCATE', { sysoper: false });
    const priv = await rejectsWith(relocate(), 'ORA-17628', 'ORA-01031');
    assert.match(priv.message, /^ORA-17628: Oracle error 1031 returned by remote Oracle server\nORA-01031: insufficient privileges/);
    assert.equal(classifyOracleError(priv).kind, 'permanent');
    await patch('/cdbs/CDB1/users/C##RELOCATE', { sysoper: true, systemPrivileges: ['CREATE SESSION'] });
    await rejectsWith(relocate(), 'ORA-17628', 'ORA-01031');
    await patch('/cdbs/CDB1/users/C##RELOCATE', { systemPrivileges: ['CREATE PLUGGABLE DATABASE'] });
    await rejectsWith(relocate(), 'ORA-17627', 'ORA-01045');
    await patch('/cdbs/CDB1/users/C##RELOCATE', { exists: false });
    const logon = await rejectsWith(relocate(), 'ORA-17627', 'ORA-01017');
    assert.match(logon.message, /^ORA-17627: ORA-01017: invalid username\/password; logon denied.*\nORA-17629: Cannot connect to the remote database server$/);
    await patch('/cdbs/CDB1/users/C##RELOCATE', { common: true, sysoper: true, systemPrivileges: ['CREATE SESSION', 'CREATE PLUGGABLE DATABASE'] });

    await patch('/cdbs/CDB1', { localUndo: false });
    await rejectsWith(relocate(), 'ORA-17628', 'ORA-65035');
    await patch('/cdbs/CDB1', { localUndo: true, logMode: 'NOARCHIVELOG' });
    await rejectsWith(relocate(), 'ORA-17628', 'ORA-65035');
    await patch('/cdbs/CDB1', { logMode: 'ARCHIVELOG', characterSet: 'WE8MSWIN1252' });
    await patch('/cdbs/CDB2', { characterSet: 'WE8ISO8859P1' });
    await rejectsWith(relocate(), 'ORA-65116');
    await patch('/cdbs/CDB2', { characterSet: 'AL32UTF8', ncharCharacterSet: 'UTF8' });
    await rejectsWith(relocate(), 'ORA-65119');
    await patch('/cdbs/CDB2', { ncharCharacterSet: 'AL16UTF16' });
    await patch('/cdbs/CDB1', { characterSet: 'AL32UTF8' });

    await patch('/cdbs/CDB1/pdbs/SALES', { openMode: 'MOUNTED' });
    await rejectsWith(relocate(), 'ORA-17628', 'ORA-65036');
    await patch('/cdbs/CDB1/pdbs/SALES', { openMode: 'READ WRITE' });

    // Nothing was created by the refused attempts.
    assert.equal(await cdb2.getPdb('SALES'), null);
    assert.deepEqual(await cdb2.getCopyProgress(), []);
    // And with every prerequisite back, it works.
    await relocate();
    assert.equal((await cdb2.getPdb('SALES'))?.status, 'RELOCATING');
  });

  test('relocation AVAILABILITY NORMAL: copy, then the first open moves the PDB and its services', async () => {
    await labHttp(lab.url, 'POST', '/clock', { speed: 10 }); // ~4 real seconds of copy, to look at it
    const copy = relocate();
    const progress = await until('a copy under way', () => cdb2.getCopyProgress(), (c) => c.length === 1 && c[0]!.blocksDone > 0);
    assert.deepEqual([progress[0]!.pdb, progress[0]!.runTag, progress[0]!.module, progress[0]!.blockSize, progress[0]!.copierSessions], ['SALES', RUN, 'orb', 8192, 4]);
    assert.ok(progress[0]!.blocksDone < progress[0]!.blocksTotal && progress[0]!.blocksTotal <= (2 * 1024 ** 3) / 8192, JSON.stringify(progress));
    assert.equal(progress[0]!.bytesDone, progress[0]!.blocksDone * 8192);
    assert.ok(progress[0]!.timeRemainingSeconds! > 0);
    assert.deepEqual(await cdb1.getCopyProgress(), [], 'the copy is seen in the target CDB');

    // While copying: the target PDB is UNUSABLE (being created), with no size yet; the source is untouched.
    assert.deepEqual(await cdb2.getPdb('SALES'), { name: 'SALES', status: 'UNUSABLE', openMode: 'MOUNTED', totalSizeBytes: 0 });
    assert.deepEqual([(await cdb1.getPdb('SALES'))?.status, (await cdb1.getPdb('SALES'))?.openMode], ['NORMAL', 'READ WRITE']);
    await rejectsWith(cdb2.dropPdb('SALES'), 'ORA-00054');
    await rejectsWith(cdb2.openPdb('SALES'), 'ORA-00054');
    await rejectsWith(relocate(), 'ORA-65012');

    await copy;
    assert.deepEqual(await cdb2.getCopyProgress(), []);
    assert.deepEqual([(await cdb2.getPdb('SALES'))?.status, (await cdb2.getPdb('SALES'))?.openMode], ['RELOCATING', 'MOUNTED']);
    assert.deepEqual([(await cdb1.getPdb('SALES'))?.status, (await cdb1.getPdb('SALES'))?.openMode], ['NORMAL', 'READ WRITE']);
    assert.ok((await cdb1.countSessions('SALES_RW')).length > 0);

    await cdb2.openPdb('SALES');
    assert.equal(await cdb1.getPdb('SALES'), null, 'AVAILABILITY NORMAL removes the source');
    assert.deepEqual(await cdb1.countSessions('SALES_RW'), [], 'the source sessions are gone');
    assert.deepEqual(await cdb2.getPdb('SALES'), { name: 'SALES', status: 'NORMAL', openMode: 'READ WRITE', totalSizeBytes: 2 * 1024 ** 3 });
    const svcs = await cdb2.listServices('SALES');
    assert.deepEqual(svcs.map((s) => [s.name, s.runningOn]).sort(), [
      ['SALES', ['cdb2']],
      ['SALES_RO', []],
      ['SALES_RW', []],
    ]);
    assert.equal(svcs.find((s) => s.name === 'SALES_RW')?.failoverType, 'TRANSACTION', 'AC attributes travel with the service');

    await rejectsWith(cdb2.openPdb('SALES'), 'ORA-65019');
    await rejectsWith(cdb1.openPdb('SALES'), 'ORA-65011');
    await cdb2.startService('SALES', 'SALES_RW');
    await rejectsWith(cdb2.startService('SALES', 'SALES_RW'), 'ORA-44305');
    await rejectsWith(cdb2.stopService('SALES', 'SALES_RO', { stopOption: 'NONE', drainTimeoutSeconds: 0 }), 'ORA-44311');
    await rejectsWith(cdb2.stopService('SALES', 'SALES', { stopOption: 'NONE', drainTimeoutSeconds: 0 }), 'ORA-44793');
    await rejectsWith(cdb2.startService('SALES', 'NO_SUCH_SVC'), 'ORA-44304');
    await rejectsWith(cdb2.dropPdb('SALES'), 'ORA-65025');
    const inv = await labHttp(lab.url, 'GET', '/invariants?quiescent=true');
    assert.deepEqual(inv.body, { ok: true, violations: [] });
  });

  test('relocation AVAILABILITY MAX leaves a RELOCATED tombstone that can only be dropped', async () => {
    await relocate('MAX');
    await cdb2.openPdb('SALES');
    // The tombstone stays in V$PDBS, MOUNTED (it forwards connections to the target).
    assert.deepEqual(await cdb1.getPdb('SALES'), { name: 'SALES', status: 'RELOCATED', openMode: 'MOUNTED', totalSizeBytes: 2 * 1024 ** 3 });
    const tomb = await cdb1.listServices('SALES');
    assert.ok(tomb.length > 0 && tomb.every((s) => s.runningOn.length === 0), 'the tombstone’s services are stopped');
    await rejectsWith(cdb1.openPdb('SALES'), 'ORA-65086');
    await rejectsWith(cdb1.savePdbState('SALES'), 'ORA-65086');
    await rejectsWith(cdb1.startService('SALES', 'SALES_RW'), 'ORA-44773');
    // Not open: neither a second open copy nor debris, and the relocated PDB is open in exactly one CDB.
    assert.deepEqual((await labHttp(lab.url, 'GET', '/invariants?quiescent=true')).body, { ok: true, violations: [] });
    await rejectsWith(cdb1.createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB2_LINK', availability: 'NORMAL', runTag: RUN }), 'ORA-65012');
    await cdb1.dropPdb('SALES');
    assert.equal(await cdb1.getPdb('SALES'), null);
    assert.deepEqual((await labHttp(lab.url, 'GET', '/invariants?quiescent=true')).body, { ok: true, violations: [] });
    // And back again.
    await cdb1.createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB2_LINK', availability: 'NORMAL', runTag: RUN });
    await cdb1.openPdb('SALES');
    assert.equal(await cdb2.getPdb('SALES'), null);
    assert.equal((await cdb1.getPdb('SALES'))?.openMode, 'READ WRITE');
  });

  test('a copy aborted part-way leaves the target UNUSABLE: it cannot be opened, only dropped', async () => {
    const f = await labHttp(lab.url, 'POST', '/faults', { op: 'createPdbRelocate', cdb: 'CDB2', object: 'SALES', kind: 'permanent', ora: 'ORA-19504', at: 0.5, times: 1 });
    assert.equal(f.status, 201);
    const e = await rejectsWith(relocate(), 'ORA-19504');
    assert.match(e.message, /50%/);
    assert.deepEqual([(await cdb2.getPdb('SALES'))?.status, (await cdb2.getPdb('SALES'))?.openMode], ['UNUSABLE', 'MOUNTED']);
    assert.deepEqual(await cdb2.getCopyProgress(), []);
    assert.equal((await cdb1.getPdb('SALES'))?.openMode, 'READ WRITE', 'the source is untouched');
    await rejectsWith(cdb2.openPdb('SALES'), 'ORA-65086');
    await rejectsWith(relocate(), 'ORA-65012');
    const inv = await labHttp<{ ok: boolean; violations: { rule: string }[] }>(lab.url, 'GET', '/invariants?quiescent=true');
    assert.deepEqual(inv.body.violations.map((v) => v.rule), ['relocation-debris']);
    await cdb2.dropPdb('SALES');
    assert.equal(await cdb2.getPdb('SALES'), null);
    await relocate(); // the fault fired once: this one completes
    assert.equal((await cdb2.getPdb('SALES'))?.status, 'RELOCATING');
    // Dropping a finished but never opened target is the way back: the source stays.
    await cdb2.dropPdb('SALES');
    assert.deepEqual((await labHttp(lab.url, 'GET', '/invariants?quiescent=true')).body, { ok: true, violations: [] });
  });

  test('SAVE STATE is per CDB: the relocated PDB does not bring the source’s saved state', async () => {
    type Estate = { cdbs: { name: string; pdbs: { name: string; savedState: string | null }[] }[] };
    const saved = async (cdb: string) =>
      (await labHttp<Estate>(lab.url, 'GET', '/estate')).body.cdbs.find((c) => c.name === cdb)?.pdbs.find((p) => p.name === 'SALES')?.savedState;
    await cdb1.savePdbState('SALES');
    assert.equal(await saved('CDB1'), 'READ WRITE');
    await relocate('MAX');
    await cdb2.openPdb('SALES');
    assert.equal(await saved('CDB2'), null, 'nothing saved in CDB2 yet');
    await cdb2.savePdbState('SALES');
    assert.equal(await saved('CDB2'), 'READ WRITE');
  });

  test('a fault aimed at one service (or link) fires for that object only, though the call also names the PDB', async () => {
    assert.equal((await labHttp(lab.url, 'POST', '/faults', { op: 'stopService', cdb: 'CDB1', object: 'SALES_RO', kind: 'permanent', ora: 'ORA-19504' })).status, 201);
    await cdb1.stopService('SALES', 'SALES_RW', { stopOption: 'NONE', drainTimeoutSeconds: 5 });
    await rejectsWith(cdb1.stopService('SALES', 'SALES_RO', { stopOption: 'NONE', drainTimeoutSeconds: 5 }), 'ORA-19504');
    assert.equal((await labHttp(lab.url, 'POST', '/faults', { op: 'createPdbRelocate', object: 'CDB1_LINK', kind: 'permanent', ora: 'ORA-02019' })).status, 201);
    await rejectsWith(relocate(), 'ORA-02019');
  });

  test('savePdbState, plug-in violations, default-service sessions', async () => {
    await cdb1.savePdbState('SALES');
    await rejectsWith(cdb1.savePdbState('NOPE'), 'ORA-65011');
    assert.deepEqual(await cdb1.getPlugInViolations('SALES'), []);
    // An option installed in CDB1 but not in CDB2 becomes a PDB_PLUG_IN_VIOLATIONS row after the move.
    await labHttp(lab.url, 'PATCH', '/cdbs/CDB1', { options: [{ compId: 'CATPROC', status: 'VALID' }, { compId: 'SDO', status: 'VALID' }] });
    await relocate();
    const v = await cdb2.getPlugInViolations('SALES');
    assert.equal(v.length, 1);
    assert.equal(v[0]!.type, 'ERROR');
    assert.match(v[0]!.message, /SDO/);
    assert.deepEqual(await cdb1.countSessions('SALES'), [], 'nobody uses the default service');
  });

  test('DBMS_SERVICE per instance on a two-instance CDB: unknown instance ORA-44313, drain options for another instance ORA-44791, DISCONNECT_SESSION local only', async () => {
    const cdb4 = labCdb(lab.url, 'CDB4'); // instances cdb4_1 (where the lab's calls connect) and cdb4_2
    const running = async () => (await cdb4.listServices('FIN')).find((s) => s.name === 'FIN_APP')?.runningOn;
    assert.deepEqual(await cdb4.countSessions('FIN_APP'), [{ instance: 'cdb4_1', count: 3 }, { instance: 'cdb4_2', count: 3 }]);

    const unknown = await rejectsWith(cdb4.startService('FIN', 'FIN_APP', 'cdb4_9'), 'ORA-44313');
    assert.equal(classifyOracleError(unknown).kind, 'permanent');
    await rejectsWith(cdb4.stopService('FIN', 'FIN_APP', { instance: 'cdb4_9', stopOption: 'NONE', drainTimeoutSeconds: 0 }), 'ORA-44313');
    await rejectsWith(cdb4.stopService('FIN', 'FIN_APP', { instance: 'cdb4_2', stopOption: 'NONE', drainTimeoutSeconds: 60 }), 'ORA-44791');
    await rejectsWith(cdb4.stopService('FIN', 'FIN_APP', { instance: 'cdb4_2', stopOption: 'TRANSACTIONAL', drainTimeoutSeconds: 0 }), 'ORA-44791');
    const all = await rejectsWith(cdb4.stopService('FIN', 'FIN_APP', { stopOption: 'NONE', drainTimeoutSeconds: 60 }), 'ORA-44791');
    assert.equal(classifyOracleError(all).kind, 'permanent');
    assert.deepEqual(await running(), ['cdb4_1', 'cdb4_2'], 'the refused calls stopped nothing');

    await cdb4.disconnectSessions('FIN', 'FIN_APP', 'IMMEDIATE');
    assert.deepEqual(await cdb4.countSessions('FIN_APP'), [{ instance: 'cdb4_2', count: 3 }], 'only the local instance’s sessions were disconnected');

    // Drain options on the local instance, none for the other one: both allowed.
    await cdb4.stopService('FIN', 'FIN_APP', { instance: 'cdb4_1', stopOption: 'TRANSACTIONAL', drainTimeoutSeconds: 60 });
    await cdb4.stopService('FIN', 'FIN_APP', { instance: 'cdb4_2', stopOption: 'NONE', drainTimeoutSeconds: 0 });
    assert.deepEqual(await running(), []);
    await cdb4.startService('FIN', 'FIN_APP', 'cdb4_2');
    assert.deepEqual(await running(), ['cdb4_2']);
  });

  test('an unreachable lab fails like a lost listener (NJS-503), and the error is an OracleError', async () => {
    const port = labCdb('http://127.0.0.1:1', 'CDB1');
    await rejectsWith(port.getPdb('SALES'), 'NJS-503');
    await port.close();
  });
});
