/**
 * Where wallets and saved consumer configurations rest while a propagation runs: files on the
 * worker's own disk, never in Temporal. One directory per run (named from a hash of the workflow
 * and run ids), mode 0700, files 0600, each named by the sha256 of its bytes and checked against
 * it when read. The run's last step deletes its directory; any worker sweeps directories older
 * than a day (a run whose worker host went away). The activities that need these bytes run on
 * the task queue of the worker host that holds them (worker-specific task queue).
 *
 * Default directory: $ORB_WALLET_DIR, else $XDG_RUNTIME_DIR/orb-wallets (memory-backed on most
 * Linux hosts), else ~/.orb/wallets.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import type { BlobStore } from './consumer';

export const WALLET_KEEP_MS = 24 * 3600_000;

export function walletDir(): string {
  if (process.env.ORB_WALLET_DIR) return process.env.ORB_WALLET_DIR;
  if (process.env.XDG_RUNTIME_DIR) return join(process.env.XDG_RUNTIME_DIR, 'orb-wallets');
  return join(homedir(), '.orb', 'wallets');
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The directory name of a run: a hash, so ids (which anyone may choose) never become paths. */
export function runKey(workflowId: string, runId: string): string {
  return sha256(`${workflowId}\n${runId}`).slice(0, 32);
}

function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}

/** The store of one run. */
export class RunWalletStore implements BlobStore {
  readonly dir: string;

  constructor(root: string, key: string) {
    if (!/^[0-9a-f]{32}$/.test(key)) throw new Error('run key must be 32 hex digits');
    this.dir = join(root, key);
  }

  async put(bytes: Buffer): Promise<string> {
    const sum = sha256(bytes);
    ensurePrivateDir(this.dir);
    const file = join(this.dir, sum);
    if (existsSync(file)) return sum;
    const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
    writeFileSync(tmp, bytes, { mode: 0o600 });
    renameSync(tmp, file);
    return sum;
  }

  async get(sum: string): Promise<Buffer> {
    if (!/^[0-9a-f]{64}$/.test(sum)) throw ApplicationFailure.nonRetryable(`not a sha256: ${sum.slice(0, 80)}`, 'InvalidInput');
    const file = join(this.dir, sum);
    if (!existsSync(file)) {
      throw ApplicationFailure.nonRetryable(
        `blob ${sum.slice(0, 12)}… is not on this worker (${this.dir}): the worker that held it is gone or its files were removed`,
        'WalletNotOnThisWorker',
      );
    }
    const bytes = readFileSync(file);
    if (sha256(bytes) !== sum) throw ApplicationFailure.nonRetryable(`blob ${sum.slice(0, 12)}… is corrupt on disk`, 'WalletCorrupt');
    return bytes;
  }

  has(sum: string): boolean {
    return /^[0-9a-f]{64}$/.test(sum) && existsSync(join(this.dir, sum));
  }

  /** A small named record (e.g. the wallet this run generated), so a retried step finds what an earlier attempt made. */
  readNote(name: string): string | null {
    const file = join(this.dir, `${name}.note`);
    return existsSync(file) ? readFileSync(file, 'utf8') : null;
  }

  writeNote(name: string, text: string): void {
    ensurePrivateDir(this.dir);
    writeFileSync(join(this.dir, `${name}.note`), text, { mode: 0o600 });
  }

  /** Deletes everything of this run. */
  forget(): number {
    if (!existsSync(this.dir)) return 0;
    const n = readdirSync(this.dir).length;
    rmSync(this.dir, { recursive: true, force: true });
    return n;
  }
}

/** Removes run directories older than keepMs (their runs ended without cleaning up). */
export function sweepWallets(root = walletDir(), keepMs = WALLET_KEEP_MS, now = Date.now()): string[] {
  if (!existsSync(root)) return [];
  const removed: string[] = [];
  for (const name of readdirSync(root)) {
    const dir = join(root, name);
    if (!/^[0-9a-f]{32}$/.test(name)) continue;
    if (now - statSync(dir).mtimeMs > keepMs) {
      rmSync(dir, { recursive: true, force: true });
      removed.push(name);
    }
  }
  return removed;
}

/** An in-memory store: preflight reads a consumer's configuration without keeping anything. */
export class MemoryBlobStore implements BlobStore {
  private readonly blobs = new Map<string, Buffer>();
  async put(bytes: Buffer): Promise<string> {
    const sum = sha256(bytes);
    this.blobs.set(sum, bytes);
    return sum;
  }
  async get(sum: string): Promise<Buffer> {
    const b = this.blobs.get(sum);
    if (!b) throw new Error(`no blob ${sum}`);
    return b;
  }
}
