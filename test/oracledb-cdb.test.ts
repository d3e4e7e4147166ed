import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import oracledb from 'oracledb';
import { oracledbCdb, PDB_DATAFILES_SQL, PDB_ENCRYPTED_TABLESPACES_SQL, type ConnectionLike } from '../activities/oracle/oracledb-cdb';
import type { OracledbCdbConfig, ConnectOptions } from '../activities/oracle/oracledb-connect';
import { InputError } from '../common/input-error';

/** A recorded execute() call. */
interface Call {
  conn: number;
  sql: string;
  binds: Record<string, unknown>;
  options: Record<string, unknown>;
}

type Response = unknown[] | Error | ((binds: Record<string, unknown>) => unknown[] | Error | Promise<unknown[]>);

/**
 * What went over the wire on one connection, in order: each round trip with the end-to-end
 * attributes it carried, as node-oracledb thin mode sends them (set on the connection, sent
 * piggybacked on the next round trip of any kind, then cleared).
 */
interface Trip {
  trip: 'execute' | 'ping';
  sql?: string;
  module?: string;
  action?: string;
  callTimeout: number;
}

class FakeConnection implements ConnectionLike {
  callTimeout = -1;
  closed = false;
  closeOptions: unknown = 'not closed';
  broke = false;
  trips: Trip[] = [];
  private pending: { module?: string; action?: string } = {};
  constructor(
    readonly id: number,
    private readonly db: FakeDb,
  ) {}
  set module(v: string) {
    this.pending.module = v;
  }
  set action(v: string) {
    this.pending.action = v;
  }
  private trip(trip: Trip['trip'], sql?: string) {
    this.trips.push({ trip, ...(sql !== undefined ? { sql } : {}), ...this.pending, callTimeout: this.callTimeout });
    this.pending = {};
  }
  async ping() {
    assert.equal(this.closed, false, 'ping on a closed connection');
    this.trip('ping');
  }
  async execute(sql: string, binds: Record<string, unknown> = {}, options: Record<string, unknown> = {}) {
    assert.equal(this.closed, false, 'execute on a closed connection');
    this.trip('execute', sql);
    this.db.calls.push({ conn: this.id, sql, binds, options });
    const r = this.db.responses.get(sql);
    const value = typeof r === 'function' ? await r(binds) : r;
    if (value instanceof Error) throw value;
    return { rows: value ?? [] };
  }
  async close(...args: [{ drop?: boolean }?]) {
    // Like node-oracledb: an argument that is present must be an object (close(undefined) throws NJS-005).
    if (args.length === 1 && (typeof args[0] !== 'object' || args[0] === null)) {
      throw Object.assign(new Error('NJS-005: invalid value for parameter 1'), { code: 'NJS-005' });
    }
    this.closed = true;
    this.closeOptions = args[0];
  }
  async break() {
    this.broke = true;
  }
}

class FakeDb {
  calls: Call[] = [];
  connects: ConnectOptions[] = [];
  conns: FakeConnection[] = [];
  responses = new Map<string, Response>();
  getConnection = async (opts: ConnectOptions): Promise<ConnectionLike> => {
    this.connects.push(opts);
    const c = new FakeConnection(this.conns.length + 1, this);
    this.conns.push(c);
    return c;
  };
  on(sql: string, response: Response): this {
    this.responses.set(sql, response);
    return this;
  }
  sqls(): string[] {
    return this.calls.map((c) => c.sql);
  }
}

/** An error shaped like node-oracledb's (thin mode). */
function oraError(errorNum: number, text: string): Error {
  const code = `ORA-${String(errorNum).padStart(5, '0')}`;
  return Object.assign(new Error(`${code}: ${text}`), { errorNum, code, offset: 0, isRecoverable: false });
}

const OBJ = { outFormat: oracledb.OUT_FORMAT_OBJECT };

let db: FakeDb;
let dir: string;
const cfg: OracledbCdbConfig = {
  adapter: 'oracledb',
  connectString: 'db1.example.com:1521/CDB1_ROOT',
  user: 'C##ORB',
  password: { env: 'ORB_TEST_FAKE_PASSWORD' },
  dbLinks: {},
};

function port(c: OracledbCdbConfig = cfg) {
  return oracledbCdb('CDB1', c, { getConnection: db.getConnection });
}

beforeEach(() => {
  db = new FakeDb();
  process.env.ORB_TEST_FAKE_PASSWORD = 'tiger';
  dir = mkdtempSync(join(tmpdir(), 'orb-cdb-'));
});
afterEach(() => {
  delete process.env.ORB_TEST_FAKE_PASSWORD;
  rmSync(dir, { recursive: true, force: true });
});

describe('connecting', () => {
  test('reads secrets at connection time and maps the estate options to thin-mode attributes', async () => {
    const walletPw = join(dir, 'wallet.pw');
    writeFileSync(walletPw, 'w4llet\n');
    const p = port({
      ...cfg,
      privilege: 'SYSDBA',
      configDir: '/etc/orb/tns',
      walletLocation: '/etc/orb/wallet',
      walletPassword: { file: walletPw },
    });
    assert.equal(db.connects.length, 0, 'no connection before the first call');
    process.env.ORB_TEST_FAKE_PASSWORD = 'rotated';
    await p.countSessions('sales_rw');
    assert.deepEqual(db.connects, [
      {
        user: 'C##ORB',
        password: 'rotated',
        connectString: 'db1.example.com:1521/CDB1_ROOT',
        privilege: oracledb.SYSDBA,
        configDir: '/etc/orb/tns',
        walletLocation: '/etc/orb/wallet',
        walletPassword: 'w4llet',
      },
    ]);
  });

  test('privilege constants are node-oracledb’s', async () => {
    await port({ ...cfg, privilege: 'SYSOPER' }).countSessions('x');
    await port().countSessions('x');
    assert.equal(db.connects[0]!.privilege, oracledb.SYSOPER);
    assert.equal('privilege' in db.connects[1]!, false, 'no privilege unless configured');
    assert.deepEqual(Object.keys(db.connects[1]!).sort(), ['connectString', 'password', 'user']);
  });

  test('a missing secret is an InputError naming the field, and nothing connects', async () => {
    delete process.env.ORB_TEST_FAKE_PASSWORD;
    await assert.rejects(port().getFacts(), (e: unknown) => e instanceof InputError && /cdbs\.CDB1\.password/.test(e.message) && /ORB_TEST_FAKE_PASSWORD/.test(e.message));
    assert.equal(db.connects.length, 0);
  });

  test('each call uses its own connection, closed afterwards, even on error', async () => {
    db.on('SELECT i.INSTANCE_NAME, COUNT(*) AS SESSIONS FROM GV$SESSION s JOIN GV$INSTANCE i ON i.INST_ID = s.INST_ID WHERE s.SERVICE_NAME = :svc AND s.TYPE = \'USER\' GROUP BY i.INSTANCE_NAME ORDER BY i.INSTANCE_NAME', oraError(942, 'table or view does not exist'));
    const p = port();
    await assert.rejects(p.countSessions('a'));
    await p.getPlugInViolations('SALES');
    assert.equal(db.conns.length, 2);
    assert.ok(db.conns.every((c) => c.closed));
    assert.ok(db.conns.every((c) => c.closeOptions === undefined), 'not dropped');
  });
});

