/**
 * The fence around a relocation's target: one workflow per (target CDB, PDB name), id
 * `relocate-pdb-target:<TARGET>:<PDB>`, started by a relocation as its child and held until
 * that run ends. Temporal refuses a second running workflow with the same id, so only one run
 * at a time, however it was started (orb, the Web UI, `temporal workflow start`), moves a PDB
 * of a given name into a given CDB: two such runs would take each other's copy for their own.
 */
import { condition, defineQuery, defineSignal, setCurrentDetails, setHandler } from '@temporalio/workflow';
import { newStatus, statusQuery } from './shared/runbook-journal';

export const TARGET_LOCK_WORKFLOW_TYPE = 'relocateTargetLock';
export const releaseLockSignal = defineSignal('release');
export const lockHolderQuery = defineQuery<string>('holder');

/** Upper case throughout: CDB names are looked up without regard to case, so `cdb2` and `CDB2` must share one fence. */
export function targetLockId(targetCdb: string, pdb: string): string {
  return `relocate-pdb-target:${targetCdb.toUpperCase()}:${pdb.toUpperCase()}`;
}

/** Held by `holder` (the relocation's workflow id) until released or until the holder closes (parent close policy). */
export async function relocateTargetLock(holder: unknown): Promise<string> {
  const who = typeof holder === 'string' ? holder.slice(0, 300) : 'an unnamed run';
  let released = false;
  setHandler(releaseLockSignal, () => void (released = true));
  setHandler(lockHolderQuery, () => who);
  // The status query every orb run answers, so `orb status <fence id>` names the holder.
  setHandler(statusQuery, () => ({
    ...newStatus('relocate-pdb-target', who, released ? 'released' : 'held', released ? 'completed' : 'running'),
    notes: [`held by ${who}: no other run may relocate a PDB of this name into this CDB until it ends`],
  }));
  setCurrentDetails(`Held by **${who}**: no other run may relocate a PDB of this name into this CDB until it ends.`);
  await condition(() => released);
  return `released by ${who}`;
}
