/**
 * Activities of wallet propagation (propagate-wallet, and the end of switchover-adb / failover-adb).
 *
 * How a wallet travels: generateWallet asks OCI for the current primary's wallet, keeps the zip in
 * this worker host's wallet store (activities/wallet/wallet-store.ts) and returns its sha256 and
 * the host's own task queue; the activities that need the bytes (read, update, restore, forget) are
 * sent to that queue, so they run where the bytes rest. The password is read from the estate's
 * reference by each activity that needs it. Nothing secret is returned to the workflow.
 */
import { ApplicationFailure } from '@temporalio/common';
import type { ConsumerKind, SavedRef, WalletRef } from '../common/adb-types';
import { walletPasswordOf, type EstateConfig } from '../common/estate-config';
import type { AdbAccess } from './adb/cloud-access';
import { describePair, readPair } from './adb/data-guard-pair';
import { generateWalletZip } from './adb/wallet';
import { currentRun } from './run-identity';
import { consumerAdapter } from './wallet/consumer-adapters';
import { MemoryBlobStore, RunWalletStore, runKey, sha256, walletDir } from './wallet/wallet-store';

export interface ConsumerArgs {
  database: string;
  consumer: string;
}

function runStore(): RunWalletStore {
  const { workflowId, runId } = currentRun();
  return new RunWalletStore(walletDir(), runKey(workflowId, runId));
}

export function walletActivities(estate: EstateConfig, access: (db: string) => AdbAccess, opts: { hostQueue: string }) {
  const adapter = (a: ConsumerArgs) => consumerAdapter(estate, access(a.database), a.consumer);
  return {
    /** The consumers a run updates: the ones named (each must be in the estate), else every one of the database. */
    async consumersOf(a: { database: string; only?: string[] }): Promise<{ database: string; consumers: { name: string; kind: ConsumerKind }[] }> {
      const acc = access(a.database);
      const all = Object.entries(acc.cfg.consumers).map(([name, c]) => ({ name, kind: c.type }));
      if (!a.only) return { database: acc.name, consumers: all };
      const unknown = a.only.filter((n) => !acc.cfg.consumers[n]);
      if (unknown.length) {
        const have = all.map((c) => c.name).join(', ') || 'none';
        throw ApplicationFailure.nonRetryable(`consumers: ${acc.name} has no consumer ${unknown.join(', ')} (it has: ${have})`, 'InvalidInput');
      }
      return { database: acc.name, consumers: all.filter((c) => a.only!.includes(c.name)) };
    },

    /** Read-only: each consumer's kind, label and what it holds now (nothing is kept). */
    async inspectConsumer(a: ConsumerArgs): Promise<{ kind: ConsumerKind; label: string; current: string; walletSha256: string | null }> {
      const acc = access(a.database);
      const cfg = acc.cfg.consumers[a.consumer];
      const ad = await adapter(a);
      const saved = await ad.readCurrent(new MemoryBlobStore());
      return { kind: cfg!.type, label: ad.label, current: saved.summary, walletSha256: saved.walletSha256 };
    },

    /**
     * The wallet of the pair's current primary, kept on this host for the run. A retried attempt
     * returns the wallet an earlier attempt of the run generated for the same primary.
     */
    async generateWallet(a: { database: string; expectPrimaryId?: string }): Promise<WalletRef> {
      const acc = access(a.database);
      const pair = await readPair(acc);
      const p = pair.primary;
      if (!p) throw ApplicationFailure.retryable(`${acc.name} has no primary now: ${describePair(pair)}`, 'NoPrimary');
      if (a.expectPrimaryId && p.id !== a.expectPrimaryId) {
        throw ApplicationFailure.nonRetryable(`the primary of ${acc.name} is ${p.id}, not ${a.expectPrimaryId}: ${describePair(pair)}`, 'UnexpectedPrimary');
      }
      const store = runStore();
      const noteName = `wallet-${sha256(p.id).slice(0, 16)}`;
      const earlier = store.readNote(noteName);
      if (earlier) {
        const ref = JSON.parse(earlier) as WalletRef;
        if (store.has(ref.zipSha256)) return { ...ref, queue: opts.hostQueue };
      }
      const zip = await generateWalletZip(acc, p, walletPasswordOf(estate, acc.name));
      const zipSha256 = await store.put(zip);
      const ref: WalletRef = { zipSha256, adbId: p.id, dbName: p.dbName, region: p.region, generatedAt: new Date().toISOString(), queue: opts.hostQueue };
      store.writeNote(noteName, JSON.stringify(ref));
      return ref;
    },

    /** What the consumer holds now, saved on this host for restore. */
    async readConsumer(a: ConsumerArgs): Promise<SavedRef> {
      return (await adapter(a)).readCurrent(runStore());
    },

    /** Puts the wallet in place (a no-op when the consumer already holds it). */
    async updateConsumer(a: ConsumerArgs & { wallet: WalletRef }): Promise<{ changed: boolean }> {
      const ad = await adapter(a);
      if ((await ad.currentWalletSha256()) === a.wallet.zipSha256) return { changed: false };
      const zip = await runStore().get(a.wallet.zipSha256);
      await ad.update({ zip, zipSha256: a.wallet.zipSha256, password: walletPasswordOf(estate, a.database), adbId: a.wallet.adbId });
      return { changed: true };
    },

    /** Tests the consumer; a failed test is retried by the step's policy (it may be settling), then reported. */
    async testConsumer(a: ConsumerArgs & { wallet?: WalletRef }): Promise<{ detail: string }> {
      const ad = await adapter(a);
      const held = a.wallet ? await ad.currentWalletSha256() : null;
      if (a.wallet && held !== null && held !== a.wallet.zipSha256) {
        throw ApplicationFailure.retryable(`${ad.label} holds wallet ${held.slice(0, 12)}…, not ${a.wallet.zipSha256.slice(0, 12)}…`, 'ConsumerTestFailed');
      }
      const r = await ad.test();
      if (!r.ok) throw ApplicationFailure.retryable(`${ad.label}: test failed: ${r.detail}`, 'ConsumerTestFailed');
      return { detail: r.detail };
    },

    /** OIC: reactivates the active integrations that use the connection (they keep old settings until then). */
    async reactivateConsumer(a: ConsumerArgs): Promise<string[]> {
      const ad = await adapter(a);
      return ad.reactivate ? ad.reactivate() : [];
    },

    /** Puts back what readConsumer saved. */
    async restoreConsumer(a: ConsumerArgs & { saved: SavedRef }): Promise<void> {
      await (await adapter(a)).restore(a.saved, runStore(), walletPasswordOf(estate, a.database));
    },

    /** The run's last step: deletes its wallets and saved configurations from this host. */
    async forgetWallets(): Promise<{ removed: number }> {
      return { removed: runStore().forget() };
    },
  };
}
