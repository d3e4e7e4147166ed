/**
 * A Vault secret holding the wallet zip (base64) for applications that read it at start.
 * Update = a new secret version (it becomes CURRENT); restore = a new version with the saved
 * content (what applications read is again what they read before). Idempotent by reading the
 * CURRENT version first: a retried update whose first attempt landed changes nothing.
 * A secret holds at most 25 KB (reference: oracle-ops.md); a larger wallet is refused before
 * anything changes (UNVERIFIED: whether OCI measures the limit before or after base64).
 */
import { ApplicationFailure } from '@temporalio/common';
import { sha256 } from './wallet-store';
import type { BlobStore, ConsumerAdapter, ConsumerTestResult, LoadedWallet, SavedConfiguration } from './consumer';
import type { OciClients } from '../oci/oci-clients';
import { ociStep } from '../oci/oci-step';
import { walletFiles } from '../adb/wallet';

export const SECRET_MAX_BYTES = 25 * 1024;

interface SavedSecret {
  versionNumber: number;
  content: string;
}

export function vaultConsumer(clients: OciClients, secretId: string, label: string): ConsumerAdapter {
  const current = async () => {
    const r = await ociStep(`read the CURRENT version of secret ${secretId}`, () =>
      clients.secrets.getSecretBundle({ secretId, stage: 'CURRENT' as never }),
    );
    const content = r.secretBundle.secretBundleContent?.content ?? '';
    return { versionNumber: r.secretBundle.versionNumber, bytes: Buffer.from(content, 'base64') };
  };
  const put = async (bytes: Buffer, why: string) => {
    if (bytes.length > SECRET_MAX_BYTES) {
      throw ApplicationFailure.nonRetryable(`${label}: the wallet is ${bytes.length} bytes, a Vault secret holds at most ${SECRET_MAX_BYTES}`, 'SecretTooLarge');
    }
    await ociStep(`${why} secret ${secretId}`, () =>
      clients.vaults.updateSecret({
        secretId,
        updateSecretDetails: { secretContent: { contentType: 'BASE64', content: bytes.toString('base64') } as never },
      }),
    );
  };
  return {
    label,
    async readCurrent(store: BlobStore): Promise<SavedConfiguration> {
      const c = await current();
      const saved: SavedSecret = { versionNumber: c.versionNumber, content: c.bytes.toString('base64') };
      const blobSha256 = await store.put(Buffer.from(JSON.stringify(saved)));
      const walletSha256 = c.bytes.length ? sha256(c.bytes) : null;
      return { blobSha256, walletSha256, summary: `version ${c.versionNumber}${walletSha256 ? `, wallet ${walletSha256.slice(0, 12)}…` : ', empty'}` };
    },
    async currentWalletSha256() {
      const c = await current();
      return c.bytes.length ? sha256(c.bytes) : null;
    },
    async update(wallet: LoadedWallet) {
      const c = await current();
      if (c.bytes.length && sha256(c.bytes) === wallet.zipSha256) return;
      await put(wallet.zip, 'write the new wallet into');
    },
    async test(): Promise<ConsumerTestResult> {
      const c = await current();
      try {
        const files = walletFiles(c.bytes);
        const missing = ['ewallet.pem', 'tnsnames.ora'].filter((f) => !files.has(f));
        if (missing.length) return { ok: false, detail: `version ${c.versionNumber} is a zip without ${missing.join(', ')}` };
      } catch (e) {
        return { ok: false, detail: `version ${c.versionNumber} is not a wallet zip: ${(e as Error).message.slice(0, 200)}` };
      }
      return { ok: true, detail: `CURRENT version ${c.versionNumber} holds wallet ${sha256(c.bytes).slice(0, 12)}…` };
    },
    async restore(saved: SavedConfiguration, store: BlobStore) {
      if (!saved.blobSha256) return;
      const s = JSON.parse((await store.get(saved.blobSha256)).toString('utf8')) as SavedSecret;
      const bytes = Buffer.from(s.content, 'base64');
      const c = await current();
      if (sha256(c.bytes) === sha256(bytes)) return;
      await put(bytes, `put back version ${s.versionNumber}'s content into`);
    },
  };
}
