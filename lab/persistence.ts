/** The state file: JSON, written atomically (temp file, fsync, rename) after every mutation. */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { emptyCloud } from './cloud-model';
import { ensureOciSeed } from './oci/cloud-seed';
import { LAB_STATE_VERSION, type LabState } from './model';
import { DEFAULT_RAC_SETTINGS } from './rac/cluster';
import { addRacSeed } from './rac/rac-seed';
import { link } from './seed-parts';

export function saveState(file: string, state: LabState): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, JSON.stringify(state));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/** The saved estate, or null when there is none. Throws when the file is not a lab state. */
export function loadState(file: string): LabState | null {
  if (!existsSync(file)) return null;
  const raw = JSON.parse(readFileSync(file, 'utf8')) as Partial<LabState>;
  if (typeof raw.version === 'number' && raw.version !== LAB_STATE_VERSION) {
    throw new Error(`${file} holds a lab estate of version ${raw.version}, this lab keeps version ${LAB_STATE_VERSION}: start it with --reset to rebuild the estate from its seed`);
  }
  if (raw.version !== LAB_STATE_VERSION || !Array.isArray(raw.cdbs) || typeof raw.simNowMs !== 'number' || !raw.settings) {
    throw new Error(`${file} is not an orb lab state file (version ${LAB_STATE_VERSION})`);
  }
  return withDefaults(raw as LabState);
}

/** CDB2's link to RACCDB (OLTP's relocation), for a state file saved before it existed. */
function addRacLink(state: LabState): void {
  const cdb2 = state.cdbs.find((c) => c.name === 'CDB2');
  if (cdb2 && state.cdbs.some((c) => c.name === 'RACCDB') && !cdb2.dbLinks.some((l) => l.name === 'RACCDB_LINK')) {
    cdb2.dbLinks.push(link('RACCDB_LINK', 'RACCDB'));
  }
}

/** Fields added after a state file was written get the seed's defaults (no reset needed). */
function withDefaults(state: LabState): LabState {
  state.cloud ??= emptyCloud();
  ensureOciSeed(state.cloud, state.seed, state.simNowMs);
  state.settings.adbRoleChangeSec ??= state.seed === 'test' ? 20 : 120;
  state.settings.rac ??= { ...DEFAULT_RAC_SETTINGS[state.seed === 'test' ? 'test' : 'demo'] };
  addRacSeed(state);
  addRacLink(state);
  for (const cdb of state.cdbs) {
    cdb.dbCreateFileDest ??= '/u02/oradata';
    cdb.keystoreStatus ??= 'OPEN';
    for (const pdb of cdb.pdbs) {
      pdb.version ??= cdb.version;
      pdb.encryptedTablespaces ??= [];
    }
  }
  return state;
}
