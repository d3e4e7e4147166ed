/**
 * What the lab's OIC connection test checks for an ATP connection: the WALLET attachment is a
 * wallet the lab generated, it identifies the database that is primary NOW, the WALLETPASSWORD is
 * the one the wallet was generated with, and that primary is AVAILABLE.
 *
 * The wallet is identified as every lab check does (lab/oci/wallets.ts identifyWallet: by the zip, else
 * by its certificate), the primary by lab/oci/adb-store.ts currentPrimaryOf.
 * The failure texts imitate what the ATP adapter reports; their exact wording is UNVERIFIED.
 */
import type { LabAutonomousDatabase, LabCloud, LabOicConnection } from '../cloud-model';
import { identifyWallet } from '../oci/wallets';
import { currentPrimaryOf } from '../oci/adb-store';

export interface TestVerdict {
  ok: boolean;
  /** One line, OIC-like */
  message: string;
}

/** The member of the database's Data Guard pair in the PRIMARY role (null: none, e.g. mid role change). */
function primaryOfPair(cloud: LabCloud, adbId: string): LabAutonomousDatabase | null {
  if (!cloud.autonomousDatabases.some((d) => d.id === adbId)) return null;
  const p = currentPrimaryOf(cloud, adbId);
  return p.role === 'PRIMARY' ? p : null;
}

function property(conn: LabOicConnection, name: string) {
  return conn.securityProperties.find((p) => p.propertyName === name) ?? null;
}

/** Missing configuration (OIC answers 409 "Connection is not configured"), or null. */
export function missingConfiguration(conn: LabOicConnection): string | null {
  if (!conn.attachments.WALLET) return 'the Wallet (WALLET) is not uploaded';
  if (!property(conn, 'WALLETPASSWORD')?.valueSha256) return 'the Wallet Password (WALLETPASSWORD) is not set';
  const service = conn.connectionProperties.find((p) => p.propertyName === 'ServiceName');
  if (!service?.propertyValue) return 'the Service Name (ServiceName) is not set';
  return null;
}

export function testAtpConnection(cloud: LabCloud, conn: LabOicConnection): TestVerdict {
  const attachment = conn.attachments.WALLET!;
  const wallet = identifyWallet(cloud, Buffer.from(attachment.content, 'base64'));
  if (!wallet) {
    return fail('java.io.IOException: the uploaded file is not an Autonomous Database wallet (no usable ewallet.p12/cwallet.sso)');
  }
  if (property(conn, 'WALLETPASSWORD')?.valueSha256 !== wallet.passwordSha256) {
    return fail('java.io.IOException: Keystore was tampered with, or password was incorrect (ewallet.p12: wrong Wallet Password)');
  }
  const primary = primaryOfPair(cloud, wallet.adbId);
  if (!primary) {
    return fail(`ORA-12514: TNS:listener does not currently know of service requested: no primary database for ${wallet.dbName} now`);
  }
  if (primary.id !== wallet.adbId) {
    return fail(
      `IO Error: The Network Adapter could not establish the connection: the wallet identifies ${wallet.dbName} in ${wallet.region} ` +
        `(${wallet.host}), which is not the primary; the primary is in ${primary.region} (${primary.host}): unable to connect`,
    );
  }
  if (primary.lifecycleState !== 'AVAILABLE') {
    return fail(`ORA-12541: TNS:no listener: ${primary.dbName} in ${primary.region} is ${primary.lifecycleState}`);
  }
  return { ok: true, message: `Connection ${conn.id} was tested successfully: connected to ${primary.dbName} (${primary.region})` };
}

function fail(detail: string): TestVerdict {
  return { ok: false, message: `CASDK-0005: A connector specific exception was raised by the application. ${detail}` };
}
