/**
 * Named starting estates.
 *
 * `demo` (default speed 4 simulated s per real s):
 *   CDB1, CDB2: 19c, Linux x86 64-bit (platform 13, Little endian), AL32UTF8 / AL16UTF16,
 *     local undo, ARCHIVELOG, one instance each (cdb1, cdb2). Links: CDB2_LINK in CDB1 (to CDB2),
 *     CDB1_LINK, CDB3_LINK, CDB4_LINK and RACCDB_LINK in CDB2 (to CDB1, CDB3, CDB4, RACCDB: OLTP can move
 *     from the RAC CDB RACCDB into CDB2). Link user C##RELOCATE everywhere: common,
 *     CREATE SESSION + CREATE PLUGGABLE DATABASE, SYSOPER.
 *   SALES (20 GiB) in CDB1, open READ WRITE, services SALES_RW (Application Continuity:
 *     failover_type TRANSACTION, commit_outcome TRUE), SALES_RO (no failover), the default
 *     service SALES; sessions: 30 on SALES_RW, 10 + 2 long-running on SALES_RO.
 *   CDB3: 19c on AIX-Based Systems (64-bit) (platform 6, Big endian): HR (8 GiB) lives there.
 *     Relocating HR from CDB3 to CDB2 fails the endianness prerequisite (preflight reads
 *     getFacts of both CDBs; CREATE ... RELOCATE itself answers ORA-38958).
 *   CDB4: two instances (cdb4_1, cdb4_2, a RAC database) with FIN (4 GiB), service FIN_APP
 *     (Transparent Application Continuity) running on both, 3 sessions on each instance; no links
 *     (it is there for the per-instance rules of DBMS_SERVICE).
 *   Client readiness (common/readiness): SALES_RW is configured right for AC, FIN_APP for TAC,
 *     HR_APP for TAF only (no FAN, no drain timeout, no stop option), SALES_RO for nothing.
 *   DB_BLOCK_SIZE 8192 everywhere. A PDB's datafiles (lab/datafiles.ts): SYSTEM, SYSAUX and
 *     UNDOTBS1 at 10 % of its size each, four USERS files sharing the rest.
 *   Copies use 4 parallel copiers (one datafile each at a time) and take size / copy rate:
 *   a SALES relocation copy takes 20 GiB / 160 MiB/s = 128 simulated s = 32 real s at speed 4.
 *
 *   RACCDB (2 instances) and TRICDB (3 instances): Clusterware-managed RAC databases with
 *     services, client connection pools and srvctl over SSH (lab/rac/rac-seed.ts, lab/RAC.md).
 *
 * Either seed with `fleetPdbs` N > 0 (`orb lab --fleet-pdbs N`, POST /reset {fleetPdbs}) also holds a fleet:
 *   FLEET1..FLEET3 with N small PDBs FL0001.. and links to them in CDB2 (lab/fleet-seed.ts).
 *
 * `test`: the same shape, smaller and faster (speed 10): SALES 2 GiB at 48 MiB/s
 *   = ~43 simulated s = ~4.3 real s; FIN 512 MiB; session half-life 2 simulated s; fewer sessions.
 */
import { GB, LAB_STATE_VERSION, MB, type LabSession, type LabState } from './model';
import { AC, cdb, link, openPdb, service, SIM_EPOCH_MS } from './seed-parts';
import { DEFAULT_RAC_SETTINGS } from './rac/cluster';
import { addRacSeed } from './rac/rac-seed';
import { seedFromString } from './random';
import { emptyCloud } from './cloud-model';
import { seedOciCloud } from './oci/cloud-seed';
import { withOicSeed } from './oic/oic-seed';
import { addFleetSeed, FLEET_PDB_BYTES } from './fleet-seed';

export { service } from './seed-parts';

export const SEED_NAMES = ['demo', 'test'] as const;
export type SeedName = (typeof SEED_NAMES)[number];

interface SeedShape {
  speed: number;
  copyRateBytesPerSec: number;
  sessionHalfLifeSec: number;
  salesBytes: number;
  hrBytes: number;
  rwSessions: number;
  roSessions: number;
  roLongRunning: number;
  finBytes: number;
  /** Simulated seconds of an Autonomous Data Guard role change */
  adbRoleChangeSec: number;
}

const SHAPES: Record<SeedName, SeedShape> = {
  demo: { speed: 4, copyRateBytesPerSec: 160 * MB, sessionHalfLifeSec: 6, salesBytes: 20 * GB, hrBytes: 8 * GB, rwSessions: 30, roSessions: 10, roLongRunning: 2, finBytes: 4 * GB, adbRoleChangeSec: 120 },
  test: { speed: 10, copyRateBytesPerSec: 48 * MB, sessionHalfLifeSec: 2, salesBytes: 2 * GB, hrBytes: 1 * GB, rwSessions: 8, roSessions: 4, roLongRunning: 2, finBytes: 512 * MB, adbRoleChangeSec: 20 },
};

