/**
 * CDB-level and PDB-level operations with Oracle's rules. Each function acts on the estate at
 * simulated `ctx.nowMs` (already advanced) and throws LabError with the ORA code a real CDB
 * would raise. Codes not in the shared reference are chosen from Oracle's error catalogue and
 * commented where they are used.
 */
import type { Availability, CdbFacts, CopyProgress, DbLinkInfo, PdbState, PdbStorage, PlugInViolation, UserPrivileges } from '../activities/oracle/port';
import { LabError, ora } from './lab-error';
import { findCdb, findPdb, instanceNames, isOpen, removeDrains, removeSessions, requirePdb, sameName, type SimContext } from './estate';
import { MB, type LabCdb, type LabCopy, type LabPdb, type LabPlugInViolation } from './model';

export function getFacts(cdb: LabCdb): CdbFacts {
  return {
    name: cdb.name,
    version: cdb.version,
    localUndo: cdb.localUndo,
    logMode: cdb.logMode,
    platformId: cdb.platformId,
    platformName: cdb.platformName,
    endianFormat: cdb.endianFormat,
    characterSet: cdb.characterSet,
    ncharCharacterSet: cdb.ncharCharacterSet,
    options: cdb.options.map((o) => ({ ...o })),
    dbCreateFileDest: cdb.dbCreateFileDest,
    keystoreStatus: cdb.keystoreStatus,
  };
}

/** CDB_TABLESPACES / CDB_DATA_FILES: CDB_ views read open containers only, so a closed PDB shows nothing. */
export function getPdbStorage(cdb: LabCdb, name: string): PdbStorage {
  const pdb = findPdb(cdb, name);
  if (!pdb || !isOpen(pdb)) return { encryptedTablespaces: [], datafiles: [] };
  return { encryptedTablespaces: [...pdb.encryptedTablespaces], datafiles: [...pdb.datafiles] };
}

export function getPdb(cdb: LabCdb, name: string): PdbState | null {
  const pdb = findPdb(cdb, name);
  if (!pdb) return null;
  return { name: pdb.name, status: pdb.status, openMode: pdb.openMode, totalSizeBytes: pdb.totalSizeBytes };
}

export function getDbLink(cdb: LabCdb, name: string): DbLinkInfo | null {
  const link = cdb.dbLinks.find((l) => sameName(l.name, name));
  return link ? { name: link.name, username: link.username, host: link.host } : null;
}

export function getUserPrivileges(cdb: LabCdb, username: string): UserPrivileges {
  const user = cdb.users.find((u) => sameName(u.username, username));
  if (!user) return { username: username.toUpperCase(), exists: false, common: false, systemPrivileges: [], sysoper: false };
  return { username: user.username, exists: true, common: user.common, systemPrivileges: [...user.systemPrivileges], sysoper: user.sysoper };
}

export function getPlugInViolations(cdb: LabCdb, name: string): PlugInViolation[] {
  const pdb = findPdb(cdb, name);
  if (!pdb) return [];
  return pdb.violations.filter((v) => v.status !== 'RESOLVED').map((v) => ({ ...v }));
}

/** ALTER PLUGGABLE DATABASE <pdb> SAVE STATE INSTANCES=ALL */
export function savePdbState(cdb: LabCdb, name: string): void {
  const pdb = requirePdb(cdb, name);
  if (pdb.status === 'RELOCATED' || pdb.status === 'UNUSABLE') {
    // ORA-65086: cannot open/close the pluggable database (a tombstone / unusable PDB has no state to keep)
    throw ora('ORA-65086', `ORA-65086: cannot open/close the pluggable database: ${pdb.name} is ${pdb.status}`);
  }
  pdb.savedState = pdb.openMode;
}

/** What CREATE PLUGGABLE DATABASE ... RELOCATE says, as the lab adapter sends it. */
export interface RelocateArgs {
  pdb: string;
  dbLink: string;
  availability: Availability;
  fileNameConvert?: [string, string][];
  /** KEYSTORE IDENTIFIED BY was given (the lab never sees the password) */
  keystore?: boolean;
}

/** Where a datafile lands: the first FILE_NAME_CONVERT pattern it contains, else the target's OMF directory. */
function convertFileName(file: string, convert: [string, string][] | undefined, target: LabCdb, pdb: string): string {
  const pair = convert?.find(([from]) => file.includes(from));
  if (pair) return file.replace(pair[0], pair[1]);
  const base = file.slice(file.lastIndexOf('/') + 1);
  return `${target.dbCreateFileDest ?? '/u01/app/oracle/dbs'}/${target.name}/${pdb}/datafile/${base}`;
}

