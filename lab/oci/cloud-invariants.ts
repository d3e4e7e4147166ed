/**
 * Invariants of the cloud estate (GET /invariants, lab/invariants.ts):
 *  - adg-one-primary: a Data Guard group (a database and its cross-region peers) has exactly one
 *    PRIMARY when no role change runs in it;
 * with quiescent:
 *  - wallet-not-current-primary: every consumer's wallet identifies the current primary of its
 *    database: OIC connections' WALLET attachment (cloud.oic, read generically), Vault secrets'
 *    CURRENT version, the TNS_ADMIN directories the lab wrote (their ewallet.pem). Only wallets the
 *    lab can identify (it made them) are checked.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabCloud, LabWallet } from '../cloud-model';
import type { Violation } from '../invariants';
import { adgGroup, currentPrimaryOf, findAdb } from './adb-store';
import { currentVersion } from './vault';
import { identifyCertificate, identifyWallet } from './wallets';

function onePrimary(cloud: LabCloud): Violation[] {
  const seen = new Set<string>();
  const out: Violation[] = [];
  for (const db of cloud.autonomousDatabases) {
    if (seen.has(db.id)) continue;
    const group = adgGroup(cloud, db);
    group.forEach((d) => seen.add(d.id));
    if (group.some((d) => d.roleChange !== null)) continue;
    const primaries = group.filter((d) => d.role === 'PRIMARY');
    if (primaries.length !== 1) {
      const members = group.map((d) => `${d.id}: ${d.role}`).join(', ');
      out.push({ rule: 'adg-one-primary', detail: `Data Guard group of ${db.dbName} (${members}) has ${primaries.length} PRIMARY` });
    }
  }
  return out;
}

/** The consumers' wallets: [who, wallet] for every one the lab can identify. */
function consumerWallets(cloud: LabCloud): [string, LabWallet][] {
  const found: [string, LabWallet | null][] = [];
  for (const inst of cloud.oic ?? []) {
    for (const conn of inst.connections ?? []) {
      const sha = conn.attachments?.WALLET?.sha256;
      const w = sha ? (cloud.wallets.find((x) => x.zipSha256 === sha) ?? null) : null;
      const content = conn.attachments?.WALLET?.content;
      const byBytes = content ? identifyWallet(cloud, Buffer.from(content, 'base64')) : null;
      found.push([`OIC ${inst.name} connection ${conn.id}`, w ?? byBytes]);
    }
  }
  for (const s of cloud.secrets) {
    const v = currentVersion(s);
    if (!v) continue;
    found.push([`Vault secret ${s.secretName} (${s.id}) version ${v.versionNumber}`, identifyWallet(cloud, Buffer.from(v.content, 'base64'))]);
  }
  for (const d of cloud.tnsAdminDirs ?? []) {
    const pem = join(d.path, 'ewallet.pem');
    if (existsSync(pem)) found.push([`TNS_ADMIN ${d.path}`, identifyCertificate(cloud, readFileSync(pem, 'utf8'))]);
  }
  return found.filter((f): f is [string, LabWallet] => f[1] !== null);
}

function walletsOnPrimary(cloud: LabCloud): Violation[] {
  const out: Violation[] = [];
  for (const [who, wallet] of consumerWallets(cloud)) {
    if (!findAdb(cloud, wallet.adbId)) continue;
    const primary = currentPrimaryOf(cloud, wallet.adbId);
    if (primary.id === wallet.adbId) continue;
    out.push({
      rule: 'wallet-not-current-primary',
      detail: `${who} holds a wallet of ${wallet.dbName} ${wallet.adbId} (${wallet.region}); ` +
        `the primary is now ${primary.id} (${primary.region})`,
    });
  }
  return out;
}

export function cloudViolations(cloud: LabCloud, quiescent: boolean): Violation[] {
  return [...onePrimary(cloud), ...(quiescent ? walletsOnPrimary(cloud) : [])];
}
