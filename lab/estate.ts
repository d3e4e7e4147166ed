/** Lookups in the estate, with the errors Oracle gives when something is missing. */
import { LabError, ora } from './lab-error';
import type { LabCdb, LabPdb, LabService, LabState } from './model';

/** What every simulated operation needs: the estate, simulated now, and the seeded dice. */
export interface SimContext {
  state: LabState;
  nowMs: number;
  random(): number;
}

export function sameName(a: string, b: string): boolean {
  return a.toUpperCase() === b.toUpperCase();
}

export function findCdb(state: LabState, name: string): LabCdb | undefined {
  return state.cdbs.find((c) => sameName(c.name, name));
}

/**
 * LAB-404: the lab has no such CDB. Not ORA-12514: that is transient for orb (a service not yet
 * registered), and a CDB the lab does not have is an estate/lab mismatch no retry will fix.
 * The message names no ORA-/NJS- code, so orb classifies it as permanent (unknown).
 */
export function requireCdb(state: LabState, name: string): LabCdb {
  const cdb = findCdb(state, name);
  if (!cdb) {
    const have = state.cdbs.map((c) => c.name).join(', ') || 'none';
    throw new LabError('LAB-404', `LAB-404: the lab has no CDB ${name.toUpperCase()} (its CDBs: ${have})`);
  }
  return cdb;
}

export function findPdb(cdb: LabCdb, name: string): LabPdb | undefined {
  return cdb.pdbs.find((p) => sameName(p.name, name));
}

/** ORA-65011: Pluggable database does not exist. */
export function requirePdb(cdb: LabCdb, name: string): LabPdb {
  const pdb = findPdb(cdb, name);
  if (!pdb) throw ora('ORA-65011', `ORA-65011: Pluggable database ${name.toUpperCase()} does not exist.`);
  return pdb;
}

export function findService(pdb: LabPdb, name: string): LabService | undefined {
  return pdb.services.find((s) => sameName(s.name, name));
}

/** ORA-44304: service does not exist (in this PDB's container). */
export function requireService(pdb: LabPdb, name: string): LabService {
  const svc = findService(pdb, name);
  if (!svc) throw ora('ORA-44304', `ORA-44304: service ${name} does not exist`);
  return svc;
}

export function isOpen(pdb: LabPdb): boolean {
  return pdb.openMode === 'READ WRITE' || pdb.openMode === 'READ ONLY' || pdb.openMode === 'MIGRATE';
}

export function instanceNames(cdb: LabCdb): string[] {
  return cdb.instances.map((i) => i.name);
}

/** Removes the sessions (and pending drains) matching the predicate-free filter fields. */
export function removeSessions(state: LabState, match: { cdb: string; pdb?: string; service?: string; instance?: string; onlyOrdinary?: boolean }): number {
  const before = state.sessions.length;
  state.sessions = state.sessions.filter(
    (s) =>
      !(
        sameName(s.cdb, match.cdb) &&
        (match.pdb === undefined || sameName(s.pdb, match.pdb)) &&
        (match.service === undefined || sameName(s.service, match.service)) &&
        (match.instance === undefined || s.instance === match.instance) &&
        (!match.onlyOrdinary || !s.longRunning)
      ),
  );
  return before - state.sessions.length;
}

export function removeDrains(state: LabState, match: { cdb: string; pdb?: string; service?: string; instance?: string }): void {
  state.drains = state.drains.filter(
    (d) =>
      !(
        sameName(d.cdb, match.cdb) &&
        (match.pdb === undefined || sameName(d.pdb, match.pdb)) &&
        (match.service === undefined || sameName(d.service, match.service)) &&
        (match.instance === undefined || d.instance === match.instance)
      ),
  );
}

/** A simulated exponential delay (ms) with the given half-life in seconds. */
export function exponentialDelayMs(random: () => number, halfLifeSec: number): number {
  const u = random();
  return Math.round((-Math.log(1 - u) * halfLifeSec * 1000) / Math.LN2);
}
