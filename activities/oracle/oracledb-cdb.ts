import { dbLinkName, oracleIdentifier, pdbName, serviceName } from '../../common/identifiers';
import { InputError } from '../../common/input-error';
import { keystoreLiteral as keystoreFromRef } from '../../common/estate-config';
import type { AttributeChanges } from '../../common/readiness/attributes';
import { KEYSTORE_SECRET, statements, type RelocateStatementArgs, type Statement } from './statements';
import {
  connectOptions,
  defaultGetConnection,
  OUT_FORMAT_OBJECT,
  type ConnectionLike,
  type GetConnection,
  type OracledbCdbConfig,
} from './oracledb-connect';
import {
  copiesFromViews,
  COPY_OPNAME,
  CREATE_PDB_COMMAND,
  ORB_MODULE,
  RELOCATE_ACTION_PREFIX,
  RELOCATE_CLIENT_INFO_PREFIX,
  isRunTag,
  type LongopsRow,
  type PxRow,
  type SessionRow,
} from './copy-progress';
import { CdbPool, defaultCreatePool, type CreatePool, type PoolLog } from './oracledb-pool';
import { actionFor, applySessionState } from './session-state';
import { classifyOracleError, isConnectionLost } from '../../common/oracle-errors';
import { activityLog } from './activity-log';
import type {
  CdbFacts,
  CdbPort,
  CopyProgress,
  DbLinkInfo,
  DisconnectOption,
  OpenMode,
  PdbState,
  PdbStatus,
  PdbStorage,
  PlugInViolation,
  ServiceInfo,
  SessionCount,
  SessionRef,
  AcchkServiceStats,
  FailoverSessionCount,
  StopOption,
  UserPrivileges,
} from './port';

export type { ConnectionLike, GetConnection } from './oracledb-connect';
export { ORB_MODULE, RELOCATE_ACTION_PREFIX, RELOCATE_CLIENT_INFO_PREFIX } from './copy-progress';

/**
 * CdbPort over node-oracledb thin mode, connected to the CDB root as a common user
 * (or SYSDBA/SYSOPER, per the estate file).
 *
 * Connections (issue 7): every session carries orb's session state (session-state.ts: NLS, MODULE
 * 'orb'), and each call sets ACTION to its operation (getCopyProgress, stopService ...).
 *  - Short calls (a call timeout of at most QUERY_CALL_TIMEOUT_MS) take a connection from the
 *    worker's pool for this CDB (oracledb-pool.ts), whose sessionCallback sets the state on each
 *    new session. poolMin 0 and a short idle timeout keep the pool from holding sessions on the
 *    instances and services these runbooks take away; a connection that broke or whose session
 *    was killed is dropped (isConnectionLost), so the retry gets a new session, set up again.
 *  - Long calls (CREATE PLUGGABLE DATABASE ... RELOCATE, OPEN, CLOSE, DROP, STOP_SERVICE with a
 *    drain, DISCONNECT_SESSION) take a standalone connection, given the same state right after it
 *    opens: they hold it for minutes or hours, the progress poll runs on another, and closing
 *    the pool at worker shutdown cannot break them.
 *  - A container switch (ALTER SESSION SET CONTAINER) never outlives its call: switching back to
 *    CDB$ROOT fails → the connection is dropped, not returned to the pool.
 *  - Secrets are read at each connect; a changed password replaces the pool (oracledb-pool.ts).
 * `close()` interrupts (break) and closes any connection still open (tests and tools; see open-cdb.ts for why the worker does not call it).
 *
 * Every identifier that reaches SQL text (PDB names, link names) is re-validated here right
 * before use, even though callers validated it already; every value is bound.
 */

/** Round-trip limit for dictionary queries and short DDL (ms). */
export const QUERY_CALL_TIMEOUT_MS = 120_000;
/** Extra time over a STOP_SERVICE drain timeout before the call is abandoned (ms). */
const DRAIN_MARGIN_MS = 120_000;

/**
 * The views getCopyProgress reads (all instances), turned into copies by copy-progress.ts, which
 * says what ties a longops row to a CREATE. Sessions: those whose COMMAND is CREATE PLUGGABLE
 * DATABASE (V$SQLCOMMAND names it, so no command number is hard-coded) and those orb tagged,
 * with the statement's text from GV$SQL (the child cursor the session runs).
 */
export const COPY_SESSIONS_SQL =
  'SELECT s.INST_ID, s.SID, s.SERIAL#, s.STATUS, c.COMMAND_NAME, s.MODULE, s.ACTION, s.CLIENT_INFO, s.SQL_EXEC_START, s.LAST_CALL_ET, q.SQL_TEXT FROM GV$SESSION s LEFT JOIN V$SQLCOMMAND c ON c.COMMAND_TYPE = s.COMMAND LEFT JOIN GV$SQL q ON q.INST_ID = s.INST_ID AND q.SQL_ID = s.SQL_ID AND q.CHILD_NUMBER = s.SQL_CHILD_NUMBER WHERE c.COMMAND_NAME = :command OR (s.MODULE = :module AND s.ACTION LIKE :action) ORDER BY s.INST_ID, s.SID';
