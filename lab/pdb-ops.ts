/**
 * CDB-level and PDB-level operations with Oracle's rules. Each function acts on the estate at
 * simulated `ctx.nowMs` (already advanced) and throws LabError with the ORA code a real CDB
 * would raise. Codes not in the shared reference are chosen from Oracle's error catalogue and
 * commented where they are used.
 */
import type { Availability, CdbFacts, CopyProgress, DbLinkInfo, PdbState, PlugInViolation, UserPrivileges } from '../activities/oracle/port';
import { ora } from './lab-error';
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
  };
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
  args: { pdb: string; dbLink: string; availability: Availability },
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
