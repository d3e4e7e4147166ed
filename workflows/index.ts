export { relocatePdb } from './relocate-pdb';
export { relocateTargetLock } from './target-lock';
export { planRelocatePdb } from './plan-relocate-pdb';
