/**
 * The one port between orb's activities and an Oracle CDB. Two implementations:
 *  - `oracledb-cdb.ts`: node-oracledb thin mode against a real CDB root (SQL in the
 *    comments of each method is what it runs);
 *  - `lab-cdb.ts`: HTTP client of the simulated estate (`orb lab`).
 * Which one a CDB uses comes from the estate configuration file (common/estate-config.ts).
 *
 * Every method reads or acts on the CDB it was opened for. Names passed in are already
 * validated and canonical (upper case for PDBs and links; service names as given).
 * Errors are thrown as `OracleError` (same shape as node-oracledb's: `errorNum`, `code`),
 * and classified once by common/oracle-errors.ts.
 */

import type { AttributeChanges } from '../../common/readiness/attributes';
import type { RelocateStatementArgs, SessionRef } from './statements';

export type { SessionRef } from './statements';

export type PdbStatus = 'NEW' | 'NORMAL' | 'UNPLUGGED' | 'RELOCATING' | 'RELOCATED' | 'REFRESHING' | 'UNUSABLE';
export type OpenMode = 'MOUNTED' | 'READ ONLY' | 'READ WRITE' | 'MIGRATE';
export type Availability = 'NORMAL' | 'MAX';
export type StopOption = 'NONE' | 'IMMEDIATE' | 'TRANSACTIONAL';
export type DisconnectOption = 'POST_TRANSACTION' | 'IMMEDIATE' | 'NOREPLAY';

export interface CdbFacts {
  /** V$DATABASE.NAME */
  name: string;
  /** V$INSTANCE.VERSION_FULL, e.g. 19.22.0.0.0 */
  version: string;
  /** DATABASE_PROPERTIES LOCAL_UNDO_ENABLED = 'TRUE' */
  localUndo: boolean;
  /** V$DATABASE.LOG_MODE */
  logMode: 'ARCHIVELOG' | 'NOARCHIVELOG';
  platformId: number;
  platformName: string;
  /** V$TRANSPORTABLE_PLATFORM.ENDIAN_FORMAT of this database's platform */
  endianFormat: 'Little' | 'Big';
  /** NLS_DATABASE_PARAMETERS NLS_CHARACTERSET / NLS_NCHAR_CHARACTERSET */
  characterSet: string;
  ncharCharacterSet: string;
  /** DBA_REGISTRY comp_id and status (VALID, OPTION OFF, ...) */
  options: { compId: string; status: string }[];
  /** V$PARAMETER db_create_file_dest: where Oracle Managed Files go (null: no OMF, FILE_NAME_CONVERT needed) */
  dbCreateFileDest: string | null;
  /** GV$INSTANCE.INSTANCE_NAME of every instance open now (more than one: RAC) */
  instances: string[];
  /** V$ENCRYPTION_WALLET.STATUS of CDB$ROOT (OPEN, CLOSED, NOT_AVAILABLE, OPEN_NO_MASTER_KEY, ...); null: no row */
  keystoreStatus: string | null;
}

/** What the CREATE needs to know about the PDB's files, read in the source. */
export interface PdbStorage {
  /** CDB_TABLESPACES.ENCRYPTED = 'YES' in the PDB (TDE) */
  encryptedTablespaces: string[];
  /** CDB_DATA_FILES.FILE_NAME of the PDB */
  datafiles: string[];
}

export interface PdbState {
  name: string;
  /** CDB_PDBS.STATUS */
  status: PdbStatus;
  /** V$PDBS.OPEN_MODE (null when the PDB has no row in V$PDBS; a RELOCATED tombstone is MOUNTED) */
  openMode: OpenMode | null;
  /** V$PDBS.TOTAL_SIZE in bytes, when known */
  totalSizeBytes: number | null;
}

export interface DbLinkInfo {
  /** DBA_DB_LINKS.DB_LINK */
  name: string;
  /** DBA_DB_LINKS.USERNAME: the user the link connects as in the remote (source) CDB */
  username: string;
  /** DBA_DB_LINKS.HOST: the connect descriptor */
  host: string;
}

export interface UserPrivileges {
  username: string;
  exists: boolean;
  /** CDB_USERS.COMMON = 'YES' */
  common: boolean;
  /** CDB_SYS_PRIVS.PRIVILEGE granted to the user in CDB$ROOT, directly, through default roles or PUBLIC */
  systemPrivileges: string[];
  /** V$PWFILE_USERS.SYSOPER = 'TRUE' */
  sysoper: boolean;
}

/**
 * A CREATE PLUGGABLE DATABASE under way in this CDB, whoever started it (orb or a DBA by hand),
 * with the progress of its datafile copy. How the rows are tied to the copy is said in
 * activities/oracle/copy-progress.ts, which both implementations use.
 */