/** Parallel execution servers and their coordinators. */
export const COPY_PX_SQL = 'SELECT INST_ID, SID, SERIAL#, QCINST_ID, QCSID, QCSERIAL# FROM GV$PX_SESSION ORDER BY INST_ID, SID';
/** Every copy-task row still in the longops buffer, finished ones included. */
export const COPY_LONGOPS_SQL =
  'SELECT INST_ID, SID, SERIAL#, QCSID, START_TIME, TARGET, MESSAGE, SOFAR, TOTALWORK, UNITS, ELAPSED_SECONDS, TIME_REMAINING FROM GV$SESSION_LONGOPS WHERE OPNAME = :opname ORDER BY INST_ID, SID, SERIAL#, START_TIME';
export const BLOCK_SIZE_SQL = "SELECT VALUE FROM V$PARAMETER WHERE NAME = 'db_block_size'";

/**
 * System privileges of a user in CDB$ROOT: granted directly, through roles (recursively, a
 * role granted to a role granted to ...), and to PUBLIC (and its roles), which every user has.
 *  - First hop: only the user's DEFAULT roles, because those are the ones a new session
 *    (e.g. the one a database link opens) has enabled; a non-default role gives nothing until
 *    SET ROLE. Roles below a default role are enabled with it, so no filter further down.
 *    PUBLIC is not filtered on DEFAULT_ROLE (UNVERIFIED what that column holds for PUBLIC).
 *  - Oracle refuses circular role grants (ORA-01934); the CYCLE clause is only a guard. A
 *    role reached along two paths is listed twice by the recursion: DISTINCT folds it.
 *  - CON_ID = 1 everywhere: grants made in CDB$ROOT (commonly or locally there), which is
 *    where the link user connects.
 * UNVERIFIED against a live CDB in this repository's tests (test/real-oracle.test.ts compares
 * it with SESSION_PRIVS when run against one).
 */
export const USER_SYS_PRIVS_SQL =
  "WITH ROLE_TREE (ROLE_NAME) AS (SELECT GRANTED_ROLE FROM CDB_ROLE_PRIVS WHERE CON_ID = 1 AND ((GRANTEE = :username AND DEFAULT_ROLE = 'YES') OR GRANTEE = 'PUBLIC') UNION ALL SELECT rp.GRANTED_ROLE FROM CDB_ROLE_PRIVS rp JOIN ROLE_TREE t ON rp.GRANTEE = t.ROLE_NAME WHERE rp.CON_ID = 1) CYCLE ROLE_NAME SET IS_CYCLE TO 'Y' DEFAULT 'N' SELECT DISTINCT PRIVILEGE FROM CDB_SYS_PRIVS WHERE CON_ID = 1 AND (GRANTEE IN (:username, 'PUBLIC') OR GRANTEE IN (SELECT ROLE_NAME FROM ROLE_TREE)) ORDER BY PRIVILEGE";

/** Tablespaces of the PDB holding encrypted data (TDE): the CREATE then needs KEYSTORE IDENTIFIED BY. */
export const PDB_ENCRYPTED_TABLESPACES_SQL =
  "SELECT t.TABLESPACE_NAME FROM CDB_TABLESPACES t JOIN V$CONTAINERS c ON c.CON_ID = t.CON_ID WHERE c.NAME = :pdb AND t.ENCRYPTED = 'YES' ORDER BY t.TABLESPACE_NAME";
/** The PDB's datafiles, which FILE_NAME_CONVERT must cover when the target has no OMF. */
export const PDB_DATAFILES_SQL =
  'SELECT f.FILE_NAME FROM CDB_DATA_FILES f JOIN V$CONTAINERS c ON c.CON_ID = f.CON_ID WHERE c.NAME = :pdb ORDER BY f.FILE_ID';

/** User sessions in the PDB's container on every instance (CON_ID is the same on every instance). */
export const PDB_SESSIONS_SQL =
  "SELECT COUNT(*) AS SESSIONS FROM GV$SESSION s JOIN V$CONTAINERS c ON c.CON_ID = s.CON_ID WHERE c.NAME = :pdb AND s.TYPE = 'USER'";

/** Every PDB but the seed, as getPdb reads one. */
export const LIST_PDBS_SQL =
  "SELECT p.PDB_NAME, p.STATUS, v.OPEN_MODE, v.TOTAL_SIZE FROM CDB_PDBS p LEFT JOIN V$PDBS v ON v.CON_ID = p.PDB_ID WHERE p.PDB_NAME <> 'PDB$SEED' ORDER BY p.PDB_NAME";

/**
 * User sessions of the PDB by service and failover settings, all instances, as the Net Services
 * Administrator's Guide ("Verifying Transparent Application Failover") groups V$SESSION.
 */
