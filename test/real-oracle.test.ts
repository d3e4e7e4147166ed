/**
 * Opt-in, read-only checks of the node-oracledb adapter against a real Oracle CDB.
 *
 *   ORB_TEST_ORACLE_CONNECT_STRING  Easy Connect string or TNS alias of the CDB root service
 *   ORB_TEST_ORACLE_USER            a common user (C##...) or SYS
 *   ORB_TEST_ORACLE_PASSWORD        its password
 *   ORB_TEST_ORACLE_PRIVILEGE       optional: SYSDBA | SYSOPER | SYSBACKUP | SYSDG | SYSKM
 *   ORB_TEST_ORACLE_PDB             optional: a PDB to read (state, services, violations)
 *   ORB_TEST_ORACLE_CONFIG_DIR      optional: directory with tnsnames.ora (thin mode)
 *
 * Nothing here changes the database: only dictionary and V$ queries run (one test tags its
 * own idle session with MODULE/ACTION/CLIENT_INFO for a moment, like createPdbRelocate does;
 * one kills its own pooled session with ALTER SYSTEM KILL SESSION, which needs ALTER SYSTEM).
 * Without the variables, every test reports itself skipped and names what is missing.
 */
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { oracledbCdb, ORB_MODULE, RELOCATE_ACTION_PREFIX, RELOCATE_CLIENT_INFO_PREFIX } from '../activities/oracle/oracledb-cdb';
import { CREATE_PDB_COMMAND } from '../activities/oracle/copy-progress';
import { connectOptions, defaultGetConnection, OUT_FORMAT_OBJECT, type OracledbCdbConfig } from '../activities/oracle/oracledb-connect';
import type { CdbPort } from '../activities/oracle/port';
import { CdbPool, defaultCreatePool } from '../activities/oracle/oracledb-pool';
import { SESSION_NLS } from '../activities/oracle/session-state';
import { isConnectionLost } from '../common/oracle-errors';
import type { ConnectionLike } from '../activities/oracle/oracledb-connect';

/** Who a session is and the state orb set on it, read by the session itself. */
interface SessionState {
  sid: number;
  serial: number;
  inst: number;
  module: string;
  nls: Record<string, string>;
}
async function sessionState(c: ConnectionLike): Promise<SessionState> {
  const Q = { outFormat: OUT_FORMAT_OBJECT };
  const [me] = (await c.execute(
    "SELECT s.SID, s.SERIAL# AS SERIAL, SYS_CONTEXT('USERENV', 'INSTANCE') AS INST, " +
      "SYS_CONTEXT('USERENV', 'MODULE') AS MODULE FROM V$SESSION s WHERE s.SID = SYS_CONTEXT('USERENV', 'SID')",
    {},
    Q,
  )).rows as { SID: number; SERIAL: number; INST: string; MODULE: string }[];
  const rows = (await c.execute('SELECT PARAMETER, VALUE FROM NLS_SESSION_PARAMETERS', {}, Q)).rows as {
    PARAMETER: string;
    VALUE: string;
  }[];
  const nls = Object.fromEntries(rows.filter((r) => r.PARAMETER in SESSION_NLS).map((r) => [r.PARAMETER, r.VALUE]));
  return { sid: Number(me!.SID), serial: Number(me!.SERIAL), inst: Number(me!.INST), module: me!.MODULE, nls };
}

/** Kills a session from another (standalone) connection; the numbers are checked integers, not text. */
async function killSession(sid: number, inst: number): Promise<void> {
  const admin = await defaultGetConnection(connectOptions('REALCDB', config()));
  try {
    const sql = 'SELECT SERIAL# AS SERIAL FROM GV$SESSION WHERE INST_ID = :inst AND SID = :sid';
    const [row] = (await admin.execute(sql, { inst, sid }, { outFormat: OUT_FORMAT_OBJECT })).rows as { SERIAL: number }[];
    const serial = Number(row?.SERIAL);
    assert.ok([sid, inst, serial].every(Number.isInteger), `session ${sid}@${inst} not found`);
    await admin.execute(`ALTER SYSTEM KILL SESSION '${sid},${serial},@${inst}' IMMEDIATE`, {}, {});
  } finally {
    await admin.close();
  }
}

const REQUIRED = ['ORB_TEST_ORACLE_CONNECT_STRING', 'ORB_TEST_ORACLE_USER', 'ORB_TEST_ORACLE_PASSWORD'] as const;
const PRIVILEGES = ['SYSDBA', 'SYSOPER', 'SYSBACKUP', 'SYSDG', 'SYSKM'] as const;

const missing = REQUIRED.filter((v) => !process.env[v]);
const privilege = process.env.ORB_TEST_ORACLE_PRIVILEGE?.toUpperCase();
const badPrivilege = privilege !== undefined && privilege !== '' && !(PRIVILEGES as readonly string[]).includes(privilege);

