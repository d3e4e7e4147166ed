/**
 * POST /adb/connect: what a node-oracledb thin connection made with a TNS_ADMIN directory would meet
 * (configDir = the directory's tnsnames.ora, walletLocation = its ewallet.pem). The SQL itself stays
 * outside OCI; the lab only answers whether the connection would open, and to what.
 *
 * The errors are the closest thin-mode errors (node-oracledb lib/errors.js; which one a real client
 * meets in each case is UNVERIFIED):
 *  - alias not in tnsnames.ora: NJS-517 (422);
 *  - the descriptor's host / service is no lab database: NJS-530 host unresolvable (422);
 *  - the certificate is not one the lab issued for that database: NJS-506 TLS handshake failure (422);
 *  - the database is not the current primary, or not AVAILABLE (standby, role change, outage):
 *    NJS-518 / ORA-12514 service not registered with the listener (503, transient in orb's rules).
 */
import type { LabAutonomousDatabase, LabCloud } from '../cloud-model';
import { LabError } from '../lab-error';
import { CONSUMER_GROUPS, identifyCertificate } from './wallets';

export interface ConnectResult {
  databaseRole: 'PRIMARY';
  dbUniqueName: string;
  adbId: string;
}

/** The connect descriptor of `alias` in a tnsnames.ora text (balanced parentheses), or null. */
export function tnsEntry(tnsnames: string, alias: string): string | null {
  const head = new RegExp(`(?:^|\\n)\\s*${alias.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*=\\s*\\(`, 'i').exec(tnsnames);
  if (!head) return null;
  let i = head.index + head[0].length - 1;
  let depth = 0;
  const start = i;
  for (; i < tnsnames.length; i++) {
    if (tnsnames[i] === '(') depth++;
    else if (tnsnames[i] === ')' && --depth === 0) return tnsnames.slice(start, i + 1);
  }
  return null;
}

const param = (descriptor: string, key: string): string | null =>
  new RegExp(`\\(\\s*${key}\\s*=\\s*([^)\\s]+)\\s*\\)`, 'i').exec(descriptor)?.[1] ?? null;

function resolveDb(cloud: LabCloud, host: string, service: string): LabAutonomousDatabase | undefined {
  return cloud.autonomousDatabases.find(
    (d) => d.host.toLowerCase() === host.toLowerCase() &&
      CONSUMER_GROUPS.some((g) => `${d.servicePrefix}_${g}.adb.oraclecloud.com`.toLowerCase() === service.toLowerCase()),
  );
}

const connectionId = () => `orblab${Date.now().toString(36)}`;

export function connectCheck(cloud: LabCloud, req: { tnsnamesOra: string; alias: string; ewalletPem: string }): ConnectResult {
  const descriptor = tnsEntry(req.tnsnamesOra, req.alias);
  if (!descriptor) {
    throw new LabError('NJS-517', `NJS-517: cannot connect to Oracle Database. Unable to find "${req.alias}" in "tnsnames.ora"`);
  }
  const host = param(descriptor, 'host') ?? '';
  const port = param(descriptor, 'port') ?? '1522';
  const service = param(descriptor, 'service_name') ?? '';
  const db = resolveDb(cloud, host, service);
  if (!db) {
    const text = 'The host addresses or URLs provided by the connect string are incorrect or unresolvable in your network.';
    throw new LabError('NJS-530', `NJS-530: ${text}`);
  }
  const wallet = identifyCertificate(cloud, req.ewalletPem);
  if (!wallet || wallet.adbId !== db.id) {
    throw new LabError('NJS-506', `NJS-506: connection to host ${host} port ${port} encountered TLS handshake failure. ` +
      `(CONNECTION_ID=${connectionId()})\nthe wallet's certificate was not issued for ${db.dbName} (${db.id})`);
  }
  if (db.role !== 'PRIMARY' || db.lifecycleState !== 'AVAILABLE') {
    const why = `[ORA-12514; ${db.dbName} ${db.id} is ${db.role} ${db.lifecycleState}]`;
    const text = `cannot connect to Oracle Database. Service "${service}" is not registered with the listener at host ${host} ` +
      `port ${port}. (CONNECTION_ID=${connectionId()}) ${why}`;
    throw new LabError('NJS-518', `NJS-518: ${text}`, 503);
  }
  return { databaseRole: 'PRIMARY', dbUniqueName: dbUniqueName(db), adbId: db.id };
}

/** UNVERIFIED: a real ADB's DB_UNIQUE_NAME; the lab's names the service prefix and the region. */
export function dbUniqueName(db: LabAutonomousDatabase): string {
  return `${db.servicePrefix}_${db.region.replace(/-/g, '')}`;
}
