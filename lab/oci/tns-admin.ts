/**
 * The seed's TNS_ADMIN directory on disk, `<dirname(stateFile)>/tns_admin/sales-app/`: the seed wallet
 * unzipped, as an application host would keep it. Written when the directory does not exist, or
 * when its ewallet.pem is no wallet this lab knows (a directory left by an earlier estate: the seed
 * wallet's key lives in memory, so a lab started again with --reset makes a new one). A directory
 * holding a wallet the lab issued is left alone, whatever database that wallet is for.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabCloud } from '../cloud-model';
import { SEED_IDS, seedWalletOf } from './cloud-seed';
import { identifyCertificate, walletEntries } from './wallets';

export const SEED_TNS_ADMIN = join('tns_admin', 'sales-app');

export function tnsAdminDirOf(stateDir: string): string {
  return join(stateDir, SEED_TNS_ADMIN);
}

function knownWallet(cloud: LabCloud, dir: string): boolean {
  const pem = join(dir, 'ewallet.pem');
  return existsSync(pem) && identifyCertificate(cloud, readFileSync(pem, 'utf8')) !== null;
}

/** Writes the seed wallet into the directory if needed, and records the directory for the wallet invariant. */
export function ensureSeedTnsAdmin(stateDir: string, cloud: LabCloud): void {
  const zip = seedWalletOf(cloud);
  if (!zip) return;
  const dir = tnsAdminDirOf(stateDir);
  if (!existsSync(dir) || !knownWallet(cloud, dir)) {
    mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(walletEntries(zip) ?? {})) writeFileSync(join(dir, name), text);
  }
  cloud.tnsAdminDirs = [...(cloud.tnsAdminDirs ?? []).filter((d) => d.path !== dir), { path: dir, adbId: SEED_IDS.salesPrimary }];
}