describe('getFacts', () => {
  const STATEMENTS = [
    'SELECT NAME, LOG_MODE, PLATFORM_ID, PLATFORM_NAME FROM V$DATABASE',
    'SELECT VERSION_FULL FROM V$INSTANCE',
    "SELECT PROPERTY_VALUE FROM DATABASE_PROPERTIES WHERE PROPERTY_NAME = 'LOCAL_UNDO_ENABLED'",
    'SELECT tp.ENDIAN_FORMAT FROM V$TRANSPORTABLE_PLATFORM tp JOIN V$DATABASE d ON d.PLATFORM_ID = tp.PLATFORM_ID',
    "SELECT PARAMETER, VALUE FROM NLS_DATABASE_PARAMETERS WHERE PARAMETER IN ('NLS_CHARACTERSET', 'NLS_NCHAR_CHARACTERSET')",
    'SELECT COMP_ID, STATUS FROM DBA_REGISTRY ORDER BY COMP_ID',
    "SELECT VALUE FROM V$PARAMETER WHERE NAME = 'db_create_file_dest'",
    'SELECT STATUS FROM V$ENCRYPTION_WALLET WHERE CON_ID IN (0, 1) ORDER BY CON_ID DESC',
  ];
  function seed() {
    db.on(STATEMENTS[0]!, [{ NAME: 'CDB1', LOG_MODE: 'ARCHIVELOG', PLATFORM_ID: 13, PLATFORM_NAME: 'Linux x86 64-bit' }])
      .on(STATEMENTS[1]!, [{ VERSION_FULL: '19.22.0.0.0' }])
      .on(STATEMENTS[2]!, [{ PROPERTY_VALUE: 'TRUE' }])
      .on(STATEMENTS[3]!, [{ ENDIAN_FORMAT: 'Little' }])
      .on(STATEMENTS[4]!, [
        { PARAMETER: 'NLS_NCHAR_CHARACTERSET', VALUE: 'AL16UTF16' },
        { PARAMETER: 'NLS_CHARACTERSET', VALUE: 'AL32UTF8' },
      ])
      .on(STATEMENTS[5]!, [
        { COMP_ID: 'CATALOG', STATUS: 'VALID' },
        { COMP_ID: 'OLS', STATUS: 'OPTION OFF' },
      ])
      .on(STATEMENTS[6]!, [{ VALUE: '+DATA' }])
      .on(STATEMENTS[7]!, [{ STATUS: 'OPEN' }]);
  }

  test('runs the documented prerequisite queries on one connection and maps them', async () => {
    seed();
    const facts = await port().getFacts();
    assert.deepEqual(db.sqls(), STATEMENTS);
    assert.ok(db.calls.every((c) => c.conn === 1 && Object.keys(c.binds).length === 0));
    assert.ok(db.calls.every((c) => c.options.outFormat === oracledb.OUT_FORMAT_OBJECT));
    assert.equal(db.conns[0]!.callTimeout, 120_000);
    assert.deepEqual(facts, {
      name: 'CDB1',
      version: '19.22.0.0.0',
      localUndo: true,
      logMode: 'ARCHIVELOG',
      platformId: 13,
      platformName: 'Linux x86 64-bit',
      endianFormat: 'Little',
      characterSet: 'AL32UTF8',
      ncharCharacterSet: 'AL16UTF16',
      options: [
        { compId: 'CATALOG', status: 'VALID' },
        { compId: 'OLS', status: 'OPTION OFF' },
      ],
      dbCreateFileDest: '+DATA',
      keystoreStatus: 'OPEN',
    });
  });

  test('no OMF and no keystore row read as null', async () => {
    seed();
    db.on(STATEMENTS[6]!, [{ VALUE: null }]).on(STATEMENTS[7]!, []);
    const facts = await port().getFacts();
    assert.equal(facts.dbCreateFileDest, null);
    assert.equal(facts.keystoreStatus, null);
  });

  test('falls back to V$INSTANCE.VERSION on a release without VERSION_FULL (ORA-00904)', async () => {
    seed();
    db.on(STATEMENTS[1]!, oraError(904, '"VERSION_FULL": invalid identifier')).on('SELECT VERSION FROM V$INSTANCE', [{ VERSION: '12.2.0.1.0' }]);
    db.on(STATEMENTS[2]!, [{ PROPERTY_VALUE: 'FALSE' }]).on(STATEMENTS[0]!, [{ NAME: 'CDB1', LOG_MODE: 'NOARCHIVELOG', PLATFORM_ID: 2, PLATFORM_NAME: 'Solaris[tm] OE (64-bit)' }]);
    db.on(STATEMENTS[3]!, [{ ENDIAN_FORMAT: 'Big' }]);
    const facts = await port().getFacts();
    assert.equal(facts.version, '12.2.0.1.0');
    assert.equal(facts.localUndo, false);
    assert.equal(facts.logMode, 'NOARCHIVELOG');
    assert.equal(facts.endianFormat, 'Big');
  });
});

