/**
 * The cloud estate of the `demo` and `test` seeds (called from lab/seeds.ts):
 *  - regions us-ashburn-1 (primary) and us-phoenix-1;
 *  - ATP SALESATP: primary ocid1.autonomousdatabase.oc1.iad.aaaalabsalesatp0001 (with a local standby)
 *    and its cross-region standby ocid1.autonomousdatabase.oc1.phx.aaaalabsalesatp0002 (lag a few s);
 *  - ATP HRATP ocid1.autonomousdatabase.oc1.iad.aaaalabhratp0001 with only a local standby;
 *  - compartment ocid1.compartment.oc1..aaaalaborb;
 *  - a wallet of SALESATP's primary generated with the lab-only password `Welcome_12345`;
 *  - Vault secret ocid1.vaultsecret.oc1.iad.aaaalabsaleswallet (salesatp-wallet) whose CURRENT
 *    version holds that wallet zip, base64;
 *  - the TNS_ADMIN directory tns_admin/sales-app next to the state file (tns-admin.ts).
 * The seed wallet is made once per process and seed name (its key pair lives in memory only), so
 * a /reset in the same process gives the same bytes.
 */
import type { LabAutonomousDatabase, LabCloud, LabWallet } from '../cloud-model';
import { findAdb } from './adb-store';
import { generateWallet } from './wallets';

export const SEED_IDS = {
  compartmentId: 'ocid1.compartment.oc1..aaaalaborb',
  salesPrimary: 'ocid1.autonomousdatabase.oc1.iad.aaaalabsalesatp0001',
  salesStandby: 'ocid1.autonomousdatabase.oc1.phx.aaaalabsalesatp0002',
  hrPrimary: 'ocid1.autonomousdatabase.oc1.iad.aaaalabhratp0001',
  salesWalletSecret: 'ocid1.vaultsecret.oc1.iad.aaaalabsaleswallet',
  vaultId: 'ocid1.vault.oc1.iad.aaaalabvault',
  keyId: 'ocid1.key.oc1.iad.aaaalabvaultkey',
} as const;

/** The seed wallet's password: a lab-only value, documented in lab/API.md. */
export const SEED_WALLET_PASSWORD = 'Welcome_12345';

const seedWallets = new Map<string, { zip: Uint8Array; wallet: LabWallet }>();

function adb(over: Partial<LabAutonomousDatabase> & Pick<LabAutonomousDatabase, 'id' | 'region' | 'dbName'>): LabAutonomousDatabase {
  return {
    compartmentId: SEED_IDS.compartmentId,
    displayName: over.dbName,
    dbWorkload: 'OLTP',
    role: 'PRIMARY',
    lifecycleState: 'AVAILABLE',
    peerDbIds: [],
    localStandby: { lagTimeInSeconds: 0, lifecycleState: 'STANDBY', timeDataGuardRoleChanged: null },
    lagTimeInSeconds: 0,
    timeOfLastSwitchover: null,
    timeOfLastFailover: null,
    host: `adb.${over.region}.oraclecloud.com`,
    servicePrefix: `lab${over.dbName.toLowerCase().slice(0, 5)}_${over.dbName.toLowerCase()}`,
    isMtlsConnectionRequired: true,
    roleChange: null,
    lostSecondsAtLastFailover: null,
    ...over,
  };
}

function seedDatabases(seed: string): LabAutonomousDatabase[] {
  const lag = seed === 'demo' ? 5 : 3;
  return [
    adb({ id: SEED_IDS.salesPrimary, region: 'us-ashburn-1', dbName: 'SALESATP', peerDbIds: [SEED_IDS.salesStandby] }),
    adb({
      id: SEED_IDS.salesStandby,
      region: 'us-phoenix-1',
      dbName: 'SALESATP',
      role: 'STANDBY',
      lifecycleState: 'STANDBY',
      peerDbIds: [SEED_IDS.salesPrimary],
      localStandby: null,
      lagTimeInSeconds: lag,
      // UNVERIFIED: whether a cross-region standby keeps the primary's service names; the lab says yes.
      servicePrefix: 'labsales_salesatp',
    }),
    adb({ id: SEED_IDS.hrPrimary, region: 'us-ashburn-1', dbName: 'HRATP' }),
  ];
}

/** Adds the seed's Autonomous Databases, wallet and Vault secret to `cloud`. */
export function seedOciCloud(cloud: LabCloud, seed: string, nowMs: number): void {
  cloud.autonomousDatabases.push(...seedDatabases(seed));
  const primary = findAdb(cloud, SEED_IDS.salesPrimary)!;
  let made = seedWallets.get(seed);
  if (!made) {
    made = generateWallet(cloud, primary, { password: SEED_WALLET_PASSWORD, generateType: 'SINGLE', nowMs });
    seedWallets.set(seed, made);
  } else if (!cloud.wallets.some((w) => w.zipSha256 === made!.wallet.zipSha256)) cloud.wallets.push({ ...made.wallet });
  cloud.seedWalletZip = Buffer.from(made.zip).toString('base64');
  cloud.secrets.push({
    id: SEED_IDS.salesWalletSecret,
    compartmentId: SEED_IDS.compartmentId,
    region: 'us-ashburn-1',
    vaultId: SEED_IDS.vaultId,
    keyId: SEED_IDS.keyId,
    secretName: 'salesatp-wallet',
    lifecycleState: 'ACTIVE',
    versions: [
      { versionNumber: 1, content: cloud.seedWalletZip, stages: ['CURRENT', 'LATEST'], timeCreated: new Date(nowMs).toISOString() },
    ],
  });
}

/** The seed wallet's zip bytes (SALESATP's primary, password SEED_WALLET_PASSWORD), or null without a seed wallet. */
export function seedWalletOf(cloud: LabCloud): Uint8Array | null {
  return cloud.seedWalletZip ? new Uint8Array(Buffer.from(cloud.seedWalletZip, 'base64')) : null;
}

/** A state file written before the cloud estate existed gets the seed's (lab/persistence.ts). */
export function ensureOciSeed(cloud: LabCloud, seed: string, nowMs: number): void {
  if (cloud.autonomousDatabases.length === 0 && cloud.secrets.length === 0) seedOciCloud(cloud, seed, nowMs);
}
