/** A fleet: one parent run starting one ordinary child run per target (workflows/fleet.ts). Pure types. */
import type { GatePolicy } from './runbook-types';

/** The runbooks a fleet can run (common/fleet-runbooks.ts has one entry per runbook). */
export const FLEET_RUNBOOK_NAMES = ['relocate-pdb'] as const;
export type FleetRunbookName = (typeof FLEET_RUNBOOK_NAMES)[number];

export const FLEET_RUNBOOK = 'fleet';
export const FLEET_WORKFLOW_TYPE = 'fleet';

export interface FleetInput {
  runbook: FleetRunbookName;
  /** One input per child, each checked by the runbook's own input schema */
  children: unknown[];
  /** Children running at once, at most */
  concurrency: number;
  /** Sizes of the waves, in order, adding up to the number of children; null: one wave */
  waves: number[] | null;
  /** The gate between two waves (approve to start the next one); null: the next wave starts at once */
  waveGate: GatePolicy | null;
  /** After this many children failed (or compensated), no new child starts; the running ones finish */
  stopAfterFailures: number;
  startedBy: string;
  /** Children one run of the fleet starts before it continues as new (default and most FLEET_CHILDREN_PER_RUN) */
  childrenPerRun?: number;
  /** Set by the fleet itself when it continues as new: where the previous runs got to */
  progress?: FleetProgress;
}

/** A child that did not complete: its run, its target and why. */
export interface FleetFailure {
  workflowId: string;
  target: string;
  state: 'failed' | 'compensated';
  reason: string;
}

/** What a fleet carries over a continue-as-new. */
export interface FleetProgress {
  /** Children started so far (they are started in input order) */
  started: number;
  completed: number;
  failed: number;
  compensated: number;
  /** The first FLEET_FAILURES_KEPT failures */
  failures: FleetFailure[];
  /** The wave being run (0-based) */
  wave: number;
  peakRunning: number;
  /** Runs of this fleet so far (1 + the continue-as-new count) */
  runs: number;
  /** Why no new child starts any more, once it is so */
  stopped: string | null;
}

export interface FleetStatus {
  runbook: FleetRunbookName;
  total: number;
  concurrency: number;
  stopAfterFailures: number;
  /** Wave sizes, and the wave being run (1-based) */
  waves: number[];
  wave: number;
  counts: {
    pending: number; running: number; waitingApproval: number; completed: number; failed: number; compensated: number;
    notStarted: number;
  };
  /** Children running now: workflow id and, when it waits at a gate, the gate */
  running: { workflowId: string; target: string; gate: string | null }[];
  failures: FleetFailure[];
  stopped: string | null;
  peakRunning: number;
  runs: number;
}

export const FLEET_FAILURES_KEPT = 50;
/** Children started by one run of a fleet before it continues as new (each adds about 15-25 events to its history). */
export const FLEET_CHILDREN_PER_RUN = 500;
export const FLEET_CHILDREN_MAX = 2000;
export const FLEET_CONCURRENCY_MAX = 100;
/** The signal a child run sends its fleet when it starts or stops waiting at a gate: {workflowId, gate | null} */
export const SIGNAL_FLEET_CHILD_GATE = 'fleet-child-gate';