describe('PDB state, links and users', () => {
  const PDB_SQL =
    'SELECT p.PDB_NAME, p.STATUS, v.OPEN_MODE, v.TOTAL_SIZE FROM CDB_PDBS p LEFT JOIN V$PDBS v ON v.CON_ID = p.PDB_ID WHERE p.PDB_NAME = :pdb';

  test('getPdb binds the canonical name and maps CDB_PDBS + V$PDBS', async () => {
    db.on(PDB_SQL, [{ PDB_NAME: 'SALES', STATUS: 'NORMAL', OPEN_MODE: 'READ WRITE', TOTAL_SIZE: 1073741824 }]);
    assert.deepEqual(await port().getPdb('sales'), { name: 'SALES', status: 'NORMAL', openMode: 'READ WRITE', totalSizeBytes: 1073741824 });
    assert.deepEqual(db.calls, [{ conn: 1, sql: PDB_SQL, binds: { pdb: 'SALES' }, options: OBJ }]);
  });

  test('getPdb: tombstone without V$PDBS row, and unknown PDB', async () => {
    db.on(PDB_SQL, (b) => (b.pdb === 'SALES' ? [{ PDB_NAME: 'SALES', STATUS: 'RELOCATED', OPEN_MODE: null, TOTAL_SIZE: null }] : []));
    assert.deepEqual(await port().getPdb('SALES'), { name: 'SALES', status: 'RELOCATED', openMode: null, totalSizeBytes: null });
    assert.equal(await port().getPdb('HR'), null);
  });

  const LINK_SQL =
    "SELECT DB_LINK, USERNAME, HOST FROM DBA_DB_LINKS WHERE (DB_LINK = :link OR DB_LINK LIKE :linkPrefix ESCAPE '\\') AND OWNER IN (SYS_CONTEXT('USERENV', 'CURRENT_USER'), 'PUBLIC') ORDER BY CASE WHEN DB_LINK = :link THEN 0 ELSE 1 END, CASE WHEN OWNER = 'PUBLIC' THEN 1 ELSE 0 END FETCH FIRST 1 ROWS ONLY";

  test('getDbLink matches the name or name.<domain>, escaping _ for LIKE', async () => {
    db.on(LINK_SQL, [{ DB_LINK: 'CDB1_LINK.EXAMPLE.COM', USERNAME: 'C##RELOC', HOST: 'db1:1521/CDB1' }]);
    assert.deepEqual(await port().getDbLink('cdb1_link'), { name: 'CDB1_LINK.EXAMPLE.COM', username: 'C##RELOC', host: 'db1:1521/CDB1' });
    assert.deepEqual(db.calls[0]!.binds, { link: 'CDB1_LINK', linkPrefix: 'CDB1\\_LINK.%' });
    db.on(LINK_SQL, []);
    assert.equal(await port().getDbLink('OTHER.EXAMPLE.COM'), null);
    assert.deepEqual(db.calls[1]!.binds, { link: 'OTHER.EXAMPLE.COM', linkPrefix: 'OTHER.EXAMPLE.COM.%' });
  });

  const USER_SQL = 'SELECT USERNAME, COMMON FROM CDB_USERS WHERE USERNAME = :username AND CON_ID = 1';
  // Direct grants, grants through the user's default roles and the roles granted to them
  // (recursively), and PUBLIC's, all in CDB$ROOT.
  const SYS_PRIVS_SQL =
    "WITH ROLE_TREE (ROLE_NAME) AS (SELECT GRANTED_ROLE FROM CDB_ROLE_PRIVS WHERE CON_ID = 1 AND ((GRANTEE = :username AND DEFAULT_ROLE = 'YES') OR GRANTEE = 'PUBLIC') UNION ALL SELECT rp.GRANTED_ROLE FROM CDB_ROLE_PRIVS rp JOIN ROLE_TREE t ON rp.GRANTEE = t.ROLE_NAME WHERE rp.CON_ID = 1) CYCLE ROLE_NAME SET IS_CYCLE TO 'Y' DEFAULT 'N' SELECT DISTINCT PRIVILEGE FROM CDB_SYS_PRIVS WHERE CON_ID = 1 AND (GRANTEE IN (:username, 'PUBLIC') OR GRANTEE IN (SELECT ROLE_NAME FROM ROLE_TREE)) ORDER BY PRIVILEGE";
  const PWFILE_SQL = 'SELECT SYSOPER FROM V$PWFILE_USERS WHERE USERNAME = :username';

  test('getUserPrivileges reads CDB_USERS, system privileges direct and through roles (root), and V$PWFILE_USERS', async () => {
    db.on(USER_SQL, [{ USERNAME: 'C##RELOC', COMMON: 'YES' }])
      .on(SYS_PRIVS_SQL, [{ PRIVILEGE: 'CREATE PLUGGABLE DATABASE' }, { PRIVILEGE: 'CREATE SESSION' }])
      .on(PWFILE_SQL, [{ SYSOPER: 'FALSE' }, { SYSOPER: 'TRUE' }]);
    assert.deepEqual(await port().getUserPrivileges('c##reloc'), {
      username: 'C##RELOC',
      exists: true,
      common: true,
      systemPrivileges: ['CREATE PLUGGABLE DATABASE', 'CREATE SESSION'],
      sysoper: true,
    });
    assert.deepEqual(db.calls, [
      { conn: 1, sql: USER_SQL, binds: { username: 'C##RELOC' }, options: OBJ },
      { conn: 1, sql: SYS_PRIVS_SQL, binds: { username: 'C##RELOC' }, options: OBJ },
      { conn: 1, sql: PWFILE_SQL, binds: { username: 'C##RELOC' }, options: OBJ },
    ]);
  });

  test('getUserPrivileges: privileges that reach the user only through roles count (the old direct-only read missed them)', async () => {
    // C##RELOC has no direct system privilege; CREATE SESSION comes from the CONNECT role and
    // CREATE PLUGGABLE DATABASE from C##RELOC_ROLE granted to C##PDB_ADMIN granted to the user.
    // The fake answers only the statement that walks the roles: the direct-only one is gone.
    db.on(USER_SQL, [{ USERNAME: 'C##RELOC', COMMON: 'YES' }])
      .on('SELECT PRIVILEGE FROM CDB_SYS_PRIVS WHERE GRANTEE = :username AND CON_ID = 1 ORDER BY PRIVILEGE', [])
      .on(SYS_PRIVS_SQL, (b) => (b.username === 'C##RELOC' ? [{ PRIVILEGE: 'CREATE PLUGGABLE DATABASE' }, { PRIVILEGE: 'CREATE SESSION' }, { PRIVILEGE: null }] : []))
      .on(PWFILE_SQL, [{ SYSOPER: 'TRUE' }]);
    const u = await port().getUserPrivileges('C##RELOC');
    assert.deepEqual(u.systemPrivileges, ['CREATE PLUGGABLE DATABASE', 'CREATE SESSION']);
    assert.ok(!db.sqls().some((q) => q.startsWith('SELECT PRIVILEGE FROM CDB_SYS_PRIVS WHERE GRANTEE = :username')));
    assert.ok(db.calls.every((c) => Object.keys(c.binds).length === 1 && c.binds.username === 'C##RELOC'), 'the user name is bound, never spliced');
    assert.ok(!db.sqls().some((q) => q.includes('C##RELOC')));
  });

  test('getUserPrivileges of an unknown user', async () => {
    assert.deepEqual(await port().getUserPrivileges('NOBODY'), { username: 'NOBODY', exists: false, common: false, systemPrivileges: [], sysoper: false });
  });
});

