export { relocatePdb } from './relocate-pdb';
export { orbFence, relocateTargetLock } from './fence-lock';
export { planRelocatePdb } from './plan-relocate-pdb';
export { switchoverAdb } from './switchover-adb';
export { failoverAdb } from './failover-adb';
export { propagateWallet } from './propagate-wallet';
export { planAdbRunbook } from './plan-adb';
export { checkReadiness } from './check-readiness';
export { rollingMaintenance } from './rolling-maintenance';
