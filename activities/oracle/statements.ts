/**
 * Every statement orb issues to change an Oracle CDB, built in one place. The node-oracledb
 * adapter executes exactly these (oracledb-cdb.ts), the lab adapter sends them along with its
 * calls so the lab's operation log records them (lab-cdb.ts), and `orb plan` prints them
 * (activities/relocation-plan.ts): the plan and the run cannot drift apart.
 *
 * Identifiers that reach the text (PDB and link names) are validated here again; values are
 * bound (`:name`). The one secret a statement can carry, the keystore password of
 * `KEYSTORE IDENTIFIED BY` (DDL takes no binds), is added by the executor at the last moment:
 * a Statement holds a placeholder and the reference the secret comes from, never the secret.
 */
import { dbLinkName, oracleIdentifier, pdbName, serviceName } from '../../common/identifiers';
import { InputError } from '../../common/input-error';
import { fileNamePattern } from '../../common/file-names';
import type { Availability, DisconnectOption, StopOption } from './port';
import { ATTRIBUTE_SPECS, orderedChanges, type AttributeChanges } from '../../common/readiness/attributes';

export interface Statement {
  /** SQL or PL/SQL text as sent, with `:name` binds and, for a secret, KEYSTORE_SECRET in its place */
  sql: string;
  binds: Record<string, string | number>;
  /** Runs inside this PDB's container (ALTER SESSION SET CONTAINER), else in CDB$ROOT */
  container?: string;
  /** The secret the executor puts in place of KEYSTORE_SECRET, by reference (e.g. "env ORB_CDB2_KEYSTORE") */
  secretRef?: string;
}

/** What stands in the text where the keystore password goes. */
export const KEYSTORE_SECRET = '<keystore password>';

/** Pairs of FILE_NAME_CONVERT: a source path pattern and its replacement in the target. */
export type FileNameConvert = [string, string][];

const STOP_OPTIONS: Record<StopOption, string> = {
  NONE: 'DBMS_SERVICE.STOP_OPTION_NONE',
  IMMEDIATE: 'DBMS_SERVICE.STOP_OPTION_IMMEDIATE',
  TRANSACTIONAL: 'DBMS_SERVICE.STOP_OPTION_TRANSACTIONAL',
};
/** DBMS_SERVICE's NUMBER constants (0, 1, 2): a string literal would fail. */
const DISCONNECT_OPTIONS: Record<DisconnectOption, string> = {
  POST_TRANSACTION: 'DBMS_SERVICE.POST_TRANSACTION',
  IMMEDIATE: 'DBMS_SERVICE.IMMEDIATE',
  NOREPLAY: 'DBMS_SERVICE.NOREPLAY',
};
const AVAILABILITIES: readonly Availability[] = ['NORMAL', 'MAX'];

function constantOf<K extends string>(field: string, table: Record<K, string>, key: unknown): string {
  if (typeof key !== 'string' || !Object.prototype.hasOwnProperty.call(table, key)) {
    throw new InputError(field, `must be one of ${Object.keys(table).join(', ')} (got ${JSON.stringify(key)})`);
  }
  return table[key as K];
}

/** instance_name: bound when one instance is named, else every instance. */
function instanceArg(binds: Record<string, string | number>, instance: string | undefined): string {
  if (instance === undefined) return 'DBMS_SERVICE.ALL_INSTANCES';
  oracleIdentifier('instance', instance); // validated; bound as given (V$INSTANCE.INSTANCE_NAME is lower case)
  binds.inst = instance;
  return ':inst';
}

/** A session as GV$SESSION names it: INST_ID, SID, SERIAL#. */
export interface SessionRef {
  instId: number;
  sid: number;
  serial: number;
}

export interface RelocateStatementArgs {
  pdb: string;
  dbLink: string;
  availability: Availability;
  /** FILE_NAME_CONVERT pairs, for a target without Oracle Managed Files */
  fileNameConvert?: FileNameConvert;
  /** Reference of the target's keystore password, for a PDB with encrypted data (TDE) */
  keystoreSecretRef?: string;
}