export interface CopyProgress {
  /**
   * The PDB being created: from the statement's text (GV$SQL), or, before orb's CREATE has
   * reached the database, from orb's tag (CLIENT_INFO). null when neither says: any PDB.
   */
  pdb: string | null;
  /** The session running the CREATE (GV$SESSION INST_ID, SID, SERIAL#). */
  session: { instId: number; sid: number; serial: number };
  /** The orb run that started it (orb's tag: MODULE 'orb', ACTION 'relocate <runTag>'); null: not started by an orb run. */
  runTag: string | null;
  /** V$SESSION.MODULE / ACTION of that session, to name a copy someone else started. */
  module: string | null;
  action: string | null;
  /** Summed SOFAR / TOTALWORK of the copy's 'kpdbfCopyTaskCbk' rows (UNITS Blocks), finished files included. */
  blocksDone: number;
  blocksTotal: number;
  /** DB_BLOCK_SIZE in bytes (null when unknown) and the block counts times it. */
  blockSize: number | null;
  bytesDone: number | null;
  bytesTotal: number | null;
  /** Parallel execution servers copying for it (or the sessions that reported rows, at least the CREATE's own). */
  copierSessions: number;
  /** Seconds since the CREATE call began (LAST_CALL_ET of the ACTIVE session), 0 before it runs. */
  elapsedSeconds: number;
  /** Oracle's estimate for the file copies under way now (largest TIME_REMAINING); null between files. */
  timeRemainingSeconds: number | null;
}

export interface ServiceInfo {
  /** CDB_SERVICES.NAME */
  name: string;
  networkName: string | null;
  pdb: string;
  /** Instances the service runs on now (GV$ACTIVE_SERVICES.INST_ID mapped to instance names) */
  runningOn: string[];
  /** true for the PDB's default service, which can never be drained or relocated */
  isDefault: boolean;
  failoverType: string | null;
  failoverMethod: string | null;
  failoverRetries: number | null;
  failoverDelay: number | null;
  failoverRestore: string | null;
  commitOutcome: boolean;
  sessionStateConsistency: string | null;
  replayInitiationTimeout: number | null;
  retentionTimeout: number | null;
  drainTimeout: number | null;
  stopOption: string | null;
  aqHaNotifications: boolean;
}

export interface SessionCount {
  instance: string;
  count: number;
}

/**
 * User sessions of a PDB as the Net Services Administrator's Guide ("Verifying Transparent
 * Application Failover") counts them: GV$SESSION grouped by SERVICE_NAME, FAILOVER_TYPE,
 * FAILOVER_METHOD and FAILED_OVER. A session keeps the failover settings it connected with.
 */
export interface FailoverSessionCount {
  /** GV$SESSION.SERVICE_NAME */
  service: string;
  /** NONE, SESSION, SELECT, TRANSACTION, AUTO (null when the column is empty) */
  failoverType: string | null;
  /** NONE, BASIC, PRECONNECT */
  failoverMethod: string | null;
  /** FAILED_OVER = 'YES': the session has failed over already */
  failedOver: boolean;
  count: number;
}

/**
 * DBA_ACCHK_STATISTICS_SUMMARY of the PDB, per service (19.11+, rows only while ACCHK is
 * enabled: DBMS_APP_CONT_ADMIN.ACCHK_SET(TRUE)). Summed over instances and failover settings.
 */
export interface AcchkServiceStats {
  service: string;
  /** SUM(TOTAL_REQUESTS) */
  totalRequests: number;
  /** User calls in requests: SUM(AVG_USER_CALLS_IN_REQUESTS * TOTAL_REQUESTS) (null when not reported) */
  userCalls: number | null;
  /** Protected ones: SUM(AVG_PROTECTED_CALLS_IN_REQUESTS * TOTAL_REQUESTS) */
  protectedCalls: number | null;
  /** PROTECTED_CALLS_PERCENT weighted by TOTAL_REQUESTS (used when the call counts are missing) */
  protectedCallsPercent: number | null;
}

export interface PlugInViolation {
  /** PDB_PLUG_IN_VIOLATIONS.TYPE: ERROR or WARNING */
  type: string;
  message: string;
  status: string;
  cause: string | null;
  action: string | null;
}

export interface CdbPort {
  /** The configured CDB name (estate file key). */
  readonly cdb: string;

  /** Facts for preflight: V$DATABASE, V$INSTANCE, DATABASE_PROPERTIES, V$TRANSPORTABLE_PLATFORM, NLS_DATABASE_PARAMETERS, DBA_REGISTRY. */
  getFacts(): Promise<CdbFacts>;

  /** CDB_PDBS joined with V$PDBS; null when the CDB has no PDB of that name. */
  getPdb(pdb: string): Promise<PdbState | null>;

  /** DBA_DB_LINKS; null when the link does not exist. */
  getDbLink(link: string): Promise<DbLinkInfo | null>;

  /** CDB_USERS, CDB_SYS_PRIVS (con_id 1), V$PWFILE_USERS for one user. */
  getUserPrivileges(username: string): Promise<UserPrivileges>;

  /** ALTER PLUGGABLE DATABASE <pdb> SAVE STATE INSTANCES=ALL */
  savePdbState(pdb: string): Promise<void>;

