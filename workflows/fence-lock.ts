/**
 * A fence: one workflow per guarded thing, started by a run as its child and held until that run
 * ends. Temporal refuses a second running workflow with the same id, so only one run at a time,
 * however it was started (orb, the Web UI, `temporal workflow start`), holds it:
 *
 * - `relocate-pdb-target:<TARGET>:<PDB>`: moving a PDB of a given name into a given CDB (two such
 *   runs would take each other's copy for their own);
 * - `adb-database:<DATABASE>`: any Autonomous Data Guard runbook on a database (two would change
 *   its roles, or its consumers' wallets, under each other).
 */
import { condition, defineQuery, defineSignal, setCurrentDetails, setHandler } from '@temporalio/workflow';
import { newStatus, statusQuery } from './shared/runbook-journal';

export const releaseLockSignal = defineSignal('release');
export const lockHolderQuery = defineQuery<string>('holder');

/** Upper case throughout: CDB names are looked up without regard to case, so `cdb2` and `CDB2` must share one fence. */
export function targetLockId(targetCdb: string, pdb: string): string {
  return `relocate-pdb-target:${targetCdb.toUpperCase()}:${pdb.toUpperCase()}`;
}

/** A client-readiness fix's CDB: its services' attributes change (the estate's CDB name). */
export function servicesLockId(cdb: string): string {
  return `cdb-services:${cdb.toUpperCase()}`;
}

/** A rolling maintenance's database (the estate's CDB name). */
export function clusterLockId(cdb: string): string {
  return `rac-cdb:${cdb.toUpperCase()}`;
}

/** Database names are looked up without regard to case, as are CDB names. */
export function databaseLockId(database: string): string {
  return `adb-database:${database.toUpperCase()}`;
}

const text = (v: unknown, fallback: string) => (typeof v === 'string' && v.length > 0 ? v.slice(0, 300) : fallback);

/** Held by `holder` (the run's workflow id) until released or until the holder closes (parent close policy). */
export async function orbFence(holder: unknown, rule?: unknown): Promise<string> {
  const who = text(holder, 'an unnamed run');
  const what = text(rule, 'no other run may hold this fence');
  let released = false;
  setHandler(releaseLockSignal, () => void (released = true));
  setHandler(lockHolderQuery, () => who);
  // The status query every orb run answers, so `orb status <fence id>` names the holder.
  setHandler(statusQuery, () => ({
    ...newStatus('fence', who, released ? 'released' : 'held', released ? 'completed' : 'running'),
    notes: [`held by ${who}: ${what} until it ends`],
  }));
  setCurrentDetails(`Held by **${who}**: ${what} until it ends.`);
  await condition(() => released);
  return `released by ${who}`;
}

/** The name relocation fences were started under before the fence was shared; kept so those still held finish. */
export async function relocateTargetLock(holder: unknown): Promise<string> {
  return orbFence(holder, 'no other run may relocate a PDB of this name into this CDB');
}
