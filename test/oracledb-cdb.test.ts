import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import oracledb from 'oracledb';
import { oracledbCdb, PDB_DATAFILES_SQL, PDB_ENCRYPTED_TABLESPACES_SQL, type ConnectionLike } from '../activities/oracle/oracledb-cdb';
import type { OracledbCdbConfig, ConnectOptions } from '../activities/oracle/oracledb-connect';
import {
  closeOracledbPools,
  POOL_DRAIN_S,
  type PoolAttributes,
  type PoolLike,
} from '../activities/oracle/oracledb-pool';
import { isConnectionLost, toActivityError } from '../common/oracle-errors';
import { SESSION_STATE_SQL } from '../activities/oracle/session-state';
import { InputError } from '../common/input-error';
import { classifyOracleError } from '../common/oracle-errors';

/** A recorded execute() call. */
interface Call {
  conn: number;
  sql: string;
  binds: Record<string, unknown>;
  options: Record<string, unknown>;
}

type Response =
  | unknown[]
  | Error
  | ((binds: Record<string, unknown>, conn: FakeConnection) => unknown[] | Error | Promise<unknown[]>);

/**
 * What the server session saw for one statement (the session set-up included): whether orb's NLS
 * settings were in force and the MODULE / ACTION the session carried, as V$SESSION would show.
 */
interface Seen {
  conn: number;
  sql: string;
  nls: boolean;
  module: string | null;
  action: string | null;
}

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
  clientInfo?: string;
  callTimeout: number;
}

class FakeConnection implements ConnectionLike {
  callTimeout = -1;
  closed = false;
  closeOptions: unknown = 'not closed';
  broke = false;
  /** The socket is gone: every round trip fails as node-oracledb thin reports it (NJS-500). */
  socketBroken = false;
  trips: Trip[] = [];
  /** Server-side session state. */
  readonly session: { nls: boolean; module: string | null; action: string | null } = {
    nls: false,
    module: null,
    action: null,
  };
  private pending: { module?: string; action?: string; clientInfo?: string } = {};
  constructor(
    readonly id: number,
    private readonly db: FakeDb,
    readonly pool: FakePool | null = null,
  ) {}
  set module(v: string) {
    this.pending.module = v;
  }
  set action(v: string) {
    this.pending.action = v;
  }
  set clientInfo(v: string) {
    this.pending.clientInfo = v;
  }
  private trip(trip: Trip['trip'], sql?: string) {
    if (this.socketBroken) throw brokenSocket();
    this.trips.push({ trip, ...(sql !== undefined ? { sql } : {}), ...this.pending, callTimeout: this.callTimeout });
    // Thin mode sends ACTION again (empty unless set) whenever MODULE is set.
    if (this.pending.module !== undefined) this.session.action = this.pending.action ?? '';
    if (this.pending.module !== undefined) this.session.module = this.pending.module;
    if (this.pending.action !== undefined) this.session.action = this.pending.action;
    this.pending = {};
  }
  async ping() {
    assert.equal(this.closed, false, 'ping on a closed connection');
    this.trip('ping');
  }
  async execute(sql: string, binds: Record<string, unknown> = {}, options: Record<string, unknown> = {}) {
    assert.equal(this.closed, false, 'execute on a closed connection');
    this.trip('execute', sql);
    if (sql === SESSION_STATE_SQL) this.session.nls = true;
    this.db.seen.push({ conn: this.id, sql, ...this.session });
    // db.calls: orb's own statements; the session set-up shows in trips and db.seen.
    if (sql !== SESSION_STATE_SQL) this.db.calls.push({ conn: this.id, sql, binds, options });
    const r = this.db.responses.get(sql);
    const value = typeof r === 'function' ? await r(binds, this) : r;
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
    this.pool?.release(this, args[0]?.drop === true);
  }
  async break() {
    this.broke = true;
  }
}

/** node-oracledb thin mode's error for a connection whose socket is gone. */
function brokenSocket(): Error {
  return Object.assign(
    new Error('NJS-500: connection to the Oracle Database was broken\nORA-03113: end-of-file on communication channel'),
    { code: 'NJS-500', errorNum: 3113, offset: 0, isRecoverable: true },
  );
}

/**
 * A pool as node-oracledb thin mode runs one (lib/pool.js, lib/thin/pool.js in 6.10): a released
 * connection is reused as is; a new session goes through sessionCallback before getConnection()
 * returns (no tag requested), and is dropped if the callback fails; a connection closed with
 * { drop: true }, or whose socket is gone, is not taken back.
 */
class FakePool implements PoolLike {
  free: FakeConnection[] = [];
  /** The drain time close() was called with; false while open. */
  closedWith: number | false = false;
  constructor(
    private readonly db: FakeDb,
    readonly attrs: PoolAttributes,
  ) {}
  async getConnection(): Promise<ConnectionLike> {
    assert.equal(this.closedWith, false, 'getConnection on a closed pool');
    const reused = this.free.pop();
    if (reused) {
      reused.closed = false;
      reused.closeOptions = 'not closed';
      return reused;
    }
    const c = this.db.newConnection(this);
    const callback = this.attrs.sessionCallback as (c: unknown, tag: string, done: (e?: unknown) => void) => void;
    try {
      await new Promise<void>((resolve, reject) => callback(c, '', (e) => (e ? reject(e) : resolve())));
    } catch (e) {
      await c.close({ drop: true });
      throw e;
    }
    return c;
  }
  release(c: FakeConnection, drop: boolean): void {
    if (!drop && !c.socketBroken) this.free.push(c);
  }
  async close(drainTime: number): Promise<void> {
    this.closedWith = drainTime;
  }
}