  /**
   * CREATE PLUGGABLE DATABASE <pdb> FROM <pdb>@<link> RELOCATE AVAILABILITY <availability>,
   * run in this (target) CDB on a session tagged with the orb run that issues it (`runTag`, see
   * copy-progress.ts). Resolves when the statement completes (the copy is done).
   */
  /** runTag: the run's identity, tagged on the CREATE's session (copy-progress.ts) so only this run joins the copy. */
  createPdbRelocate(args: RelocateStatementArgs & { runTag: string }): Promise<void>;

  /** CDB_TABLESPACES (encrypted) and CDB_DATA_FILES of an open PDB. */
  getPdbStorage(pdb: string): Promise<PdbStorage>;

  /** Every CREATE PLUGGABLE DATABASE under way in this CDB, whoever started it, with its copy's progress. */
  getCopyProgress(): Promise<CopyProgress[]>;

  /** ALTER PLUGGABLE DATABASE <pdb> OPEN INSTANCES=ALL, or OPEN UPGRADE (statements.ts) */
  openPdb(pdb: string, mode?: 'READ WRITE' | 'UPGRADE'): Promise<void>;

  /** ALTER PLUGGABLE DATABASE <pdb> CLOSE IMMEDIATE INSTANCES=ALL */
  closePdb(pdb: string): Promise<void>;

  /** DROP PLUGGABLE DATABASE <pdb> INCLUDING DATAFILES */
  dropPdb(pdb: string): Promise<void>;

  /** PDB_PLUG_IN_VIOLATIONS rows for the PDB whose status is not RESOLVED. */
  getPlugInViolations(pdb: string): Promise<PlugInViolation[]>;

  /** Every PDB of the CDB but PDB$SEED (CDB_PDBS joined with V$PDBS), as getPdb answers for one. */
  listPdbs(): Promise<PdbState[]>;

  /** CDB_SERVICES of the PDB with where they run (GV$ACTIVE_SERVICES). */
  listServices(pdb: string): Promise<ServiceInfo[]>;

  /** DBMS_SERVICE.START_SERVICE(service, instance | DBMS_SERVICE.ALL_INSTANCES), in the PDB's container. */
  startService(pdb: string, service: string, instance?: string): Promise<void>;

  /** DBMS_SERVICE.STOP_SERVICE(service, instance | ALL_INSTANCES, stop_option, drain_timeout), in the PDB's container. */
  stopService(
    pdb: string,
    service: string,
    options: { instance?: string; stopOption: StopOption; drainTimeoutSeconds: number },
  ): Promise<void>;

  /**
   * DBMS_SERVICE.MODIFY_SERVICE(service, svc_parameter_array) in the PDB's container, every value bound
   * (statements.modifyService). Sessions already connected keep the settings they connected with.
   */
  modifyService(pdb: string, service: string, changes: AttributeChanges): Promise<void>;

  /** DBMS_SERVICE.DISCONNECT_SESSION(service, DBMS_SERVICE.<option>), in the PDB's container. */
  disconnectSessions(pdb: string, service: string, option: DisconnectOption): Promise<void>;

  /** GV$SESSION user sessions on the service, every instance: INST_ID, SID, SERIAL# of each. */
  listServiceSessions(service: string): Promise<SessionRef[]>;

  /**
   * ALTER SYSTEM DISCONNECT SESSION 'sid,serial#,@inst_id' POST_TRANSACTION (statements.disconnectSession), in the
   * root: the session leaves once its transaction ends, whatever instance it is on. ORA-00030 when it is gone already.
   */
  disconnectSession(ref: SessionRef): Promise<void>;

  /** GV$SESSION user sessions connected to the PDB (any service), all instances. */
  countPdbSessions(pdb: string): Promise<number>;

  /** GV$SESSION user sessions on the service, per instance. */
  countSessions(service: string): Promise<SessionCount[]>;

  /** GV$SESSION user sessions of the PDB by service and failover settings (FailoverSessionCount). */
  countFailoverSessions(pdb: string): Promise<FailoverSessionCount[]>;

  /** DBA_ACCHK_STATISTICS_SUMMARY in the PDB's container, per service; [] when ACCHK has no statistics. */
  getAcchkSummary(pdb: string): Promise<AcchkServiceStats[]>;

  /** Releases connections held by this port. */
  close(): Promise<void>;
}

/** The error shape both implementations throw (node-oracledb's own errors already have it). */
export class OracleError extends Error {
  override readonly name = 'OracleError';
  /** e.g. 'ORA-65012' or 'NJS-500' */
  readonly code: string;
  /** numeric part for ORA errors (node-oracledb's errorNum); 0 for NJS errors */
  readonly errorNum: number;
  constructor(code: string, message: string) {
    super(message.startsWith(code) ? message : `${code}: ${message}`);
    this.code = code;
    const m = /^ORA-(\d+)$/.exec(code);
    this.errorNum = m ? Number(m[1]) : 0;
  }
}