function majorOf(version: string): number {
  return Number(version.split('.')[0]);
}

/** The plug-in violation Oracle records for a PDB from an older major release. */
function vsnViolation(pdb: LabPdb, cdb: LabCdb): LabPlugInViolation {
  return {
    type: 'ERROR',
    message: `PDB's version does not match CDB's version: PDB's version ${majorOf(pdb.version)}.0.0.0.0. CDB's version ${majorOf(cdb.version)}.0.0.0.0.`,
    status: 'PENDING',
    cause: 'VSN not match',
    action: 'Either upgrade the PDB or reload the components in the PDB.',
  };
}

/**
 * How an open ends for a PDB whose dictionary is older than the CDB. A lower major release
 * opens MIGRATE (restricted) with the "VSN not match" violation, whatever mode was asked: it
 * must be upgraded (OPEN UPGRADE, then dbupgrade / AutoUpgrade). A newer release update of the
 * same release opens with a datapatch violation. UNVERIFIED: the lab records that one as a
 * WARNING; on a real CDB it may be an ERROR that opens the PDB RESTRICTED until datapatch runs.
 */
function openModeFor(pdb: LabPdb, cdb: LabCdb, mode: 'READ WRITE' | 'UPGRADE'): 'READ WRITE' | 'MIGRATE' {
  const pending = (cause: string) => pdb.violations.some((v) => v.cause === cause && v.status !== 'RESOLVED');
  if (majorOf(pdb.version) < majorOf(cdb.version)) {
    if (!pending('VSN not match')) pdb.violations.push(vsnViolation(pdb, cdb));
    return 'MIGRATE';
  }
  if (mode === 'UPGRADE') return 'MIGRATE';
  if (pdb.version !== cdb.version && !pending('SQL Patch')) {
    pdb.violations.push({
      type: 'WARNING',
      message: `SQL patch release update ${cdb.version} is installed in the CDB but not in the PDB (${pdb.version})`,
      status: 'PENDING',
      cause: 'SQL Patch',
      action: 'Call datapatch to install in the PDB or the CDB',
    });
  }
  return 'READ WRITE';
}

function runningCopyOf(ctx: SimContext, cdb: string, pdb: string): LabCopy | undefined {
  return ctx.state.copies.find((c) => c.state === 'running' && sameName(c.cdb, cdb) && sameName(c.pdb, pdb));
}

/**
 * CREATE PLUGGABLE DATABASE <pdb> FROM <pdb>@<link> RELOCATE AVAILABILITY <a>, run in `target`.
 * Checks the prerequisites in the order Oracle meets them, then creates the target PDB
 * (RELOCATING, MOUNTED) and the copy. Returns the copy; the caller waits for it.
 */
