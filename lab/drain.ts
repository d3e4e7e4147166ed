/**
 * A service leaving an instance with a drain (DBMS_SERVICE.STOP_SERVICE with a drain timeout, or
 * srvctl stop / relocate service without -force): its sessions there leave on their own (pool
 * connections at once when idle, when returned when busy; ordinary sessions along the exponential
 * curve; long-running ones never), and at the deadline the stop option applies to whoever is left
 * (lab/advance.ts).
 */
import { removeDrains, sameName, type SimContext } from './estate';
import type { LabCdb } from './model';
import { drainLeaveMs, poolOf } from './rac/pools';
import type { StopOption } from '../activities/oracle/port';

export interface DrainSpec {
  pdb: string;
  service: string;
  instances: string[];
  stopOption: StopOption;
  drainTimeoutSeconds: number;
}

export function startDrain(ctx: SimContext, cdb: LabCdb, d: DrainSpec, atMs: number = ctx.nowMs): void {
  for (const s of ctx.state.sessions) {
    if (!sameName(s.cdb, cdb.name) || !sameName(s.service, d.service) || !d.instances.includes(s.instance)) continue;
    if (s.leavesAtMs !== null) continue;
    s.leavesAtMs = drainLeaveMs(ctx, s, poolOf(cdb, s)?.busyFraction, atMs);
  }
  for (const instance of d.instances) {
    removeDrains(ctx.state, { cdb: cdb.name, pdb: d.pdb, service: d.service, instance });
    ctx.state.drains.push({
      cdb: cdb.name,
      pdb: d.pdb,
      service: d.service,
      instance,
      stopOption: d.stopOption,
      deadlineMs: atMs + Math.round(d.drainTimeoutSeconds * 1000),
    });
  }
}

/** A restart of the service on the instances cancels their drains: whoever is still connected stays. */
export function cancelDrain(ctx: SimContext, cdb: LabCdb, pdb: string, service: string, instances: string[]): void {
  for (const i of instances) {
    removeDrains(ctx.state, { cdb: cdb.name, pdb, service, instance: i });
    for (const s of ctx.state.sessions) {
      if (sameName(s.cdb, cdb.name) && sameName(s.service, service) && s.instance === i) s.leavesAtMs = null;
    }
  }
}
