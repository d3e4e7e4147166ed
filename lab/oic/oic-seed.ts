/**
 * The OIC part of the lab's seeds: instance `orb-oic` (us-ashburn-1) with two ATP connections to
 * SALESATP and three integrations (lab/OIC.md). `oicSeed` takes the seed wallet (the zip and its
 * sha256); `withOicSeed` is the small wiring lab/seeds.ts calls: it uses the SALESATP primary
 * the cloud seed has, or, while lab/oci's seed is not on this branch, adds a placeholder pair.
 */
import type { LabCloud, LabOicConnection, LabOicInstance, LabOicIntegration } from '../cloud-model';
import { sha256 } from './oic-ops';
import { seedWalletOf } from '../oci/cloud-seed';

/** Lab only: the seed wallet's password, and the ATP user's. */
export const SEED_WALLET_PASSWORD = 'Welcome_12345';
const SEED_DB_PASSWORD = 'Lab_Orders_Pw_1';
const SEED_TIME = '2025-03-03T09:00:00.000Z';
export const OIC_SEED_INSTANCE = 'orb-oic';

function atpConnection(id: string, name: string, walletZip: Buffer, walletSha256: string): LabOicConnection {
  return {
    id,
    name,
    adapterType: 'atpdatabase',
    status: 'CONFIGURED',
    securityPolicy: 'JDBC_OVER_SSL',
    connectionProperties: [{ propertyName: 'ServiceName', propertyType: 'STRING', propertyValue: 'salesatp_high' }],
    securityProperties: [
      { propertyName: 'WALLET', propertyType: 'ATTACHMENT', propertyValue: null },
      { propertyName: 'WALLETPASSWORD', propertyType: 'PASSWORD', propertyValue: null, valueSha256: sha256(SEED_WALLET_PASSWORD) },
      { propertyName: 'UserName', propertyType: 'STRING', propertyValue: 'ORB_APP' },
      { propertyName: 'Password', propertyType: 'PASSWORD', propertyValue: null, valueSha256: sha256(SEED_DB_PASSWORD) },
    ],
    attachments: { WALLET: { fileName: 'Wallet_SALESATP.zip', content: walletZip.toString('base64'), sha256: walletSha256 } },
    lockedBy: null,
    lastUpdated: SEED_TIME,
    agentGroupId: null,
  };
}

function integration(code: string, name: string, active: boolean, conn: string, walletSha256: string): LabOicIntegration {
  return {
    id: `${code}|01.00.0000`,
    code,
    version: '01.00.0000',
    name,
    status: active ? 'ACTIVATED' : 'CONFIGURED',
    connections: [conn],
    activatedWith: active ? { [conn]: walletSha256 } : {},
    lastActivated: active ? SEED_TIME : null,
  };
}

export function oicSeed(walletZip: Buffer, walletSha256: string): LabOicInstance[] {
  return [
    {
      name: OIC_SEED_INSTANCE,
      region: 'us-ashburn-1',
      connections: [
        atpConnection('SALES_ATP_ORDERS', 'Sales ATP Orders', walletZip, walletSha256),
        atpConnection('SALES_ATP_BILLING', 'Sales ATP Billing', walletZip, walletSha256),
      ],
      integrations: [
        integration('ORDERS_SYNC', 'Orders Sync', true, 'SALES_ATP_ORDERS', walletSha256),
        integration('BILLING_EXPORT', 'Billing Export', true, 'SALES_ATP_BILLING', walletSha256),
        integration('INVOICE_REPORT', 'Invoice Report', false, 'SALES_ATP_ORDERS', walletSha256),
      ],
    },
  ];
}

/** Adds the OIC seed to a seed's cloud: its connections hold the OCI seed's wallet of SALESATP (lab/oci/cloud-seed.ts). */
export function withOicSeed(cloud: LabCloud): LabCloud {
  const zip = seedWalletOf(cloud);
  if (!zip) throw new Error('the OIC seed needs the OCI seed (its wallet) first');
  const bytes = Buffer.from(zip);
  cloud.oic = oicSeed(bytes, sha256(bytes));
  return cloud;
}