export function startRelocate(
  ctx: SimContext,
  target: LabCdb,
  args: RelocateArgs,
  oplogSeq: number,
  abortAt: LabCopy['abortAt'],
): LabCopy {
  const { state } = ctx;
  const pdbName = args.pdb.toUpperCase();
  if (findPdb(target, pdbName)) throw ora('ORA-65012', `ORA-65012: Pluggable database ${pdbName} already exists`);

  const link = target.dbLinks.find((l) => sameName(l.name, args.dbLink));
  if (!link) throw ora('ORA-02019', `ORA-02019: connection description for remote database not found (${args.dbLink.toUpperCase()})`);
  const source = link.toCdb ? findCdb(state, link.toCdb) : undefined;
  if (!source) throw ora('ORA-12154', `ORA-12154: TNS:could not resolve the connect identifier specified (link ${link.name})`);
  if (sameName(source.name, target.name)) {
    // A relocation into the CDB that already holds the PDB: Oracle refuses the name first.
    throw ora('ORA-65012', `ORA-65012: Pluggable database ${pdbName} already exists`);
  }

  // The link user, as seen by the source CDB.
  const user = source.users.find((u) => sameName(u.username, link.username));
  if (!user) throw ora('ORA-01017', `ORA-01017: invalid username/password; logon denied (link ${link.name} user ${link.username} in ${source.name})`);
  if (!user.systemPrivileges.includes('CREATE SESSION')) {
    throw ora('ORA-01045', `ORA-01045: user ${user.username} lacks CREATE SESSION privilege; logon denied`);
  }
  const missing: string[] = [];
  if (!user.common) missing.push('common user');
  if (!user.systemPrivileges.includes('CREATE PLUGGABLE DATABASE')) missing.push('CREATE PLUGGABLE DATABASE');
  if (!user.sysoper) missing.push('SYSOPER');
  if (missing.length) throw ora('ORA-01031', `ORA-01031: insufficient privileges (link user ${user.username} in ${source.name} lacks ${missing.join(', ')})`);

  const src = findPdb(source, pdbName);
  if (!src) throw ora('ORA-65011', `ORA-65011: Pluggable database ${pdbName} does not exist.`);
  // ORA-65036: pluggable database not open in required mode — the source must be a NORMAL PDB open READ WRITE.
  if (src.status !== 'NORMAL' || src.openMode !== 'READ WRITE') {
    throw ora('ORA-65036', `ORA-65036: pluggable database ${pdbName} not open in required mode (in ${source.name}: status ${src.status}, open mode ${src.openMode ?? 'none'})`);
  }
  const inFlight = state.cdbs.some((c) => c.pdbs.some((p) => p.status === 'RELOCATING' && p.relocatedFrom && sameName(p.relocatedFrom.cdb, source.name) && sameName(p.relocatedFrom.pdb, pdbName)));
  if (inFlight) {
    throw ora('ORA-65036', `ORA-65036: pluggable database ${pdbName} not open in required mode (a relocation of it is already under way)`);
  }
  // ORA-65035: unable to create pluggable database from <pdb> — a hot clone/relocate needs the
  // source in local undo mode and ARCHIVELOG (Oracle raises 65035 for both).
  if (!source.localUndo) throw ora('ORA-65035', `ORA-65035: unable to create pluggable database from ${pdbName}@${link.name} (source CDB ${source.name} is not in local undo mode)`);
  if (source.logMode !== 'ARCHIVELOG') throw ora('ORA-65035', `ORA-65035: unable to create pluggable database from ${pdbName}@${link.name} (source CDB ${source.name} is in NOARCHIVELOG mode)`);
  // ORA-38958: Source platform is in different byte order than target platform (cross-endian plug needs RMAN CONVERT).
  if (source.endianFormat !== target.endianFormat) {
    throw ora('ORA-38958', `ORA-38958: Source platform ${source.platformName} is in different byte order than target platform ${target.platformName}`);
  }
  // ORA-65116 / ORA-65119: incompatible database / national character set (MOS 1968706.1).
  if (target.characterSet !== 'AL32UTF8' && target.characterSet !== source.characterSet) {
    throw ora('ORA-65116', `ORA-65116: incompatible database character set (PDB ${source.characterSet}, CDB ${target.characterSet})`);
  }
  if (target.ncharCharacterSet !== source.ncharCharacterSet) {
    throw ora('ORA-65119', `ORA-65119: incompatible national character set (PDB ${source.ncharCharacterSet}, CDB ${target.ncharCharacterSet})`);
  }

  // Files: without Oracle Managed Files in the target the CREATE must say where each file goes.
  if (!target.dbCreateFileDest && !args.fileNameConvert?.length) {
    throw ora('ORA-65016', 'ORA-65016: FILE_NAME_CONVERT must be specified');
  }
  // TDE: the target's keystore must be open to receive the PDB's keys, and the CREATE must
  // name its password; without it the source cannot export the keys (the reference: ORA-17628
  // wrapping ORA-46659). ORA-28365: wallet is not open.
  if (src.encryptedTablespaces.length) {
    if (target.keystoreStatus !== 'OPEN') throw ora('ORA-28365', `ORA-28365: wallet is not open (keystore of ${target.name} is ${target.keystoreStatus ?? 'not configured'})`);
    if (!args.keystore) {
      throw ora('ORA-17628', `ORA-17628: Oracle error 46659 returned by remote Oracle server\nORA-46659: master keys for the given PDB not found (${pdbName} has encrypted tablespaces: ${src.encryptedTablespaces.join(', ')}; the CREATE needs KEYSTORE IDENTIFIED BY)`);
    }
  }

  // Options installed in the source but not in the target become plug-in violations (the PDB
  // still opens, restricted in real Oracle; the lab opens it and keeps the rows visible).
  const violations: LabPlugInViolation[] = [];
  for (const o of source.options) {
    if (o.status !== 'VALID') continue;
    const t = target.options.find((x) => x.compId === o.compId && x.status === 'VALID');
    if (!t) {
      violations.push({
        type: 'ERROR',
        message: `Database option ${o.compId} mismatch: PDB installed version ${source.version}. CDB installed version NULL.`,
        status: 'PENDING',
        cause: 'OPTION',
        action: 'Fix the database option in the PDB or the CDB',
      });
    }
  }

  const pdb: LabPdb = {
    name: pdbName,
    status: 'RELOCATING',
    openMode: 'MOUNTED',
    totalSizeBytes: src.totalSizeBytes,
    version: src.version,
    encryptedTablespaces: [...src.encryptedTablespaces],
    datafiles: src.datafiles.map((f) => convertFileName(f, args.fileNameConvert, target, pdbName)),
    savedState: null,
    services: [],
    violations,
    relocatedFrom: { cdb: source.name, pdb: src.name, availability: args.availability },
  };
  target.pdbs.push(pdb);
  if (!state.relocatedPdbs.includes(pdbName)) state.relocatedPdbs.push(pdbName);

  const copy: LabCopy = {
    id: state.nextId++,
    sid: state.nextSid++,
    opname: 'kpdbfCopyTaskCbk',
    cdb: target.name,
    pdb: pdbName,
    sourceCdb: source.name,
    sourcePdb: src.name,
    availability: args.availability,
    totalBytes: src.totalSizeBytes,
    copiedBytes: 0,
    rateBytesPerSec: state.settings.copyRateBytesPerSec,
    startedAtMs: ctx.nowMs,
    accountedToMs: ctx.nowMs,
    abortAt,
    state: 'running',
    error: null,
    oplogSeq,
  };
  state.copies.push(copy);
  return copy;
}

