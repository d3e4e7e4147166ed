/** Lookups in the RAC part of the estate: clusters, their instances and Clusterware-managed services. */
import { sameName } from '../estate';
import type { LabCdb, LabPdb, LabService, LabSession, LabState } from '../model';
import type { LabCluster, LabCrsService, LabRacInstance, LabRacSettings } from './rac-model';

export interface RacService {
  pdb: LabPdb;
  svc: LabService;
  crs: LabCrsService;
}

export const DEFAULT_RAC_SETTINGS: Record<'demo' | 'test', LabRacSettings> = {
  demo: { instanceStopSec: 20, instanceStartSec: 40, poolRebalanceStepSec: 3 },
  test: { instanceStopSec: 3, instanceStartSec: 6, poolRebalanceStepSec: 0.5 },
};

export function racSettings(state: LabState): LabRacSettings {
  return state.settings.rac ?? DEFAULT_RAC_SETTINGS[state.seed === 'test' ? 'test' : 'demo'];
}

export function clusterCdbs(state: LabState): (LabCdb & { cluster: LabCluster })[] {
  return state.cdbs.filter((c): c is LabCdb & { cluster: LabCluster } => c.cluster !== undefined);
}

/** The cluster database srvctl's -db names: its DB_UNIQUE_NAME (case-insensitive), or its DB_NAME. */
export function findClusterCdb(state: LabState, db: string): (LabCdb & { cluster: LabCluster }) | undefined {
  const all = clusterCdbs(state);
  return all.find((c) => sameName(c.cluster.dbUniqueName, db)) ?? all.find((c) => sameName(c.name, db));
}

export function findRacInstance(cluster: LabCluster, name: string): LabRacInstance | undefined {
  return cluster.instances.find((i) => sameName(i.name, name));
}

export function instancesOnNode(cluster: LabCluster, node: string): LabRacInstance[] {
  return cluster.instances.filter((i) => sameName(i.node, node));
}

export function isRunning(cluster: LabCluster, instance: string): boolean {
  return findRacInstance(cluster, instance)?.state === 'running';
}

/** Every Clusterware-managed service of the CDB (the PDB's default service is not one). */
export function racServices(cdb: LabCdb): RacService[] {
  const out: RacService[] = [];
  for (const pdb of cdb.pdbs) for (const svc of pdb.services) if (svc.crs) out.push({ pdb, svc, crs: svc.crs });
  return out;
}

export function findRacService(cdb: LabCdb, name: string): RacService | undefined {
  return racServices(cdb).find((r) => sameName(r.svc.name, name));
}

/** Clusterware resource names, as srvctl's messages name them. */
export const dbResource = (c: LabCluster) => `ora.${c.dbUniqueName.toLowerCase()}.db`;
export const svcResource = (c: LabCluster, svc: string) => `ora.${c.dbUniqueName.toLowerCase()}.${svc.toLowerCase()}.svc`;

/** The user sessions of a CDB on one instance (optionally of one service). */
export function sessionsOn(state: LabState, cdb: LabCdb, instance: string, service?: string): LabSession[] {
  return state.sessions.filter(
    (s) => sameName(s.cdb, cdb.name) && s.instance === instance && (service === undefined || sameName(s.service, service)),
  );
}
