/**
 * A stand-in wallet for the OIC seed and tests, until lab/oci's wallet generator (with a real
 * X.509 certificate in ewallet.pem) is on this branch: a deterministic zip holding tnsnames.ora,
 * sqlnet.ora and a placeholder ewallet.pem that names the database, and its LabWallet record.
 * The lab knows it by the zip's sha256, like any wallet it generated.
 */
import { strToU8, zipSync } from 'fflate';
import type { LabAutonomousDatabase, LabWallet } from '../cloud-model';
import { sha256 } from './oic-ops';

export function placeholderWallet(db: LabAutonomousDatabase, password: string, generatedAt: string): { zip: Buffer; wallet: LabWallet } {
  const service = (level: string) =>
    `${db.dbName.toLowerCase()}_${level} = (description=(retry_count=20)(retry_delay=3)(address=(protocol=tcps)(port=1522)` +
    `(host=${db.host}))(connect_data=(service_name=${db.servicePrefix}_${level}.adb.oraclecloud.com))(security=(ssl_server_dn_match=yes)))`;
  const pem =
    '-----BEGIN CERTIFICATE-----\n' +
    `lab placeholder for ${db.dbName} ${db.id} generated ${generatedAt}\n` +
    '-----END CERTIFICATE-----\n';
  const files = {
    'tnsnames.ora': strToU8(['high', 'medium', 'low', 'tp', 'tpurgent'].map(service).join('\n') + '\n'),
    'sqlnet.ora': strToU8(
      'WALLET_LOCATION = (SOURCE = (METHOD = file) (METHOD_DATA = (DIRECTORY="?/network/admin")))\nSSL_SERVER_DN_MATCH=yes\n',
    ),
    'ewallet.pem': strToU8(pem),
  };
  const zip = Buffer.from(zipSync(files, { mtime: new Date(generatedAt), level: 6 }));
  const wallet: LabWallet = {
    zipSha256: sha256(zip),
    certSha256: sha256(pem),
    adbId: db.id,
    dbName: db.dbName,
    region: db.region,
    host: db.host,
    passwordSha256: sha256(password),
    generateType: 'SINGLE',
    generatedAt,
  };
  return { zip, wallet };
}