/** V$SESSION_LONGOPS, opname 'kpdbfCopyTaskCbk', sofar < totalwork, in this CDB. */
export function getCopyProgress(ctx: SimContext, cdb: LabCdb): CopyProgress[] {
  return ctx.state.copies
    .filter((c) => c.state === 'running' && sameName(c.cdb, cdb.name))
    .map((c) => {
      const totalwork = Math.max(1, Math.ceil(c.totalBytes / MB));
      const sofar = Math.min(totalwork - 1, Math.floor(c.copiedBytes / MB));
      return {
        sid: c.sid,
        target: c.pdb,
        sofar,
        totalwork,
        units: 'MB',
        elapsedSeconds: Math.floor((ctx.nowMs - c.startedAtMs) / 1000),
        timeRemainingSeconds: Math.ceil((c.totalBytes - c.copiedBytes) / c.rateBytesPerSec),
      };
    });
}

/** ALTER PLUGGABLE DATABASE <pdb> OPEN INSTANCES=ALL, or OPEN UPGRADE */
export function openPdb(ctx: SimContext, cdb: LabCdb, name: string, mode: 'READ WRITE' | 'UPGRADE' = 'READ WRITE'): void {
  const pdb = requirePdb(cdb, name);
  if (runningCopyOf(ctx, cdb.name, pdb.name)) {
    // The CREATE ... RELOCATE still holds the PDB.
    throw ora('ORA-00054', `ORA-00054: resource busy and acquire with NOWAIT specified or timeout expired (${pdb.name} is being created by RELOCATE)`);
  }
  if (isOpen(pdb)) throw ora('ORA-65019', `ORA-65019: pluggable database ${pdb.name} already open`);
  if (pdb.status === 'RELOCATED' || pdb.status === 'UNUSABLE' || pdb.status === 'UNPLUGGED') {
    // ORA-65086: cannot open/close the pluggable database
    const why = pdb.status === 'UNUSABLE' ? 'it is UNUSABLE and can only be dropped' : pdb.status === 'RELOCATED' ? 'it has been relocated' : 'it is unplugged';
    throw ora('ORA-65086', `ORA-65086: cannot open/close the pluggable database ${pdb.name}: ${why}`);
  }
  if (pdb.status === 'RELOCATING') {
    completeRelocation(ctx, cdb, pdb);
  } else {
    // Never open a PDB while its relocated twin is open elsewhere.
    const twinOpen = ctx.state.cdbs.some(
      (c) => !sameName(c.name, cdb.name) && c.pdbs.some((p) => sameName(p.name, pdb.name) && p.openMode === 'READ WRITE') && ctx.state.relocatedPdbs.includes(pdb.name),
    );
    if (twinOpen) throw ora('ORA-65086', `ORA-65086: cannot open/close the pluggable database ${pdb.name}: it is open in another CDB after a relocation`);
    pdb.status = 'NORMAL';
  }
  pdb.openMode = openModeFor(pdb, cdb, mode);
  const dflt = pdb.services.find((s) => s.isDefault);
  if (dflt) dflt.runningOn = instanceNames(cdb);
}

