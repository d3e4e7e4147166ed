/**
 * CDB-level and PDB-level operations with Oracle's rules. Each function acts on the estate at
 * simulated `ctx.nowMs` (already advanced) and throws LabError with the ORA code a real CDB
 * would raise. Codes not in the shared reference are chosen from Oracle's error catalogue and
 * commented where they are used.
 */
import { ORB_MODULE, RELOCATE_ACTION_PREFIX, RELOCATE_CLIENT_INFO_PREFIX } from '../activities/oracle/copy-progress';
import type { Availability, CdbFacts, CopyProgress, DbLinkInfo, PdbState, PdbStorage, PlugInViolation, UserPrivileges } from '../activities/oracle/port';
import { BY_HAND_MODULE, copyProgress, planTasks, takeCopiers } from './copies';
import { datafilePath, renumber } from './datafiles';
import { LabError, ora } from './lab-error';
import { findCdb, findPdb, instanceNames, isOpen, removeDrains, removeSessions, requirePdb, sameName, type SimContext } from './estate';
import type { LabCdb, LabCopy, LabDatafile, LabDbLink, LabPdb, LabPlugInViolation } from './model';
import { linkConnectOra, remoteOra } from './ora-messages';

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
    instances: cdb.instances.map((i) => i.name),
  };
}

/** CDB_TABLESPACES / CDB_DATA_FILES: CDB_ views read open containers only, so a closed PDB shows nothing. */
export function getPdbStorage(cdb: LabCdb, name: string): PdbStorage {
  const pdb = findPdb(cdb, name);
  if (!pdb || !isOpen(pdb)) return { encryptedTablespaces: [], datafiles: [] };
  return { encryptedTablespaces: [...pdb.encryptedTablespaces], datafiles: pdb.datafiles.map((f) => datafilePath(cdb.name, pdb.guid, f)) };
}

/** CDB_PDBS + V$PDBS. A PDB still being created has no size yet (UNVERIFIED: V$PDBS.TOTAL_SIZE 0 until the CREATE ends). */
export function getPdb(ctx: SimContext, cdb: LabCdb, name: string): PdbState | null {
  const pdb = findPdb(cdb, name);
  if (!pdb) return null;
  const size = runningCopyOf(ctx, cdb.name, pdb.name) ? 0 : pdb.totalSizeBytes;
  return { name: pdb.name, status: pdb.status, openMode: pdb.openMode, totalSizeBytes: size };
}

