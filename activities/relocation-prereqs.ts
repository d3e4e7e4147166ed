/**
 * Prerequisites of a relocation that depend on the estate file as well as on both CDBs: who
 * manages the services (Clusterware or not), TDE keystores, where the datafiles go, and the
 * releases on both sides. Read-only; used by preflight, and the clauses they decide are the
 * ones the copy step puts in its CREATE (relocateStatementArgs), so preflight, plan and run agree.
 */
import { describeSecretRef, type SecretRef } from '../common/estate-config';
import type { CheckResult } from '../common/runbook-types';
import type { CdbFacts, PdbStorage } from './oracle/port';
import type { FileNameConvert, RelocateStatementArgs } from './oracle/statements';

/** What the estate file says about a CDB beyond how to reach it. */
export interface CdbSettings {
  clusterware?: boolean;
  /** srvctl over SSH (the estate's cdbs.X.srvctl): its -db, when set (a lab CDB defaults it to its name in lower case) */
  srvctl?: { db?: string };
  keystorePassword?: SecretRef;
  /** Why the worker cannot use the keystore password (unreadable, unquotable), when it cannot: read on the worker */
  keystoreProblem?: string | null;
  /** Per source CDB */
  fileNameConvert?: Record<string, FileNameConvert>;
}

export interface RelocationFacts {
  pdb: string;
  sourceCdb: string;
  targetCdb: string;
  dbLink: string;
  availability: 'NORMAL' | 'MAX';
  /** The run was started to open the PDB UPGRADE and wait while it is upgraded */
  upgrade: boolean;
  source: { facts: CdbFacts; settings: CdbSettings; storage: PdbStorage };
  target: { facts: CdbFacts; settings: CdbSettings };
}

/** Version parts as numbers: 19.22.0.0.0 → [19, 22, 0, 0, 0]. */
export function versionParts(v: string): number[] {
  return v.split('.').map((p) => Number(p) || 0);
}

