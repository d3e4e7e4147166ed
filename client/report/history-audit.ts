/**
 * The audit of a run from its history (audit-types.ts): pure, so the same events always give the same audit,
 * whether a worker is there or not. What only the run's own record knows (stages, the journal's compensation list,
 * what a signal did) comes from the status its result or failure carries, or from a live query when the caller
 * has one (a running or cancelled run).
 */
import type { RunbookStatus } from '../../common/runbook-types';
import type { Audit, FinalState } from './audit-types';
import { callsOf } from './audit-calls';
import { gatesOf, settleSignals } from './audit-gates';
import { childrenOf } from './audit-children';
import { clipValue, decodeAll, eventTime, failureDetail, failureText, str, type HistoryEvent } from './audit-values';

export function isRunbookStatus(v: unknown): v is RunbookStatus {
  const s = v as RunbookStatus;
  return typeof v === 'object' && v !== null && Array.isArray(s.stages) && typeof s.state === 'string';
}

/** How the history says the run ended, and the runbook status its result or failure carries. */
export interface Closing {
  state: FinalState;
  reason: string | null;
  closedAt: string | null;
  status: RunbookStatus | null;
  source: 'result' | 'failure' | null;
}

export function closingOf(events: HistoryEvent[]): Closing {
  const e = events.at(-1);
  const open: Closing = { state: 'running', reason: null, closedAt: null, status: null, source: null };
  if (!e) return open;
  const at = eventTime(e);
  const done = e.workflowExecutionCompletedEventAttributes;
  if (done) {
    const r = decodeAll(done.result)[0] as { status?: unknown } | undefined;
    const status = isRunbookStatus(r?.status) ? r.status : null;
    return { state: 'completed', reason: null, closedAt: at, status, source: status && 'result' };
  }
  const failed = e.workflowExecutionFailedEventAttributes;
  if (failed) {
    const detail = failureDetail(failed.failure);
    const status = isRunbookStatus(detail) ? detail : null;
    return { state: 'failed', reason: failureText(failed.failure).message, closedAt: at, status, source: status && 'failure' };
  }
  const term = e.workflowExecutionTerminatedEventAttributes;
  if (term) {
    const reason = `terminated by ${term.identity || 'unknown'}: ${term.reason || '(no reason given)'}`;
    return { ...open, state: 'terminated', reason, closedAt: at };
  }
  if (e.workflowExecutionCanceledEventAttributes) {
    return { ...open, state: 'cancelled', reason: 'cancelled at an operator\'s request', closedAt: at };
  }
  if (e.workflowExecutionTimedOutEventAttributes) return { ...open, state: 'timed-out', reason: 'the workflow run timed out', closedAt: at };
  const can = e.workflowExecutionContinuedAsNewEventAttributes;
  if (can) return { ...open, state: 'continued-as-new', reason: `continued as new run ${can.newExecutionRunId ?? '?'}`, closedAt: at };
  return open;
}

/** A query's answer counts where the history has no status: a run still open, or one cancelled or terminated. */
function finalOf(c: Closing, queried: RunbookStatus | null): Audit['final'] {
  if (c.status) return { state: c.status.state, reason: c.status.reason ?? c.reason, source: c.source ?? 'history' };
  if (!queried) {
    const reason = c.reason ?? (c.state === 'running' ? 'no worker answered the status query' : null);
    return { state: c.state, reason, source: 'history' };
  }
  if (c.state === 'running') return { state: queried.state, reason: queried.reason ?? null, source: 'query' };
  // Cancelled: the run may have compensated first; terminated or timed out: the history's word, the journal's reason.
  const state = c.state === 'cancelled' && queried.state === 'compensated' ? 'compensated' : c.state;
  return { state, reason: queried.reason ? `${c.reason}; ${queried.reason}` : c.reason, source: 'query' };
}

export interface AuditInput {
  workflowId: string;
  runId: string;
  events: HistoryEvent[];
  truncated: boolean;
  /** The run's status from a live query (only asked for when the history carries none) */
  queried?: RunbookStatus | null;
  runbook?: string | null;
}

export function auditFromHistory(a: AuditInput): Audit {
  const first = a.events[0];
  const started = first?.workflowExecutionStartedEventAttributes;
  const args = decodeAll(started?.input);
  const input = args[0] as Record<string, unknown> | undefined;
  const closing = closingOf(a.events);
  const status = closing.status ?? a.queried ?? null;
  const calls = callsOf(a.events);
  const gates = gatesOf(a.events);
  if (status) settleSignals(gates, status.approvals);
  const undone = calls.filter((c) => c.undo && (c.outcome === 'succeeded' || c.outcome === 'failed'));
  return {
    auditVersion: 1,
    runbook: status?.runbook ?? a.runbook ?? null,
    workflowId: a.workflowId,
    runId: a.runId,
    workflowType: started?.workflowType?.name ?? '',
    taskQueue: started?.taskQueue?.name ?? null,
    startedBy: str(input?.startedBy) ?? status?.startedBy ?? null,
    identity: started?.identity || null,
    options: clipValue(args.length === 1 ? args[0] : args),
    startedAt: first ? eventTime(first) : '',
    closedAt: closing.closedAt,
    stages: status?.stages ?? [],
    gates,
    calls,
    compensation: status?.compensation ?? undone.map((c) => ({
      step: c.what.replace(/^undo:\s*/, ''), outcome: c.outcome === 'succeeded' ? 'done' as const : 'failed' as const,
      at: c.endedAt ?? c.at, ...(c.error ? { detail: c.error.message } : {}),
    })),
    children: childrenOf(a.events),
    final: finalOf(closing, a.queried ?? null),
    history: { events: a.events.length, truncated: a.truncated },
  };
}