describe('relocation DDL', () => {
  test('SAVE STATE, OPEN, DROP: exact statements, no binds', async () => {
    const p = port();
    await p.savePdbState('sales');
    await p.openPdb('SALES');
    await p.dropPdb('SALES');
    assert.deepEqual(db.sqls(), [
      'ALTER PLUGGABLE DATABASE SALES SAVE STATE INSTANCES=ALL',
      'ALTER PLUGGABLE DATABASE SALES OPEN INSTANCES=ALL',
      'DROP PLUGGABLE DATABASE SALES INCLUDING DATAFILES',
    ]);
    assert.ok(db.calls.every((c) => Object.keys(c.binds).length === 0));
    assert.deepEqual(
      db.conns.map((c) => c.callTimeout),
      [120_000, 0, 0],
    );
  });

  test('CREATE PLUGGABLE DATABASE ... RELOCATE AVAILABILITY MAX | NORMAL', async () => {
    await port().createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'MAX' });
    await port().createPdbRelocate({ pdb: 'hr', dbLink: 'cdb1_link.example.com', availability: 'NORMAL' });
    assert.deepEqual(db.sqls(), [
      'CREATE PLUGGABLE DATABASE SALES FROM SALES@CDB1_LINK RELOCATE AVAILABILITY MAX',
      'CREATE PLUGGABLE DATABASE HR FROM HR@CDB1_LINK.EXAMPLE.COM RELOCATE AVAILABILITY NORMAL',
    ]);
    assert.equal(db.conns[0]!.callTimeout, 0, 'the copy may take hours');
  });

  test('the CREATE session is tagged MODULE orb, ACTION "relocate <PDB>", sent by a bounded ping before the CREATE', async () => {
    await port().createPdbRelocate({ pdb: 'sales', dbLink: 'CDB1_LINK', availability: 'MAX' });
    await port().createPdbRelocate({ pdb: 'HR', dbLink: 'CDB1_LINK', availability: 'NORMAL' });
    assert.deepEqual(db.conns[0]!.trips, [
      { trip: 'ping', module: 'orb', action: 'relocate SALES', callTimeout: 120_000 },
      { trip: 'execute', sql: 'CREATE PLUGGABLE DATABASE SALES FROM SALES@CDB1_LINK RELOCATE AVAILABILITY MAX', callTimeout: 0 },
    ]);
    assert.deepEqual(db.conns[1]!.trips[0], { trip: 'ping', module: 'orb', action: 'relocate HR', callTimeout: 120_000 });
    assert.deepEqual(db.conns[1]!.trips.length, 2);
    assert.deepEqual(db.calls[0]!.binds, {});
  });

  test('a failed ping (the tag cannot be sent) means no CREATE', async () => {
    const conn = db.getConnection;
    const err = Object.assign(new Error('NJS-500: connection to the Oracle Database was broken'), { code: 'NJS-500', errorNum: 0 });
    db.getConnection = async (opts) => {
      const c = (await conn(opts)) as FakeConnection;
      c.ping = async () => {
        throw err;
      };
      return c;
    };
    await assert.rejects(port().createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'MAX' }), (e) => e === err);
    assert.equal(db.calls.length, 0);
    assert.equal(db.conns[0]!.closed, true);
  });

  test('an unknown availability is refused before connecting', async () => {
    await assert.rejects(
      port().createPdbRelocate({ pdb: 'SALES', dbLink: 'L', availability: 'HIGH' as never }),
      (e: unknown) => e instanceof InputError && e.field === 'availability',
    );
    assert.equal(db.connects.length, 0);
  });

  test('the CREATE runs on its own connection while progress is polled on another; it resolves when the copy completes', async () => {
    const CREATE = 'CREATE PLUGGABLE DATABASE SALES FROM SALES@CDB1_LINK RELOCATE AVAILABILITY MAX';
    let finishCopy!: () => void;
    const copying = new Promise<unknown[]>((resolve) => (finishCopy = () => resolve([])));
    db.on(CREATE, () => copying)
      .on(SESSIONS_SQL, [{ INST_ID: 1, SID: 245, 'SERIAL#': 31337, ACTION: 'relocate SALES', STATUS: 'ACTIVE', LAST_CALL_ET: 30 }])
      .on(LONGOPS_SQL, [longop({ SOFAR: 1200, TOTALWORK: 4800, TIME_REMAINING: 90 })]);
    const p = port();
    let done = false;
    const create = p.createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'MAX' }).then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    const progress = await p.getCopyProgress();
    assert.equal(done, false, 'still copying');
    assert.deepEqual(progress, [{ sid: 245, target: 'SALES', sofar: 1200, totalwork: 4800, units: 'Blocks', elapsedSeconds: 30, timeRemainingSeconds: 90 }]);
    const createCall = db.calls.find((c) => c.sql === CREATE)!;
    const pollCalls = db.calls.filter((c) => c.sql === SESSIONS_SQL || c.sql === LONGOPS_SQL);
    assert.equal(pollCalls.length, 2);
    assert.ok(pollCalls.every((c) => c.conn !== createCall.conn && c.conn === pollCalls[0]!.conn));
    finishCopy();
    await create;
    assert.equal(done, true);
    assert.ok(db.conns.every((c) => c.closed));
  });

  test('a failed CREATE rejects with the node-oracledb error itself', async () => {
    const err = oraError(65035, 'unable to create pluggable database from SALES');
    db.on('CREATE PLUGGABLE DATABASE SALES FROM SALES@CDB1_LINK RELOCATE AVAILABILITY NORMAL', err);
    await assert.rejects(port().createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL' }), (e) => e === err);
    assert.equal((err as { errorNum?: number }).errorNum, 65035);
  });

  test('OPEN UPGRADE and CLOSE IMMEDIATE: exact statements, no call timeout', async () => {
    const p = port();
    await p.openPdb('SALES', 'UPGRADE');
    await p.closePdb('SALES');
    assert.deepEqual(db.sqls(), ['ALTER PLUGGABLE DATABASE SALES OPEN UPGRADE', 'ALTER PLUGGABLE DATABASE SALES CLOSE IMMEDIATE INSTANCES=ALL']);
    assert.deepEqual(db.conns.map((c) => c.callTimeout), [0, 0]);
  });

  test('FILE_NAME_CONVERT and KEYSTORE IDENTIFIED BY: clause order of create_pdb_clone, the password read at the last moment', async () => {
    process.env.ORB_TEST_KEYSTORE = 'Ks-Secret 1';
    await port({ ...cfg, keystorePassword: { env: 'ORB_TEST_KEYSTORE' } }).createPdbRelocate({
      pdb: 'SALES',
      dbLink: 'CDB1_LINK',
      availability: 'NORMAL',
      fileNameConvert: [['/u02/oradata/CDB1/', '/u03/oradata/CDB2/']],
      keystoreSecretRef: 'the keystore password of CDB1 (environment variable ORB_TEST_KEYSTORE)',
    });
    assert.deepEqual(db.sqls(), [
      'CREATE PLUGGABLE DATABASE SALES FROM SALES@CDB1_LINK FILE_NAME_CONVERT = (\'/u02/oradata/CDB1/\', \'/u03/oradata/CDB2/\') KEYSTORE IDENTIFIED BY "Ks-Secret 1" RELOCATE AVAILABILITY NORMAL',
    ]);
  });

  test('a keystore password that cannot be quoted, or none at all, is refused before the CREATE', async () => {
    process.env.ORB_TEST_KEYSTORE = 'bad"quote';
    const args = { pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL' as const, keystoreSecretRef: 'x' };
    await assert.rejects(port({ ...cfg, keystorePassword: { env: 'ORB_TEST_KEYSTORE' } }).createPdbRelocate(args), (e: unknown) => e instanceof InputError && /double quote/.test(e.message));
    await assert.rejects(port().createPdbRelocate(args), (e: unknown) => e instanceof InputError && e.field === 'cdbs.CDB1.keystorePassword');
    assert.equal(db.calls.filter((c) => c.sql.startsWith('CREATE')).length, 0);
  });

  test('a FILE_NAME_CONVERT pattern with a quote never reaches the SQL text', async () => {
    await assert.rejects(
      port().createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL', fileNameConvert: [["/u02/x'); DROP TABLESPACE USERS; --", '/u03/']] }),
      (e: unknown) => e instanceof InputError && e.field === 'fileNameConvert[0][0]',
    );
    assert.equal(db.connects.length, 0);
  });

  test('getPdbStorage reads encrypted tablespaces and datafiles of the PDB, bound by name', async () => {
    db.on(PDB_ENCRYPTED_TABLESPACES_SQL, [{ TABLESPACE_NAME: 'USERS' }]).on(PDB_DATAFILES_SQL, [{ FILE_NAME: '/u02/oradata/CDB1/SALES/users01.dbf' }]);
    assert.deepEqual(await port().getPdbStorage('sales'), { encryptedTablespaces: ['USERS'], datafiles: ['/u02/oradata/CDB1/SALES/users01.dbf'] });
    assert.ok(db.calls.every((c) => c.binds.pdb === 'SALES'));
  });

  test('getPlugInViolations binds the PDB name and maps rows', async () => {
    const SQL = "SELECT TYPE, MESSAGE, STATUS, CAUSE, ACTION FROM PDB_PLUG_IN_VIOLATIONS WHERE NAME = :pdb AND STATUS <> 'RESOLVED' ORDER BY TIME";
    db.on(SQL, [{ TYPE: 'WARNING', MESSAGE: 'Database option OLS mismatch', STATUS: 'PENDING', CAUSE: 'OPTION', ACTION: null }]);
    assert.deepEqual(await port().getPlugInViolations('SALES'), [
      { type: 'WARNING', message: 'Database option OLS mismatch', status: 'PENDING', cause: 'OPTION', action: null },
    ]);
    assert.deepEqual(db.calls[0]!.binds, { pdb: 'SALES' });
  });
});

