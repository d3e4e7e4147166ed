/**
 * The lab's state model: a simulated Oracle estate. Pure data (JSON-serialisable), so the
 * whole estate is persisted to the state file as is and served by `GET /estate`.
 *
 * Top-level collections are kept open for later kinds of targets: `cdbs` today (single
 * instance or RAC: every CDB has an `instances` list and services/sessions name the
 * instance they are on), `cloud` holds Autonomous Databases, OIC and Vault (lab/cloud-model.ts).
 *
 * Names: PDB and database link names are stored upper case (Oracle's dictionary form);
 * service names as created, compared case-insensitively (the listener does the same).
 */
import type { LabCloud } from './cloud-model';
import type { LabCluster, LabCrsService, LabRacSettings } from './rac/rac-model';
import type { Availability, OpenMode, PdbStatus, ServiceInfo, StopOption } from '../activities/oracle/port';

/** 2: copies run on parallel copier sessions with per-datafile longops; PDBs have a GUID and datafiles. */
export const LAB_STATE_VERSION = 2;

export interface LabInstance {
  /** V$INSTANCE.INSTANCE_NAME, e.g. cdb1 (RAC: cdb1_1, cdb1_2, ...) */
  name: string;
  /** GV$INSTANCE.INST_ID */
  number: number;
}

export interface LabOption {
  /** DBA_REGISTRY.COMP_ID */
  compId: string;
  /** DBA_REGISTRY.STATUS: VALID, OPTION OFF, INVALID, ... */
  status: string;
}

export interface LabUser {
  /** CDB_USERS.USERNAME (upper case) */
  username: string;
  common: boolean;
  /** CDB_SYS_PRIVS granted directly in CDB$ROOT */
  systemPrivileges: string[];
  /** V$PWFILE_USERS.SYSOPER */
  sysoper: boolean;
}

export interface LabDbLink {
  /** DBA_DB_LINKS.DB_LINK (upper case) */
  name: string;
  /** The user the link connects as in the remote CDB */
  username: string;
  /** Connect descriptor (DBA_DB_LINKS.HOST) */
  host: string;
  /** The lab CDB the descriptor reaches (null: nothing answers there) */
  toCdb: string | null;
}

export interface LabPlugInViolation {
  type: 'ERROR' | 'WARNING';
  message: string;
  status: 'PENDING' | 'RESOLVED';
  cause: string | null;
  action: string | null;
}

/**
 * A service as CDB_SERVICES / GV$ACTIVE_SERVICES describe it: the port's ServiceInfo, less the
 * PDB (implied by where the service is kept in the model).
 */
export type LabService = Omit<ServiceInfo, 'pdb'> & {
  /** Managed by Oracle Clusterware (srvctl): its configuration there (lab/rac/rac-model.ts) */
  crs?: LabCrsService;
};

/** A datafile of a PDB (CDB_DATA_FILES): its number in the CDB, tablespace and size. */
export interface LabDatafile {
  fileNo: number;
  tablespace: string;
  bytes: number;
  /** Where FILE_NAME_CONVERT put it; without, its OMF path (datafiles.ts datafilePath) */
  path?: string;
}

export interface LabPdb {
  /** CDB_PDBS.PDB_NAME */
  name: string;
  /** CDB_PDBS.GUID (32 hex digits), part of its datafiles' OMF paths */
  guid: string;
  datafiles: LabDatafile[];
  /** CDB_PDBS.STATUS */
  status: PdbStatus;
  /** V$PDBS.OPEN_MODE; null when the PDB has no V$PDBS row (a RELOCATED tombstone is MOUNTED) */
  openMode: OpenMode | null;
  /** V$PDBS.TOTAL_SIZE */
  totalSizeBytes: number;
  /** The release its dictionary is at (DBA_REGISTRY in the PDB); below the CDB's major release it opens MIGRATE */
  version: string;
  /** CDB_TABLESPACES.ENCRYPTED = 'YES' (TDE) */
  encryptedTablespaces: string[];
  /** Open mode recorded by ALTER PLUGGABLE DATABASE ... SAVE STATE in this CDB (DBA_PDB_SAVED_STATES; not carried by a relocation) */
  savedState: OpenMode | null;
  services: LabService[];
  /** PDB_PLUG_IN_VIOLATIONS for this PDB */
  violations: LabPlugInViolation[];
  /** Where this PDB came from when it was created by RELOCATE (kept until its first open) */
  relocatedFrom: { cdb: string; pdb: string; availability: Availability } | null;
}