const skipAll: string | false =
  missing.length > 0
    ? `real Oracle tests are opt-in: set ${missing.join(', ')} (and optionally ORB_TEST_ORACLE_PRIVILEGE, ORB_TEST_ORACLE_PDB)`
    : badPrivilege
      ? `ORB_TEST_ORACLE_PRIVILEGE must be one of ${PRIVILEGES.join(', ')} (got ${privilege})`
      : false;
const pdb = process.env.ORB_TEST_ORACLE_PDB;
const skipPdb: string | false = skipAll || (pdb ? false : 'set ORB_TEST_ORACLE_PDB to read a PDB’s state, services and plug-in violations');

let port: CdbPort | null = null;
function config(): OracledbCdbConfig {
  return {
    adapter: 'oracledb',
    connectString: process.env.ORB_TEST_ORACLE_CONNECT_STRING!,
    user: process.env.ORB_TEST_ORACLE_USER!,
    // By reference, like the estate file: read when the connection opens.
    password: { env: 'ORB_TEST_ORACLE_PASSWORD' },
    dbLinks: {},
    ...(privilege ? { privilege: privilege as (typeof PRIVILEGES)[number] } : {}),
    ...(process.env.ORB_TEST_ORACLE_CONFIG_DIR ? { configDir: process.env.ORB_TEST_ORACLE_CONFIG_DIR } : {}),
  };
}
function cdb(): CdbPort {
  if (!port) port = oracledbCdb('REALCDB', config());
  return port;
}

after(async () => {
  await port?.close();
});

