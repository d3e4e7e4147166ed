/**
 * Reading an Autonomous Data Guard pair: the database the estate names (either member), its
 * cross-region peer(s) in their own regions, and its local standby, as OCI reports them.
 * Date fields may arrive as strings or Dates (the SDK does not convert them): both are read.
 */
import type { AutonomousDatabase } from 'oci-database/lib/model';
import type { AdbMemberFacts, PairFacts } from '../../common/adb-types';
import type { AdbAccess } from './cloud-access';
import { ociStep } from '../oci/oci-step';

/** The pair as workflows see it (common/adb-types.ts): plain data, no secret. */
export type AdbMember = AdbMemberFacts;
export type DataGuardPair = PairFacts;

export function isoOf(v: unknown): string | null {
  if (v === undefined || v === null || v === '') return null;
  const d = v instanceof Date ? v : new Date(String(v));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

function member(a: AutonomousDatabase, region: string): AdbMember {
  return {
    id: a.id,
    region,
    dbName: a.dbName,
    role: a.role ?? 'PRIMARY',
    lifecycleState: a.lifecycleState,
    lagSeconds: a.standbyDb?.lagTimeInSeconds ?? null,
    timeOfLastSwitchover: isoOf(a.timeOfLastSwitchover),
    timeOfLastFailover: isoOf(a.timeOfLastFailover),
  };
}

/** One member, read in its own region (an OCID is regional). */
export async function getAdb(access: AdbAccess, id: string, region: string): Promise<AutonomousDatabase> {
  const c = await access.clients(region);
  const r = await ociStep(`read Autonomous Database ${id} in ${region}`, () =>
    c.database.getAutonomousDatabase({ autonomousDatabaseId: id }),
  );
  return r.autonomousDatabase;
}

export async function readPair(access: AdbAccess): Promise<DataGuardPair> {
  const { id, region } = access.cfg;
  const self = await getAdb(access, id, region);
  const c = await access.clients(region);
  const peers = await ociStep(`list the peers of ${id}`, () =>
    c.database.listAutonomousDatabasePeers({ autonomousDatabaseId: id }),
  );
  const members = [member(self, region)];
  const raws: AutonomousDatabase[] = [self];
  for (const p of peers.autonomousDatabasePeerCollection.items ?? []) {
    if (p.id === id) continue;
    const peerRegion = p.region ?? region;
    const a = await getAdb(access, p.id, peerRegion);
    raws.push(a);
    members.push(member(a, peerRegion));
  }
  const primaryIndex = members.findIndex((m) => m.role === 'PRIMARY' && m.lifecycleState !== 'ROLE_CHANGE_IN_PROGRESS');
  const primary = primaryIndex >= 0 ? members[primaryIndex]! : null;
  const remoteStandby = members.find((m) => m !== primary && m.role !== 'PRIMARY') ?? null;
  const local = primaryIndex >= 0 ? raws[primaryIndex]!.localStandbyDb : undefined;
  const localStandby = local && raws[primaryIndex]!.isLocalDataGuardEnabled !== false
    ? {
        lagSeconds: local.lagTimeInSeconds ?? null,
        lifecycleState: String(local.lifecycleState ?? 'UNKNOWN'),
        timeDataGuardRoleChanged: isoOf(local.timeDataGuardRoleChanged),
      }
    : null;
  return { database: access.name, primary, remoteStandby, localStandby, members };
}

/** A pair in one line: "SALESATP: primary …0001 (us-ashburn-1, AVAILABLE); standby …0002 (us-phoenix-1, STANDBY, lag 4 s)". */
export function describePair(p: DataGuardPair): string {
  const m = (x: AdbMember) => `${x.id.slice(-12)} (${x.region}, ${x.role} ${x.lifecycleState}${x.lagSeconds !== null && x.role !== 'PRIMARY' ? `, lag ${x.lagSeconds} s` : ''})`;
  const local = p.localStandby ? `; local standby ${p.localStandby.lifecycleState}, lag ${p.localStandby.lagSeconds ?? '?'} s` : '';
  return `${p.database}: ${p.members.map(m).join('; ')}${local}`;
}
