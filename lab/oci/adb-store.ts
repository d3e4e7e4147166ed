/** Looking up Autonomous Databases in the cloud estate, and the Data Guard pair a database belongs to. */
import type { LabAutonomousDatabase, LabCloud } from '../cloud-model';
import { notFound } from './oci-error';

export function findAdb(cloud: LabCloud, id: string): LabAutonomousDatabase | undefined {
  const want = id.toLowerCase();
  return cloud.autonomousDatabases.find((d) => d.id.toLowerCase() === want);
}

/** The database `id` in `region` (OCIDs are regional: the same OCID asked in another region is not found). */
export function requireAdb(cloud: LabCloud, id: string, region: string): LabAutonomousDatabase {
  const db = findAdb(cloud, id);
  if (!db || db.region !== region) throw notFound(`autonomous database ${id} in ${region}`);
  return db;
}

/** Every resource of the cross-region Data Guard group `db` belongs to (itself first). */
export function adgGroup(cloud: LabCloud, db: LabAutonomousDatabase): LabAutonomousDatabase[] {
  const group = [db];
  for (let i = 0; i < group.length; i++) {
    const cur = group[i]!;
    for (const other of cloud.autonomousDatabases) {
      const linked = cur.peerDbIds.includes(other.id) || other.peerDbIds.includes(cur.id);
      if (linked && !group.includes(other)) group.push(other);
    }
  }
  return group;
}

/**
 * The primary of the Data Guard pair `adbId` belongs to: itself when it is PRIMARY (a local
 * standby lives inside its resource, so a local role change keeps the OCID), else its cross-region
 * peer in the PRIMARY role. Throws when the lab has no such database.
 */
export function currentPrimaryOf(cloud: LabCloud, adbId: string): LabAutonomousDatabase {
  const db = findAdb(cloud, adbId);
  if (!db) throw notFound(`autonomous database ${adbId}`);
  return adgGroup(cloud, db).find((d) => d.role === 'PRIMARY') ?? db;
}
