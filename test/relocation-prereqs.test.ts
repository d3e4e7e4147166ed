/**
 * Prerequisites that depend on the estate file and both CDBs (Clusterware, TDE, file placement,
 * releases), the CREATE clauses they decide, and the lab raising what Oracle raises when they
 * are not met.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { estatePrerequisites, relocateStatementArgs, type RelocationFacts } from '../activities/relocation-prereqs';
import { labCdb } from '../activities/oracle/lab-cdb';
import { OracleError, type CdbFacts, type CdbPort } from '../activities/oracle/port';
import { statements } from '../activities/oracle/statements';
import { labHttp, startLabProcess, type LabProcess } from './helpers/lab-process';

const FACTS: CdbFacts = {
  name: 'CDB1', version: '19.22.0.0.0', localUndo: true, logMode: 'ARCHIVELOG', platformId: 13, platformName: 'Linux x86 64-bit',
  endianFormat: 'Little', characterSet: 'AL32UTF8', ncharCharacterSet: 'AL16UTF16', options: [], dbCreateFileDest: '/u02/oradata', keystoreStatus: 'OPEN',
  instances: ['cdb1'],
};

function facts(over: { source?: Partial<RelocationFacts['source']>; target?: Partial<RelocationFacts['target']>; upgrade?: boolean } = {}): RelocationFacts {
  return {
    pdb: 'SALES', sourceCdb: 'CDB1', targetCdb: 'CDB2', dbLink: 'CDB1_LINK', availability: 'NORMAL', upgrade: over.upgrade ?? false,
    source: { facts: FACTS, settings: {}, storage: { encryptedTablespaces: [], datafiles: ['/u02/oradata/CDB1/AB/datafile/users.dbf'] }, ...over.source },
    target: { facts: { ...FACTS, name: 'CDB2' }, settings: {}, ...over.target },
  };
}

const outcome = (f: RelocationFacts, check: string) => estatePrerequisites(f).find((c) => c.check === check)!;

describe('estate prerequisites of a relocation', () => {
  test('nothing special: every check passes and the CREATE has no extra clause', () => {
    assert.deepEqual(estatePrerequisites(facts()).map((c) => c.outcome), ['pass', 'pass', 'pass', 'pass']);
    assert.equal(statements.createPdbRelocate(relocateStatementArgs(facts())).sql, 'CREATE PLUGGABLE DATABASE SALES FROM SALES@CDB1_LINK RELOCATE AVAILABILITY NORMAL');
  });

  test('a Clusterware-managed source without srvctl in the estate is refused, naming cdbs.X.srvctl and ORA-44791', () => {
    const c = outcome(facts({ source: { settings: { clusterware: true } } as never }), 'service management');
    assert.equal(c.outcome, 'fail');
    assert.match(c.reason, /CDB1 is marked Clusterware-managed but the estate gives no srvctl for it: set cdbs\.CDB1\.srvctl.*ORA-44791/);
  });

  test('a source reached through srvctl passes: its services are drained with srvctl on every instance, no -force', () => {
    const rac = { ...FACTS, instances: ['raccdb1', 'raccdb2'] };
    const c = outcome(facts({ source: { facts: rac, settings: { clusterware: true, srvctl: { db: 'raccdb' } } } as never }), 'service management');
    assert.equal(c.outcome, 'pass', c.reason);
    assert.match(c.reason, /CDB1 is Clusterware-managed: its services are drained with srvctl on every instance \(srvctl stop service -db raccdb -service <svc> -drain_timeout <s> -stopoption NONE, no -force\)/);
    assert.match(c.reason, /ALTER SYSTEM DISCONNECT SESSION/);
    // A lab CDB's srvctl object may leave db out: the CDB's name in lower case.
    const lab = outcome(facts({ source: { facts: rac, settings: { clusterware: true, srvctl: {} } } as never }), 'service management');
    assert.match(lab.reason, /-db cdb1 /);
  });

  test('a Clusterware-managed target stays refused: its services would need srvctl add service', () => {
    const c = outcome(facts({ target: { facts: FACTS, settings: { clusterware: true, srvctl: { db: 'raccdb' } } } }), 'service management');
    assert.equal(c.outcome, 'fail');
    assert.match(c.reason, /CDB2 is marked Clusterware-managed .*srvctl add service -db <db> -service <svc> -pdb SALES.*orb does not add services to a cluster/);
  });

  test('a CDB with several instances is refused for the drain even when the estate does not say Clusterware', () => {
    const c = outcome(facts({ source: { facts: { ...FACTS, instances: ['cdb4_1', 'cdb4_2'] } } as never }), 'service management');
    assert.equal(c.outcome, 'fail');
    assert.match(c.reason, /CDB1 runs 2 instances \(cdb4_1, cdb4_2\).*ORA-44791.*cdbs\.CDB1\.srvctl/);
  });

  test('encrypted data: needs both keystores OPEN and the target keystore password by reference', () => {
    const storage = { encryptedTablespaces: ['USERS'], datafiles: [] };
    let c = outcome(facts({ source: { storage } as never }), 'TDE keystores');
    assert.equal(c.outcome, 'fail');
    assert.match(c.reason, /cdbs\.CDB2\.keystorePassword/);
    const closed = facts({ source: { storage } as never, target: { facts: { ...FACTS, keystoreStatus: 'CLOSED' }, settings: { keystorePassword: { env: 'K' } } } });
    c = outcome(closed, 'TDE keystores');
    assert.match(c.reason, /keystore of CDB2 is CLOSED.*ORA-28365/);
    const unreadable = facts({ source: { storage } as never, target: { facts: FACTS, settings: { keystorePassword: { env: 'K' }, keystoreProblem: 'environment variable K is not set' } } });
    assert.match(outcome(unreadable, 'TDE keystores').reason, /the worker cannot use CDB2's keystore password: environment variable K is not set/);
    const ok = facts({ source: { storage } as never, target: { facts: FACTS, settings: { keystorePassword: { env: 'ORB_CDB2_KEYSTORE' } } } });
    assert.equal(outcome(ok, 'TDE keystores').outcome, 'pass');
    const s = statements.createPdbRelocate(relocateStatementArgs(ok));
    assert.match(s.sql, /KEYSTORE IDENTIFIED BY <keystore password> RELOCATE/);
    assert.match(s.secretRef!, /environment variable ORB_CDB2_KEYSTORE/);
  });

  test('a target without OMF needs FILE_NAME_CONVERT from the estate, covering every datafile', () => {
    const noOmf = { facts: { ...FACTS, dbCreateFileDest: null } };
    assert.match(outcome(facts({ target: { ...noOmf, settings: {} } }), 'datafile placement').reason, /ORA-65016.*cdbs\.CDB2\.fileNameConvert\.CDB1/);
    const partial = facts({ target: { ...noOmf, settings: { fileNameConvert: { CDB1: [['/u09/', '/u10/']] } } } });
    assert.match(outcome(partial, 'datafile placement').reason, /does not cover \/u02\/oradata\/CDB1/);
    const good = facts({ target: { ...noOmf, settings: { fileNameConvert: { CDB1: [['/u02/oradata/CDB1/', '/u03/oradata/CDB2/']] } } } });
    assert.equal(outcome(good, 'datafile placement').outcome, 'pass');
    assert.match(statements.createPdbRelocate(relocateStatementArgs(good)).sql, /FILE_NAME_CONVERT = \('\/u02\/oradata\/CDB1\/', '\/u03\/oradata\/CDB2\/'\) RELOCATE/);
  });

  test('releases: higher major refused without --upgrade (Oracle\'s procedure named), a warning with it; a newer RU names datapatch', () => {
    const t23 = { facts: { ...FACTS, version: '23.6.0.24.10' }, settings: {} };
    const refused = outcome(facts({ target: t23 }), 'database versions');
    assert.equal(refused.outcome, 'fail');
    assert.match(refused.reason, /MIGRATE.*VSN not match.*usable nowhere.*--upgrade/);
    assert.equal(outcome(facts({ target: t23, upgrade: true }), 'database versions').outcome, 'warn');
    assert.equal(outcome(facts({ upgrade: true }), 'database versions').outcome, 'fail', '--upgrade within one release is refused');
    const ru = outcome(facts({ target: { facts: { ...FACTS, version: '19.24.0.0.0' }, settings: {} } }), 'database versions');
    assert.equal(ru.outcome, 'warn');
    assert.match(ru.reason, /datapatch/);
    assert.equal(outcome(facts({ target: { facts: { ...FACTS, version: '18.3.0.0.0' }, settings: {} } }), 'database versions').outcome, 'fail');
  });
});

describe('the lab raises what Oracle raises for TDE, file placement and releases', () => {
  let lab: LabProcess;
  let cdb2: CdbPort;
  const api = (method: string, path: string, body?: unknown) => labHttp(lab.url, method, path, body);
  async function code(p: Promise<unknown>): Promise<string> {
    try {
      await p;
      return 'ok';
    } catch (e) {
      assert.ok(e instanceof OracleError, String(e));
      return e.message;
    }
  }
  before(async () => {
    lab = await startLabProcess({ seed: 'test' });
    cdb2 = labCdb(lab.url, 'CDB2', { keystorePassword: { env: 'ORB_TEST_LAB_KEYSTORE' } });
    process.env.ORB_TEST_LAB_KEYSTORE = 'whatever';
  });
  after(async () => lab?.stop());
  beforeEach(async () => void (await api('POST', '/reset', { seed: 'test' })));

  const base = { pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL' as const, runTag: '0123456789abcdef' };

  test('no OMF in the target and no FILE_NAME_CONVERT: ORA-65016', async () => {
    await api('PATCH', '/cdbs/CDB2', { dbCreateFileDest: null });
    assert.match(await code(cdb2.createPdbRelocate(base)), /^ORA-65016: FILE_NAME_CONVERT must be specified/);
  });

  test('encrypted source without KEYSTORE IDENTIFIED BY: ORA-17628 wrapping ORA-46659; a closed target keystore: ORA-28365', async () => {
    await api('PATCH', '/cdbs/CDB1/pdbs/SALES', { encryptedTablespaces: ['USERS'] });
    assert.match(await code(cdb2.createPdbRelocate(base)), /^ORA-17628: Oracle error 46659 returned by remote Oracle server\nORA-46659/);
    await api('PATCH', '/cdbs/CDB2', { keystoreStatus: 'CLOSED' });
    assert.match(await code(cdb2.createPdbRelocate({ ...base, keystoreSecretRef: 'k' })), /^ORA-28365/);
  });

  test('the oplog records the statement the adapter would send, never a secret', async () => {
    await api('PATCH', '/cdbs/CDB1/pdbs/SALES', { encryptedTablespaces: ['USERS'] });
    await cdb2.createPdbRelocate({ ...base, keystoreSecretRef: 'the keystore password of CDB2 (environment variable ORB_TEST_LAB_KEYSTORE)' });
    const log = (await api('GET', '/oplog')).body as { entries: { op: string; statement?: { sql: string; secretRef?: string } }[] };
    const entry = log.entries.find((e) => e.op === 'createPdbRelocate')!;
    assert.equal(entry.statement?.sql, 'CREATE PLUGGABLE DATABASE SALES FROM SALES@CDB1_LINK KEYSTORE IDENTIFIED BY <keystore password> RELOCATE AVAILABILITY NORMAL');
    assert.doesNotMatch(JSON.stringify(log), /whatever/);
  });
});
