/**
 * A TNS_ADMIN directory applications connect with (tnsnames.ora, ewallet.pem, cwallet.sso, ...).
 *
 * Update, atomically and keeping the previous files:
 *  - when the configured path is a symbolic link (the recommended layout), the new wallet is
 *    written complete into a sibling directory `<link>.<sha12>` and the link is swapped with one
 *    rename: readers see the old set or the new set, never a mix; the old directory stays;
 *  - when it is a plain directory, each file is written beside its final name and renamed over
 *    it (each file atomic), tnsnames.ora last; the files replaced are kept in `.orb-previous/`.
 * An existing sqlnet.ora is kept: it usually names the wallet directory (the wallet's own says
 * "?/network/admin"). A marker file `.orb-wallet` names the zip's sha256, written last.
 *
 * Test: a connection through the directory reading SYS_CONTEXT('USERENV','DATABASE_ROLE'):
 * node-oracledb thin mode (configDir + walletLocation + walletPassword) for a real database; the
 * lab's connect check (POST /adb/connect) for a lab database.
 */
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { sha256 } from './wallet-store';
import type { BlobStore, ConsumerAdapter, ConsumerTestResult, LoadedWallet, SavedConfiguration } from './consumer';
import { walletFiles } from '../adb/wallet';

const MARKER = '.orb-wallet';
/** Files of an ADB wallet orb manages in a TNS_ADMIN directory; anything else there is left alone. */
const WALLET_FILES = ['cwallet.sso', 'ewallet.p12', 'ewallet.pem', 'keystore.jks', 'truststore.jks', 'ojdbc.properties', 'sqlnet.ora', 'tnsnames.ora', 'README'];
/** Written last, so a reader never finds new aliases with old certificates. */
const LAST = ['tnsnames.ora'];

export interface TnsConnectTest {
  (dir: string, alias: string): Promise<{ databaseRole: string; detail: string }>;
}

interface SavedDir {
  files: Record<string, string>;
  marker: string | null;
}

function managedFilesIn(dir: string): Record<string, Buffer> {
  const out: Record<string, Buffer> = {};
  if (!existsSync(dir)) return out;
  for (const f of WALLET_FILES) if (existsSync(join(dir, f))) out[f] = readFileSync(join(dir, f));
  return out;
}

/** Writes `files` into a plain directory, one atomic rename per file, keeping what it replaces in .orb-previous/. */
function replaceFiles(dir: string, files: Map<string, Buffer>, marker: string | null): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const previous = join(dir, '.orb-previous');
  rmSync(previous, { recursive: true, force: true });
  mkdirSync(previous, { mode: 0o700 });
  const order = [...files.keys()].sort((a, b) => Number(LAST.includes(a)) - Number(LAST.includes(b)));
  for (const name of order) {
    const target = join(dir, name);
    if (existsSync(target)) writeFileSync(join(previous, name), readFileSync(target), { mode: 0o600 });
    const tmp = join(dir, `.${name}.${randomBytes(4).toString('hex')}.tmp`);
    writeFileSync(tmp, files.get(name)!, { mode: 0o600 });
    renameSync(tmp, target);
  }
  if (marker) writeFileSync(join(dir, MARKER), marker, { mode: 0o600 });
  else rmSync(join(dir, MARKER), { force: true });
}