class FakeDb {
  calls: Call[] = [];
  seen: Seen[] = [];
  connects: ConnectOptions[] = [];
  conns: FakeConnection[] = [];
  pools: FakePool[] = [];
  responses = new Map<string, Response>();
  newConnection(pool: FakePool | null = null): FakeConnection {
    const c = new FakeConnection(this.conns.length + 1, this, pool);
    this.conns.push(c);
    return c;
  }
  getConnection = async (opts: ConnectOptions): Promise<ConnectionLike> => {
    this.connects.push(opts);
    return this.newConnection();
  };
  createPool = async (attrs: PoolAttributes): Promise<PoolLike> => {
    const p = new FakePool(this, attrs);
    this.pools.push(p);
    return p;
  };
  on(sql: string, response: Response): this {
    this.responses.set(sql, response);
    return this;
  }
  sqls(): string[] {
    return this.calls.map((c) => c.sql);
  }
}

/** The connection attributes of a pool (its sizing and callback left out). */
function connectAttrs(attrs: PoolAttributes): Record<string, unknown> {
  const { poolMin, poolMax, poolIncrement, poolTimeout, poolPingInterval, sessionCallback, ...rest } = attrs;
  assert.equal(poolMin, 0);
  assert.ok(poolMax !== undefined && poolMax > 0 && poolIncrement === 1 && poolTimeout! > 0 && poolPingInterval! > 0);
  assert.equal(typeof sessionCallback, 'function');
  return rest;
}

/** An error shaped like node-oracledb's (thin mode). */
function oraError(errorNum: number, text: string): Error {
  const code = `ORA-${String(errorNum).padStart(5, '0')}`;
  return Object.assign(new Error(`${code}: ${text}`), { errorNum, code, offset: 0, isRecoverable: false });
}