/** CDB_PDBS + V$PDBS for every PDB (the lab has no PDB$SEED). */
export function listPdbs(ctx: SimContext, cdb: LabCdb): PdbState[] {
  return cdb.pdbs.map((p) => getPdb(ctx, cdb, p.name)!).sort((a, b) => a.name.localeCompare(b.name));
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

/** What a createPdbRelocate call carries (lab/API.md): `runTag` only when orb issues it (a CREATE by hand has none). */
export interface RelocateArgs {
  pdb: string;
  dbLink: string;
  availability: Availability;
  runTag?: string;
  fileNameConvert?: [string, string][];
  /** KEYSTORE IDENTIFIED BY was given (the lab never sees the password) */
  keystore?: boolean;
}

/**
 * The target's copies of the source's datafiles: new FILE#s, and with FILE_NAME_CONVERT the
 * first pattern each source path contains replaced (without it, OMF names in the target).
 */
function targetFiles(source: LabCdb, src: LabPdb, target: LabCdb, convert: [string, string][] | undefined): LabDatafile[] {
  return renumber(target, src.datafiles).map((f, i) => {
    const from = datafilePath(source.name, src.guid, src.datafiles[i]!);
    const pair = convert?.find(([pattern]) => from.includes(pattern));
    return pair ? { ...f, path: from.replace(pair[0], pair[1]) } : { fileNo: f.fileNo, tablespace: f.tablespace, bytes: f.bytes };
  });
}

/**
 * Files and keys: without Oracle Managed Files in the target the CREATE must say where each file
 * goes (ORA-65016); a PDB with encrypted data needs the target keystore OPEN (ORA-28365) and
 * KEYSTORE IDENTIFIED BY, without which the source cannot export its keys (the reference:
 * ORA-17628 wrapping ORA-46659).
 */
function checkFilesAndKeys(target: LabCdb, src: LabPdb, args: RelocateArgs): void {
  if (!target.dbCreateFileDest && !args.fileNameConvert?.length) throw ora('ORA-65016', 'ORA-65016: FILE_NAME_CONVERT must be specified');
  if (!src.encryptedTablespaces.length) return;
  if (target.keystoreStatus !== 'OPEN') throw ora('ORA-28365', `ORA-28365: wallet is not open (keystore of ${target.name} is ${target.keystoreStatus ?? 'not configured'})`);
  if (!args.keystore) {
    throw ora('ORA-17628', `ORA-17628: Oracle error 46659 returned by remote Oracle server\nORA-46659: master keys for the given PDB not found (${src.name} has encrypted tablespaces: ${src.encryptedTablespaces.join(', ')}; the CREATE needs KEYSTORE IDENTIFIED BY)`);
  }
}

/** The source CDB, through the target's link: ORA-02019 without the link, ORA-17627 when it cannot connect. */
function linkSource(ctx: SimContext, target: LabCdb, pdbName: string, dbLink: string): { link: LabDbLink; source: LabCdb } {
  const link = target.dbLinks.find((l) => sameName(l.name, dbLink));
  if (!link) throw ora('ORA-02019', `ORA-02019: connection description for remote database not found (${dbLink.toUpperCase()})`);
  const source = link.toCdb ? findCdb(ctx.state, link.toCdb) : undefined;
  if (!source) throw linkConnectOra(`ORA-12154: TNS:could not resolve the connect identifier specified (link ${link.name})`);
  if (sameName(source.name, target.name)) {
    // A relocation into the CDB that already holds the PDB: Oracle refuses the name first.
    throw ora('ORA-65012', `ORA-65012: Pluggable database ${pdbName} already exists`);
  }
  // Logging on as the link's user happens in the source; a refusal comes back as a connect failure.
  const user = source.users.find((u) => sameName(u.username, link.username));
  if (!user) {
    throw linkConnectOra(`ORA-01017: invalid username/password; logon denied (link ${link.name} user ${link.username} in ${source.name})`);
  }
  if (!user.systemPrivileges.includes('CREATE SESSION')) {
    throw linkConnectOra(`ORA-01045: user ${user.username} lacks CREATE SESSION privilege; logon denied`);
  }
  return { link, source };
}

/**
 * What the source CDB checks when asked to give up the PDB; it refuses with its own error, which
 * reaches the target wrapped in ORA-17628 (the reference names ORA-01031 and ORA-65035 there).
 * UNVERIFIED which side raises which check: the link user's privileges, the source PDB's existence
 * and state, local undo and ARCHIVELOG are the source's to check, so they are raised as remote.
 */
function checkSource(ctx: SimContext, link: LabDbLink, source: LabCdb, pdbName: string): LabPdb {
  const user = source.users.find((u) => sameName(u.username, link.username))!;
  const missing: string[] = [];
  if (!user.common) missing.push('common user');
  if (!user.systemPrivileges.includes('CREATE PLUGGABLE DATABASE')) missing.push('CREATE PLUGGABLE DATABASE');
  if (!user.sysoper) missing.push('SYSOPER');
  if (missing.length) {
    throw remoteOra(`ORA-01031: insufficient privileges (link user ${user.username} in ${source.name} lacks ${missing.join(', ')})`);
  }

  const src = findPdb(source, pdbName);
  if (!src) throw remoteOra(`ORA-65011: Pluggable database ${pdbName} does not exist.`);
  // ORA-65036: pluggable database not open in required mode — the source must be a NORMAL PDB open READ WRITE.
  if (src.status !== 'NORMAL' || src.openMode !== 'READ WRITE') {
    const now = `in ${source.name}: status ${src.status}, open mode ${src.openMode ?? 'none'}`;
    throw remoteOra(`ORA-65036: pluggable database ${pdbName} not open in required mode (${now})`);
  }
  if (relocationOf(ctx, source.name, pdbName)) {
    throw remoteOra(`ORA-65036: pluggable database ${pdbName} not open in required mode (a relocation of it is already under way)`);
  }
  // ORA-65035: unable to create pluggable database from <pdb> — a hot clone/relocate needs the
  // source in local undo mode and ARCHIVELOG (Oracle raises 65035 for both).
  const unable = `ORA-65035: unable to create pluggable database from ${pdbName}@${link.name}`;
  if (!source.localUndo) throw remoteOra(`${unable} (source CDB ${source.name} is not in local undo mode)`);
  if (source.logMode !== 'ARCHIVELOG') throw remoteOra(`${unable} (source CDB ${source.name} is in NOARCHIVELOG mode)`);
  return src;
}

/** A relocation of the source PDB already under way (copying, or copied and not opened yet). */
function relocationOf(ctx: SimContext, sourceCdb: string, pdbName: string): boolean {
  const fromHere = (cdb: string, pdb: string) => sameName(cdb, sourceCdb) && sameName(pdb, pdbName);
  const copying = ctx.state.copies.some((c) => c.state === 'running' && fromHere(c.sourceCdb, c.sourcePdb));
  const copied = ctx.state.cdbs.some((c) =>
    c.pdbs.some((p) => p.status === 'RELOCATING' && p.relocatedFrom !== null && fromHere(p.relocatedFrom.cdb, p.relocatedFrom.pdb)),
  );
  return copying || copied;
}

/** What the target checks once it knows the source: byte order and character sets. */
function checkCompatible(source: LabCdb, target: LabCdb): void {
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
}

/**
 * Options installed in the source but not in the target become plug-in violations (the PDB still
 * opens, restricted in real Oracle; the lab opens it and keeps the rows visible).
 */
function optionViolations(source: LabCdb, target: LabCdb): LabPlugInViolation[] {
  return source.options
    // RAC is a linked option, not a dictionary component a PDB needs (activities/relocate-pdb.ts preflight): no violation.
    .filter((o) => o.status === 'VALID' && o.compId !== 'RAC')
    .filter((o) => !target.options.some((x) => x.compId === o.compId && x.status === 'VALID'))
    .map((o) => ({
      type: 'ERROR',
      message: `Database option ${o.compId} mismatch: PDB installed version ${source.version}. CDB installed version NULL.`,
      status: 'PENDING',
      cause: 'OPTION',
      action: 'Fix the database option in the PDB or the CDB',
    }));
}

/**
 * CREATE PLUGGABLE DATABASE <pdb> FROM <pdb>@<link> RELOCATE AVAILABILITY <a>, run in `target`.
 * Checks the prerequisites in the order Oracle meets them — the target's name space, the link,
 * logging on to the source, the source's own checks, then compatibility — then creates the target
 * PDB (UNUSABLE while it is being created, as CDB_PDBS shows a PDB under construction) and the copy.
 * Returns the copy; the caller waits for it.
 */
export function startRelocate(
  ctx: SimContext,
  target: LabCdb,
  args: RelocateArgs,
  oplogSeq: number,
  abortAt: LabCopy['abortAt'],
): LabCopy {
  const pdbName = args.pdb.toUpperCase();
  if (findPdb(target, pdbName)) throw ora('ORA-65012', `ORA-65012: Pluggable database ${pdbName} already exists`);
  const { link, source } = linkSource(ctx, target, pdbName, args.dbLink);
  const src = checkSource(ctx, link, source, pdbName);
  checkCompatible(source, target);
  checkFilesAndKeys(target, src, args);

  const pdb: LabPdb = {
    name: pdbName,
    // UNVERIFIED: the GUID stays the same through a relocation (a clone gets a new one).
    guid: src.guid,
    datafiles: targetFiles(source, src, target, args.fileNameConvert),
    version: src.version,
    encryptedTablespaces: [...src.encryptedTablespaces],
    status: 'UNUSABLE',
    openMode: 'MOUNTED',
    totalSizeBytes: src.totalSizeBytes,
    savedState: null,
    services: [],
    violations: optionViolations(source, target),
    relocatedFrom: { cdb: source.name, pdb: src.name, availability: args.availability },
  };
  target.pdbs.push(pdb);
  if (!ctx.state.relocatedPdbs.includes(pdbName)) ctx.state.relocatedPdbs.push(pdbName);
  const copy = newCopy(ctx, target, pdb, { ...args, link: link.name, source: src, sourceCdb: source.name }, oplogSeq, abortAt);
  ctx.state.copies.push(copy);
  return copy;
}

/** The session running the CREATE and its copiers, on the target's first instance (where lab calls connect). */
function newCopy(
  ctx: SimContext,
  target: LabCdb,
  pdb: LabPdb,
  a: RelocateArgs & { link: string; source: LabPdb; sourceCdb: string },
  oplogSeq: number,
  abortAt: LabCopy['abortAt'],
): LabCopy {
  const { state } = ctx;
  const instId = target.instances[0]!.number;
  const dop = Math.max(1, Math.min(state.settings.copyParallelism, pdb.datafiles.length));
  const rate = state.settings.copyRateBytesPerSec;
  // The copy takes size / rate however the files fall to the copiers (the seed's copy times stay
  // what they were): each copier goes at the speed that makes the busiest one finish then.
  const totalBytes = pdb.datafiles.reduce((n, f) => n + f.bytes, 0);
  const plan = (perCopier: number) => planTasks(target.name, pdb.guid, pdb.datafiles, target.blockSize, dop, perCopier);
  const busiest = Math.max(1, ...plan(1).map((t) => t.endSec));
  const tasks = plan((rate * busiest) / Math.max(1, totalBytes));
  const sid = state.nextSid++;
  return {
    id: state.nextId++,
    cdb: target.name,
    pdb: pdb.name,
    sourceCdb: a.sourceCdb,
    sourcePdb: a.source.name,
    availability: a.availability,
    session: {
      instId,
      sid,
      serial: 1 + ((sid * 104_729) % 65_000),
      module: a.runTag ? ORB_MODULE : BY_HAND_MODULE,
      action: a.runTag ? `${RELOCATE_ACTION_PREFIX}${a.runTag}` : null,
      clientInfo: a.runTag ? `${RELOCATE_CLIENT_INFO_PREFIX}${pdb.name}` : null,
      sqlText: `CREATE PLUGGABLE DATABASE ${pdb.name} FROM ${a.source.name}@${a.link} RELOCATE AVAILABILITY ${a.availability}`,
    },
    copiers: takeCopiers(state, target, instId, dop),
    tasks,
    blockSize: target.blockSize,
    totalBytes,
    rateBytesPerSec: rate,
    durationSec: Math.max(0, ...tasks.map((t) => t.endSec)),
    progressSec: 0,
    startedAtMs: ctx.nowMs,
    accountedToMs: ctx.nowMs,
    abortAt,
    state: 'running',
    error: null,
    oplogSeq,
  };
}

/** Every CREATE PLUGGABLE DATABASE under way in this CDB, read from the views it shows (lab/copies.ts). */
export function getCopyProgress(ctx: SimContext, cdb: LabCdb): CopyProgress[] {
  return copyProgress(ctx.state, cdb, ctx.nowMs);
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
  return getPdb(ctx, cdb, pdb.name)!;
}

/**
 * A PDB relocated out of a Clusterware-managed CDB leaves its cluster: its services are no longer Clusterware
 * resources there (gone from srvctl status / config service, and from the RAC invariants), and the client pools of
 * those services go with them (their applications reconnect to the target through their own connect strings, which
 * the lab does not model: as for any relocated PDB, the target starts with no user session).
 */
function leaveCluster(cdb: LabCdb, pdb: LabPdb): void {
  if (!cdb.cluster) return;
  for (const s of pdb.services) delete s.crs;
  cdb.cluster.pools = cdb.cluster.pools.filter((p) => !sameName(p.pdb, pdb.name));
}

/** The first open of a relocated PDB: closes the source, then makes the target NORMAL / READ WRITE. */
function completeRelocation(ctx: SimContext, cdb: LabCdb, pdb: LabPdb): void {
  const { state } = ctx;
  const from = pdb.relocatedFrom;
  const sourceCdb = from ? findCdb(state, from.cdb) : undefined;
  const source = sourceCdb && from ? findPdb(sourceCdb, from.pdb) : undefined;
  // The PDB's services come along as CDB_SERVICES rows; Clusterware's resources for them stay with the source's
  // cluster (lab/RAC.md: the lab drops them there, where `srvctl remove service` would be needed).
  const services = source ? source.services.map(({ crs: _crs, ...s }) => ({ ...s, runningOn: [] as string[] })) : [];
  if (sourceCdb && source && from) {
    // Drain and close the source: its sessions are disconnected, its services stop.
    removeSessions(state, { cdb: sourceCdb.name, pdb: source.name });
    removeDrains(state, { cdb: sourceCdb.name, pdb: source.name });
    leaveCluster(sourceCdb, source);
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