export const FAILOVER_SESSIONS_SQL =
  "SELECT s.SERVICE_NAME, s.FAILOVER_TYPE, s.FAILOVER_METHOD, s.FAILED_OVER, COUNT(*) AS SESSIONS FROM GV$SESSION s JOIN V$CONTAINERS c ON c.CON_ID = s.CON_ID WHERE c.NAME = :pdb AND s.TYPE = 'USER' GROUP BY s.SERVICE_NAME, s.FAILOVER_TYPE, s.FAILOVER_METHOD, s.FAILED_OVER ORDER BY s.SERVICE_NAME, s.FAILOVER_TYPE, s.FAILOVER_METHOD, s.FAILED_OVER";

/**
 * ACCHK per service (19c Reference, DBA_ACCHK_STATISTICS_SUMMARY: TOTAL_REQUESTS,
 * PROTECTED_CALLS_PERCENT, AVG_USER_CALLS_IN_REQUESTS, AVG_PROTECTED_CALLS_IN_REQUESTS), read in the
 * PDB's container. The view exists from 19.11 (ORA-00942 before: no statistics).
 */
export const ACCHK_SUMMARY_SQL =
  'SELECT SERVICE_NAME, SUM(TOTAL_REQUESTS) AS REQUESTS, SUM(AVG_USER_CALLS_IN_REQUESTS * TOTAL_REQUESTS) AS USER_CALLS, SUM(AVG_PROTECTED_CALLS_IN_REQUESTS * TOTAL_REQUESTS) AS PROTECTED_CALLS, SUM(PROTECTED_CALLS_PERCENT * TOTAL_REQUESTS) / NULLIF(SUM(CASE WHEN PROTECTED_CALLS_PERCENT IS NOT NULL THEN TOTAL_REQUESTS END), 0) AS PROTECTED_PERCENT FROM DBA_ACCHK_STATISTICS_SUMMARY GROUP BY SERVICE_NAME ORDER BY SERVICE_NAME';

const Q = { outFormat: OUT_FORMAT_OBJECT };

type Row = Record<string, unknown>;

function str(v: unknown): string | null {
  return v === null || v === undefined ? null : String(v);
}
function num(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}
function yes(v: unknown): boolean {
  return typeof v === 'string' && ['YES', 'Y', 'TRUE'].includes(v.toUpperCase());
}

function ms(v: unknown): number | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.getTime();
  return null;
}

/**
 * Tags the session that will run the CREATE (copy-progress.ts says why and the byte limits):
 * MODULE first, because thin mode re-sends ACTION with MODULE (see ConnectionLike).
 * UNVERIFIED against a live server here: that V$SESSION shows the values while the CREATE
 * runs, and that the CREATE does not change them (test/real-oracle.test.ts checks the first
 * part with a tagged idle session).
 */
function tagCopySession(c: ConnectionLike, pdb: string, runTag: string): void {
  c.module = ORB_MODULE;
  c.action = `${RELOCATE_ACTION_PREFIX}${runTag}`;
  c.clientInfo = `${RELOCATE_CLIENT_INFO_PREFIX}${pdb}`;
}

function sessionRow(r: Row): SessionRow {
  return {
    instId: num(r.INST_ID) ?? 0,
    sid: num(r.SID) ?? 0,
    serial: num(r['SERIAL#']) ?? 0,
    status: str(r.STATUS),
    command: str(r.COMMAND_NAME),
    module: str(r.MODULE),
    action: str(r.ACTION),
    clientInfo: str(r.CLIENT_INFO),
    sqlText: str(r.SQL_TEXT),
    sqlExecStartMs: ms(r.SQL_EXEC_START),
    lastCallEt: num(r.LAST_CALL_ET),
  };
}

function pxRow(r: Row): PxRow {
  return {
    instId: num(r.INST_ID) ?? 0,
    sid: num(r.SID) ?? 0,
    serial: num(r['SERIAL#']) ?? 0,
    qcInstId: num(r.QCINST_ID),
    qcSid: num(r.QCSID),
    qcSerial: num(r['QCSERIAL#']),
  };
}

function longopsRow(r: Row): LongopsRow {
  return {
    instId: num(r.INST_ID) ?? 0,
    sid: num(r.SID) ?? 0,
    serial: num(r['SERIAL#']) ?? 0,
    qcSid: num(r.QCSID),
    startTimeMs: ms(r.START_TIME),
    target: str(r.TARGET),
    message: str(r.MESSAGE),
    sofar: num(r.SOFAR) ?? 0,
    totalwork: num(r.TOTALWORK) ?? 0,
    units: str(r.UNITS),
    elapsedSeconds: num(r.ELAPSED_SECONDS),
    timeRemaining: num(r.TIME_REMAINING),
  };
}

/** The user sessions of a service on every instance, for the cluster-wide disconnect. */
const SERVICE_SESSIONS_SQL =
  "SELECT INST_ID, SID, SERIAL# FROM GV$SESSION WHERE SERVICE_NAME = :svc AND TYPE = 'USER' ORDER BY INST_ID, SID";