const SESSIONS_SQL =
  'SELECT INST_ID, SID, SERIAL#, ACTION, STATUS, LAST_CALL_ET FROM GV$SESSION WHERE MODULE = :module AND ACTION LIKE :action ORDER BY INST_ID, SID';
const LONGOPS_SQL =
  'SELECT INST_ID, SID, SERIAL#, TARGET, SOFAR, TOTALWORK, UNITS, ELAPSED_SECONDS, TIME_REMAINING FROM GV$SESSION_LONGOPS WHERE OPNAME = :opname ORDER BY INST_ID, SID, SERIAL#, START_TIME, LAST_UPDATE_TIME';
/** A GV$SESSION_LONGOPS row of a copy task, as node-oracledb returns it (OUT_FORMAT_OBJECT). */
function longop(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { INST_ID: 1, SID: 245, 'SERIAL#': 31337, TARGET: null, SOFAR: 0, TOTALWORK: 0, UNITS: 'Blocks', ELAPSED_SECONDS: 0, TIME_REMAINING: null, ...extra };
}
function session(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { INST_ID: 1, SID: 245, 'SERIAL#': 31337, ACTION: 'relocate SALES', STATUS: 'ACTIVE', LAST_CALL_ET: 0, ...extra };
}

describe('getCopyProgress', () => {
  test('reads tagged sessions then copy-task rows, on one connection, everything bound', async () => {
    assert.deepEqual(await port().getCopyProgress(), []);
    assert.deepEqual(db.calls, [
      { conn: 1, sql: SESSIONS_SQL, binds: { module: 'orb', action: 'relocate %' }, options: OBJ },
      { conn: 1, sql: LONGOPS_SQL, binds: { opname: 'kpdbfCopyTaskCbk' }, options: OBJ },
    ]);
    assert.equal(db.conns[0]!.callTimeout, 120_000);
  });

  test('a tagged session with no copy-task row yet is a copy under way: 0 of 0, no estimate', async () => {
    db.on(SESSIONS_SQL, [session({ LAST_CALL_ET: 4 })]);
    assert.deepEqual(await port().getCopyProgress(), [
      { sid: 245, target: 'SALES', sofar: 0, totalwork: 0, units: null, elapsedSeconds: 4, timeRemainingSeconds: null },
    ]);
  });

  test('a tagged session sums its own copy-task rows (finished files and the running one); other sessions’ rows do not count', async () => {
    db.on(SESSIONS_SQL, [session({ LAST_CALL_ET: 620 })]).on(LONGOPS_SQL, [
      // an earlier session that had the same SID (other SERIAL#): not this copy, and finished
      longop({ 'SERIAL#': 17, SOFAR: 999, TOTALWORK: 999, ELAPSED_SECONDS: 50 }),
      // this copy: file 1 done, file 2 running
      longop({ SOFAR: 6400, TOTALWORK: 6400, ELAPSED_SECONDS: 400, TIME_REMAINING: 0 }),
      longop({ SOFAR: 1000, TOTALWORK: 3000, ELAPSED_SECONDS: 200, TIME_REMAINING: 400 }),
    ]);
    assert.deepEqual(await port().getCopyProgress(), [
      { sid: 245, target: 'SALES', sofar: 7400, totalwork: 9400, units: 'Blocks', elapsedSeconds: 620, timeRemainingSeconds: 400 },
    ]);
  });

  test('between copy tasks and during the redo phase (all rows finished) the tagged copy is still reported', async () => {
    db.on(SESSIONS_SQL, [session({ LAST_CALL_ET: 900 })]).on(LONGOPS_SQL, [
      longop({ SOFAR: 6400, TOTALWORK: 6400, TIME_REMAINING: 0 }),
      longop({ SOFAR: 3000, TOTALWORK: 3000, TIME_REMAINING: 0 }),
    ]);
    assert.deepEqual(await port().getCopyProgress(), [
      { sid: 245, target: 'SALES', sofar: 9400, totalwork: 9400, units: 'Blocks', elapsedSeconds: 900, timeRemainingSeconds: null },
    ]);
  });

  test('only rows in the latest row’s units are summed', async () => {
    db.on(SESSIONS_SQL, [session()]).on(LONGOPS_SQL, [
      longop({ SOFAR: 5, TOTALWORK: 5, UNITS: 'Files' }),
      longop({ SOFAR: 100, TOTALWORK: 400, UNITS: 'Blocks', TIME_REMAINING: 30 }),
    ]);
    const [p] = await port().getCopyProgress();
    assert.deepEqual([p!.sofar, p!.totalwork, p!.units], [100, 400, 'Blocks']);
  });

  test('sessions are matched by instance too (RAC): the CREATE may run on another instance than the poll', async () => {
    db.on(SESSIONS_SQL, [session({ INST_ID: 2, SID: 88, 'SERIAL#': 5, ACTION: 'relocate HR', LAST_CALL_ET: 12 })]).on(LONGOPS_SQL, [
      // instance 1, same SID and SERIAL# by coincidence, a copy started by hand: reported on its own
      longop({ INST_ID: 1, SID: 88, 'SERIAL#': 5, TARGET: 'SALES', SOFAR: 10, TOTALWORK: 20, ELAPSED_SECONDS: 7, TIME_REMAINING: 7 }),
      longop({ INST_ID: 2, SID: 88, 'SERIAL#': 5, SOFAR: 300, TOTALWORK: 1000, TIME_REMAINING: 60 }),
    ]);
    assert.deepEqual(await port().getCopyProgress(), [
      { sid: 88, target: 'HR', sofar: 300, totalwork: 1000, units: 'Blocks', elapsedSeconds: 12, timeRemainingSeconds: 60 },
      { sid: 88, target: 'SALES', sofar: 10, totalwork: 20, units: 'Blocks', elapsedSeconds: 7, timeRemainingSeconds: 7 },
    ]);
  });

  test('copies orb did not tag (a CREATE by hand) are still reported row by row with their TARGET, running rows only, after the tagged ones', async () => {
    db.on(SESSIONS_SQL, [session({ SID: 300, ACTION: 'relocate SALES', STATUS: 'INACTIVE', LAST_CALL_ET: 3 })]).on(LONGOPS_SQL, [
      longop({ SID: 12, 'SERIAL#': 9, TARGET: null, SOFAR: 1200, TOTALWORK: 4800, ELAPSED_SECONDS: 30, TIME_REMAINING: 90 }),
      longop({ SID: 13, 'SERIAL#': 4, TARGET: 'CDB2.HR', SOFAR: 10, TOTALWORK: 10, ELAPSED_SECONDS: 30, TIME_REMAINING: 0 }),
      longop({ SID: 14, 'SERIAL#': 4, TARGET: 'CDB2.FIN', SOFAR: '5', TOTALWORK: '50', UNITS: null, ELAPSED_SECONDS: '8', TIME_REMAINING: null }),
    ]);
    assert.deepEqual(await port().getCopyProgress(), [
      // INACTIVE (between the ping and the CREATE): LAST_CALL_ET is idle time, not copy time
      { sid: 300, target: 'SALES', sofar: 0, totalwork: 0, units: null, elapsedSeconds: 0, timeRemainingSeconds: null },
      { sid: 12, target: null, sofar: 1200, totalwork: 4800, units: 'Blocks', elapsedSeconds: 30, timeRemainingSeconds: 90 },
      { sid: 14, target: 'CDB2.FIN', sofar: 5, totalwork: 50, units: null, elapsedSeconds: 8, timeRemainingSeconds: null },
    ]);
  });

  test('an ACTION with no PDB after the prefix gives target null (any PDB: the cautious reading)', async () => {
    db.on(SESSIONS_SQL, [session({ ACTION: 'relocate ' })]);
    const [p] = await port().getCopyProgress();
    assert.equal(p!.target, null);
  });
});

