/**
 * FAN (Fast Application Notification) events the cluster publishes over ONS: SERVICEMEMBER for a
 * service going down or up on one instance, INSTANCE for an instance. A planned operation (srvctl
 * without -force) publishes reason USER; an instance that went away unplanned, FAILURE.
 * The text form follows the event body Oracle documents for FAN callouts ("VERSION=1.0 event_type=...
 * service=... instance=... database=... host=... status=down reason=USER ... timestamp=...");
 * the exact set and order of fields is UNVERIFIED.
 */
import type { LabCdb } from '../model';
import { FAN_KEPT, type LabCluster, type LabFanEvent } from './rac-model';

export function publishFan(
  cdb: LabCdb & { cluster: LabCluster },
  atMs: number,
  e: Omit<LabFanEvent, 'seq' | 'atMs' | 'node'>,
): LabFanEvent {
  const c = cdb.cluster;
  const node = c.instances.find((i) => i.name === e.instance)?.node ?? '';
  const event: LabFanEvent = { seq: c.nextFanSeq++, atMs, node, ...e };
  c.fan.push(event);
  if (c.fan.length > FAN_KEPT) c.fan.splice(0, c.fan.length - FAN_KEPT);
  return event;
}

function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').replace(/\.\d+Z$/, '');
}

/** The event as a FAN callout receives it (one line). */
export function fanText(cluster: LabCluster, e: LabFanEvent): string {
  const parts = [
    'VERSION=1.0',
    `event_type=${e.type}`,
    ...(e.service ? [`service=${e.service.toLowerCase()}`] : []),
    `instance=${e.instance}`,
    `database=${cluster.dbUniqueName}`,
    `host=${e.node}`,
    `status=${e.status}`,
    `reason=${e.reason}`,
    ...(e.drainTimeout !== null ? [`drain_timeout=${e.drainTimeout}`] : []),
    `timestamp=${timestamp(e.atMs)}`,
    'timezone=+00:00',
  ];
  return parts.join(' ');
}
