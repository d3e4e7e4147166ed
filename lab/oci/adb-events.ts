/**
 * The OCI events an Autonomous Data Guard role change emits (oracle-ops.md "OCI events"), appended to
 * the lab's event stream with appendOciEvent. The envelope follows the reference; which keys a real
 * `additionalDetails` carries beyond dbName / eventName, and whether `.end` names the new role, is
 * UNVERIFIED: the lab adds workRequestId, role and region so a consumer can tell events apart, and
 * consumers should re-read the database after an event anyway.
 */
import { randomUUID } from 'node:crypto';
import { appendOciEvent, type LabAutonomousDatabase, type LabCloud, type LabOciEvent } from '../cloud-model';

export const COMPARTMENT_NAME = 'orb-lab';

export function adbEvent(
  cloud: LabCloud,
  db: LabAutonomousDatabase,
  eventType: string,
  nowMs: number,
  details: Record<string, string>,
): LabOciEvent {
  return appendOciEvent(cloud, {
    eventType,
    cloudEventsVersion: '0.1',
    eventTypeVersion: '2.0',
    source: 'databaseservice',
    eventTime: new Date(nowMs).toISOString(),
    contentType: 'application/json',
    eventID: randomUUID(),
    extensions: { compartmentId: db.compartmentId },
    data: {
      compartmentId: db.compartmentId,
      compartmentName: COMPARTMENT_NAME,
      resourceName: db.displayName,
      resourceId: db.id,
      // UNVERIFIED: what a real ADB event puts here for a regional resource.
      availabilityDomain: 'AD-1',
      additionalDetails: { dbName: db.dbName, region: db.region, role: db.role, ...details },
    },
  });
}
