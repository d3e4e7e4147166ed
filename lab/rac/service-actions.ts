/**
 * What Clusterware does to a service on an instance (srvctl start / stop / relocate service, an
 * instance stop or start): its running set, its target, the FAN event and the sessions' drain.
 * Checks and errors belong to the srvctl commands (lab/rac/srvctl/*); these only act.
 */
import type { StopOption } from '../../activities/oracle/port';
import { cancelDrain, startDrain } from '../drain';
import { removeSessions, sameName, type SimContext } from '../estate';
import type { LabCdb, LabPdb, LabService, LabState } from '../model';
import { publishFan } from './fan';
import type { LabCluster } from './rac-model';

type ClusterCdb = LabCdb & { cluster: LabCluster };

export interface ServiceRef {
  pdb: LabPdb;
  svc: LabService;
}

/** The service starts on the instance: FAN UP, a drain there is cancelled, Clusterware's target is ONLINE there. */
export function startServiceOn(
  ctx: SimContext,
  cdb: ClusterCdb,
  r: ServiceRef,
  instance: string,
  atMs: number,
  reason: 'USER' | 'FAILURE' = 'USER',
): void {
  if (r.svc.runningOn.includes(instance)) return;
  r.svc.runningOn = [...r.svc.runningOn, instance].sort();
  cancelDrain(ctx, cdb, r.pdb.name, r.svc.name, [instance]);
  if (!r.svc.crs) return;
  if (!r.svc.crs.targetOn.includes(instance)) r.svc.crs.targetOn = [...r.svc.crs.targetOn, instance].sort();
  r.svc.crs.fullStop = false;
  publishFan(cdb, atMs, { type: 'SERVICEMEMBER', service: r.svc.name, instance, status: 'up', reason, drainTimeout: null });
}

export interface StopSpec {
  drainSec: number;
  stopOption: StopOption;
  /** -force: every session of the service there is disconnected at once */
  force: boolean;
  /** The target stays ONLINE (an instance stop: the service comes back with the instance) */
  keepTarget: boolean;
}

/**
 * The service leaves the instances: FAN planned DOWN (reason USER, with the drain timeout), no new
 * connections there, and its sessions drain for `drainSec` before the stop option applies
 * (lab/drain.ts); with force they are disconnected at once.
 */
export function stopServiceOn(ctx: SimContext, cdb: ClusterCdb, r: ServiceRef, instances: string[], spec: StopSpec, atMs: number): void {
  const on = instances.filter((i) => r.svc.runningOn.includes(i));
  r.svc.runningOn = r.svc.runningOn.filter((i) => !on.includes(i));
  if (r.svc.crs && !spec.keepTarget) r.svc.crs.targetOn = r.svc.crs.targetOn.filter((i) => !instances.includes(i));
  for (const instance of on) {
    if (r.svc.crs) {
      const drainTimeout = spec.force ? 0 : spec.drainSec;
      publishFan(cdb, atMs, { type: 'SERVICEMEMBER', service: r.svc.name, instance, status: 'down', reason: 'USER', drainTimeout });
    }
    if (spec.force) removeSessions(ctx.state, { cdb: cdb.name, pdb: r.pdb.name, service: r.svc.name, instance });
  }
  if (!spec.force && on.length > 0) {
    const drain = { pdb: r.pdb.name, service: r.svc.name, instances: on, stopOption: spec.stopOption, drainTimeoutSeconds: spec.drainSec };
    startDrain(ctx, cdb, drain, atMs);
  }
}

/** Whether the drain of the service on the instance is over: nobody left there, or its deadline passed. */
export function drainOver(state: LabState, cdb: string, service: string, instance: string): boolean {
  const here = (x: { cdb: string; instance: string; service: string }) =>
    sameName(x.cdb, cdb) && x.instance === instance && sameName(x.service, service);
  return !state.sessions.some(here) || !state.drains.some(here);
}
