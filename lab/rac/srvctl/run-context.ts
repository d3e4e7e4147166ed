/** What a srvctl command runs with, what it gives back, and the lookups every command makes. */
import type { SimContext } from '../../estate';
import { sameName } from '../../estate';
import type { LabCdb, LabState } from '../../model';
import { findRacInstance, findRacService, instancesOnNode, racServices, type RacService } from '../cluster';
import type { LabCluster, LabRacInstance } from '../rac-model';
import type { SrvctlCommand } from './parse';
import { msg, SrvctlError } from './srvctl-messages';

export type ClusterCdb = LabCdb & { cluster: LabCluster };

export interface RunContext {
  ctx: SimContext;
  cdb: ClusterCdb;
  cmd: SrvctlCommand;
}

export interface RunOutcome {
  /** Lines srvctl prints on success (none for most commands) */
  out: string[];
  /** The command answers once this holds; simulated time goes on meanwhile (drains, shutdowns, startups) */
  until?: (state: LabState) => boolean;
}

export const str = (r: RunContext, o: string) => (typeof r.cmd.options[o] === 'string' ? (r.cmd.options[o] as string) : undefined);
/** A list option's names; a single-name option's one name as a list */
export const list = (r: RunContext, o: string): string[] | undefined => {
  const v = r.cmd.options[o];
  return Array.isArray(v) ? v : typeof v === 'string' ? [v] : undefined;
};
export const num = (r: RunContext, o: string) => r.cmd.options[o] as number | undefined;
export const has = (r: RunContext, o: string) => r.cmd.options[o] === true;

export function requireInstance(cdb: ClusterCdb, name: string): LabRacInstance {
  const i = findRacInstance(cdb.cluster, name);
  if (!i) throw new SrvctlError(msg.instanceNotFound(name));
  return i;
}

/** The instances -instance (a list) or -node names. */
export function targetInstances(r: RunContext): LabRacInstance[] {
  const node = str(r, 'node');
  if (node !== undefined) {
    if (!r.cdb.cluster.nodes.some((n) => sameName(n, node))) throw new SrvctlError(msg.nodeNotFound(node));
    return instancesOnNode(r.cdb.cluster, node);
  }
  return (list(r, 'instance') ?? []).map((n) => requireInstance(r.cdb, n));
}

/** The one instance -instance or -node names for a service command, if any. */
export function serviceInstance(r: RunContext): LabRacInstance | undefined {
  if (str(r, 'instance') === undefined && str(r, 'node') === undefined) return undefined;
  return targetInstances(r)[0];
}

/** The services -service names (all the database's Clusterware services when left out), within -pdb if given. */
export function targetServices(r: RunContext): RacService[] {
  const pdb = str(r, 'pdb');
  const inPdb = (s: RacService) => pdb === undefined || sameName(s.pdb.name, pdb);
  const names = list(r, 'service');
  if (names === undefined) return racServices(r.cdb).filter(inPdb);
  return names.map((n) => {
    const s = findRacService(r.cdb, n);
    if (!s || !inPdb(s)) throw new SrvctlError(msg.serviceNotFound(n, r.cdb.cluster.dbUniqueName));
    return s;
  });
}