export function isSeedName(name: string): name is SeedName {
  return (SEED_NAMES as readonly string[]).includes(name);
}

/** `fleetPdbs`: that many more PDBs on the fleet CDBs FLEET1..FLEET3 (lab/fleet-seed.ts); 0 adds nothing. */
export function buildSeed(name: SeedName, fleetPdbs = 0): LabState {
  const shape = SHAPES[name];
  const salesRw = service('SALES_RW', AC(60));
  const salesRo = service('SALES_RO', { drainTimeout: 30, stopOption: 'NONE' });
  const hrApp = service('HR_APP', { failoverType: 'SELECT', failoverMethod: 'BASIC', failoverRetries: 20, failoverDelay: 15 });

  const cdb1 = cdb('CDB1', { dbLinks: [link('CDB2_LINK', 'CDB2')] });
  cdb1.pdbs.push(openPdb(cdb1, 'SALES', shape.salesBytes, [salesRw, salesRo], ['cdb1']));
  const cdb2 = cdb('CDB2', {
    dbLinks: [
      link('CDB1_LINK', 'CDB1'), link('CDB3_LINK', 'CDB3'), link('CDB4_LINK', 'CDB4'), link('RACCDB_LINK', 'RACCDB'),
    ],
  });
  const cdb3 = cdb('CDB3', {
    platformId: 6,
    platformName: 'AIX-Based Systems (64-bit)',
    endianFormat: 'Big',
    dbLinks: [link('CDB2_LINK', 'CDB2')],
  });
  cdb3.pdbs.push(openPdb(cdb3, 'HR', shape.hrBytes, [hrApp], ['cdb3']));
  // CDB4: two instances (RAC), for the rules DBMS_SERVICE follows per instance.
  const cdb4 = cdb('CDB4', { instances: [{ name: 'cdb4_1', number: 1 }, { name: 'cdb4_2', number: 2 }] });
  // FIN_APP: Transparent Application Continuity, FAN and drain as Oracle documents them (readiness: ready for tac).
  const finApp = service('FIN_APP', {
    failoverType: 'AUTO',
    failoverRestore: 'AUTO',
    failoverRetries: 30,
    failoverDelay: 10,
    commitOutcome: true,
    replayInitiationTimeout: 600,
    retentionTimeout: 86400,
    drainTimeout: 60,
    stopOption: 'TRANSACTIONAL',
    aqHaNotifications: true,
  });
  cdb4.pdbs.push(openPdb(cdb4, 'FIN', shape.finBytes, [finApp], ['cdb4_1', 'cdb4_2']));

  const sessions: LabSession[] = [];
  let sid = 100;
  const add = (c: string, pdb: string, svc: string, inst: string, n: number, longRunning: boolean) => {
    for (let i = 0; i < n; i++) {
      sessions.push({ sid: sid++, cdb: c, pdb, service: svc, instance: inst, longRunning, connectedAtMs: SIM_EPOCH_MS, leavesAtMs: null });
    }
  };
  add('CDB1', 'SALES', 'SALES_RW', 'cdb1', shape.rwSessions, false);
  add('CDB1', 'SALES', 'SALES_RO', 'cdb1', shape.roSessions, false);
  add('CDB1', 'SALES', 'SALES_RO', 'cdb1', shape.roLongRunning, true);
  add('CDB3', 'HR', 'HR_APP', 'cdb3', 3, false);
  add('CDB4', 'FIN', 'FIN_APP', 'cdb4_1', 3, false);
  add('CDB4', 'FIN', 'FIN_APP', 'cdb4_2', 3, false);

  const cloud = emptyCloud();
  seedOciCloud(cloud, name, SIM_EPOCH_MS);
  withOicSeed(cloud); // after the OCI seed: its connections hold the seed wallet

  const state: LabState = {
    version: LAB_STATE_VERSION,
    seed: name,
    settings: {
      speed: shape.speed,
      copyRateBytesPerSec: shape.copyRateBytesPerSec,
      sessionHalfLifeSec: shape.sessionHalfLifeSec,
      copyParallelism: 4,
      adbRoleChangeSec: shape.adbRoleChangeSec,
      rac: { ...DEFAULT_RAC_SETTINGS[name] },
    },
    simNowMs: SIM_EPOCH_MS,
    rng: seedFromString(name),
    nextSid: sid,
    nextId: 1,
    cdbs: [cdb1, cdb2, cdb3, cdb4],
    cloud,
    sessions,
    drains: [],
    copies: [],
    pxServers: [],
    longops: [],
    faults: [],
    oplog: [],
    nextOplogSeq: 1,
    relocatedPdbs: [],
  };
  addRacSeed(state);
  addFleetSeed(state, fleetPdbs, FLEET_PDB_BYTES[name]);
  return state;
}
