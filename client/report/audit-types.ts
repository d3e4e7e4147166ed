/**
 * The audit of a run (`orb report <id> --json`), built from the workflow's history: what a change board asks for.
 * The schema is documented in README ("The audit trail"); `auditVersion` changes when a field changes meaning.
 */
import type { CompensationRecord, StageRecord } from '../../common/runbook-types';

export type CallKind = 'sql' | 'srvctl' | 'oci' | 'oic' | 'other';
export type CallOutcome = 'succeeded' | 'failed' | 'timed-out' | 'cancelled' | 'running' | 'scheduled';

/** One activity of the run (a statement, a srvctl command, an API call), its retries collapsed. */
export interface AuditCall {
  /** When it was scheduled (ISO 8601, UTC) */
  at: string;
  /** When its last attempt ended; null while it runs */
  endedAt: string | null;
  kind: CallKind;
  /** The activity type, e.g. openPdb */
  activity: string;
  /** What was issued: the statement, the srvctl command line or the API call (the activity's summary) */
  what: string;
  /** The activity's input as JSON, clipped */
  input: string;
  /** Attempts made (Temporal's retries; 1 when it worked the first time) */
  attempts: number;
  outcome: CallOutcome;
  /** The last attempt's failure: message, failure type and the Oracle / srvctl / API code in it */
  error: { message: string; type: string | null; code: string | null } | null;
  /** A compensation step (its summary starts with "undo:") */
  undo: boolean;
  /** The worker that ran its last attempt */
  worker: string | null;
}

/** An approve or reject sent to the run, and what the run made of it. */
export interface AuditGate {
  at: string;
  gate: string;
  decision: 'approve' | 'reject';
  by: string;
  comment?: string;
  choice?: string;
  /** How it arrived: a signal or an update (orb approve / orb reject send updates) */
  via: 'signal' | 'update';
  /** The client identity that sent it (Temporal's, e.g. 12345@host) */
  identity: string | null;
  /** accepted, refused (with why), or unknown: a signal whose effect neither the run's record nor a worker says */
  result: 'accepted' | 'refused' | 'unknown';
  refusedBecause?: string;
}

/** A child workflow the run started (a fleet's runs). */
export interface AuditChild {
  workflowId: string;
  runId: string | null;
  workflowType: string;
  at: string;
  endedAt: string | null;
  outcome: 'running' | 'completed' | 'failed' | 'cancelled' | 'terminated' | 'timed-out' | 'not-started';
  /** Its own audit (`--json` only, a bounded number of children, one level deep) */
  audit?: Audit;
}

export type FinalState =
  | 'running' | 'waiting-approval' | 'completed' | 'compensated' | 'failed'
  | 'cancelled' | 'terminated' | 'timed-out' | 'continued-as-new';

export interface Audit {
  auditVersion: 1;
  runbook: string | null;
  workflowId: string;
  runId: string;
  workflowType: string;
  taskQueue: string | null;
  /** The person named in the input (startedBy) */
  startedBy: string | null;
  /** The client identity that started the workflow (WorkflowExecutionStarted) */
  identity: string | null;
  /** The workflow input as it was given (long strings clipped) */
  options: unknown;
  startedAt: string;
  closedAt: string | null;
  /** The runbook's stages, from its record (result, failure details or a live query); empty when none answered */
  stages: StageRecord[];
  gates: AuditGate[];
  calls: AuditCall[];
  /** The run's compensation steps: from its record, or else from the undo calls in the history */
  compensation: CompensationRecord[];
  children: AuditChild[];
  final: { state: FinalState; reason: string | null; source: 'result' | 'failure' | 'query' | 'history' };
  /** Events read; truncated when the history was longer than the report reads */
  history: { events: number; truncated: boolean };
}