export const statements = {
  /** Keeps the PDB's open mode across CDB restarts (DBA_PDB_SAVED_STATES), on every instance. */
  savePdbState(pdb: string): Statement {
    return { sql: `ALTER PLUGGABLE DATABASE ${pdbName('pdb', pdb)} SAVE STATE INSTANCES=ALL`, binds: {} };
  },

  /**
   * CREATE PLUGGABLE DATABASE <pdb> FROM <pdb>@<link> [FILE_NAME_CONVERT = (...)]
   * [KEYSTORE IDENTIFIED BY <password>] RELOCATE AVAILABILITY <a>, in the target root. Clause
   * order as in the SQL Language Reference's create_pdb_clone diagram (19c).
   */
  createPdbRelocate(a: RelocateStatementArgs): Statement {
    const name = pdbName('pdb', a.pdb);
    const link = dbLinkName('dbLink', a.dbLink);
    if (!AVAILABILITIES.includes(a.availability)) {
      throw new InputError('availability', `must be one of ${AVAILABILITIES.join(', ')} (got ${JSON.stringify(a.availability)})`);
    }
    const parts = [`CREATE PLUGGABLE DATABASE ${name} FROM ${name}@${link}`];
    if (a.fileNameConvert?.length) {
      const pairs = a.fileNameConvert.map(([from, to], i) =>
        `'${fileNamePattern(`fileNameConvert[${i}][0]`, from)}', '${fileNamePattern(`fileNameConvert[${i}][1]`, to)}'`);
      parts.push(`FILE_NAME_CONVERT = (${pairs.join(', ')})`);
    }
    if (a.keystoreSecretRef !== undefined) parts.push(`KEYSTORE IDENTIFIED BY ${KEYSTORE_SECRET}`);
    parts.push(`RELOCATE AVAILABILITY ${a.availability}`);
    return { sql: parts.join(' '), binds: {}, ...(a.keystoreSecretRef !== undefined ? { secretRef: a.keystoreSecretRef } : {}) };
  },

  /**
   * ALTER PLUGGABLE DATABASE <pdb> OPEN: READ WRITE on every instance, or UPGRADE (one
   * instance: an upgrade runs on one) for a PDB that came from an older release.
   */
  openPdb(pdb: string, mode: 'READ WRITE' | 'UPGRADE' = 'READ WRITE'): Statement {
    const name = pdbName('pdb', pdb);
    return { sql: mode === 'UPGRADE' ? `ALTER PLUGGABLE DATABASE ${name} OPEN UPGRADE` : `ALTER PLUGGABLE DATABASE ${name} OPEN INSTANCES=ALL`, binds: {} };
  },

  /** ALTER PLUGGABLE DATABASE <pdb> CLOSE IMMEDIATE INSTANCES=ALL (after an upgrade, before the normal open). */
  closePdb(pdb: string): Statement {
    return { sql: `ALTER PLUGGABLE DATABASE ${pdbName('pdb', pdb)} CLOSE IMMEDIATE INSTANCES=ALL`, binds: {} };
  },

  /** The only way out of UNUSABLE, and how a RELOCATED tombstone goes. */
  dropPdb(pdb: string): Statement {
    return { sql: `DROP PLUGGABLE DATABASE ${pdbName('pdb', pdb)} INCLUDING DATAFILES`, binds: {} };
  },

  startService(pdb: string, service: string, instance?: string): Statement {
    const binds: Record<string, string | number> = { svc: serviceName('service', service) };
    const inst = instanceArg(binds, instance);
    return { sql: `BEGIN DBMS_SERVICE.START_SERVICE(service_name => :svc, instance_name => ${inst}); END;`, binds, container: pdbName('pdb', pdb) };
  },

  /**
   * DBMS_SERVICE.STOP_SERVICE(service_name, instance_name, stop_option, drain_timeout) per
   * rdbms/admin/dbmssrv.sql. On RAC a drain timeout or stop option for another instance raises
   * ORA-44791, and Clusterware-managed services are srvctl's (orb refuses those CDBs for now).
   */
  stopService(pdb: string, service: string, o: { instance?: string; stopOption: StopOption; drainTimeoutSeconds: number }): Statement {
    const stop = constantOf('stopOption', STOP_OPTIONS, o.stopOption);
    const drain = o.drainTimeoutSeconds;
    if (!Number.isInteger(drain) || drain < 0) {
      throw new InputError('drainTimeoutSeconds', `must be a whole number of seconds >= 0 (got ${JSON.stringify(drain)})`);
    }
    const binds: Record<string, string | number> = { svc: serviceName('service', service), drain };
    const inst = instanceArg(binds, o.instance);
    return {
      sql: `BEGIN DBMS_SERVICE.STOP_SERVICE(service_name => :svc, instance_name => ${inst}, stop_option => ${stop}, drain_timeout => :drain); END;`,
      binds,
      container: pdbName('pdb', pdb),
    };
  },

  /**
   * DBMS_SERVICE.MODIFY_SERVICE(service_name, svc_parameter_array) in the PDB's container (where
   * its services live), for a CDB whose services Clusterware does not manage. Keys come from a
   * closed table (common/readiness/attributes.ts) and every value is checked, then bound:
   * booleans as 'TRUE' / 'FALSE' (the array holds VARCHAR2), seconds and counts as numbers.
   * Positional arguments: the second parameter's name differs between releases' documentation
   * (UNVERIFIED), its position does not.
   */
  modifyService(pdb: string, service: string, changes: AttributeChanges): Statement {
    const binds: Record<string, string | number> = { svc: serviceName('service', service) };
    const sets = orderedChanges(changes).map(([attribute, value]) => {
      const key = ATTRIBUTE_SPECS[attribute].dbmsService;
      binds[key.toLowerCase()] = value;
      return `p('${key}') := :${key.toLowerCase()};`;
    });
    return {
      sql: `DECLARE p DBMS_SERVICE.SVC_PARAMETER_ARRAY; BEGIN ${sets.join(' ')} DBMS_SERVICE.MODIFY_SERVICE(:svc, p); END;`,
      binds,
      container: pdbName('pdb', pdb),
    };
  },

  /** DISCONNECT_SESSION acts on the local instance's sessions and returns when they are gone. */
  disconnectSessions(pdb: string, service: string, option: DisconnectOption): Statement {
    const constant = constantOf('option', DISCONNECT_OPTIONS, option);
    return {
      sql: `BEGIN DBMS_SERVICE.DISCONNECT_SESSION(service_name => :svc, disconnect_option => ${constant}); END;`,
      binds: { svc: serviceName('service', service) },
      container: pdbName('pdb', pdb),
    };
  },

  /**
   * ALTER SYSTEM DISCONNECT SESSION 'sid,serial#,@inst_id' POST_TRANSACTION, in the root: one session on any
   * instance of a RAC CDB (DBMS_SERVICE.DISCONNECT_SESSION acts on the local instance only). ALTER SYSTEM takes
   * no binds, so the three numbers (read from GV$SESSION) are checked as safe non-negative integers first and
   * only then formatted in. Sources: the RAC Administration and Deployment Guide ("Terminating Sessions On a Specific
   * Cluster Instance") gives `alter system kill|disconnect session 'sid, serial#, @inst' noreplay`; the SQL Language
   * Reference's end_session_clauses diagram (19c to 23ai) shows @instance_id under KILL SESSION only. UNVERIFIED:
   * that DISCONNECT SESSION with @inst_id and POST_TRANSACTION is accepted by every 19c RU (check on a real RAC).
   */
  disconnectSession(ref: SessionRef): Statement {
    const n = (field: string, v: unknown, min: number) => {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
        throw new InputError(field, `must be a whole number of at least ${min}, from GV$SESSION (got ${JSON.stringify(v)})`);
      }
      return v;
    };
    const id = `${n('sid', ref.sid, 0)},${n('serial', ref.serial, 0)},@${n('instId', ref.instId, 1)}`;
    return { sql: `ALTER SYSTEM DISCONNECT SESSION '${id}' POST_TRANSACTION`, binds: {} };
  },
};

/** One line a person reads: the text with its binds, and where it runs. */
export function describeStatement(s: Statement): string {
  const binds = Object.entries(s.binds).map(([k, v]) => `:${k} = ${typeof v === 'string' ? `'${v}'` : v}`);
  const secret = s.secretRef ? ` (${KEYSTORE_SECRET} from ${s.secretRef})` : '';
  return `${s.container ? `[in ${s.container}] ` : ''}${s.sql}${binds.length ? `  -- ${binds.join(', ')}` : ''}${secret}`;
}
