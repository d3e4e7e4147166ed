/**
 * Types shared by workflows, activities and the client. Pure data: safe to import
 * from workflow code (no Node APIs here).
 */

import type { ConsumerStatus } from './adb-types';
import type { FleetStatus } from './fleet-types';

/** Who may approve a gate, how many, and what happens when nobody does. */
export interface GatePolicy {
  /** User names allowed to approve; groups are resolved to names by the client at start. */
  approvers: string[];
  /** Distinct approvals needed (>= 1). */
  requiredApprovals: number;
  /** How long the gate waits; null: forever. */
  timeoutMs: number | null;
  /** What a timeout does: reject (and compensate) or keep waiting. */
  onTimeout: 'reject' | 'wait';
  /** May the person who started the runbook approve it? */
  allowInitiator: boolean;
}

/** Payload of the `approve` and `reject` signals and updates; its rules: common/approval-schema.ts. */
export interface ApprovalSignal {
  gate: string;
  by: string;
  comment?: string;
  /** At a gate that offers choices (OpenGate.choices): which one; default the first */
  choice?: string;
}

export interface ApprovalRecord extends ApprovalSignal {
  decision: 'approve' | 'reject';
  /** Workflow time, ISO 8601 */
  at: string;
  /** Set when the approval broke the gate's policy and changed nothing. */
  refusedBecause?: string;
}

export interface OpenGate {
  name: string;
  /** What approving means here (e.g. "cut over to CDB2") */
  question: string;
  approvers: string[];
  requiredApprovals: number;
  approvedBy: string[];
  openedAt: string;
  timeoutAt: string | null;
  /** What an approval may choose here (the first is the default); absent: approve simply goes on */
  choices?: string[];
  /** The choice the approvals so far made */
  chosen?: string;
}

export type StageOutcome = 'running' | 'succeeded' | 'failed' | 'skipped' | 'compensated';

export interface StageRecord {
  name: string;
  startedAt: string;
  endedAt?: string;
  outcome: StageOutcome;
  detail?: string;
}

export interface CheckResult {
  check: string;
  outcome: 'pass' | 'fail' | 'warn';
  reason: string;
}

export interface CompensationRecord {
  step: string;
  outcome: 'done' | 'failed' | 'skipped';
  at: string;
  detail?: string;
}

export interface ProgressRecord {
  percent: number;
  timeRemainingSeconds: number | null;
  detail: string;
}

export interface RunbookStatus {
  runbook: string;
  /** Current stage name, or a terminal word: completed, compensated, failed */
  stage: string;
  state: 'running' | 'waiting-approval' | 'completed' | 'compensated' | 'failed';
  startedBy: string;
  stages: StageRecord[];
  progress: ProgressRecord | null;
  openGate: OpenGate | null;
  approvals: ApprovalRecord[];
  preflight: CheckResult[];
  compensation: CompensationRecord[];
  /** Remarks for the operator, e.g. a cancel request after the open that was not acted upon */
  notes: string[];
  /** Why the run ended other than completed */
  reason?: string;
  /** Wallet propagation: every consumer with its state (pending, updated, tested, reactivated, restored, skipped) */
  consumers?: ConsumerStatus[];
  /** User sessions per instance over the run, as the drains watched them (orb report draws them) */
  sessions?: SessionSeries;
  /** Client readiness: each service judged, before and after its fix */
  readiness?: ServiceFixStatus[];
  /** A fleet: its children aggregated (workflows/fleet.ts) */
  fleet?: FleetStatus;
}

/** One service of a client-readiness run. */
export interface ServiceFixStatus {
  pdb: string;
  service: string;
  before: { ready: boolean; protection: string; errors: string[] };
  /** As re-read after the fixes (absent: not re-read) */
  after?: { ready: boolean; protection: string; errors: string[] };
  /** none: nothing to change; planned: not applied (no --fix, or stopped first); applied / already-done; undone: put back */
  fix: 'none' | 'planned' | 'applied' | 'already-done' | 'undone' | 'not-fixable';
  /** The exact call (srvctl arguments or the DBMS_SERVICE block with its binds) */
  call?: string;
}

/** At most this many points are kept; when full, every other point is dropped (the first and last stay). */
export const SESSION_POINTS_MAX = 400;

export interface SessionSeries {
  /** Instance names: the columns of each point */
  instances: string[];
  /** [ISO time, sessions on each instance in `instances` order] */
  points: [string, number[]][];
}

export type OnDrainTimeout = 'disconnect' | 'ask' | 'abort';

export interface RelocatePdbInput {
  pdb: string;
  sourceCdb: string;
  targetCdb: string;
  /** Database link in the target CDB that reaches the source CDB's root */
  dbLink: string;
  availability: 'NORMAL' | 'MAX';
  /**
   * Into a higher major release: open the PDB UPGRADE, wait at gate "upgrade" while the DBA
   * upgrades it (dbupgrade / AutoUpgrade), then open it READ WRITE. Preflight refuses a
   * relocation into a higher major release without it.
   */
  upgrade?: boolean;
  drain: {
    timeoutMs: number;
    onTimeout: OnDrainTimeout;
    /** How often the session count is read while draining */
    pollMs: number;
  };
  gates: {
    /** Optional gate before the copy starts */
    beforeCopy: GatePolicy | null;
    /** Gate before cutover (on by default) */
    cutover: GatePolicy | null;
    /** AVAILABILITY MAX: gate after which the tombstone is dropped; null drops at once */
    dropTombstone: GatePolicy | null;
    /** Used when drain times out with onTimeout 'ask', and after a failure past the open */
    operator: GatePolicy;
  };
  startedBy: string;
}

/**
 * What a completed run returns. A run that did not complete fails instead, with an
 * ApplicationFailure whose type says how (PreflightFailed, RunbookFailed, RunbookCompensated,
 * CompensationIncomplete, StoppedByOperator, InvalidInput) and whose details carry the status.
 */
export interface RelocatePdbResult {
  outcome: 'completed';
  status: RunbookStatus;
}

export const SIGNAL_APPROVE = 'approve';
export const SIGNAL_REJECT = 'reject';
export const QUERY_STATUS = 'status';

export const TASK_QUEUE_DEFAULT = 'orb';

export function relocateWorkflowId(sourceCdb: string, pdb: string): string {
  return `relocate-pdb:${sourceCdb}:${pdb}`;
}