function compareVersions(a: string, b: string): number {
  const pa = versionParts(a);
  const pb = versionParts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Whether the relocation crosses into a higher major release (the PDB must be upgraded in the target). */
export function crossesMajorRelease(sourceVersion: string, targetVersion: string): boolean {
  return versionParts(targetVersion)[0]! > versionParts(sourceVersion)[0]!;
}

/**
 * The CREATE's clauses for this relocation: FILE_NAME_CONVERT from the estate when the target
 * has no Oracle Managed Files, KEYSTORE IDENTIFIED BY (by reference) when the PDB holds
 * encrypted data. The copy step and `orb plan` both build the statement from this.
 */
export function relocateStatementArgs(f: RelocationFacts): RelocateStatementArgs {
  const convert = f.target.facts.dbCreateFileDest ? undefined : f.target.settings.fileNameConvert?.[f.sourceCdb];
  const keystore = f.target.settings.keystorePassword;
  return {
    pdb: f.pdb,
    dbLink: f.dbLink,
    availability: f.availability,
    ...(convert?.length ? { fileNameConvert: convert } : {}),
    ...(f.source.storage.encryptedTablespaces.length
      ? { keystoreSecretRef: keystore ? `the keystore password of ${f.targetCdb} (${describeSecretRef(keystore)})` : `cdbs.${f.targetCdb}.keystorePassword (not set)` }
      : {}),
  };
}

export function estatePrerequisites(f: RelocationFacts): CheckResult[] {
  return [clusterwareCheck(f), tdeCheck(f), placementCheck(f), versionCheck(f)];
}

/** The srvctl -db of a CDB the estate reaches through srvctl, else null (its services are DBMS_SERVICE's). */
export function srvctlDbOf(cdb: string, s: CdbSettings): string | null {
  return s.srvctl ? (s.srvctl.db ?? cdb.toLowerCase()) : null;
}

/**
 * Who stops and starts the services: DBMS_SERVICE on a single-instance CDB; srvctl on a Clusterware-managed source
 * (the drain stops them on every instance without -force, the compensation starts them again). A Clusterware-managed
 * target is refused: its services would have to be added to its Clusterware (srvctl add service), which orb does not do.
 */
function clusterwareCheck(f: RelocationFacts): CheckResult {
  const check = 'service management';
  const rac = [
    { cdb: f.sourceCdb, side: f.source },
    { cdb: f.targetCdb, side: f.target },
  ].filter((x) => !x.side.settings.clusterware && x.side.facts.instances.length > 1);
  if (rac.length) {
    return {
      check,
      outcome: 'fail',
      reason:
        rac.map((x) => `${x.cdb} runs ${x.side.facts.instances.length} instances (${x.side.facts.instances.join(', ')})`).join(' and ') +
        ': a RAC CDB\'s services are managed by Clusterware and drained with srvctl; DBMS_SERVICE drain options for another instance ' +
        `raise ORA-44791. Give it a "srvctl" object in the estate file (cdbs.${rac[0]!.cdb}.srvctl); the run stops here, before any change`,
    };
  }
  const problems: string[] = [];
  if (f.target.settings.clusterware) {
    problems.push(
      `${f.targetCdb} is marked Clusterware-managed (RAC / Oracle Restart): ${f.pdb}'s services would have to be added to its ` +
        `Clusterware (srvctl add service -db <db> -service <svc> -pdb ${f.pdb} -preferred ...) before they can start there, and orb does ` +
        'not add services to a cluster; relocate into a single-instance CDB, or add and start them by hand after a manual move',
    );
  }
  const sourceDb = srvctlDbOf(f.sourceCdb, f.source.settings);
  if (f.source.settings.clusterware && sourceDb === null) {
    problems.push(
      `${f.sourceCdb} is marked Clusterware-managed but the estate gives no srvctl for it: set cdbs.${f.sourceCdb}.srvctl (db, path, nodes) ` +
        'so that its services are drained with srvctl (DBMS_SERVICE does not act on Clusterware-managed services: drain options for ' +
        'another instance raise ORA-44791, DISCONNECT_SESSION acts on the local instance only)',
    );
  }
  if (problems.length) return { check, outcome: 'fail', reason: `${problems.join('; ')}. The run stops here, before any change` };
  if (sourceDb !== null) {
    return {
      check,
      outcome: 'pass',
      reason:
        `${f.sourceCdb} is Clusterware-managed: its services are drained with srvctl on every instance (srvctl stop service -db ${sourceDb} ` +
        '-service <svc> -drain_timeout <s> -stopoption NONE, no -force), sessions left at the timeout disconnected cluster-wide ' +
        `(ALTER SYSTEM DISCONNECT SESSION ... POST_TRANSACTION); in ${f.targetCdb} they are started with DBMS_SERVICE`,
    };
  }
  return { check, outcome: 'pass', reason: 'neither CDB is marked Clusterware-managed: services are stopped and started with DBMS_SERVICE' };
}

function tdeCheck(f: RelocationFacts): CheckResult {
  const encrypted = f.source.storage.encryptedTablespaces;
  const check = 'TDE keystores';
  if (!encrypted.length) return { check, outcome: 'pass', reason: `${f.pdb} has no encrypted tablespace: the CREATE needs no KEYSTORE clause` };
  const problems: string[] = [];
  if (f.source.facts.keystoreStatus !== 'OPEN') problems.push(`the keystore of ${f.sourceCdb} is ${f.source.facts.keystoreStatus ?? 'not configured'} (V$ENCRYPTION_WALLET), it must be OPEN to export the keys`);
  if (f.target.facts.keystoreStatus !== 'OPEN') problems.push(`the keystore of ${f.targetCdb} is ${f.target.facts.keystoreStatus ?? 'not configured'} (V$ENCRYPTION_WALLET), it must be OPEN to receive them (ORA-28365)`);
  if (!f.target.settings.keystorePassword) {
    problems.push(`the estate file gives no keystore password for ${f.targetCdb}: set cdbs.${f.targetCdb}.keystorePassword to { "env": ... } or { "file": ... } (else ORA-17628 / ORA-46659)`);
  } else if (f.target.settings.keystoreProblem) {
    problems.push(`the worker cannot use ${f.targetCdb}'s keystore password: ${f.target.settings.keystoreProblem}`);
  }
  const what = `${f.pdb} has encrypted tablespaces (${encrypted.join(', ')})`;
  if (problems.length) return { check, outcome: 'fail', reason: `${what}: ${problems.join('; ')}` };
  return { check, outcome: 'pass', reason: `${what}: both keystores are OPEN; the CREATE names ${f.targetCdb}'s keystore password (${describeSecretRef(f.target.settings.keystorePassword!)})` };
}

function placementCheck(f: RelocationFacts): CheckResult {
  const check = 'datafile placement';
  const dest = f.target.facts.dbCreateFileDest;
  if (dest) return { check, outcome: 'pass', reason: `${f.targetCdb} uses Oracle Managed Files (db_create_file_dest ${dest})` };
  const convert = f.target.settings.fileNameConvert?.[f.sourceCdb];
  if (!convert?.length) {
    return {
      check,
      outcome: 'fail',
      reason:
        `${f.targetCdb} has no Oracle Managed Files (db_create_file_dest is empty), so the CREATE needs FILE_NAME_CONVERT (else ORA-65016): ` +
        `set cdbs.${f.targetCdb}.fileNameConvert.${f.sourceCdb} in the estate file, e.g. [["/u02/oradata/${f.sourceCdb}/", "/u02/oradata/${f.targetCdb}/"]]`,
    };
  }
  const uncovered = f.source.storage.datafiles.filter((file) => !convert.some(([from]) => file.includes(from)));
  if (uncovered.length) {
    return { check, outcome: 'fail', reason: `FILE_NAME_CONVERT for ${f.sourceCdb} → ${f.targetCdb} does not cover ${uncovered.join(', ')}: every datafile of ${f.pdb} needs a pattern` };
  }
  return { check, outcome: 'pass', reason: `${f.targetCdb} has no OMF; FILE_NAME_CONVERT from the estate covers all ${f.source.storage.datafiles.length} datafiles` };
}

function versionCheck(f: RelocationFacts): CheckResult {
  const sv = f.source.facts.version;
  const tv = f.target.facts.version;
  const check = 'database versions';
  const [smajor] = versionParts(sv);
  const [tmajor] = versionParts(tv);
  if (tmajor! < smajor!) return { check, outcome: 'fail', reason: `${f.targetCdb} (${tv}) is an older release than ${f.sourceCdb} (${sv}): a PDB cannot move to an older release` };
  if (crossesMajorRelease(sv, tv)) {
    if (f.upgrade) {
      return {
        check,
        outcome: 'warn',
        reason: `${f.sourceCdb} runs ${sv}, ${f.targetCdb} ${tv}: the PDB is opened UPGRADE in ${f.targetCdb} (the first open closes the source), the run waits at gate "upgrade" while it is upgraded (dbupgrade -c ${f.pdb}, or AutoUpgrade), then opens it normally`,
      };
    }
    return {
      check,
      outcome: 'fail',
      reason:
        `${f.sourceCdb} runs ${sv} and ${f.targetCdb} ${tv}: in a higher major release the relocated PDB opens MIGRATE with a "VSN not match" ` +
        `plug-in violation and must be upgraded, and its first OPEN still closes the source, so a plain OPEN would leave ${f.pdb} usable nowhere. ` +
        `Oracle's procedure: open it UPGRADE in the target, upgrade it (dbupgrade -c ${f.pdb} or AutoUpgrade), then open it normally; start the run with --upgrade to do exactly that`,
    };
  }
  if (f.upgrade) {
    return { check, outcome: 'fail', reason: `--upgrade is for a relocation into a higher major release, but ${f.sourceCdb} (${sv}) and ${f.targetCdb} (${tv}) run the same release ${tmajor}; start without --upgrade` };
  }
  const c = compareVersions(tv, sv);
  if (c === 0) return { check, outcome: 'pass', reason: `both CDBs run ${sv}` };
  const which = c > 0 ? 'a newer release update in the target' : `an OLDER release update in the target than in the source (${f.pdb} moves backwards: datapatch rolls the newer patches back)`;
  return {
    check,
    outcome: 'warn',
    reason: `source ${sv}, target ${tv}: the same release, ${which}. After the open run datapatch in ${f.targetCdb} (datapatch -verbose -pdbs ${f.pdb}) so that the SQL patch plug-in violation resolves`,
  };
}