/** ALTER PLUGGABLE DATABASE <pdb> CLOSE IMMEDIATE INSTANCES=ALL: sessions go, services stop. */
export function closePdb(ctx: SimContext, cdb: LabCdb, name: string): void {
  const pdb = requirePdb(cdb, name);
  if (runningCopyOf(ctx, cdb.name, pdb.name)) {
    throw ora('ORA-00054', `ORA-00054: resource busy and acquire with NOWAIT specified or timeout expired (${pdb.name} is being created by RELOCATE)`);
  }
  if (!isOpen(pdb)) throw ora('ORA-65020', `ORA-65020: pluggable database ${pdb.name} already closed`);
  pdb.openMode = 'MOUNTED';
  for (const s of pdb.services) s.runningOn = [];
  removeSessions(ctx.state, { cdb: cdb.name, pdb: pdb.name });
  removeDrains(ctx.state, { cdb: cdb.name, pdb: pdb.name });
}

/**
 * Lab control: what `dbupgrade -c <pdb>` (or AutoUpgrade) does to a PDB opened UPGRADE: its
 * dictionary reaches the CDB's release, the "VSN not match" violation is resolved, and the PDB
 * is left closed. UNVERIFIED: that the upgrade leaves the PDB MOUNTED rather than open.
 */
export function upgradePdb(ctx: SimContext, cdb: LabCdb, name: string): PdbState {
  const pdb = requirePdb(cdb, name);
  if (pdb.openMode !== 'MIGRATE') {
    throw new LabError('LAB-409', `LAB-409: ${pdb.name} in ${cdb.name} is ${pdb.openMode ?? 'not open'}: open it UPGRADE before upgrading it`, 409);
  }
  pdb.version = cdb.version;
  for (const v of pdb.violations) if (v.cause === 'VSN not match') v.status = 'RESOLVED';
  closePdb(ctx, cdb, pdb.name);
  return getPdb(cdb, pdb.name)!;
}

/** The first open of a relocated PDB: closes the source, then makes the target NORMAL / READ WRITE. */
function completeRelocation(ctx: SimContext, cdb: LabCdb, pdb: LabPdb): void {
  const { state } = ctx;
  const from = pdb.relocatedFrom;
  const sourceCdb = from ? findCdb(state, from.cdb) : undefined;
  const source = sourceCdb && from ? findPdb(sourceCdb, from.pdb) : undefined;
  const services = source ? source.services.map((s) => ({ ...s, runningOn: [] as string[] })) : [];
  if (sourceCdb && source && from) {
    // Drain and close the source: its sessions are disconnected, its services stop.
    removeSessions(state, { cdb: sourceCdb.name, pdb: source.name });
    removeDrains(state, { cdb: sourceCdb.name, pdb: source.name });
    for (const s of source.services) s.runningOn = [];
    if (from.availability === 'MAX') {
      // The tombstone stays in V$PDBS (MOUNTED) and V$CONTAINERS, forwarding connections to the target.
      source.status = 'RELOCATED';
      source.openMode = 'MOUNTED';
    } else {
      sourceCdb.pdbs = sourceCdb.pdbs.filter((p) => p !== source);
    }
    // SAVE STATE is per CDB (DBA_PDB_SAVED_STATES): the target keeps none until saved there.
  }
  if (!services.some((s) => s.isDefault)) {
    services.unshift({
      name: pdb.name, networkName: pdb.name, isDefault: true, runningOn: [], failoverType: null, failoverMethod: null,
      failoverRetries: null, failoverDelay: null, failoverRestore: null, commitOutcome: false, sessionStateConsistency: null,
      replayInitiationTimeout: null, retentionTimeout: null, drainTimeout: null, stopOption: null, aqHaNotifications: false,
    });
  }
  for (const s of services) if (s.isDefault) s.runningOn = instanceNames(cdb);
  pdb.services = services;
  pdb.status = 'NORMAL';
  pdb.relocatedFrom = null;
}

/** DROP PLUGGABLE DATABASE <pdb> INCLUDING DATAFILES */
export function dropPdb(ctx: SimContext, cdb: LabCdb, name: string): void {
  const pdb = requirePdb(cdb, name);
  if (runningCopyOf(ctx, cdb.name, pdb.name)) {
    throw ora('ORA-00054', `ORA-00054: resource busy and acquire with NOWAIT specified or timeout expired (${pdb.name} is being created by RELOCATE)`);
  }
  if (isOpen(pdb)) throw ora('ORA-65025', `ORA-65025: Pluggable database ${pdb.name} is not closed on all instances.`);
  cdb.pdbs = cdb.pdbs.filter((p) => p !== pdb);
  removeSessions(ctx.state, { cdb: cdb.name, pdb: pdb.name });
  removeDrains(ctx.state, { cdb: cdb.name, pdb: pdb.name });
}