/** Writes a complete new directory beside the link and swaps the link in one rename. */
function swapLink(link: string, files: Map<string, Buffer>, marker: string | null): void {
  const currentTarget = resolve(dirname(link), readlinkSync(link));
  const next = `${link}.${(marker ?? sha256(randomBytes(8))).slice(0, 12)}`;
  if (resolve(next) === currentTarget) return;
  rmSync(next, { recursive: true, force: true });
  mkdirSync(next, { mode: 0o700 });
  // Files orb does not manage (and an existing sqlnet.ora) come along from the current directory.
  for (const f of readdirSync(currentTarget)) {
    if (f === MARKER || f.startsWith('.orb-') || (files.has(f) && f !== 'sqlnet.ora')) continue;
    if (lstatSync(join(currentTarget, f)).isFile()) writeFileSync(join(next, f), readFileSync(join(currentTarget, f)), { mode: 0o600 });
  }
  for (const [name, bytes] of files) if (!existsSync(join(next, name))) writeFileSync(join(next, name), bytes, { mode: 0o600 });
  if (marker) writeFileSync(join(next, MARKER), marker, { mode: 0o600 });
  const tmp = `${link}.${randomBytes(4).toString('hex')}.tmp`;
  symlinkSync(basename(next), tmp);
  renameSync(tmp, link);
}

function install(dir: string, files: Map<string, Buffer>, marker: string | null): void {
  const isLink = existsSync(dir) && lstatSync(dir).isSymbolicLink();
  if (isLink) return swapLink(dir, files, marker);
  // An existing sqlnet.ora is kept (see above); a directory without one gets the wallet's.
  if (existsSync(join(dir, 'sqlnet.ora'))) files.delete('sqlnet.ora');
  replaceFiles(dir, files, marker);
}

export function tnsAdminConsumer(directory: string, alias: string, connectTest: TnsConnectTest, label: string): ConsumerAdapter {
  const dir = resolve(directory);
  const marker = () => (existsSync(join(dir, MARKER)) ? readFileSync(join(dir, MARKER), 'utf8').trim() : null);
  const requireDir = () => {
    if (!existsSync(dir)) throw ApplicationFailure.nonRetryable(`${label}: directory ${dir} does not exist`, 'ConsumerUnreadable');
    if (!existsSync(join(dir, 'tnsnames.ora'))) throw ApplicationFailure.nonRetryable(`${label}: ${dir} has no tnsnames.ora`, 'ConsumerUnreadable');
  };
  return {
    label,
    async readCurrent(store: BlobStore): Promise<SavedConfiguration> {
      requireDir();
      const files = managedFilesIn(dir);
      const saved: SavedDir = { files: Object.fromEntries(Object.entries(files).map(([k, v]) => [k, v.toString('base64')])), marker: marker() };
      const blobSha256 = await store.put(Buffer.from(JSON.stringify(saved)));
      const cert = files['ewallet.pem'] ? `ewallet.pem ${sha256(files['ewallet.pem']).slice(0, 12)}…` : 'no ewallet.pem';
      return { blobSha256, walletSha256: saved.marker, summary: `${Object.keys(files).length} wallet files in ${dir} (${cert})` };
    },
    async currentWalletSha256() {
      return marker();
    },
    async update(wallet: LoadedWallet) {
      requireDir();
      if (marker() === wallet.zipSha256) return;
      install(dir, walletFiles(wallet.zip), wallet.zipSha256);
    },
    async test(): Promise<ConsumerTestResult> {
      try {
        const r = await connectTest(dir, alias);
        return { ok: r.databaseRole === 'PRIMARY', detail: `connected with alias ${alias}: ${r.detail}` };
      } catch (e) {
        if (e instanceof ApplicationFailure && !e.nonRetryable) throw e;
        return { ok: false, detail: `connect with alias ${alias} failed: ${(e as Error).message.split('\n')[0]!.slice(0, 300)}` };
      }
    },
    async restore(saved: SavedConfiguration, store: BlobStore) {
      if (!saved.blobSha256) return;
      const s = JSON.parse((await store.get(saved.blobSha256)).toString('utf8')) as SavedDir;
      const files = new Map(Object.entries(s.files).map(([k, v]) => [k, Buffer.from(v, 'base64')]));
      const same = [...files].every(([k, v]) => existsSync(join(dir, k)) && sha256(readFileSync(join(dir, k))) === sha256(v));
      if (same && marker() === s.marker) return;
      install(dir, files, s.marker);
    },
  };
}
