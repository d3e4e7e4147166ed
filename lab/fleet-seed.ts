/**
 * A fleet in the lab (issue 8 §1): `fleetPdbs` more PDBs, FL0001, FL0002, ..., spread round-robin over three more
 * CDBs FLEET1..FLEET3 (19c, Linux x86 64-bit, like CDB1), each PDB small, open READ WRITE, with one service
 * FLnnnn_APP (drain timeout, stop option TRANSACTIONAL) and a few sessions on it. CDB2 gets a link to each
 * (FLEET1_LINK, ...): the fleet relocates into CDB2. With fleetPdbs = 0 (the default) nothing is added and the
 * seeds are exactly what they were; the embedded estate (common/estate-config.ts) always names FLEET1..FLEET3.
 */
import { MB, type LabSession, type LabState } from './model';
import { cdb, link, openPdb, service, SIM_EPOCH_MS } from './seed-parts';

export const FLEET_CDBS = ['FLEET1', 'FLEET2', 'FLEET3'] as const;
/** Upper bound of a seed's fleet: the state file stays a few MB. */
export const FLEET_PDBS_MAX = 5000;
/** Sessions on each fleet PDB's service. */
const FLEET_SESSIONS = 2;

/** FL0001 ... FL9999 (1-based). */
export function fleetPdbName(i: number): string {
  return `FL${String(i).padStart(4, '0')}`;
}

/** Adds the fleet CDBs and `n` PDBs to a seed being built; `sizeBytes` per PDB (the seed's scale). */
export function addFleetSeed(state: LabState, n: number, sizeBytes: number): void {
  if (!Number.isInteger(n) || n < 0 || n > FLEET_PDBS_MAX) {
    throw new Error(`fleetPdbs: must be a whole number from 0 to ${FLEET_PDBS_MAX}`);
  }
  if (n === 0) return;
  const fleet = FLEET_CDBS.map((name) => cdb(name, { dbLinks: [link('CDB2_LINK', 'CDB2')] }));
  const cdb2 = state.cdbs.find((c) => c.name === 'CDB2')!;
  for (const name of FLEET_CDBS) cdb2.dbLinks.push(link(`${name}_LINK`, name));
  const sessions: LabSession[] = [];
  for (let i = 1; i <= n; i++) {
    const home = fleet[(i - 1) % fleet.length]!;
    const pdb = fleetPdbName(i);
    const app = service(`${pdb}_APP`, { drainTimeout: 30, stopOption: 'TRANSACTIONAL' });
    home.pdbs.push(openPdb(home, pdb, sizeBytes, [app], [home.name.toLowerCase()]));
    for (let s = 0; s < FLEET_SESSIONS; s++) {
      sessions.push({
        sid: state.nextSid++, cdb: home.name, pdb, service: app.name, instance: home.name.toLowerCase(),
        longRunning: false, connectedAtMs: SIM_EPOCH_MS, leavesAtMs: null,
      });
    }
  }
  state.cdbs.push(...fleet);
  state.sessions.push(...sessions);
}

/** The size of a fleet PDB in each seed: a copy of a few simulated seconds. */
export const FLEET_PDB_BYTES = { demo: 256 * MB, test: 64 * MB } as const;
