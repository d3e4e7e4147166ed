/**
 * The AutonomousDatabase JSON model (oci-database model/autonomous-database.d.ts) of a lab database.
 * UNVERIFIED: what `standbyDb` shows on a cross-region standby resource (the lab shows its own lag
 * there; OCI documents standbyDb as the deprecated name of localStandbyDb), and the fields the lab
 * fills with fixed values (compute, storage, version).
 */
import { createHash } from 'node:crypto';
import type { LabAutonomousDatabase } from '../cloud-model';
import { CONSUMER_GROUPS, connectDescriptor } from './wallets';

const SIM_CREATED = '2024-11-04T08:00:00.000Z';

function standbySummary(db: LabAutonomousDatabase): Record<string, unknown> | undefined {
  const s = db.localStandby;
  if (s) {
    const changed = s.timeDataGuardRoleChanged ? { timeDataGuardRoleChanged: s.timeDataGuardRoleChanged } : {};
    return { lagTimeInSeconds: s.lagTimeInSeconds, lifecycleState: s.lifecycleState, ...changed };
  }
  if (db.role !== 'PRIMARY') return { lagTimeInSeconds: db.lagTimeInSeconds, lifecycleState: db.lifecycleState };
  return undefined;
}

function connectionStrings(db: LabAutonomousDatabase): Record<string, unknown> {
  const name = db.dbName.toLowerCase();
  const profiles = CONSUMER_GROUPS.map((g) => ({
    displayName: `${name}_${g}`,
    value: connectDescriptor(db, g),
    consumerGroup: g.toUpperCase(),
    protocol: 'TCPS',
    tlsAuthentication: 'MUTUAL',
    hostFormat: 'FQDN',
    sessionMode: 'DIRECT',
    syntaxFormat: 'LONG',
    isRegional: false,
  }));
  const all = Object.fromEntries(CONSUMER_GROUPS.map((g) => [g.toUpperCase(), connectDescriptor(db, g)]));
  return { high: all.HIGH, medium: all.MEDIUM, low: all.LOW, allConnectionStrings: all, profiles };
}

function lastRoleChange(db: LabAutonomousDatabase): string | undefined {
  const times = [db.timeOfLastSwitchover, db.timeOfLastFailover, db.localStandby?.timeDataGuardRoleChanged ?? null];
  return times.filter((t): t is string => t !== null).sort().at(-1);
}

export function adbJson(db: LabAutonomousDatabase): Record<string, unknown> {
  const remote = db.peerDbIds.length > 0;
  const standby = standbySummary(db);
  const changed = lastRoleChange(db);
  return {
    id: db.id,
    compartmentId: db.compartmentId,
    displayName: db.displayName,
    dbName: db.dbName,
    dbWorkload: db.dbWorkload,
    lifecycleState: db.lifecycleState,
    ...(db.roleChange ? { lifecycleDetails: `${db.roleChange.kind === 'SWITCHOVER' ? 'Switchover' : 'Failover'} in progress` } : {}),
    role: db.role,
    peerDbIds: db.peerDbIds,
    isDataGuardEnabled: db.localStandby !== null,
    isLocalDataGuardEnabled: db.localStandby !== null,
    isRemoteDataGuardEnabled: remote,
    ...(db.localStandby ? { localStandbyDb: standby, localDisasterRecoveryType: 'ADG' } : {}),
    ...(standby ? { standbyDb: standby } : {}),
    ...(remote ? { remoteDisasterRecoveryConfiguration: { disasterRecoveryType: 'ADG' } } : {}),
    ...(remote ? { dataguardRegionType: db.role === 'PRIMARY' ? 'PRIMARY_DG_REGION' : 'REMOTE_STANDBY_DG_REGION' } : {}),
    ...(db.timeOfLastSwitchover ? { timeOfLastSwitchover: db.timeOfLastSwitchover } : {}),
    ...(db.timeOfLastFailover ? { timeOfLastFailover: db.timeOfLastFailover } : {}),
    ...(changed ? { timeDataGuardRoleChanged: changed } : {}),
    connectionStrings: connectionStrings(db),
    isMtlsConnectionRequired: db.isMtlsConnectionRequired,
    computeModel: 'ECPU',
    computeCount: 2,
    dataStorageSizeInTBs: 1,
    dbVersion: '19c',
    licenseModel: 'LICENSE_INCLUDED',
    timeCreated: SIM_CREATED,
    // Not in the SDK model: the lab's own note of the region the resource lives in.
    region: db.region,
  };
}

/** An etag that changes whenever the JSON does. */
export function etagOf(json: unknown): string {
  return createHash('sha256').update(JSON.stringify(json)).digest('hex').slice(0, 32);
}
