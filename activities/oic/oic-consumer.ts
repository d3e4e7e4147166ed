/**
 * The wallet consumer adapter for an Oracle Integration ATP connection (activities/wallet/consumer.ts).
 *
 *  - readCurrent: saves, in the blob store, the WALLET attachment (base64) and the connection's
 *    non-secret properties; passwords cannot be read back from OIC and are not saved.
 *  - update: sets WALLETPASSWORD, then uploads the zip as WALLET. Skipped when the connection
 *    already holds a wallet with the same sha256. The password cannot be read back, so "same
 *    wallet" stands for "same wallet and password": setting the password FIRST makes that safe
 *    against a crash between the two calls (the wallet still differs, so the retry does both).
 *    A wallet uploaded by hand with another password is caught by test().
 *  - test: OIC's connection test (ok: 200 and CONFIGURED); transient errors throw (retried).
 *  - reactivate: the ACTIVATED integrations that use the connection, reactivated; their ids.
 *  - restore: the saved properties and the given (old) wallet password, then the saved bytes.
 * The update sends only WALLETPASSWORD in securityProperties and relies on OIC merging by
 * propertyName (UNVERIFIED: if OIC replaced the whole list, UserName/Password would be lost).
 */
import { createHash } from 'node:crypto';
import { OicError } from '../../common/oic-errors';
import type { BlobStore, ConsumerAdapter, ConsumerTestResult, LoadedWallet, SavedConfiguration } from '../wallet/consumer';
import type { OicClient } from './oic-client';
import type { OicConnection } from './oic-types';

export interface OicConsumerTarget {
  /** Connection identifier, e.g. SALES_ATP_ORDERS */
  connectionId: string;
  /** The estate's name for the OIC instance (labels only) */
  instance: string;
  /** DB_NAME, for the uploaded file name Wallet_<DBNAME>.zip (default: keep the current file name) */
  dbName?: string;
}

const WALLET = 'WALLET';
const WALLET_PASSWORD = 'WALLETPASSWORD';