describe('real Oracle CDB (read-only)', () => {
  test('getFacts', { skip: skipAll }, async () => {
    const f = await cdb().getFacts();
    assert.ok(f.name.length > 0);
    assert.match(f.version, /^\d+\.\d+/);
    assert.ok(['ARCHIVELOG', 'NOARCHIVELOG'].includes(f.logMode));
    assert.ok(['Little', 'Big'].includes(f.endianFormat));
    assert.ok(f.characterSet.length > 0 && f.ncharCharacterSet.length > 0);
    assert.ok(f.options.some((o) => o.compId === 'CATALOG'), 'DBA_REGISTRY lists CATALOG');
    assert.equal(typeof f.localUndo, 'boolean');
  });

  test('getCopyProgress (normally empty) reads the views it names; V$SQLCOMMAND names the CREATE PLUGGABLE DATABASE command', { skip: skipAll }, async () => {
    const progress = await cdb().getCopyProgress();
    assert.ok(Array.isArray(progress));
    for (const p of progress) assert.ok(p.blocksDone <= p.blocksTotal && p.blocksDone >= 0, JSON.stringify(p));
    const conn = await defaultGetConnection(connectOptions('REALCDB', config()));
    try {
      const rows = (await conn.execute('SELECT COUNT(*) AS N FROM V$SQLCOMMAND WHERE COMMAND_NAME = :command', { command: CREATE_PDB_COMMAND }, { outFormat: OUT_FORMAT_OBJECT })).rows as { N: number }[];
      assert.equal(rows[0]?.N, 1, `V$SQLCOMMAND has no command named ${CREATE_PDB_COMMAND}`);
    } finally {
      await conn.close();
    }
  });

  test('a session tagged like createPdbRelocate does it is seen by getCopyProgress (thin-mode MODULE/ACTION/CLIENT_INFO reach GV$SESSION)', { skip: skipAll }, async () => {
    // Read-only: an idle session carrying the tag, no CREATE. The PDB name is one no CDB has;
    // an orb worker polling this CDB meanwhile would see a "copy" of it for a second.
    const fake = `ORB_TEST_TAG_${process.pid}`;
    const runTag = 'feedc0de00000000';
    const conn = await defaultGetConnection(connectOptions('REALCDB', config()));
    try {
      conn.module = ORB_MODULE;
      conn.action = `${RELOCATE_ACTION_PREFIX}${runTag}`;
      conn.clientInfo = `${RELOCATE_CLIENT_INFO_PREFIX}${fake}`;
      await conn.ping();
      const mine = (await conn.execute(
        "SELECT MODULE, ACTION, CLIENT_INFO FROM V$SESSION WHERE SID = SYS_CONTEXT('USERENV', 'SID')",
        {},
        { outFormat: OUT_FORMAT_OBJECT },
      )).rows as { MODULE: string; ACTION: string; CLIENT_INFO: string }[];
      assert.deepEqual(mine, [{ MODULE: ORB_MODULE, ACTION: `${RELOCATE_ACTION_PREFIX}${runTag}`, CLIENT_INFO: `${RELOCATE_CLIENT_INFO_PREFIX}${fake}` }]);
      const progress = await cdb().getCopyProgress();
      const entry = progress.find((p) => p.pdb === fake);
      assert.ok(entry, `no entry for ${fake} in ${JSON.stringify(progress)}`);
      assert.deepEqual([entry.runTag, entry.blocksDone, entry.blocksTotal, entry.timeRemainingSeconds], [runTag, 0, 0, null]);
    } finally {
      await conn.close();
    }
    assert.ok(!(await cdb().getCopyProgress()).some((p) => p.pdb === fake), 'the tag goes with the session');
  });

  test('getUserPrivileges of the connected user covers its SESSION_PRIVS (direct, through roles, PUBLIC)', { skip: skipAll || (privilege ? 'connected with an administrative privilege: SESSION_PRIVS lists everything' : false) }, async () => {
    const user = process.env.ORB_TEST_ORACLE_USER!.toUpperCase();
    const u = await cdb().getUserPrivileges(user);
    assert.equal(u.exists, true);
    const conn = await defaultGetConnection(connectOptions('REALCDB', config()));
    try {
      const rows = (await conn.execute('SELECT PRIVILEGE FROM SESSION_PRIVS ORDER BY PRIVILEGE', {}, { outFormat: OUT_FORMAT_OBJECT })).rows as { PRIVILEGE: string }[];
      const missing = rows.map((r) => r.PRIVILEGE).filter((p) => !u.systemPrivileges.includes(p));
      assert.deepEqual(missing, [], 'privileges the session has that getUserPrivileges does not report');
      assert.ok(u.systemPrivileges.includes('CREATE SESSION'));
    } finally {
      await conn.close();
    }
  });

  test('countSessions of an unknown service is empty', { skip: skipAll }, async () => {
    assert.deepEqual(await cdb().countSessions('orb_no_such_service_x1'), []);
  });

  test('getPdb of an unknown PDB is null', { skip: skipAll }, async () => {
    assert.equal(await cdb().getPdb('ORB_NO_SUCH_PDB_X1'), null);
  });

  test('getPdb', { skip: skipPdb }, async () => {
    const s = await cdb().getPdb(pdb!);
    assert.ok(s, `PDB ${pdb} not found in CDB_PDBS`);
    assert.equal(s.name, pdb!.toUpperCase());
    assert.ok(['NEW', 'NORMAL', 'UNPLUGGED', 'RELOCATING', 'RELOCATED', 'REFRESHING', 'UNUSABLE'].includes(s.status), s.status);
  });

  test('listServices', { skip: skipPdb }, async () => {
    const state = await cdb().getPdb(pdb!);
    const services = await cdb().listServices(pdb!);
    if (state?.openMode === 'READ WRITE') {
      assert.ok(services.length > 0, 'an open PDB has at least its default service');
      assert.ok(services.some((s) => s.isDefault), 'the default service is recognised');
    }
    for (const s of services) assert.equal(s.pdb, pdb!.toUpperCase());
  });

  test('countSessions of the default service', { skip: skipPdb }, async () => {
    const counts = await cdb().countSessions(pdb!.toLowerCase());
    for (const c of counts) assert.ok(c.instance.length > 0 && c.count >= 0);
  });

  test('getPlugInViolations', { skip: skipPdb }, async () => {
    const v = await cdb().getPlugInViolations(pdb!);
    for (const row of v) assert.notEqual(row.status, 'RESOLVED');
  });

  test('a pooled session killed mid-run: the session that replaces it gets orb’s state again (NLS, MODULE)', { skip: skipAll }, async () => {
    const pool = new CdbPool('REALCDB', defaultCreatePool, () => undefined);
    const opts = () => connectOptions('REALCDB', config());
    try {
      const first = await pool.acquire(opts());
      const before = await sessionState(first);
      await first.close();
      assert.deepEqual([before.module, before.nls], ['orb', SESSION_NLS]);
      await killSession(before.sid, before.inst);
      // The pool may hand the dead session out again: its first statement then fails as a lost
      // connection, and it is dropped, as oracledb-cdb.ts does; the next one is new.
      let again = await pool.acquire(opts());
      let after: SessionState;
      try {
        after = await sessionState(again);
      } catch (e) {
        assert.ok(isConnectionLost(e), `not a lost connection: ${String(e)}`);
        await again.close({ drop: true });
        again = await pool.acquire(opts());
        after = await sessionState(again);
      }
      await again.close();
      const who = (s: SessionState) => [s.sid, s.serial, s.inst];
      assert.notDeepEqual(who(after), who(before), 'a new session');
      assert.deepEqual([after.module, after.nls], ['orb', SESSION_NLS]);
    } finally {
      await pool.close();
    }
  });
});
