/**
 * The wallet of an Autonomous Database's current primary, generated through OCI
 * (generateAutonomousDatabaseWallet, type SINGLE: this database's wallet, not the region's) and
 * read from the answer's stream into memory. The password comes from the estate's reference and
 * is only ever held by the worker.
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { unzipSync } from 'fflate';
import { ApplicationFailure } from '@temporalio/common';
import type { AdbAccess } from './cloud-access';
import type { AdbMember } from './data-guard-pair';
import { ociStep } from '../oci/oci-step';
import { retryToken } from '../oci/retry-token';

/** The largest wallet orb accepts (real ADB wallets are a few tens of KB). */
const WALLET_MAX_BYTES = 5 * 1024 * 1024;

/**
 * The zip, asked with a retry token per run and primary: an attempt whose answer was lost gets the same wallet,
 * not a second generation (whether OCI replays a binary answer for a retry token is UNVERIFIED; a second
 * generation would be harmless: it rotates nothing).
 */
export async function generateWalletZip(access: AdbAccess, primary: AdbMember, password: string): Promise<Buffer> {
  const c = await access.clients(primary.region);
  const r = await ociStep(`generate the wallet of ${access.name} (${primary.id}, ${primary.region})`, () =>
    c.database.generateAutonomousDatabaseWallet({
      autonomousDatabaseId: primary.id,
      opcRetryToken: retryToken(`generate-wallet ${primary.id}`),
      generateAutonomousDatabaseWalletDetails: { password, generateType: 'SINGLE' as never },
    }),
  );
  const zip = await readAll(r.value as Readable | WebReadableStream);
  if (zip.length < 22 || zip.readUInt32LE(0) !== 0x04034b50) {
    throw ApplicationFailure.retryable(`the wallet of ${access.name} is not a zip (${zip.length} bytes)`, 'WalletNotZip');
  }
  return zip;
}

async function readAll(value: Readable | WebReadableStream): Promise<Buffer> {
  const stream = value instanceof Readable ? value : Readable.fromWeb(value);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const b = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    size += b.length;
    if (size > WALLET_MAX_BYTES) throw ApplicationFailure.nonRetryable(`the wallet is over ${WALLET_MAX_BYTES} bytes`, 'WalletTooLarge');
    chunks.push(b);
  }
  return Buffer.concat(chunks);
}

/** The files of a wallet zip (flat: an ADB wallet has no directories). */
export function walletFiles(zip: Buffer): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const [name, bytes] of Object.entries(unzipSync(new Uint8Array(zip)))) {
    if (name.endsWith('/')) continue;
    const base = name.split('/').pop()!;
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(base)) throw ApplicationFailure.nonRetryable(`the wallet holds an unexpected file name ${JSON.stringify(name).slice(0, 80)}`, 'WalletUnexpected');
    files.set(base, Buffer.from(bytes));
  }
  return files;
}
