/**
 * The srvctl commands of a relocation whose source CDB is Clusterware-managed, built once for the run
 * (workflows/relocate-pdb.ts) and its plan (activities/relocation-plan.ts): the PDB leaves the cluster, so each of
 * its services stops on every instance (no -instance), without -force (a FAN planned DOWN lets the pools release
 * their connections), for the drain timeout, with stop option NONE (sessions left at the timeout are the run's
 * policy's: disconnect, ask, abort); the compensation starts each one again where Clusterware places it (its
 * preferred instances). Pure: safe in workflow code.
 */
import type { SrvctlCommand } from './commands';

export function relocationStops(db: string, services: string[], drainTimeoutS: number): SrvctlCommand[] {
  return services.map((service) => ({
    kind: 'stop-service', db, service, drainTimeout: drainTimeoutS, stopOption: 'NONE',
  }));
}

export function relocationStart(db: string, service: string): SrvctlCommand {
  return { kind: 'start-service', db, service };
}