/** The saved configuration blob (JSON): no secret in it. */
interface SavedBlob {
  kind: 'oic-connection';
  version: 1;
  instance: string;
  connectionId: string;
  wallet: { fileName: string; base64: string; sha256: string };
  securityPolicy: string | null;
  connectionProperties: { propertyName: string; propertyValue: string | null }[];
  securityProperties: { propertyName: string; propertyValue: string | null }[];
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const short = (sha: string) => `${sha.slice(0, 8)}…`;

/** orb's own refusals: permanent, with the explanation (classifyOicError reads permanentReason). */
function refusal(code: string, message: string, explanation: string): OicError {
  return new OicError('oicConsumer', null, code, message, null, explanation);
}

function notAtp(conn: OicConnection, why: string): OicError {
  return refusal('NOT_ATP_WALLET_CONNECTION', `connection ${conn.id}: ${why}`,
    'The connection is not an ATP connection with a WALLET file and a WALLETPASSWORD (securityPolicy JDBC_OVER_SSL): ' +
      'check the estate configuration.');
}

/** Non-secret, non-file properties (what restore may put back). */
function plainProperties(conn: OicConnection, which: 'connectionProperties' | 'securityProperties') {
  return (conn[which] ?? [])
    .filter((p) => p.propertyType !== 'PASSWORD' && p.propertyType !== 'ATTACHMENT' && !p.hasAttachment && p.propertyName !== WALLET)
    .map((p) => ({ propertyName: p.propertyName, propertyValue: p.propertyValue ?? null }));
}

type PlainProperties = Pick<SavedBlob, 'connectionProperties' | 'securityProperties'>;

export function oicConsumer(client: OicClient, target: OicConsumerTarget): ConsumerAdapter {
  const id = target.connectionId;
  const label = `OIC connection ${id} (${target.instance})`;

  const currentWallet = async (): Promise<{ bytes: Buffer; fileName: string | null } | null> => {
    try {
      return await client.downloadAttachment(id, WALLET);
    } catch (e) {
      if (e instanceof OicError && e.status === 404) return null; // the connection exists (read first): no wallet
      throw e;
    }
  };

  const readConnection = async (): Promise<OicConnection> => {
    const conn = await client.getConnection(id);
    const hasPassword = (conn.securityProperties ?? []).some((p) => p.propertyName === WALLET_PASSWORD);
    if (!hasPassword) throw notAtp(conn, 'no WALLETPASSWORD security property');
    return conn;
  };

  /** Password first, then the wallet (see the file comment). */
  const putWallet = async (zip: Buffer, fileName: string, password: string, extra: PlainProperties | null) => {
    await client.updateConnection(id, {
      ...(extra ? { connectionProperties: extra.connectionProperties } : {}),
      securityProperties: [...(extra?.securityProperties ?? []), { propertyName: WALLET_PASSWORD, propertyValue: password }],
    });
    await client.uploadAttachment(id, WALLET, fileName, zip);
  };

  return {
    label,

    async readCurrent(store: BlobStore): Promise<SavedConfiguration> {
      const conn = await readConnection();
      const wallet = await currentWallet();
      const service = (conn.connectionProperties ?? []).find((p) => p.propertyName === 'ServiceName')?.propertyValue;
      const serviceText = service ? `, service ${service}` : '';
      if (!wallet) return { blobSha256: null, walletSha256: null, summary: `${label}: no wallet${serviceText}` };
      const walletSha256 = sha256(wallet.bytes);
      const fileName = wallet.fileName ?? 'Wallet.zip';
      const blob: SavedBlob = {
        kind: 'oic-connection',
        version: 1,
        instance: target.instance,
        connectionId: id,
        wallet: { fileName, base64: wallet.bytes.toString('base64'), sha256: walletSha256 },
        securityPolicy: conn.securityPolicy ?? null,
        connectionProperties: plainProperties(conn, 'connectionProperties'),
        securityProperties: plainProperties(conn, 'securityProperties'),
      };
      const blobSha256 = await store.put(Buffer.from(JSON.stringify(blob)));
      return { blobSha256, walletSha256, summary: `${label}: wallet ${short(walletSha256)} (${fileName})${serviceText}` };
    },

    async currentWalletSha256(): Promise<string | null> {
      const wallet = await currentWallet();
      return wallet ? sha256(wallet.bytes) : null;
    },

    async update(wallet: LoadedWallet): Promise<void> {
      await readConnection();
      const current = await currentWallet();
      if (current && sha256(current.bytes) === wallet.zipSha256) return;
      const fileName = target.dbName ? `Wallet_${target.dbName}.zip` : (current?.fileName ?? 'Wallet.zip');
      await putWallet(wallet.zip, fileName, wallet.password, null);
    },

    async test(): Promise<ConsumerTestResult> {
      const r = await client.testConnection(id);
      if (r.ok) return { ok: true, detail: `OIC connection test of ${id}: ${r.status}` };
      return { ok: false, detail: `OIC connection test of ${id} failed: ${r.message ?? r.status ?? 'unknown'}` };
    },

    async reactivate(): Promise<string[]> {
      const ids = (await client.integrationsUsing(id)).filter((i) => i.status === 'ACTIVATED').map((i) => i.id);
      if (ids.length > 0) await client.reactivate(id, ids);
      return ids;
    },

    async restore(saved: SavedConfiguration, store: BlobStore, walletPassword: string): Promise<void> {
      if (saved.blobSha256 === null) return; // it had no wallet: OIC's API cannot remove an attachment
      const blob = JSON.parse((await store.get(saved.blobSha256)).toString('utf8')) as SavedBlob;
      if (blob.kind !== 'oic-connection' || blob.connectionId !== id) {
        throw refusal('NOT_THIS_CONNECTION', `saved configuration ${short(saved.blobSha256)} is not connection ${id}'s`,
          'The saved configuration belongs to another consumer: the restore was asked with the wrong record.');
      }
      const zip = Buffer.from(blob.wallet.base64, 'base64');
      await readConnection();
      const current = await currentWallet();
      if (current && sha256(current.bytes) === blob.wallet.sha256) return;
      const plain = { connectionProperties: blob.connectionProperties, securityProperties: blob.securityProperties };
      await putWallet(zip, blob.wallet.fileName, walletPassword, plain);
    },
  };
}
