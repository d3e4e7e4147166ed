/**
 * Instance stop and start as Clusterware runs them, in simulated time:
 *  - stop: the services on the instance leave it first (FAN planned DOWN, drain for the drain
 *    timeout; with -failover a singleton service is first started on one of its available
 *    instances), then SHUTDOWN takes rac.instanceStopSec; when it ends every session still on the
 *    instance is gone and FAN publishes INSTANCE down (reason USER);
 *  - start: STARTUP takes rac.instanceStartSec; when it ends FAN publishes INSTANCE up and the
 *    services whose Clusterware target is ONLINE there (and enabled there) start on it, with the
 *    PDB default services.
 *  - crash (lab control, an unplanned outage): the instance is gone at once with its sessions;
 *    FAN publishes SERVICEMEMBER and INSTANCE down with reason FAILURE; a singleton service fails
 *    over to an available instance; Clusterware restarts an enabled instance (a start in simulated time).
 * Checks and errors belong to the srvctl commands (lab/rac/srvctl/*).
 */
import type { StopOption } from '../../activities/oracle/port';
import { isOpen, removeDrains, removeSessions, type SimContext } from '../estate';
import type { LabCdb } from '../model';
import { racServices, racSettings } from './cluster';
import { publishFan } from './fan';
import type { LabCluster, LabRacInstance } from './rac-model';
import { startServiceOn, stopServiceOn } from './service-actions';

type ClusterCdb = LabCdb & { cluster: LabCluster };

export interface InstanceStopSpec {
  /** -drain_timeout; null: each service drains for its own configured drain timeout */
  drainSec: number | null;
  /** The services' stop option for their drain; null: each service's own */
  stopOption: StopOption | null;
  force: boolean;
  failover: boolean;
}

/** A singleton's other home: an instance it may run on, running, not running it yet, not disabled there. */
function failoverTarget(cdb: ClusterCdb, r: ReturnType<typeof racServices>[number], from: string): string | undefined {
  const candidates = [...r.crs.available, ...r.crs.preferred].filter((i) => i !== from);
  const up = (i: string) => cdb.cluster.instances.some((x) => x.name === i && x.state === 'running');
  return candidates.find((i) => up(i) && !r.svc.runningOn.includes(i) && !r.crs.disabledOn.includes(i));
}

export function beginInstanceStop(ctx: SimContext, cdb: ClusterCdb, inst: LabRacInstance, spec: InstanceStopSpec): void {
  const at = ctx.nowMs;
  let drainSec = 0;
  for (const r of racServices(cdb)) {
    if (!r.svc.runningOn.includes(inst.name)) continue;
    if (spec.failover && r.svc.runningOn.length === 1) {
      const to = failoverTarget(cdb, r, inst.name);
      if (to) {
        startServiceOn(ctx, cdb, r, to, at);
        r.crs.targetOn = r.crs.targetOn.filter((i) => i !== inst.name);
      }
    }
    const sec = spec.force ? 0 : (spec.drainSec ?? r.svc.drainTimeout ?? 0);
    drainSec = Math.max(drainSec, sec);
    const stopOption = spec.stopOption ?? (r.svc.stopOption as StopOption | null) ?? 'NONE';
    stopServiceOn(ctx, cdb, r, [inst.name], { drainSec: sec, stopOption, force: spec.force, keepTarget: true }, at);
  }
  for (const pdb of cdb.pdbs) for (const svc of pdb.services) if (!svc.crs) svc.runningOn = svc.runningOn.filter((i) => i !== inst.name);
  inst.state = 'stopping';
  inst.changeAtMs = at + Math.round((drainSec + racSettings(ctx.state).instanceStopSec) * 1000);
}

export function beginInstanceStart(ctx: SimContext, inst: LabRacInstance): void {
  inst.state = 'starting';
  inst.changeAtMs = ctx.nowMs + Math.round(racSettings(ctx.state).instanceStartSec * 1000);
}

function endStop(ctx: SimContext, cdb: ClusterCdb, inst: LabRacInstance, atMs: number): void {
  inst.state = 'stopped';
  for (const pdb of cdb.pdbs) for (const svc of pdb.services) svc.runningOn = svc.runningOn.filter((i) => i !== inst.name);
  removeSessions(ctx.state, { cdb: cdb.name, instance: inst.name });
  removeDrains(ctx.state, { cdb: cdb.name, instance: inst.name });
  publishFan(cdb, atMs, { type: 'INSTANCE', service: null, instance: inst.name, status: 'down', reason: 'USER', drainTimeout: null });
}

function endStart(ctx: SimContext, cdb: ClusterCdb, inst: LabRacInstance, atMs: number): void {
  inst.state = 'running';
  publishFan(cdb, atMs, { type: 'INSTANCE', service: null, instance: inst.name, status: 'up', reason: 'USER', drainTimeout: null });
  for (const pdb of cdb.pdbs) {
    if (!isOpen(pdb)) continue;
    for (const svc of pdb.services) {
      if (svc.isDefault && !svc.runningOn.includes(inst.name)) svc.runningOn = [...svc.runningOn, inst.name].sort();
    }
  }
  for (const r of racServices(cdb)) {
    const back = r.crs.targetOn.includes(inst.name) && r.crs.enabled && !r.crs.disabledOn.includes(inst.name) && isOpen(r.pdb);
    if (back) startServiceOn(ctx, cdb, r, inst.name, atMs);
  }
}

/** Ends a stop or start whose time has come (called by the RAC part of lab/advance.ts at `atMs`). */
export function endInstanceTransition(ctx: SimContext, cdb: ClusterCdb, inst: LabRacInstance, atMs: number): void {
  const state = inst.state;
  inst.changeAtMs = null;
  if (state === 'stopping') endStop(ctx, cdb, inst, atMs);
  else if (state === 'starting') endStart(ctx, cdb, inst, atMs);
}

/** An unplanned instance failure (POST /rac/{cdb}/instances/{inst}/crash). */
export function crashInstance(ctx: SimContext, cdb: ClusterCdb, inst: LabRacInstance): void {
  const at = ctx.nowMs;
  for (const r of racServices(cdb)) {
    if (!r.svc.runningOn.includes(inst.name)) continue;
    r.svc.runningOn = r.svc.runningOn.filter((i) => i !== inst.name);
    const down = { type: 'SERVICEMEMBER', service: r.svc.name, instance: inst.name, status: 'down', reason: 'FAILURE', drainTimeout: null } as const;
    publishFan(cdb, at, down);
    const to = r.svc.runningOn.length === 0 ? failoverTarget(cdb, r, inst.name) : undefined;
    if (to) {
      startServiceOn(ctx, cdb, r, to, at, 'FAILURE');
      r.crs.targetOn = r.crs.targetOn.filter((i) => i !== inst.name);
    }
  }
  for (const pdb of cdb.pdbs) for (const svc of pdb.services) svc.runningOn = svc.runningOn.filter((i) => i !== inst.name);
  removeSessions(ctx.state, { cdb: cdb.name, instance: inst.name });
  removeDrains(ctx.state, { cdb: cdb.name, instance: inst.name });
  publishFan(cdb, at, { type: 'INSTANCE', service: null, instance: inst.name, status: 'down', reason: 'FAILURE', drainTimeout: null });
  inst.state = 'stopped';
  inst.changeAtMs = null;
  if (inst.enabled) beginInstanceStart(ctx, inst);
}