export interface LabCdb {
  /** V$DATABASE.NAME */
  name: string;
  /** V$INSTANCE.VERSION_FULL */
  version: string;
  platformId: number;
  platformName: string;
  endianFormat: 'Little' | 'Big';
  characterSet: string;
  ncharCharacterSet: string;
  localUndo: boolean;
  logMode: 'ARCHIVELOG' | 'NOARCHIVELOG';
  /** DB_BLOCK_SIZE in bytes */
  blockSize: number;
  options: LabOption[];
  /** V$PARAMETER db_create_file_dest (null: no Oracle Managed Files, a CREATE needs FILE_NAME_CONVERT: ORA-65016) */
  dbCreateFileDest: string | null;
  /** V$ENCRYPTION_WALLET.STATUS of CDB$ROOT (OPEN, CLOSED, NOT_AVAILABLE, ...) */
  keystoreStatus: string | null;
  /** One for single instance; several for RAC */
  instances: LabInstance[];
  dbLinks: LabDbLink[];
  users: LabUser[];
  pdbs: LabPdb[];
  /** Managed by Oracle Clusterware (RAC): nodes, instance states, pools, FAN (lab/rac/rac-model.ts) */
  cluster?: LabCluster;
}

/** A user session (GV$SESSION TYPE='USER') connected through a service. */
export interface LabSession {
  sid: number;
  cdb: string;
  pdb: string;
  service: string;
  instance: string;
  /** Never leaves on its own (a batch job, a forgotten SQL*Plus): only DISCONNECT_SESSION removes it */
  longRunning: boolean;
  connectedAtMs: number;
  /** Simulated time at which it leaves on its own (set when its service is stopped on its instance) */
  leavesAtMs: number | null;
  /**
   * GV$SESSION FAILOVER_TYPE / FAILOVER_METHOD: the service's settings when the session connected
   * (a session keeps them). Absent for sessions the lab created without recording them (seed
   * sessions, older state files): those count with their service's current settings.
   */
  failoverType?: string;
  failoverMethod?: string;
  /** GV$SESSION FAILED_OVER = 'YES' */
  failedOver?: boolean;
  /** A connection of this client pool (LabCluster.pools); the pool replaces it when it closes */
  pool?: string;
}

/** A STOP_SERVICE with a drain timeout whose deadline has not been applied yet. */
export interface LabDrain {
  cdb: string;
  pdb: string;
  service: string;
  instance: string;
  stopOption: StopOption;
  deadlineMs: number;
}

/** A session as GV$SESSION keys it. */
export interface LabSessionRef {
  instId: number;
  sid: number;
  serial: number;
}

/** The session that runs a CREATE PLUGGABLE DATABASE, with what it shows in GV$SESSION / GV$SQL. */
export interface LabCreateSession extends LabSessionRef {
  module: string | null;
  action: string | null;
  clientInfo: string | null;
  sqlText: string;
}

/** A parallel execution server of a CDB instance (kept from one statement to the next, like Oracle's). */
export interface LabPxServer extends LabSessionRef {
  cdb: string;
  /** P000, P001, ... */
  name: string;
}

/** One datafile copy task of a copy: which copier copies it, and when (simulated seconds from the copy's start). */
export interface LabCopyTask {
  fileNo: number;
  path: string;
  blocks: number;
  /** index into LabCopy.copiers */
  copier: number;
  startSec: number;
  endSec: number;
}

/** A GV$SESSION_LONGOPS 'kpdbfCopyTaskCbk' row left by a copy that has ended (it stays in the view). */
export interface LabLongop extends LabSessionRef {
  cdb: string;
  qcSid: number;
  startTimeMs: number;
  lastUpdateMs: number;
  target: string;
  message: string;
  sofar: number;
  totalwork: number;
  elapsedSeconds: number;
  timeRemaining: number;
}

/**
 * A CREATE PLUGGABLE DATABASE ... RELOCATE under way: its session, its parallel copiers and the
 * schedule of its datafile copy tasks (each copier takes the next file when it has finished one;
 * the whole copy takes totalBytes / rateBytesPerSec). Progress is the simulated time the copy has
 * run (`progressSec`).
 */