const OBJ = { outFormat: oracledb.OUT_FORMAT_OBJECT };
/** An orb run tag (copy-progress.ts runTagOf). */
const RUN = '0123456789abcdef';

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
  return oracledbCdb('CDB1', c, { getConnection: db.getConnection, createPool: db.createPool });
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
  test('reads secrets at connection time and maps the estate options to thin-mode attributes (pool and standalone)', async () => {
    const walletPw = join(dir, 'wallet.pw');
    writeFileSync(walletPw, 'w4llet\n');
    const p = port({
      ...cfg,
      privilege: 'SYSDBA',
      configDir: '/etc/orb/tns',
      walletLocation: '/etc/orb/wallet',
      walletPassword: { file: walletPw },
    });
    assert.equal(db.pools.length + db.connects.length, 0, 'no connection before the first call');
    process.env.ORB_TEST_FAKE_PASSWORD = 'rotated';
    await p.countSessions('sales_rw');
    await p.openPdb('SALES');
    const expected = {
      user: 'C##ORB',
      password: 'rotated',
      connectString: 'db1.example.com:1521/CDB1_ROOT',
      privilege: oracledb.SYSDBA,
      configDir: '/etc/orb/tns',
      walletLocation: '/etc/orb/wallet',
      walletPassword: 'w4llet',
    };
    // The short call's pool (thin mode pools privileged sessions: privilege is a createPool attribute).
    assert.deepEqual(connectAttrs(db.pools[0]!.attrs), expected);
    assert.deepEqual(db.connects, [expected], 'the OPEN (no call timeout) on a standalone connection');
  });

  test('privilege constants are node-oracledb’s', async () => {
    await port({ ...cfg, privilege: 'SYSOPER' }).countSessions('x');
    await port().countSessions('x');
    assert.equal(db.pools[0]!.attrs.privilege, oracledb.SYSOPER);
    assert.equal('privilege' in db.pools[1]!.attrs, false, 'no privilege unless configured');
    assert.deepEqual(Object.keys(connectAttrs(db.pools[1]!.attrs)).sort(), ['connectString', 'password', 'user']);
  });

  test('a missing secret is an InputError naming the field, and nothing connects', async () => {
    delete process.env.ORB_TEST_FAKE_PASSWORD;
    await assert.rejects(port().getFacts(), (e: unknown) => e instanceof InputError && /cdbs\.CDB1\.password/.test(e.message) && /ORB_TEST_FAKE_PASSWORD/.test(e.message));
    assert.equal(db.connects.length + db.pools.length, 0);
  });

  test('short calls share the pool: the connection goes back after each call, even on an error, and is reused', async () => {
    db.on('SELECT i.INSTANCE_NAME, COUNT(*) AS SESSIONS FROM GV$SESSION s JOIN GV$INSTANCE i ON i.INST_ID = s.INST_ID WHERE s.SERVICE_NAME = :svc AND s.TYPE = \'USER\' GROUP BY i.INSTANCE_NAME ORDER BY i.INSTANCE_NAME', oraError(942, 'table or view does not exist'));
    const p = port();
    await assert.rejects(p.countSessions('a'));
    await p.getPlugInViolations('SALES');
    assert.equal(db.pools.length, 1, 'one pool per CDB configuration');
    assert.equal(db.conns.length, 1);
    assert.equal(db.connects.length, 0, 'no standalone connection');
    assert.ok(db.conns.every((c) => c.closed));
    assert.ok(db.conns.every((c) => c.closeOptions === undefined), 'released, not dropped (an ORA-00942 leaves the session sound)');
    assert.deepEqual(db.pools[0]!.free, [db.conns[0]]);
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
    'SELECT INSTANCE_NAME FROM GV$INSTANCE ORDER BY INST_ID',
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
      .on(STATEMENTS[7]!, [{ STATUS: 'OPEN' }])
      .on(STATEMENTS[8]!, [{ INSTANCE_NAME: 'cdb1' }]);
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
      instances: ['cdb1'],
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
    await port().createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'MAX', runTag: RUN });
    await port().createPdbRelocate({ pdb: 'hr', dbLink: 'cdb1_link.example.com', availability: 'NORMAL', runTag: RUN });
    assert.deepEqual(db.sqls(), [
      'CREATE PLUGGABLE DATABASE SALES FROM SALES@CDB1_LINK RELOCATE AVAILABILITY MAX',
      'CREATE PLUGGABLE DATABASE HR FROM HR@CDB1_LINK.EXAMPLE.COM RELOCATE AVAILABILITY NORMAL',
    ]);
    assert.equal(db.conns[0]!.callTimeout, 0, 'the copy may take hours');
  });

  test('the CREATE session is tagged with the run (MODULE orb, ACTION "relocate <run tag>", CLIENT_INFO the PDB), sent by a bounded ping before the CREATE', async () => {
    await port().createPdbRelocate({ pdb: 'sales', dbLink: 'CDB1_LINK', availability: 'MAX', runTag: RUN });
    await port().createPdbRelocate({ pdb: 'A'.repeat(30), dbLink: 'CDB1_LINK', availability: 'NORMAL', runTag: RUN });
    assert.deepEqual(db.conns[0]!.trips, [
      // A standalone connection (a long call): orb's session state first, MODULE riding on it.
      { trip: 'execute', sql: SESSION_STATE_SQL, module: 'orb', callTimeout: 30_000 },
      { trip: 'ping', module: 'orb', action: `relocate ${RUN}`, clientInfo: 'orb relocate SALES', callTimeout: 120_000 },
      { trip: 'execute', sql: 'CREATE PLUGGABLE DATABASE SALES FROM SALES@CDB1_LINK RELOCATE AVAILABILITY MAX', callTimeout: 0 },
    ]);
    assert.equal(db.pools.length, 0, 'the CREATE holds no pooled connection');
    const [, ping] = db.conns[1]!.trips;
    assert.equal(db.conns[1]!.trips.length, 3);
    // DBMS_APPLICATION_INFO / OCI limits: MODULE 48, ACTION 32, CLIENT_INFO 64 bytes, even for a 30-character PDB name.
    assert.ok(Buffer.byteLength(ping!.module!) <= 48 && Buffer.byteLength(ping!.action!) <= 32 && Buffer.byteLength(ping!.clientInfo!) <= 64, JSON.stringify(ping));
    assert.equal(ping!.clientInfo, `orb relocate ${'A'.repeat(30)}`);
    assert.deepEqual(db.calls[0]!.binds, {});
  });

  test('a run tag that is not 16 hex digits is refused before connecting', async () => {
    for (const runTag of ['', 'relocate SALES', '0123456789ABCDEF', '0123456789abcdef0', undefined as never]) {
      await assert.rejects(port().createPdbRelocate({ pdb: 'SALES', dbLink: 'L', availability: 'MAX', runTag }), (e: unknown) => e instanceof InputError && e.field === 'runTag');
    }
    assert.equal(db.connects.length, 0);
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
    await assert.rejects(port().createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'MAX', runTag: RUN }), (e) => e === err);
    assert.equal(db.calls.length, 0);
    assert.equal(db.conns[0]!.closed, true);
  });

  test('an unknown availability is refused before connecting', async () => {
    await assert.rejects(
      port().createPdbRelocate({ pdb: 'SALES', dbLink: 'L', availability: 'HIGH' as never, runTag: RUN }),
      (e: unknown) => e instanceof InputError && e.field === 'availability',
    );
    assert.equal(db.connects.length, 0);
  });

  test('the CREATE runs on its own connection while progress is polled on another; it resolves when the copy completes', async () => {
    const CREATE = 'CREATE PLUGGABLE DATABASE SALES FROM SALES@CDB1_LINK RELOCATE AVAILABILITY MAX';
    let finishCopy!: () => void;
    const copying = new Promise<unknown[]>((resolve) => (finishCopy = () => resolve([])));
    db.on(CREATE, () => copying)
      .on(SESSIONS_SQL, [createSession({ LAST_CALL_ET: 30 })])
      .on(PX_SQL, [qc(), pxServer(404, 10446)])
      .on(LONGOPS_SQL, [longop({ SID: 404, 'SERIAL#': 10446, SOFAR: 1200, TOTALWORK: 4800, TIME_REMAINING: 90 })])
      .on(BLOCK_SIZE_SQL, [{ VALUE: '8192' }]);
    const p = port();
    let done = false;
    const create = p.createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'MAX', runTag: RUN }).then(() => (done = true));
    await new Promise((r) => setImmediate(r));
    const [progress] = await p.getCopyProgress();
    assert.equal(done, false, 'still copying');
    assert.deepEqual([progress!.pdb, progress!.runTag, progress!.blocksDone, progress!.blocksTotal, progress!.elapsedSeconds], ['SALES', RUN, 1200, 4800, 30]);
    const createCall = db.calls.find((c) => c.sql === CREATE)!;
    const pollCalls = db.calls.filter((c) => [SESSIONS_SQL, PX_SQL, LONGOPS_SQL, BLOCK_SIZE_SQL].includes(c.sql));
    assert.equal(pollCalls.length, 4);
    assert.ok(pollCalls.every((c) => c.conn !== createCall.conn && c.conn === pollCalls[0]!.conn));
    finishCopy();
    await create;
    assert.equal(done, true);
    assert.ok(db.conns.every((c) => c.closed));
  });

  test('a failed CREATE rejects with the node-oracledb error itself', async () => {
    const err = oraError(65035, 'unable to create pluggable database from SALES');
    db.on('CREATE PLUGGABLE DATABASE SALES FROM SALES@CDB1_LINK RELOCATE AVAILABILITY NORMAL', err);
    await assert.rejects(port().createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL', runTag: RUN }), (e) => e === err);
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
      runTag: '0123456789abcdef',
    });
    assert.deepEqual(db.sqls(), [
      'CREATE PLUGGABLE DATABASE SALES FROM SALES@CDB1_LINK FILE_NAME_CONVERT = (\'/u02/oradata/CDB1/\', \'/u03/oradata/CDB2/\') KEYSTORE IDENTIFIED BY "Ks-Secret 1" RELOCATE AVAILABILITY NORMAL',
    ]);
  });

  test('a keystore password that cannot be quoted, or none at all, is refused before the CREATE', async () => {
    process.env.ORB_TEST_KEYSTORE = 'bad"quote';
    const args = { pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL' as const, keystoreSecretRef: 'x', runTag: '0123456789abcdef' };
    await assert.rejects(port({ ...cfg, keystorePassword: { env: 'ORB_TEST_KEYSTORE' } }).createPdbRelocate(args), (e: unknown) => e instanceof InputError && /double quote/.test(e.message));
    await assert.rejects(port().createPdbRelocate(args), (e: unknown) => e instanceof InputError && e.field === 'cdbs.CDB1.keystorePassword');
    assert.equal(db.calls.filter((c) => c.sql.startsWith('CREATE')).length, 0);
  });

  test('a FILE_NAME_CONVERT pattern with a quote never reaches the SQL text', async () => {
    await assert.rejects(
      port().createPdbRelocate({ pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL', fileNameConvert: [["/u02/x'); DROP TABLESPACE USERS; --", '/u03/']], runTag: '0123456789abcdef' }),
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
  'SELECT s.INST_ID, s.SID, s.SERIAL#, s.STATUS, c.COMMAND_NAME, s.MODULE, s.ACTION, s.CLIENT_INFO, s.SQL_EXEC_START, s.LAST_CALL_ET, q.SQL_TEXT FROM GV$SESSION s LEFT JOIN V$SQLCOMMAND c ON c.COMMAND_TYPE = s.COMMAND LEFT JOIN GV$SQL q ON q.INST_ID = s.INST_ID AND q.SQL_ID = s.SQL_ID AND q.CHILD_NUMBER = s.SQL_CHILD_NUMBER WHERE c.COMMAND_NAME = :command OR (s.MODULE = :module AND s.ACTION LIKE :action) ORDER BY s.INST_ID, s.SID';
const PX_SQL = 'SELECT INST_ID, SID, SERIAL#, QCINST_ID, QCSID, QCSERIAL# FROM GV$PX_SESSION ORDER BY INST_ID, SID';
const LONGOPS_SQL =
  'SELECT INST_ID, SID, SERIAL#, QCSID, START_TIME, TARGET, MESSAGE, SOFAR, TOTALWORK, UNITS, ELAPSED_SECONDS, TIME_REMAINING FROM GV$SESSION_LONGOPS WHERE OPNAME = :opname ORDER BY INST_ID, SID, SERIAL#, START_TIME';
const BLOCK_SIZE_SQL = "SELECT VALUE FROM V$PARAMETER WHERE NAME = 'db_block_size'";

/** When the CREATE began (GV$SESSION.SQL_EXEC_START, a DATE: whole seconds), and `s` seconds later. */
const T0 = new Date('2025-03-03T09:00:00Z');
const at = (s: number) => new Date(T0.getTime() + s * 1000);

/** The GV$SESSION row of a session running CREATE PLUGGABLE DATABASE, tagged by orb's run RUN. */
function createSession(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    INST_ID: 1, SID: 245, 'SERIAL#': 31337, STATUS: 'ACTIVE', COMMAND_NAME: 'CREATE PLUGGABLE DATABASE', MODULE: 'orb', ACTION: `relocate ${RUN}`,
    CLIENT_INFO: 'orb relocate SALES', SQL_EXEC_START: T0, LAST_CALL_ET: 0,
    SQL_TEXT: 'CREATE PLUGGABLE DATABASE SALES FROM SALES@CDB1_LINK RELOCATE AVAILABILITY MAX', ...extra,
  };
}
/** GV$PX_SESSION: the coordinator's own row, and a parallel execution server working for it. */
function qc(inst = 1, sid = 245, serial = 31337): Record<string, unknown> {
  return { INST_ID: inst, SID: sid, 'SERIAL#': serial, QCINST_ID: inst, QCSID: sid, 'QCSERIAL#': null };
}
function pxServer(sid: number, serial: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { INST_ID: 1, SID: sid, 'SERIAL#': serial, QCINST_ID: 1, QCSID: 245, 'QCSERIAL#': 31337, ...extra };
}
/** A GV$SESSION_LONGOPS copy-task row as node-oracledb returns it (DATE columns as Date). */
function longop(extra: Record<string, unknown> = {}): Record<string, unknown> {
  const sid = (extra.SID as number | undefined) ?? 404;
  return {
    INST_ID: 1, SID: sid, 'SERIAL#': 10446, QCSID: 245, START_TIME: at(1), TARGET: '/u02/oradata/CDB2/48571DAB2205170AE063/datafile/o1_mf_users_x_.dbf',
    MESSAGE: 'kpdbfCopyTaskCbk: /u02/oradata/CDB2/48571DAB2205170AE063/datafile/o1_mf_users_x_.dbf 12: 0 out of 0 Blocks done',
    SOFAR: 0, TOTALWORK: 0, UNITS: 'Blocks', ELAPSED_SECONDS: 0, TIME_REMAINING: null, ...extra,
  };
}

describe('getCopyProgress', () => {
  test('when no session runs a CREATE PLUGGABLE DATABASE (nor carries orb’s tag) it reads nothing else; everything is bound', async () => {
    assert.deepEqual(await port().getCopyProgress(), []);
    assert.deepEqual(db.calls, [
      { conn: 1, sql: SESSIONS_SQL, binds: { command: 'CREATE PLUGGABLE DATABASE', module: 'orb', action: 'relocate %' }, options: OBJ },
    ]);
    assert.equal(db.conns[0]!.callTimeout, 120_000);
  });

  test('a copy run by parallel copier sessions: their rows since the CREATE began are summed, in blocks and bytes (the CREATE session has none)', async () => {
    // Four parallel execution servers copy for session 245 (a trace like anjo.pt's: SIDs 404,
    // 1166, 26, 786). Each finished one file (rows stay, SOFAR = TOTALWORK) and copies another.
    const copiers: [number, number][] = [[404, 10446], [1166, 58068], [26, 6056], [786, 41609]];
    db.on(SESSIONS_SQL, [
      createSession({ LAST_CALL_ET: 620 }),
      // The copiers' own sessions may show the CREATE too: they are not CREATEs of their own.
      ...copiers.map(([sid, serial]) => createSession({ SID: sid, 'SERIAL#': serial, MODULE: null, ACTION: null, CLIENT_INFO: null })),
    ])
      .on(PX_SQL, [qc(), ...copiers.map(([sid, serial]) => pxServer(sid, serial))])
      .on(LONGOPS_SQL, [
        ...copiers.map(([sid, serial]) => longop({ SID: sid, 'SERIAL#': serial, START_TIME: at(1), SOFAR: 100_000, TOTALWORK: 100_000, TIME_REMAINING: 0 })),
        ...copiers.map(([sid, serial], i) => longop({ SID: sid, 'SERIAL#': serial, START_TIME: at(300), SOFAR: 1500 * (i + 1), TOTALWORK: 200_000, TIME_REMAINING: 60 * (i + 1) })),
        // The same server's row from an earlier statement (same SID and SERIAL#): before this CREATE began.
        longop({ SID: 404, 'SERIAL#': 10446, START_TIME: new Date(T0.getTime() - 3_600_000), SOFAR: 77_777, TOTALWORK: 77_777, TIME_REMAINING: 0 }),
        // A parallel server of somebody else's statement.
        longop({ SID: 999, 'SERIAL#': 1, QCSID: 17, SOFAR: 5, TOTALWORK: 50, TIME_REMAINING: 9 }),
      ])
      .on(BLOCK_SIZE_SQL, [{ VALUE: '8192' }]);
    const copies = await port().getCopyProgress();
    assert.deepEqual(copies, [
      {
        pdb: 'SALES',
        session: { instId: 1, sid: 245, serial: 31337 },
        runTag: RUN,
        module: 'orb',
        action: `relocate ${RUN}`,
        blocksDone: 4 * 100_000 + 1500 * (1 + 2 + 3 + 4),
        blocksTotal: 4 * 100_000 + 4 * 200_000,
        blockSize: 8192,
        bytesDone: (4 * 100_000 + 15_000) * 8192,
        bytesTotal: 1_200_000 * 8192,
        copierSessions: 4,
        elapsedSeconds: 620,
        timeRemainingSeconds: 240,
      },
    ]);
    assert.deepEqual(db.sqls(), [SESSIONS_SQL, PX_SQL, LONGOPS_SQL, BLOCK_SIZE_SQL]);
    assert.deepEqual(db.calls[2]!.binds, { opname: 'kpdbfCopyTaskCbk' });
  });

  test('a CREATE typed by a DBA is seen too: the PDB from its text (unquoted upper case, quoted as written), no run tag', async () => {
    db.on(SESSIONS_SQL, [
      createSession({ SID: 12, MODULE: 'sqlplus@db2 (TNS V1-V3)', ACTION: null, CLIENT_INFO: null, SQL_TEXT: '/* move */ create pluggable database hr from hr@cdb3_link relocate' }),
      createSession({ INST_ID: 2, SID: 12, MODULE: null, ACTION: null, CLIENT_INFO: null, SQL_TEXT: 'CREATE PLUGGABLE DATABASE "Fin" FROM "Fin"@L' }),
      createSession({ SID: 13, MODULE: null, ACTION: null, CLIENT_INFO: null, SQL_TEXT: null }),
    ]).on(BLOCK_SIZE_SQL, [{ VALUE: 8192 }]);
    const copies = await port().getCopyProgress();
    assert.deepEqual(copies.map((c) => [c.session.instId, c.session.sid, c.pdb, c.runTag, c.module]), [
      [1, 12, 'HR', null, 'sqlplus@db2 (TNS V1-V3)'],
      [1, 13, null, null, null], // no text yet: a PDB orb cannot name
      [2, 12, 'Fin', null, null],
    ]);
    assert.ok(copies.every((c) => c.blocksDone === 0 && c.blocksTotal === 0 && c.copierSessions === 0 && c.timeRemainingSeconds === null));
  });

  test('orb’s tagged session before its CREATE has started is a copy of the PDB in CLIENT_INFO; idle for 120 s it is stale', async () => {
    const idle = { STATUS: 'INACTIVE', COMMAND_NAME: null, SQL_TEXT: null, SQL_EXEC_START: null };
    db.on(SESSIONS_SQL, [createSession({ ...idle, LAST_CALL_ET: 1 }), createSession({ ...idle, SID: 300, CLIENT_INFO: 'orb relocate HR', LAST_CALL_ET: 500 })]);
    assert.deepEqual((await port().getCopyProgress()).map((c) => [c.session.sid, c.pdb, c.runTag, c.elapsedSeconds]), [[245, 'SALES', RUN, 0]]);
  });

  test('a session whose CREATE has ended (INACTIVE, COMMAND still CREATE PLUGGABLE DATABASE) is no copy, and its rows are not one either', async () => {
    db.on(SESSIONS_SQL, [createSession({ STATUS: 'INACTIVE', LAST_CALL_ET: 40 }), createSession({ SID: 500, STATUS: 'INACTIVE', MODULE: 'SQL Developer', ACTION: null })])
      .on(LONGOPS_SQL, [longop({ SOFAR: 10, TOTALWORK: 20, TIME_REMAINING: 5 })]);
    assert.deepEqual(await port().getCopyProgress(), []);
  });

  test('a serial copy (PARALLEL 1): the rows are the CREATE session’s own; RAC: a copier on another instance is tied by GV$PX_SESSION', async () => {
    db.on(SESSIONS_SQL, [createSession({ LAST_CALL_ET: 50 }), createSession({ INST_ID: 2, SID: 245, 'SERIAL#': 8, LAST_CALL_ET: 9, ACTION: 'relocate HR' })])
      .on(PX_SQL, [qc(2, 245, 8), { INST_ID: 1, SID: 70, 'SERIAL#': 3, QCINST_ID: 2, QCSID: 245, 'QCSERIAL#': 8 }])
      .on(LONGOPS_SQL, [
        longop({ SID: 245, 'SERIAL#': 31337, QCSID: null, SOFAR: 40, TOTALWORK: 100, TIME_REMAINING: 30 }),
        longop({ INST_ID: 1, SID: 70, 'SERIAL#': 3, QCSID: 245, SOFAR: 7, TOTALWORK: 70, TIME_REMAINING: 12 }),
      ])
      .on(BLOCK_SIZE_SQL, [{ VALUE: '16384' }]);
    const copies = await port().getCopyProgress();
    assert.deepEqual(copies.map((c) => [c.session.instId, c.blocksDone, c.blocksTotal, c.copierSessions, c.bytesDone]), [
      // Instance 1's row of SID 70 names QCSID 245, but GV$PX_SESSION says its coordinator is instance 2's 245.
      [1, 40, 100, 1, 40 * 16384],
      [2, 7, 70, 1, 7 * 16384],
    ]);
    // An ACTION that is not orb's run tag (orb before run tags): no run tag, the session's PDB from its text.
    assert.deepEqual(copies.map((c) => [c.runTag, c.pdb]), [[RUN, 'SALES'], [null, 'SALES']]);
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

describe('cluster-wide disconnect (ALTER SYSTEM DISCONNECT SESSION)', () => {
  const LIST = "SELECT INST_ID, SID, SERIAL# FROM GV$SESSION WHERE SERVICE_NAME = :svc AND TYPE = 'USER' ORDER BY INST_ID, SID";

  test('listServiceSessions reads INST_ID, SID, SERIAL# of the service on every instance, the name bound', async () => {
    db.on(LIST, [{ INST_ID: 1, SID: 57, 'SERIAL#': 31337 }, { INST_ID: 2, SID: 102, 'SERIAL#': 4 }]);
    assert.deepEqual(await port().listServiceSessions('ORDERS_UNI'), [{ instId: 1, sid: 57, serial: 31337 }, { instId: 2, sid: 102, serial: 4 }]);
    assert.deepEqual(db.calls, [{ conn: 1, sql: LIST, binds: { svc: 'ORDERS_UNI' }, options: OBJ }]);
  });

  test('disconnectSession: the exact statement in the root, no binds (ALTER SYSTEM takes none)', async () => {
    await port().disconnectSession({ instId: 2, sid: 102, serial: 4 });
    assert.deepEqual(db.calls.map((c) => [c.sql, c.binds]), [["ALTER SYSTEM DISCONNECT SESSION '102,4,@2' POST_TRANSACTION", {}]]);
  });

  test('numbers that are not safe whole numbers (forged GV$SESSION rows) never reach the SQL text', async () => {
    const forged = [
      { instId: 1, sid: 1.5, serial: 1 }, { instId: 1, sid: -1, serial: 1 }, { instId: 0, sid: 1, serial: 1 },
      { instId: 1, sid: 1, serial: 2 ** 60 }, { instId: 1, sid: Number.NaN, serial: 1 }, { instId: 1, sid: "1','2" as never, serial: 1 },
    ];
    for (const ref of forged) await assert.rejects(port().disconnectSession(ref), InputError, JSON.stringify(ref));
    assert.equal(db.connects.length, 0);
  });

  test('ORA-00030 (the session is gone) propagates; orb classifies it as already done', async () => {
    const err = oraError(30, 'User session ID does not exist.');
    db.on("ALTER SYSTEM DISCONNECT SESSION '7,8,@1' POST_TRANSACTION", err);
    await assert.rejects(port().disconnectSession({ instId: 1, sid: 7, serial: 8 }), (e) => e === err);
    assert.equal(classifyOracleError(err).kind, 'idempotent');
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
        p.createPdbRelocate({ pdb: bad, dbLink: 'CDB1_LINK', availability: 'MAX', runTag: RUN }),
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
      await assert.rejects(p.createPdbRelocate({ pdb: 'SALES', dbLink: bad, availability: 'MAX', runTag: RUN }), InputError, bad);
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

describe('session state and reconnect (issue 7)', () => {
  const COUNT_SQL =
    "SELECT i.INSTANCE_NAME, COUNT(*) AS SESSIONS FROM GV$SESSION s JOIN GV$INSTANCE i ON i.INST_ID = s.INST_ID WHERE s.SERVICE_NAME = :svc AND s.TYPE = 'USER' GROUP BY i.INSTANCE_NAME ORDER BY i.INSTANCE_NAME";
  const logged: { event: string; fields: Record<string, unknown> }[] = [];
  const logPort = (c: OracledbCdbConfig = cfg) =>
    oracledbCdb('CDB1', c, {
      getConnection: db.getConnection,
      createPool: db.createPool,
      log: (event, fields) => logged.push({ event, fields }),
    });
  /** What the session saw, statement by statement: [conn, sql, nls, module, action]. */
  const seen = () => db.seen.map((s) => [s.conn, s.sql, s.nls, s.module, s.action]);
  const STATE = (conn: number) => [conn, SESSION_STATE_SQL, true, 'orb', ''];

  beforeEach(() => {
    logged.length = 0;
  });
  afterEach(async () => {
    await closeOracledbPools();
  });

  test('a new pooled session gets NLS and MODULE before orb’s first statement; a reused one pays no round trip', async () => {
    const p = port();
    await p.countSessions('sales_rw');
    await p.countSessions('sales_ro');
    assert.deepEqual(seen(), [
      STATE(1),
      [1, COUNT_SQL, true, 'orb', 'countSessions'],
      [1, COUNT_SQL, true, 'orb', 'countSessions'],
    ]);
    assert.equal(db.conns[0]!.trips.length, 3, 'the second call costs only its own statement');
    assert.match(SESSION_STATE_SQL, /^ALTER SESSION SET NLS_LANGUAGE = 'AMERICAN' NLS_TERRITORY = 'AMERICA' NLS_NUMERIC_CHARACTERS = '\.,' /);
    assert.match(SESSION_STATE_SQL, /NLS_DATE_FORMAT = 'YYYY-MM-DD"T"HH24:MI:SS' .* TIME_ZONE = '\+00:00'/);
  });

  test('two short calls at once: two sessions, each set up once, each call naming its operation', async () => {
    const p = port();
    await Promise.all([p.countSessions('sales_rw'), p.getPdb('SALES')]);
    assert.equal(db.conns.length, 2);
    for (const c of db.conns) {
      const mine = db.seen.filter((s) => s.conn === c.id);
      assert.equal(mine[0]!.sql, SESSION_STATE_SQL);
      assert.equal(mine.filter((s) => s.sql === SESSION_STATE_SQL).length, 1);
      assert.ok(mine.slice(1).every((s) => s.nls && s.module === 'orb'));
    }
    const actions = db.seen.filter((s) => s.sql !== SESSION_STATE_SQL).map((s) => s.action);
    assert.deepEqual(actions.sort(), ['countSessions', 'getPdb']);
  });

  test('a long call’s standalone connection gets the same state before its statement', async () => {
    await port().openPdb('SALES');
    assert.deepEqual(seen(), [
      STATE(1),
      [1, 'ALTER PLUGGABLE DATABASE SALES OPEN INSTANCES=ALL', true, 'orb', 'openPdb'],
    ]);
    assert.equal(db.pools.length, 0);
  });

  test('a session whose state cannot be set is dropped and runs no orb statement', async () => {
    db.on(SESSION_STATE_SQL, oraError(12705, 'Cannot access NLS data files or invalid environment specified'));
    const p = port();
    await assert.rejects(p.countSessions('sales_rw'), /ORA-12705/);
    await assert.rejects(p.closePdb('SALES'), /ORA-12705/);
    assert.deepEqual(db.calls, []);
    assert.deepEqual(db.conns.map((c) => c.closeOptions), [{ drop: true }, { drop: true }]);
    assert.deepEqual(db.pools[0]!.free, []);
  });

  test('the socket breaks between two statements of a copy-progress read: the connection is dropped, the retry’s new session is set up again', async () => {
    db.on(SESSIONS_SQL, [createSession()]);
    db.on(PX_SQL, (_b, conn) => {
      conn.socketBroken = true;
      return brokenSocket();
    });
    const p = logPort();
    const err = await p.getCopyProgress().then(() => null, (e: unknown) => e);
    assert.ok(err instanceof Error && /NJS-500/.test(err.message));
    // The activity fails retryably, as before: Temporal's retry policy runs it again.
    assert.equal(toActivityError(err, 'getCopyProgress').nonRetryable, false);
    assert.deepEqual(db.conns[0]!.closeOptions, { drop: true }, 'dropped, not put back');
    assert.deepEqual(db.pools[0]!.free, []);

    db.on(PX_SQL, [qc()]);
    db.seen.length = 0;
    await p.getCopyProgress();
    assert.equal(db.conns.length, 2, 'a fresh session for the retry');
    assert.deepEqual(seen().slice(0, 3), [
      STATE(2),
      [2, SESSIONS_SQL, true, 'orb', 'getCopyProgress'],
      [2, PX_SQL, true, 'orb', 'getCopyProgress'],
    ]);
    assert.deepEqual(logged.map((l) => [l.event, l.fields.code]), [
      ['pool created', undefined],
      ['connection dropped after losing it', 'ORA-03113'],
    ]);
  });

  test('a session watch whose session is killed between two polls: the next poll gets a new session, set up again', async () => {
    let killed = false;
    db.on(COUNT_SQL, () => {
      if (!killed) return [{ INSTANCE_NAME: 'cdb1_1', SESSIONS: 3 }];
      killed = false;
      const text = 'NJS-500: connection to the Oracle Database was broken\nORA-00028: your session has been killed';
      return Object.assign(new Error(text), {
        code: 'NJS-500', errorNum: 28, offset: 0, isRecoverable: true,
      });
    });
    const p = port();
    assert.deepEqual(await p.countSessions('sales_rw'), [{ instance: 'cdb1_1', count: 3 }]);
    killed = true;
    await assert.rejects(p.countSessions('sales_rw'), /ORA-00028/);
    assert.deepEqual(await p.countSessions('sales_rw'), [{ instance: 'cdb1_1', count: 3 }]);
    assert.deepEqual(seen(), [
      STATE(1),
      [1, COUNT_SQL, true, 'orb', 'countSessions'],
      [1, COUNT_SQL, true, 'orb', 'countSessions'],
      STATE(2),
      [2, COUNT_SQL, true, 'orb', 'countSessions'],
    ]);
    assert.deepEqual(db.conns[0]!.closeOptions, { drop: true });
  });

  test('an error that leaves the session sound (ORA-00942, ORA-00054) does not drop it', async () => {
    db.on(COUNT_SQL, oraError(54, 'resource busy and acquire with NOWAIT specified'));
    const p = port();
    await assert.rejects(p.countSessions('a'));
    assert.deepEqual(db.pools[0]!.free, [db.conns[0]]);
    assert.equal(isConnectionLost(oraError(942, 'table or view does not exist')), false);
    for (const code of ['NJS-500', 'NJS-501', 'NJS-503', 'NJS-521', 'DPI-1080', 'ORA-03135']) {
      assert.equal(isConnectionLost(Object.assign(new Error(`${code}: lost`), { code })), true, code);
    }
  });

  test('worker shutdown closes the pools; a long call in flight keeps its standalone connection', async () => {
    db.on('ALTER PLUGGABLE DATABASE SALES CLOSE IMMEDIATE INSTANCES=ALL', () => new Promise<unknown[]>(() => undefined));
    const p = port();
    await p.countSessions('a');
    void p.closePdb('SALES').catch(() => undefined);
    await new Promise((r) => setImmediate(r));
    await closeOracledbPools();
    assert.equal(db.pools[0]!.closedWith, POOL_DRAIN_S);
    const long = db.conns[1]!;
    assert.equal(long.pool, null);
    assert.deepEqual([long.broke, long.closed], [false, false], 'the CLOSE still runs');
  });

  test('a rotated password replaces the pool (the old one closes once its calls are back); no secret in any log line', async () => {
    const walletPw = join(dir, 'wallet.pw');
    writeFileSync(walletPw, 'w4llet-secret\n');
    process.env.ORB_TEST_FAKE_PASSWORD = 'tiger-secret';
    const p = logPort({ ...cfg, walletLocation: '/etc/orb/wallet', walletPassword: { file: walletPw } });
    await p.countSessions('a');
    process.env.ORB_TEST_FAKE_PASSWORD = 'rotated-secret';
    await p.countSessions('a');
    assert.equal(db.pools.length, 2);
    assert.equal(db.pools[1]!.attrs.password, 'rotated-secret');
    await new Promise((r) => setImmediate(r));
    assert.notEqual(db.pools[0]!.closedWith, false);
    db.on(COUNT_SQL, (_b, conn) => {
      conn.socketBroken = true;
      return brokenSocket();
    });
    await assert.rejects(p.countSessions('a'));
    const lines = logged.map((l) => JSON.stringify(l));
    assert.deepEqual(logged.map((l) => l.event), [
      'pool created',
      'pool replaced (credentials changed)',
      'pool created',
      'connection dropped after losing it',
    ]);
    for (const secret of ['tiger-secret', 'rotated-secret', 'w4llet-secret']) {
      assert.ok(!lines.some((l) => l.includes(secret)), `${secret} in ${lines.join('\n')}`);
    }
  });
});