describe('services', () => {
  const SERVICES_SQL =
    'SELECT s.NAME, s.NETWORK_NAME, c.NAME AS PDB, s.FAILOVER_TYPE, s.FAILOVER_METHOD, s.FAILOVER_RETRIES, s.FAILOVER_DELAY, s.FAILOVER_RESTORE, s.COMMIT_OUTCOME, s.SESSION_STATE_CONSISTENCY, s.REPLAY_INITIATION_TIMEOUT, s.RETENTION_TIMEOUT, s.DRAIN_TIMEOUT, s.STOP_OPTION, s.AQ_HA_NOTIFICATIONS FROM CDB_SERVICES s JOIN V$CONTAINERS c ON c.CON_ID = s.CON_ID WHERE c.NAME = :pdb ORDER BY s.NAME';
  const ACTIVE_SQL =
    'SELECT a.NAME, i.INSTANCE_NAME FROM GV$ACTIVE_SERVICES a JOIN GV$INSTANCE i ON i.INST_ID = a.INST_ID JOIN V$CONTAINERS c ON c.CON_ID = a.CON_ID WHERE c.NAME = :pdb ORDER BY a.NAME, i.INSTANCE_NAME';
  const DOMAIN_SQL = "SELECT VALUE FROM V$PARAMETER WHERE NAME = 'db_domain'";
  const svcRow = (name: string, network: string | null, extra: Record<string, unknown> = {}) => ({
    NAME: name,
    NETWORK_NAME: network,
    PDB: 'SALES',
    FAILOVER_TYPE: null,
    FAILOVER_METHOD: null,
    FAILOVER_RETRIES: null,
    FAILOVER_DELAY: null,
    FAILOVER_RESTORE: null,
    COMMIT_OUTCOME: 'NO',
    SESSION_STATE_CONSISTENCY: null,
    REPLAY_INITIATION_TIMEOUT: null,
    RETENTION_TIMEOUT: null,
    DRAIN_TIMEOUT: null,
    STOP_OPTION: null,
    AQ_HA_NOTIFICATIONS: 'NO',
    ...extra,
  });

  test('listServices maps CDB_SERVICES, where they run, and which one is the default', async () => {
    db.on(SERVICES_SQL, [
      svcRow('sales.example.com', 'sales.example.com'),
      svcRow('sales_ac', 'sales_ac.example.com', {
        FAILOVER_TYPE: 'TRANSACTION',
        FAILOVER_METHOD: 'NONE',
        FAILOVER_RETRIES: 30,
        FAILOVER_DELAY: 10,
        FAILOVER_RESTORE: 'LEVEL1',
        COMMIT_OUTCOME: 'YES',
        SESSION_STATE_CONSISTENCY: 'DYNAMIC',
        REPLAY_INITIATION_TIMEOUT: 900,
        RETENTION_TIMEOUT: 86400,
        DRAIN_TIMEOUT: 300,
        STOP_OPTION: 'TRANSACTIONAL',
        AQ_HA_NOTIFICATIONS: 'YES',
      }),
    ])
      .on(ACTIVE_SQL, [
        { NAME: 'sales.example.com', INSTANCE_NAME: 'cdb2_1' },
        { NAME: 'sales_ac', INSTANCE_NAME: 'cdb2_1' },
        { NAME: 'sales_ac', INSTANCE_NAME: 'cdb2_2' },
      ])
      .on(DOMAIN_SQL, [{ VALUE: 'example.com' }]);
    const services = await port().listServices('sales');
    assert.deepEqual(db.sqls(), [SERVICES_SQL, ACTIVE_SQL, DOMAIN_SQL]);
    assert.deepEqual(db.calls[0]!.binds, { pdb: 'SALES' });
    assert.deepEqual(db.calls[1]!.binds, { pdb: 'SALES' });
    assert.deepEqual(services, [
      {
        name: 'sales.example.com',
        networkName: 'sales.example.com',
        pdb: 'SALES',
        runningOn: ['cdb2_1'],
        isDefault: true,
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
      },
      {
        name: 'sales_ac',
        networkName: 'sales_ac.example.com',
        pdb: 'SALES',
        runningOn: ['cdb2_1', 'cdb2_2'],
        isDefault: false,
        failoverType: 'TRANSACTION',
        failoverMethod: 'NONE',
        failoverRetries: 30,
        failoverDelay: 10,
        failoverRestore: 'LEVEL1',
        commitOutcome: true,
        sessionStateConsistency: 'DYNAMIC',
        replayInitiationTimeout: 900,
        retentionTimeout: 86400,
        drainTimeout: 300,
        stopOption: 'TRANSACTIONAL',
        aqHaNotifications: true,
      },
    ]);
  });

  test('default service without db_domain: the lower-case PDB name; a look-alike is not default', async () => {
    db.on(SERVICES_SQL, [svcRow('sales', 'sales'), svcRow('sales.app', 'sales.app'), svcRow('sales_rw', 'sales_rw')]).on(DOMAIN_SQL, [{ VALUE: null }]);
    const services = await port().listServices('SALES');
    assert.deepEqual(
      services.map((s) => [s.name, s.isDefault, s.runningOn]),
      [
        ['sales', true, []],
        ['sales.app', false, []],
        ['sales_rw', false, []],
      ],
    );
  });

  test('startService switches into the PDB, calls START_SERVICE with binds, and switches back', async () => {
    await port().startService('sales', 'sales_rw');
    await port().startService('SALES', 'sales_rw', 'cdb2_1');
    assert.deepEqual(db.calls, [
      { conn: 1, sql: 'ALTER SESSION SET CONTAINER = SALES', binds: {}, options: {} },
      { conn: 1, sql: 'BEGIN DBMS_SERVICE.START_SERVICE(service_name => :svc, instance_name => DBMS_SERVICE.ALL_INSTANCES); END;', binds: { svc: 'sales_rw' }, options: {} },
      { conn: 1, sql: 'ALTER SESSION SET CONTAINER = CDB$ROOT', binds: {}, options: {} },
      { conn: 2, sql: 'ALTER SESSION SET CONTAINER = SALES', binds: {}, options: {} },
      { conn: 2, sql: 'BEGIN DBMS_SERVICE.START_SERVICE(service_name => :svc, instance_name => :inst); END;', binds: { svc: 'sales_rw', inst: 'cdb2_1' }, options: {} },
      { conn: 2, sql: 'ALTER SESSION SET CONTAINER = CDB$ROOT', binds: {}, options: {} },
    ]);
  });

  test('stopService: stop option constant from the whitelist, drain timeout bound', async () => {
    await port().stopService('SALES', 'sales_rw', { stopOption: 'NONE', drainTimeoutSeconds: 300 });
    assert.equal(
      db.calls[1]!.sql,
      'BEGIN DBMS_SERVICE.STOP_SERVICE(service_name => :svc, instance_name => DBMS_SERVICE.ALL_INSTANCES, stop_option => DBMS_SERVICE.STOP_OPTION_NONE, drain_timeout => :drain); END;',
    );
    assert.deepEqual(db.calls[1]!.binds, { svc: 'sales_rw', drain: 300 });
    assert.equal(db.conns[0]!.callTimeout, 300_000 + 120_000);
    assert.deepEqual(
      [db.calls[0]!.sql, db.calls[2]!.sql],
      ['ALTER SESSION SET CONTAINER = SALES', 'ALTER SESSION SET CONTAINER = CDB$ROOT'],
    );

    await port().stopService('SALES', 'sales_rw', { stopOption: 'IMMEDIATE', drainTimeoutSeconds: 0, instance: 'cdb2_2' });
    await port().stopService('SALES', 'sales_rw', { stopOption: 'TRANSACTIONAL', drainTimeoutSeconds: 60 });
    assert.equal(
      db.calls[4]!.sql,
      'BEGIN DBMS_SERVICE.STOP_SERVICE(service_name => :svc, instance_name => :inst, stop_option => DBMS_SERVICE.STOP_OPTION_IMMEDIATE, drain_timeout => :drain); END;',
    );
    assert.deepEqual(db.calls[4]!.binds, { svc: 'sales_rw', drain: 0, inst: 'cdb2_2' });
    assert.equal(
      db.calls[7]!.sql,
      'BEGIN DBMS_SERVICE.STOP_SERVICE(service_name => :svc, instance_name => DBMS_SERVICE.ALL_INSTANCES, stop_option => DBMS_SERVICE.STOP_OPTION_TRANSACTIONAL, drain_timeout => :drain); END;',
    );
  });

  test('stopService refuses an unknown stop option or a bad drain timeout before connecting', async () => {
    for (const stopOption of ['ABORT', "NONE'); DROP", '__proto__', 'toString']) {
      await assert.rejects(port().stopService('SALES', 's', { stopOption: stopOption as never, drainTimeoutSeconds: 1 }), InputError);
    }
    for (const drainTimeoutSeconds of [-1, 1.5, Number.NaN, '10' as never]) {
      await assert.rejects(port().stopService('SALES', 's', { stopOption: 'NONE', drainTimeoutSeconds }), InputError);
    }
    assert.equal(db.connects.length, 0);
  });

  test('disconnectSessions uses the DBMS_SERVICE number constants, never string literals', async () => {
    for (const option of ['POST_TRANSACTION', 'IMMEDIATE', 'NOREPLAY'] as const) {
      await port().disconnectSessions('SALES', 'sales_rw', option);
    }
    assert.deepEqual(
      db.calls.filter((c) => c.sql.startsWith('BEGIN')).map((c) => [c.sql, c.binds]),
      [
        ['BEGIN DBMS_SERVICE.DISCONNECT_SESSION(service_name => :svc, disconnect_option => DBMS_SERVICE.POST_TRANSACTION); END;', { svc: 'sales_rw' }],
        ['BEGIN DBMS_SERVICE.DISCONNECT_SESSION(service_name => :svc, disconnect_option => DBMS_SERVICE.IMMEDIATE); END;', { svc: 'sales_rw' }],
        ['BEGIN DBMS_SERVICE.DISCONNECT_SESSION(service_name => :svc, disconnect_option => DBMS_SERVICE.NOREPLAY); END;', { svc: 'sales_rw' }],
      ],
    );
    assert.equal(db.calls.filter((c) => c.sql === 'ALTER SESSION SET CONTAINER = CDB$ROOT').length, 3);
    assert.ok(db.conns.every((c) => c.callTimeout === 0), 'DISCONNECT_SESSION returns only when the sessions are gone');
    await assert.rejects(port().disconnectSessions('SALES', 'x', 'KILL' as never), InputError);
  });

  test('a failing DBMS_SERVICE call still switches the container back, and its error propagates unchanged', async () => {
    const err = oraError(44304, 'service sales_rw does not exist');
    db.on('BEGIN DBMS_SERVICE.START_SERVICE(service_name => :svc, instance_name => DBMS_SERVICE.ALL_INSTANCES); END;', err);
    await assert.rejects(port().startService('SALES', 'sales_rw'), (e) => e === err);
    assert.deepEqual(db.sqls().at(-1), 'ALTER SESSION SET CONTAINER = CDB$ROOT');
    assert.equal(db.conns[0]!.closed, true);
    assert.equal(db.conns[0]!.closeOptions, undefined);
  });

  test('when switching back to CDB$ROOT fails, the connection is dropped, not reused', async () => {
    db.on('ALTER SESSION SET CONTAINER = CDB$ROOT', oraError(65011, 'Pluggable database CDB$ROOT does not exist.'));
    await port().startService('SALES', 'sales_rw');
    assert.deepEqual(db.conns[0]!.closeOptions, { drop: true });
    const err = oraError(44773, 'Cannot perform requested service operation. Pluggable database SALES is closed.');
    db.on('BEGIN DBMS_SERVICE.START_SERVICE(service_name => :svc, instance_name => DBMS_SERVICE.ALL_INSTANCES); END;', err);
    await assert.rejects(port().startService('SALES', 'sales_rw'), (e) => e === err, 'the first error is the one reported');
    assert.deepEqual(db.conns[1]!.closeOptions, { drop: true });
  });

  test('a failing switch into the container does not run the PL/SQL', async () => {
    const err = oraError(65011, 'Pluggable database SALES does not exist.');
    db.on('ALTER SESSION SET CONTAINER = SALES', err);
    await assert.rejects(port().stopService('SALES', 's', { stopOption: 'NONE', drainTimeoutSeconds: 0 }), (e) => e === err);
    assert.deepEqual(db.sqls(), ['ALTER SESSION SET CONTAINER = SALES']);
  });

  test('countSessions counts USER sessions per instance', async () => {
    const SQL =
      "SELECT i.INSTANCE_NAME, COUNT(*) AS SESSIONS FROM GV$SESSION s JOIN GV$INSTANCE i ON i.INST_ID = s.INST_ID WHERE s.SERVICE_NAME = :svc AND s.TYPE = 'USER' GROUP BY i.INSTANCE_NAME ORDER BY i.INSTANCE_NAME";
    db.on(SQL, [
      { INSTANCE_NAME: 'cdb1_1', SESSIONS: 12 },
      { INSTANCE_NAME: 'cdb1_2', SESSIONS: 0 },
    ]);
    assert.deepEqual(await port().countSessions('sales_rw'), [
      { instance: 'cdb1_1', count: 12 },
      { instance: 'cdb1_2', count: 0 },
    ]);
    assert.deepEqual(db.calls, [{ conn: 1, sql: SQL, binds: { svc: 'sales_rw' }, options: OBJ }]);
  });
});

