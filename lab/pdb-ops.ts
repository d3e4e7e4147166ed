/**
 * CDB-level and PDB-level operations with Oracle's rules. Each function acts on the estate at
 * simulated `ctx.nowMs` (already advanced) and throws LabError with the ORA code a real CDB
 * would raise. Codes not in the shared reference are chosen from Oracle's error catalogue and
 * commented where they are used.
 */
import { ORB_MODULE, RELOCATE_ACTION_PREFIX, RELOCATE_CLIENT_INFO_PREFIX } from '../activities/oracle/copy-progress';
import type { Availability, CdbFacts, CopyProgress, DbLinkInfo, PdbState, PlugInViolation, UserPrivileges } from '../activities/oracle/port';
import { BY_HAND_MODULE, copyProgress, planTasks, takeCopiers } from './copies';
import { renumber } from './datafiles';
import { ora } from './lab-error';
import { findCdb, findPdb, instanceNames, isOpen, removeDrains, removeSessions, requirePdb, sameName, type SimContext } from './estate';
import type { LabCdb, LabCopy, LabDbLink, LabPdb, LabPlugInViolation } from './model';
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
  };
}

/** CDB_PDBS + V$PDBS. A PDB still being created has no size yet (UNVERIFIED: V$PDBS.TOTAL_SIZE 0 until the CREATE ends). */
export function getPdb(ctx: SimContext, cdb: LabCdb, name: string): PdbState | null {
  const pdb = findPdb(cdb, name);
  if (!pdb) return null;
  const size = runningCopyOf(ctx, cdb.name, pdb.name) ? 0 : pdb.totalSizeBytes;
  return { name: pdb.name, status: pdb.status, openMode: pdb.openMode, totalSizeBytes: size };
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

function runningCopyOf(ctx: SimContext, cdb: string, pdb: string): LabCopy | undefined {
  return ctx.state.copies.find((c) => c.state === 'running' && sameName(c.cdb, cdb) && sameName(c.pdb, pdb));
}

/** What a createPdbRelocate call carries (lab/API.md): `runTag` only when orb issues it (a CREATE by hand has none). */
export interface RelocateArgs {
  pdb: string;
  dbLink: string;
  availability: Availability;
  runTag?: string;
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
    .filter((o) => o.status === 'VALID' && !target.options.some((x) => x.compId === o.compId && x.status === 'VALID'))
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

  const pdb: LabPdb = {
    name: pdbName,
    // UNVERIFIED: the GUID stays the same through a relocation (a clone gets a new one).
    guid: src.guid,
    datafiles: renumber(target, src.datafiles),
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

/** ALTER PLUGGABLE DATABASE <pdb> OPEN READ WRITE INSTANCES=ALL */
export function openPdb(ctx: SimContext, cdb: LabCdb, name: string): void {
  const pdb = requirePdb(cdb, name);
  if (runningCopyOf(ctx, cdb.name, pdb.name)) {
    // The CREATE ... RELOCATE still holds the PDB.
    throw ora('ORA-00054', `ORA-00054: resource busy and acquire with NOWAIT specified or timeout expired (${pdb.name} is being created by RELOCATE)`);
  }
  if (pdb.openMode === 'READ WRITE') throw ora('ORA-65019', `ORA-65019: pluggable database ${pdb.name} already open`);
  if (pdb.status === 'RELOCATED' || pdb.status === 'UNUSABLE' || pdb.status === 'UNPLUGGED') {
    // ORA-65086: cannot open/close the pluggable database
    const why = pdb.status === 'UNUSABLE' ? 'it is UNUSABLE and can only be dropped' : pdb.status === 'RELOCATED' ? 'it has been relocated' : 'it is unplugged';
    throw ora('ORA-65086', `ORA-65086: cannot open/close the pluggable database ${pdb.name}: ${why}`);
  }
  if (pdb.status === 'RELOCATING') {
    completeRelocation(ctx, cdb, pdb);
    return;
  }
  // Never open a PDB while its relocated twin is open elsewhere.
  const twinOpen = ctx.state.cdbs.some(
    (c) => !sameName(c.name, cdb.name) && c.pdbs.some((p) => sameName(p.name, pdb.name) && p.openMode === 'READ WRITE') && ctx.state.relocatedPdbs.includes(pdb.name),
  );
  if (twinOpen) throw ora('ORA-65086', `ORA-65086: cannot open/close the pluggable database ${pdb.name}: it is open in another CDB after a relocation`);
  pdb.status = 'NORMAL';
  pdb.openMode = 'READ WRITE';
  const dflt = pdb.services.find((s) => s.isDefault);
  if (dflt) dflt.runningOn = instanceNames(cdb);
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
  pdb.openMode = 'READ WRITE';
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