export interface OracledbCdbDeps {
  /** Standalone connections (long calls, and every call when there is no pool). */
  getConnection?: GetConnection;
  /**
   * The pool for short calls; null: none (standalone connections throughout, each given the
   * session state). Default: node-oracledb's createPool, unless only getConnection is injected.
   */
  createPool?: CreatePool | null;
  /** Where pool and connection events are logged (default: the activity's logger, if any). */
  log?: PoolLog;
}

/** Whether a call goes through the pool: bounded by a call timeout no longer than a query's. */
function isShortCall(callTimeoutMs: number): boolean {
  return callTimeoutMs > 0 && callTimeoutMs <= QUERY_CALL_TIMEOUT_MS;
}

export function oracledbCdb(cdb: string, cfg: OracledbCdbConfig, deps: OracledbCdbDeps = {}): CdbPort {
  const getConnection = deps.getConnection ?? defaultGetConnection;
  const createPool = deps.createPool === undefined ? (deps.getConnection ? null : defaultCreatePool) : deps.createPool;
  const log = deps.log ?? activityLog;
  let pool: CdbPool | null = null;
  const open = new Set<ConnectionLike>();

  /**
   * A connection carrying orb's session state (session-state.ts): from the pool for a short call
   * (its sessionCallback set the state if the session is new), else standalone, set here.
   */
  async function connect(callTimeoutMs: number): Promise<ConnectionLike> {
    const opts = connectOptions(cdb, cfg);
    if (createPool && isShortCall(callTimeoutMs)) {
      pool ??= new CdbPool(cdb, createPool, log);
      return pool.acquire(opts);
    }
    const conn = await getConnection(opts);
    try {
      await applySessionState(conn);
    } catch (err) {
      await conn.close({ drop: true }).catch(() => undefined);
      throw err;
    }
    return conn;
  }

  /**
   * Runs `fn` on a connection, ACTION set to the operation (piggybacked on its first statement).
   * A connection whose socket broke or whose session ended is dropped, never returned to the
   * pool: the activity fails retryably (classifyOracleError) and its retry gets a new session,
   * which the session callback sets up again.
   */
  async function withConnection<T>(
    op: string,
    fn: (c: ConnectionLike, call: CallState) => Promise<T>,
    callTimeoutMs = QUERY_CALL_TIMEOUT_MS,
  ): Promise<T> {
    const conn = await connect(callTimeoutMs);
    open.add(conn);
    const call: CallState = { drop: false };
    try {
      conn.callTimeout = callTimeoutMs;
      conn.action = actionFor(op);
      return await fn(conn, call);
    } catch (err) {
      if (isConnectionLost(err)) {
        call.drop = true;
        log('connection dropped after losing it', { cdb, op, code: classifyOracleError(err).code });
      }
      throw err;
    } finally {
      open.delete(conn);
      // A close failure does not change the outcome of the call (the session ends either way).
      // Note: node-oracledb's close() validates an argument that is present even when it is
      // undefined (NJS-005), so pass none unless dropping.
      await (call.drop ? conn.close({ drop: true }) : conn.close()).catch(() => undefined);
    }
  }

  async function query(conn: ConnectionLike, sql: string, binds: Record<string, unknown> = {}): Promise<Row[]> {
    const r = await conn.execute(sql, binds, Q);
    return (r.rows ?? []) as Row[];
  }

  /**
   * Runs `fn` with the session switched into the PDB's container, then switches it back to
   * CDB$ROOT whatever happened. If switching back fails, the outcome of `fn` stands and the
   * connection is dropped rather than reused (this matters only when an injected
   * getConnection hands out pooled connections; standalone ones are closed anyway).
   */
  async function inContainer<T>(conn: ConnectionLike, call: CallState, pdb: string, fn: () => Promise<T>): Promise<T> {
    await conn.execute(`ALTER SESSION SET CONTAINER = ${pdb}`, {}, {});
    try {
      return await fn();
    } finally {
      try {
        await conn.execute('ALTER SESSION SET CONTAINER = CDB$ROOT', {}, {});
      } catch {
        call.drop = true;
      }
    }
  }

  /**
   * Executes one built statement (statements.ts) on its own connection: in the PDB's container
   * when it names one, with the keystore password read from the estate's reference at the last
   * moment when it needs one. `before` runs first on the same connection (session tags).
   */
  async function run(
    op: string,
    s: Statement,
    callTimeoutMs = QUERY_CALL_TIMEOUT_MS,
    before?: (c: ConnectionLike) => Promise<void>,
  ): Promise<void> {
    const sql = s.secretRef === undefined ? s.sql : s.sql.replace(KEYSTORE_SECRET, keystoreLiteral());
    await withConnection(op, async (c, call) => {
      await before?.(c);
      const exec = () => c.execute(sql, s.binds, {});
      return s.container ? inContainer(c, call, s.container, exec) : exec();
    }, callTimeoutMs);
  }

  function keystoreLiteral(): string {
    return keystoreFromRef(cfg.keystorePassword, `cdbs.${cdb}.keystorePassword`);
  }

  const port: CdbPort = {
    cdb,

    async getFacts(): Promise<CdbFacts> {
      return withConnection('getFacts', async (c) => {
        const [db] = await query(c, 'SELECT NAME, LOG_MODE, PLATFORM_ID, PLATFORM_NAME FROM V$DATABASE');
        let version: string | null;
        try {
          // VERSION_FULL exists from 18c; 12.2 only has VERSION.
          const [inst] = await query(c, 'SELECT VERSION_FULL FROM V$INSTANCE');
          version = str(inst?.VERSION_FULL);
        } catch (e) {
          if ((e as { errorNum?: number }).errorNum !== 904) throw e;
          const [inst] = await query(c, 'SELECT VERSION FROM V$INSTANCE');
          version = str(inst?.VERSION);
        }
        const [undo] = await query(c, "SELECT PROPERTY_VALUE FROM DATABASE_PROPERTIES WHERE PROPERTY_NAME = 'LOCAL_UNDO_ENABLED'");
        const [endian] = await query(
          c,
          'SELECT tp.ENDIAN_FORMAT FROM V$TRANSPORTABLE_PLATFORM tp JOIN V$DATABASE d ON d.PLATFORM_ID = tp.PLATFORM_ID',
        );
        const nls = await query(
          c,
          "SELECT PARAMETER, VALUE FROM NLS_DATABASE_PARAMETERS WHERE PARAMETER IN ('NLS_CHARACTERSET', 'NLS_NCHAR_CHARACTERSET')",
        );
        const registry = await query(c, 'SELECT COMP_ID, STATUS FROM DBA_REGISTRY ORDER BY COMP_ID');
        const [omf] = await query(c, "SELECT VALUE FROM V$PARAMETER WHERE NAME = 'db_create_file_dest'");
        // United mode: CDB$ROOT's row (CON_ID 1) says whether the keystore is open for the CDB.
        const [wallet] = await query(c, 'SELECT STATUS FROM V$ENCRYPTION_WALLET WHERE CON_ID IN (0, 1) ORDER BY CON_ID DESC');
        const instances = await query(c, 'SELECT INSTANCE_NAME FROM GV$INSTANCE ORDER BY INST_ID');
        const nlsValue = (p: string) => str(nls.find((r) => r.PARAMETER === p)?.VALUE) ?? '';
        return {
          name: str(db?.NAME) ?? '',
          version: version ?? '',
          localUndo: str(undo?.PROPERTY_VALUE)?.toUpperCase() === 'TRUE',
          logMode: str(db?.LOG_MODE) === 'ARCHIVELOG' ? 'ARCHIVELOG' : 'NOARCHIVELOG',
          platformId: num(db?.PLATFORM_ID) ?? 0,
          platformName: str(db?.PLATFORM_NAME) ?? '',
          endianFormat: str(endian?.ENDIAN_FORMAT) === 'Big' ? 'Big' : 'Little',
          characterSet: nlsValue('NLS_CHARACTERSET'),
          ncharCharacterSet: nlsValue('NLS_NCHAR_CHARACTERSET'),
          options: registry.map((r) => ({ compId: str(r.COMP_ID) ?? '', status: str(r.STATUS) ?? '' })),
          dbCreateFileDest: str(omf?.VALUE)?.trim() || null,
          keystoreStatus: str(wallet?.STATUS),
          instances: instances.map((r) => str(r.INSTANCE_NAME) ?? '').filter((i) => i !== ''),
        };
      });
    },

    async getPdb(pdb: string): Promise<PdbState | null> {
      const name = pdbName('pdb', pdb);
      return withConnection('getPdb', async (c) => {
        // CDB_PDBS.PDB_ID is the PDB's container ID (= V$PDBS.CON_ID). A PDB without a
        // V$PDBS row on this instance (e.g. a RELOCATED tombstone: UNVERIFIED whether it keeps
        // one) gets OPEN_MODE null.
        const [r] = await query(
          c,
          'SELECT p.PDB_NAME, p.STATUS, v.OPEN_MODE, v.TOTAL_SIZE FROM CDB_PDBS p LEFT JOIN V$PDBS v ON v.CON_ID = p.PDB_ID WHERE p.PDB_NAME = :pdb',
          { pdb: name },
        );
        if (!r) return null;
        return {
          name: str(r.PDB_NAME) ?? name,
          status: str(r.STATUS) as PdbStatus,
          openMode: str(r.OPEN_MODE) as OpenMode | null,
          totalSizeBytes: num(r.TOTAL_SIZE),
        };
      });
    },

    async listPdbs(): Promise<PdbState[]> {
      return withConnection('listPdbs', async (c) =>
        (await query(c, LIST_PDBS_SQL)).map((r) => ({
          name: str(r.PDB_NAME) ?? '',
          status: str(r.STATUS) as PdbStatus,
          openMode: str(r.OPEN_MODE) as OpenMode | null,
          totalSizeBytes: num(r.TOTAL_SIZE),
        })),
      );
    },

    async getDbLink(link: string): Promise<DbLinkInfo | null> {
      const name = dbLinkName('dbLink', link);
      // A link created without a domain is stored with the database's domain appended
      // (LINK.EXAMPLE.COM) when db_domain is set, and a statement naming LINK still resolves
      // to it; so the exact name wins, then LINK.<domain>. Links usable by the connected
      // user are its own private ones (which take precedence) and PUBLIC ones.
      const likePrefix = `${name.replace(/_/g, '\\_')}.%`;
      return withConnection('getDbLink', async (c) => {
        const [r] = await query(
          c,
          "SELECT DB_LINK, USERNAME, HOST FROM DBA_DB_LINKS WHERE (DB_LINK = :link OR DB_LINK LIKE :linkPrefix ESCAPE '\\') AND OWNER IN (SYS_CONTEXT('USERENV', 'CURRENT_USER'), 'PUBLIC') ORDER BY CASE WHEN DB_LINK = :link THEN 0 ELSE 1 END, CASE WHEN OWNER = 'PUBLIC' THEN 1 ELSE 0 END FETCH FIRST 1 ROWS ONLY",
          { link: name, linkPrefix: likePrefix },
        );
        if (!r) return null;
        return { name: str(r.DB_LINK) ?? name, username: str(r.USERNAME) ?? '', host: str(r.HOST) ?? '' };
      });
    },

    async getUserPrivileges(username: string): Promise<UserPrivileges> {
      const user = oracleIdentifier('username', username);
      return withConnection('getUserPrivileges', async (c) => {
        const [u] = await query(c, 'SELECT USERNAME, COMMON FROM CDB_USERS WHERE USERNAME = :username AND CON_ID = 1', { username: user });
        // Direct grants, grants through (default) roles, and PUBLIC's: USER_SYS_PRIVS_SQL.
        const privs = await query(c, USER_SYS_PRIVS_SQL, { username: user });
        const pw = await query(c, 'SELECT SYSOPER FROM V$PWFILE_USERS WHERE USERNAME = :username', { username: user });
        return {
          username: user,
          exists: u !== undefined,
          common: yes(u?.COMMON),
          systemPrivileges: privs.map((r) => str(r.PRIVILEGE) ?? '').filter((p) => p !== ''),
          sysoper: pw.some((r) => yes(r.SYSOPER)),
        };
      });
    },

    async savePdbState(pdb: string): Promise<void> {
      await run('savePdbState', statements.savePdbState(pdb));
    },

    async getPdbStorage(pdb: string): Promise<PdbStorage> {
      const name = pdbName('pdb', pdb);
      // CDB_ views read open containers only: the PDB is open READ WRITE when preflight asks.
      return withConnection('getPdbStorage', async (c) => {
        const tbs = await query(c, PDB_ENCRYPTED_TABLESPACES_SQL, { pdb: name });
        const files = await query(c, PDB_DATAFILES_SQL, { pdb: name });
        return {
          encryptedTablespaces: tbs.map((r) => str(r.TABLESPACE_NAME) ?? '').filter((t) => t !== ''),
          datafiles: files.map((r) => str(r.FILE_NAME) ?? '').filter((f) => f !== ''),
        };
      });
    },

    async createPdbRelocate(args: RelocateStatementArgs & { runTag: string }): Promise<void> {
      const statement = statements.createPdbRelocate(args);
      const name = pdbName('pdb', args.pdb);
      if (typeof args.runTag !== 'string' || !isRunTag(args.runTag)) {
        throw new InputError('runTag', `must be 16 lower-case hex digits (got ${JSON.stringify(args.runTag)})`);
      }
      // Its own connection, no call timeout: the statement returns when the copy is done,
      // which can take hours. Progress is read by getCopyProgress on another connection.
      await run('createPdbRelocate', statement, 0, async (c) => {
        tagCopySession(c, name, args.runTag);
        // Thin mode only sends the attributes piggybacked on the next round trip; a ping
        // carries them *before* the CREATE is sent, so the tag is in place from the statement's
        // first second without relying on the server applying a piggyback ahead of the call it
        // rides on. The ping is bounded; the CREATE is not.
        c.callTimeout = QUERY_CALL_TIMEOUT_MS;
        await c.ping();
        c.callTimeout = 0;
      });
    },

    async getCopyProgress(): Promise<CopyProgress[]> {
      // Every CREATE PLUGGABLE DATABASE under way, whoever started it: the rules that tie
      // sessions, parallel execution servers and longops rows together are in copy-progress.ts
      // (shared with the lab). GV$ views: on RAC the CREATE and its copiers may run on other
      // instances than this poll; SIDs repeat across instances, so rows are keyed by INST_ID,
      // SID and SERIAL#. The three other views are read only when a CREATE is under way.
      return withConnection('getCopyProgress', async (c) => {
        const sessions = (await query(c, COPY_SESSIONS_SQL, {
          command: CREATE_PDB_COMMAND,
          module: ORB_MODULE,
          action: `${RELOCATE_ACTION_PREFIX}%`,
        })).map(sessionRow);
        if (sessions.length === 0) return [];
        const px = (await query(c, COPY_PX_SQL)).map(pxRow);
        const longops = (await query(c, COPY_LONGOPS_SQL, { opname: COPY_OPNAME })).map(longopsRow);
        const [bs] = await query(c, BLOCK_SIZE_SQL);
        return copiesFromViews({ sessions, px, longops, blockSize: num(bs?.VALUE) });
      });
    },

    async openPdb(pdb: string, mode: 'READ WRITE' | 'UPGRADE' = 'READ WRITE'): Promise<void> {
      // The first open after a relocation also drains and closes the source: no call timeout.
      await run('openPdb', statements.openPdb(pdb, mode), 0);
    },

    async closePdb(pdb: string): Promise<void> {
      await run('closePdb', statements.closePdb(pdb), 0);
    },

    async dropPdb(pdb: string): Promise<void> {
      await run('dropPdb', statements.dropPdb(pdb), 0);
    },

    async getPlugInViolations(pdb: string): Promise<PlugInViolation[]> {
      const name = pdbName('pdb', pdb);
      return withConnection('getPlugInViolations', async (c) => {
        const rows = await query(
          c,
          "SELECT TYPE, MESSAGE, STATUS, CAUSE, ACTION FROM PDB_PLUG_IN_VIOLATIONS WHERE NAME = :pdb AND STATUS <> 'RESOLVED' ORDER BY TIME",
          { pdb: name },
        );
        return rows.map((r) => ({
          type: str(r.TYPE) ?? '',
          message: str(r.MESSAGE) ?? '',
          status: str(r.STATUS) ?? '',
          cause: str(r.CAUSE),
          action: str(r.ACTION),
        }));
      });
    },

    async listServices(pdb: string): Promise<ServiceInfo[]> {
      const name = pdbName('pdb', pdb);
      return withConnection('listServices', async (c) => {
        // CDB_SERVICES shows the services of *open* PDBs only (CDB_ views read each open
        // container): a mounted PDB lists no services.
        const services = await query(
          c,
          'SELECT s.NAME, s.NETWORK_NAME, c.NAME AS PDB, s.FAILOVER_TYPE, s.FAILOVER_METHOD, s.FAILOVER_RETRIES, s.FAILOVER_DELAY, s.FAILOVER_RESTORE, s.COMMIT_OUTCOME, s.SESSION_STATE_CONSISTENCY, s.REPLAY_INITIATION_TIMEOUT, s.RETENTION_TIMEOUT, s.DRAIN_TIMEOUT, s.STOP_OPTION, s.AQ_HA_NOTIFICATIONS FROM CDB_SERVICES s JOIN V$CONTAINERS c ON c.CON_ID = s.CON_ID WHERE c.NAME = :pdb ORDER BY s.NAME',
          { pdb: name },
        );
        const active = await query(
          c,
          'SELECT a.NAME, i.INSTANCE_NAME FROM GV$ACTIVE_SERVICES a JOIN GV$INSTANCE i ON i.INST_ID = a.INST_ID JOIN V$CONTAINERS c ON c.CON_ID = a.CON_ID WHERE c.NAME = :pdb ORDER BY a.NAME, i.INSTANCE_NAME',
          { pdb: name },
        );
        const [domainRow] = await query(c, "SELECT VALUE FROM V$PARAMETER WHERE NAME = 'db_domain'");
        const domain = (str(domainRow?.VALUE) ?? '').trim().toUpperCase();
        // The PDB's default service is named after the PDB (lower case in the dictionary),
        // with the database domain appended when db_domain is set: PDB or PDB.<db_domain>,
        // compared case-insensitively on NAME and NETWORK_NAME. It cannot be drained.
        const defaultNames = new Set([name, ...(domain ? [`${name}.${domain}`] : [])]);
        const isDefault = (n: string | null) => n !== null && defaultNames.has(n.toUpperCase());
        return services.map((r) => {
          const svc = str(r.NAME) ?? '';
          const networkName = str(r.NETWORK_NAME);
          return {
            name: svc,
            networkName,
            pdb: str(r.PDB) ?? name,
            runningOn: active.filter((a) => a.NAME === svc).map((a) => str(a.INSTANCE_NAME) ?? ''),
            isDefault: isDefault(svc) || isDefault(networkName),
            failoverType: str(r.FAILOVER_TYPE),
            failoverMethod: str(r.FAILOVER_METHOD),
            failoverRetries: num(r.FAILOVER_RETRIES),
            failoverDelay: num(r.FAILOVER_DELAY),
            failoverRestore: str(r.FAILOVER_RESTORE),
            commitOutcome: yes(r.COMMIT_OUTCOME),
            sessionStateConsistency: str(r.SESSION_STATE_CONSISTENCY),
            replayInitiationTimeout: num(r.REPLAY_INITIATION_TIMEOUT),
            retentionTimeout: num(r.RETENTION_TIMEOUT),
            drainTimeout: num(r.DRAIN_TIMEOUT),
            stopOption: str(r.STOP_OPTION),
            aqHaNotifications: yes(r.AQ_HA_NOTIFICATIONS),
          };
        });
      });
    },

    async startService(pdb: string, service: string, instance?: string): Promise<void> {
      await run('startService', statements.startService(pdb, service, instance));
    },

    async stopService(
      pdb: string,
      service: string,
      options: { instance?: string; stopOption: StopOption; drainTimeoutSeconds: number },
    ): Promise<void> {
      const statement = statements.stopService(pdb, service, options);
      await run('stopService', statement, options.drainTimeoutSeconds * 1000 + DRAIN_MARGIN_MS);
    },

    async modifyService(pdb: string, service: string, changes: AttributeChanges): Promise<void> {
      await run('modifyService', statements.modifyService(pdb, service, changes));
    },

    async disconnectSessions(pdb: string, service: string, option: DisconnectOption): Promise<void> {
      // DISCONNECT_SESSION acts on the sessions of the *local* instance (dbmssrv.sql) and
      // returns only when they are gone: no call timeout. On RAC, run it per instance.
      await run('disconnectSessions', statements.disconnectSessions(pdb, service, option), 0);
    },

    async listServiceSessions(service: string): Promise<SessionRef[]> {
      const svc = serviceName('service', service);
      return withConnection('listServiceSessions', async (c) => {
        const rows = await query(c, SERVICE_SESSIONS_SQL, { svc });
        // Numbers as GV$SESSION gives them; statements.disconnectSession refuses anything but safe integers.
        const n = (v: unknown) => num(v) ?? NaN;
        return rows.map((r) => ({ instId: n(r.INST_ID), sid: n(r.SID), serial: n(r['SERIAL#']) }));
      });
    },

    async disconnectSession(ref: SessionRef): Promise<void> {
      // POST_TRANSACTION returns at once; the session ends when its transaction does.
      await run('disconnectSession', statements.disconnectSession(ref));
    },

    async countPdbSessions(pdb: string): Promise<number> {
      const name = pdbName('pdb', pdb);
      return withConnection('countPdbSessions', async (c) => {
        const [r] = await query(c, PDB_SESSIONS_SQL, { pdb: name });
        return num(r?.SESSIONS) ?? 0;
      });
    },

    async countSessions(service: string): Promise<SessionCount[]> {
      const svc = serviceName('service', service);
      return withConnection('countSessions', async (c) => {
        const rows = await query(
          c,
          "SELECT i.INSTANCE_NAME, COUNT(*) AS SESSIONS FROM GV$SESSION s JOIN GV$INSTANCE i ON i.INST_ID = s.INST_ID WHERE s.SERVICE_NAME = :svc AND s.TYPE = 'USER' GROUP BY i.INSTANCE_NAME ORDER BY i.INSTANCE_NAME",
          { svc },
        );
        return rows.map((r) => ({ instance: str(r.INSTANCE_NAME) ?? '', count: num(r.SESSIONS) ?? 0 }));
      });
    },

    async countFailoverSessions(pdb: string): Promise<FailoverSessionCount[]> {
      const name = pdbName('pdb', pdb);
      return withConnection('countFailoverSessions', async (c) =>
        (await query(c, FAILOVER_SESSIONS_SQL, { pdb: name })).map((r) => ({
          service: str(r.SERVICE_NAME) ?? '',
          failoverType: str(r.FAILOVER_TYPE),
          failoverMethod: str(r.FAILOVER_METHOD),
          failedOver: yes(r.FAILED_OVER),
          count: num(r.SESSIONS) ?? 0,
        })),
      );
    },

    async getAcchkSummary(pdb: string): Promise<AcchkServiceStats[]> {
      const name = pdbName('pdb', pdb);
      return withConnection('getAcchkSummary', async (c, call) => {
        let rows: Row[];
        try {
          rows = await inContainer(c, call, name, () => query(c, ACCHK_SUMMARY_SQL));
        } catch (e) {
          // Before 19.11 the view does not exist: no statistics, as when ACCHK was never enabled.
          if ((e as { errorNum?: number }).errorNum === 942) return [];
          throw e;
        }
        return rows.map((r) => ({
          service: str(r.SERVICE_NAME) ?? '',
          totalRequests: num(r.REQUESTS) ?? 0,
          userCalls: num(r.USER_CALLS),
          protectedCalls: num(r.PROTECTED_CALLS),
          protectedCallsPercent: num(r.PROTECTED_PERCENT),
        }));
      });
    },

    async close(): Promise<void> {
      const conns = [...open];
      open.clear();
      await Promise.allSettled(
        conns.map(async (c) => {
          await c.break?.().catch(() => undefined);
          await c.close({ drop: true }).catch(() => undefined);
        }),
      );
      const p = pool;
      pool = null;
      await p?.close();
    },
  };
  return port;
}

/** Per-call state: whether the connection must be dropped instead of reused. */
interface CallState {
  drop: boolean;
}