describe('identifiers are re-validated before any SQL', () => {
  const BAD_PDBS = ['SALES; DROP PLUGGABLE DATABASE HR INCLUDING DATAFILES', '"X"', 'SALES--', 'SALES@L', '1SALES', 'TABLE', 'SAL$ES', '', 'A'.repeat(31)];
  const BAD_LINKS = ['L; DROP', 'L@X', '"L"', 'L..X', 'L/*', 'SELECT'];

  test('bad PDB names are refused by every method that takes one', async () => {
    const p = port();
    for (const bad of BAD_PDBS) {
      const attempts: Promise<unknown>[] = [
        p.getPdb(bad),
        p.savePdbState(bad),
        p.createPdbRelocate({ pdb: bad, dbLink: 'CDB1_LINK', availability: 'MAX' }),
        p.openPdb(bad),
        p.dropPdb(bad),
        p.getPlugInViolations(bad),
        p.listServices(bad),
        p.startService(bad, 'svc'),
        p.stopService(bad, 'svc', { stopOption: 'NONE', drainTimeoutSeconds: 0 }),
        p.disconnectSessions(bad, 'svc', 'IMMEDIATE'),
      ];
      for (const a of attempts) await assert.rejects(a, InputError, `accepted ${JSON.stringify(bad)}`);
    }
    assert.equal(db.connects.length, 0);
    assert.equal(db.calls.length, 0);
  });

  test('bad link names, service names, instance names and user names are refused', async () => {
    const p = port();
    for (const bad of BAD_LINKS) {
      await assert.rejects(p.createPdbRelocate({ pdb: 'SALES', dbLink: bad, availability: 'MAX' }), InputError, bad);
      await assert.rejects(p.getDbLink(bad), InputError, bad);
    }
    for (const bad of ["svc'; END; --", 'a b', '', '-svc']) {
      await assert.rejects(p.startService('SALES', bad), InputError, bad);
      await assert.rejects(p.countSessions(bad), InputError, bad);
    }
    await assert.rejects(p.startService('SALES', 'svc', "i'); DROP"), InputError);
    await assert.rejects(p.stopService('SALES', 'svc', { instance: 'a b', stopOption: 'NONE', drainTimeoutSeconds: 0 }), InputError);
    await assert.rejects(p.getUserPrivileges("X' OR '1'='1"), InputError);
    assert.equal(db.connects.length, 0);
  });
});

describe('close', () => {
  test('interrupts and drops connections still in use', async () => {
    db.on('DROP PLUGGABLE DATABASE SALES INCLUDING DATAFILES', () => new Promise<unknown[]>(() => undefined));
    const p = port();
    void p.dropPdb('SALES').catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    await p.close();
    assert.equal(db.conns[0]!.broke, true);
    assert.deepEqual(db.conns[0]!.closeOptions, { drop: true });
  });
});
