/**
 * The RAC safety rules (GET /invariants, lab/invariants.ts):
 *  - rac-service-down-everywhere (always): a Clusterware service with preferred instances ran on no
 *    instance at all, and not because a `srvctl stop service` naming no instance stopped it on
 *    purpose. Outages are recorded as they happen (LabCluster.outages, kept until the next reset),
 *    so one that began and ended between two checks is still reported;
 * with quiescent (no runbook running):
 *  - rac-instance-not-running / rac-instance-disabled: an instance left stopped (or stopping,
 *    starting) or disabled;
 *  - rac-service-not-on-preferred: a service not running on exactly its preferred instances;
 *  - rac-service-disabled: a service left disabled, as a whole or on an instance.
 */
import type { LabCdb, LabState } from '../model';
import type { Violation } from '../invariants';
import { clusterCdbs, racServices } from './cluster';
import { OUTAGES_KEPT, type LabCluster } from './rac-model';

/** Opens or closes outage records for the cluster's services at `atMs`. */
export function trackOutages(cdb: LabCdb & { cluster: LabCluster }, atMs: number): void {
  const outages = cdb.cluster.outages;
  for (const { svc, crs } of racServices(cdb)) {
    const down = crs.preferred.length > 0 && svc.runningOn.length === 0 && !crs.fullStop;
    const open = outages.find((o) => o.service === svc.name && o.toMs === null);
    if (down && !open) outages.push({ service: svc.name, fromMs: atMs, toMs: null });
    if (!down && open) open.toMs = atMs;
  }
  if (outages.length > OUTAGES_KEPT) outages.splice(0, outages.length - OUTAGES_KEPT);
}

const iso = (ms: number) => new Date(ms).toISOString();

function outageViolations(cdb: LabCdb & { cluster: LabCluster }): Violation[] {
  return cdb.cluster.outages.map((o) => ({
    rule: 'rac-service-down-everywhere',
    detail:
      `service ${o.service} of ${cdb.name} ran on no instance from ${iso(o.fromMs)}` +
      (o.toMs === null ? ' and still does' : ` to ${iso(o.toMs)}`),
  }));
}

function quiescentViolations(cdb: LabCdb & { cluster: LabCluster }): Violation[] {
  const v: Violation[] = [];
  for (const i of cdb.cluster.instances) {
    if (i.state !== 'running') v.push({ rule: 'rac-instance-not-running', detail: `instance ${i.name} of ${cdb.name} is ${i.state}` });
    if (!i.enabled) v.push({ rule: 'rac-instance-disabled', detail: `instance ${i.name} of ${cdb.name} is disabled` });
  }
  for (const { svc, crs } of racServices(cdb)) {
    const on = [...svc.runningOn].sort().join(',');
    const want = [...crs.preferred].sort().join(',');
    if (on !== want) {
      const detail = `service ${svc.name} of ${cdb.name} runs on [${on}], its preferred instances are [${want}]`;
      v.push({ rule: 'rac-service-not-on-preferred', detail });
    }
    if (!crs.enabled) v.push({ rule: 'rac-service-disabled', detail: `service ${svc.name} of ${cdb.name} is disabled` });
    if (crs.disabledOn.length > 0) {
      const detail = `service ${svc.name} of ${cdb.name} is disabled on ${crs.disabledOn.join(', ')}`;
      v.push({ rule: 'rac-service-disabled', detail });
    }
  }
  return v;
}

export function racViolations(state: LabState, quiescent: boolean): Violation[] {
  return clusterCdbs(state).flatMap((cdb) => [...outageViolations(cdb), ...(quiescent ? quiescentViolations(cdb) : [])]);
}