export interface LabCopy {
  id: number;
  /** The target CDB (where the statement runs and the longops are visible) */
  cdb: string;
  pdb: string;
  sourceCdb: string;
  sourcePdb: string;
  availability: Availability;
  session: LabCreateSession;
  copiers: LabSessionRef[];
  tasks: LabCopyTask[];
  blockSize: number;
  totalBytes: number;
  /** bytes per simulated second, the copy as a whole */
  rateBytesPerSec: number;
  /** Simulated seconds the copy takes from start to end */
  durationSec: number;
  /** Simulated seconds of copying accounted so far */
  progressSec: number;
  startedAtMs: number;
  /** Simulated time up to which progressSec is accounted */
  accountedToMs: number;
  /** Fraction (0..1) of the copy's duration at which a fault aborts it */
  abortAt: { fraction: number; ora: string; nested: string | null; faultId: number } | null;
  state: 'running' | 'done' | 'aborted';
  error: { code: string; message: string } | null;
  /** oplog entry recording this call */
  oplogSeq: number;
}

export interface LabFault {
  id: number;
  op: string;
  cdb: string | null;
  object: string | null;
  kind: 'transient' | 'permanent';
  ora: string;
  /** For ORA-17627/17628/17629: the remote side's error wrapped inside (e.g. ORA-01031) */
  nested: string | null;
  /** Remaining firings (null: unlimited) */
  remaining: number | null;
  at: number | null;
  when: 'before' | 'after';
  fired: number;
  /** srvctl faults (op "srvctl <verb> <noun>"): the command never answers (lab/rac/srvctl-faults.ts) */
  hang?: boolean;
  /** srvctl faults: the error line printed (default: the code's usual text) */
  message?: string | null;
}

export interface LabOplogEntry {
  seq: number;
  /** Simulated time (ISO) the call arrived */
  at: string;
  /** Real time (ISO) the call arrived */
  realAt: string;
  cdb: string;
  op: string;
  args: unknown;
  /** 'running' only while a createPdbRelocate copy is under way */
  outcome: 'ok' | 'error' | 'running';
  error?: { code: string; message: string };
  /** The fault that produced the error, when one did */
  faultId?: number;
  /** The statement the adapter would send a real CDB for this call (activities/oracle/statements.ts), as it sent it */
  statement?: { sql: string; binds: Record<string, string | number>; container?: string; secretRef?: string };
  /** Simulated time (ISO) the call completed (for long calls) */
  endedAt?: string;
  /** Cloud calls (cdb is OCI or OIC): the OCID, connection or integration the call names */
  target?: string;
}

/** Settings of the simulation that a seed chooses. */
export interface LabSettings {
  /** Simulated seconds per real second */
  speed: number;
  /** Datafile copy rate of a relocation, bytes per simulated second */
  copyRateBytesPerSec: number;
  /** Half-life (simulated seconds) of ordinary sessions leaving a stopped service */
  sessionHalfLifeSec: number;
  /** Parallel execution servers a relocation copies with (at most one per datafile) */
  copyParallelism: number;
  /** Simulated seconds an Autonomous Data Guard role change takes (lab/oci/role-change.ts; default 120) */
  adbRoleChangeSec?: number;
  /** RAC timings (lab/rac/rac-model.ts); defaults by seed */
  rac?: LabRacSettings;
}

export interface LabState {
  version: typeof LAB_STATE_VERSION;
  seed: string;
  settings: LabSettings;
  /** Simulated time (epoch ms) when the state was last saved / advanced */
  simNowMs: number;
  /** PRNG state (session leave times) */
  rng: number;
  nextSid: number;
  nextId: number;
  cdbs: LabCdb[];
  /** Autonomous Databases, work requests, wallets, Vault, OIC and OCI events (lab/cloud-model.ts) */
  cloud: LabCloud;
  sessions: LabSession[];
  drains: LabDrain[];
  copies: LabCopy[];
  /** Parallel execution servers started so far, per CDB instance */
  pxServers: LabPxServer[];
  /** Copy-task longops rows of copies that have ended (the newest LONGOPS_KEPT) */
  longops: LabLongop[];
  faults: LabFault[];
  oplog: LabOplogEntry[];
  nextOplogSeq: number;
  /** PDB names that took part in a relocation (for the quiescent invariant) */
  relocatedPdbs: string[];
}

export const MB = 1024 * 1024;
export const GB = 1024 * MB;
