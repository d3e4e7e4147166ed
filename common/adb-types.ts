/**
 * Types of the Autonomous Database runbooks (switchover-adb, failover-adb, propagate-wallet) shared
 * by workflows, activities and the client. Pure data: safe in workflow code. Nothing here carries a
 * wallet's bytes or a password: wallets travel as their sha256 and the task queue of the worker
 * host that holds them.
 */
import type { GatePolicy } from './runbook-types';

export type RoleChangeKind = 'switchover' | 'failover';
export type StandbyChoice = 'local' | 'remote';

export type ConsumerKind = 'oic' | 'vault-secret' | 'tns-admin';

/** `current`: it already passed its test against the current primary, so it was left alone (propagate-wallet). */
export type ConsumerState = 'pending' | 'current' | 'updated' | 'tested' | 'reactivated' | 'restored' | 'skipped' | 'failed';

export interface ConsumerStatus {
  name: string;
  kind: ConsumerKind;
  /** e.g. "OIC connection SALES_ATP_ORDERS (orb-oic)" */
  label: string;
  state: ConsumerState;
  /** sha256 prefix of the wallet it held before / holds now */
  walletBefore?: string;
  walletAfter?: string;
  /** OIC: integrations reactivated */
  reactivated?: string[];
  /** The last test's answer */
  test?: string;
  error?: string;
}

/** A wallet, as workflows see it: where it rests and what it is, never its bytes. */
export interface WalletRef {
  zipSha256: string;
  /** The database it identifies (the primary when generated) */
  adbId: string;
  dbName: string;
  region: string;
  generatedAt: string;
  /** The task queue of the worker host holding it (activities that need its bytes run there) */
  queue: string;
}

/** What a consumer held before orb changed it (kept on the worker host, named by sha256). */
export interface SavedRef {
  blobSha256: string | null;
  walletSha256: string | null;
  summary: string;
}

export interface AdbMemberFacts {
  id: string;
  region: string;
  dbName: string;
  role: string;
  lifecycleState: string;
  lagSeconds: number | null;
  timeOfLastSwitchover: string | null;
  timeOfLastFailover: string | null;
}

export interface PairFacts {
  database: string;
  primary: AdbMemberFacts | null;
  remoteStandby: AdbMemberFacts | null;
  localStandby: { lagSeconds: number | null; lifecycleState: string; timeDataGuardRoleChanged: string | null } | null;
  members: AdbMemberFacts[];
}

/** The OCI call a role change makes (what `orb plan` shows and the activity sends). */
export interface RoleChangeCallFacts {
  operation: 'switchoverAutonomousDatabase' | 'failOverAutonomousDatabase';
  method: 'POST';
  path: string;
  region: string;
  autonomousDatabaseId: string;
  peerDbId: string | null;
  newPrimaryId: string;
}

export interface ConsumerPlan {
  name: string;
  kind: ConsumerKind;
  label: string;
  /** What the consumer holds now, in one line */
  current: string;
  /** sha256 of the wallet it holds, when readable */
  walletSha256: string | null;
  /** The steps orb will take on it, in order, as the operator reads them */
  steps: string[];
}

export interface AdbGates {
  /** Before the role change (switchover-adb: gate "switchover"; failover-adb: gate "failover") */
  roleChange: GatePolicy;
  /** A consumer that failed and was restored: retry, skip, or (switchover) switch back */
  consumer: GatePolicy;
}

interface AdbRunbookInputBase {
  /** The database's name in the estate */
  database: string;
  /** Consumers to update (default: all the estate names for the database) */
  consumers?: string[];
  /** Consumers updated at the same time (1..32) */
  concurrency: number;
  startedBy: string;
}

export interface RoleChangeInput extends AdbRunbookInputBase {
  /** Which standby: the cross-region peer (remote) or the local standby */
  to: StandbyChoice;
  /** Refuse when the standby's apply lag is above this (seconds) */
  maxLagSeconds: number;
  gates: AdbGates;
}

export type SwitchoverAdbInput = RoleChangeInput;
export type FailoverAdbInput = RoleChangeInput;

export type PropagationTrigger =
  | { kind: 'manual' }
  | { kind: 'role-change'; workflowId: string }
  | { kind: 'event'; eventId: string; eventType: string; eventTime: string };

export interface PropagateWalletInput extends AdbRunbookInputBase {
  trigger: PropagationTrigger;
  gates: { consumer: GatePolicy };
  /** Update every consumer, even those that already work with the primary (default: leave them alone) */
  refreshAll?: boolean;
}
