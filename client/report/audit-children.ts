/** The child workflows a run started (a fleet's runs), from its history, with how each ended. */
import type { AuditChild } from './audit-types';
import { eventTime, type HistoryEvent } from './audit-values';

const id = (v: unknown): string => String(v ?? '');

type Closing = [keyof HistoryEvent, AuditChild['outcome']];
const CLOSINGS: Closing[] = [
  ['childWorkflowExecutionCompletedEventAttributes', 'completed'],
  ['childWorkflowExecutionFailedEventAttributes', 'failed'],
  ['childWorkflowExecutionCanceledEventAttributes', 'cancelled'],
  ['childWorkflowExecutionTerminatedEventAttributes', 'terminated'],
  ['childWorkflowExecutionTimedOutEventAttributes', 'timed-out'],
  ['startChildWorkflowExecutionFailedEventAttributes', 'not-started'],
];

export function childrenOf(events: HistoryEvent[]): AuditChild[] {
  const byInitiated = new Map<string, AuditChild>();
  for (const e of events) {
    const init = e.startChildWorkflowExecutionInitiatedEventAttributes;
    if (init) {
      byInitiated.set(id(e.eventId), {
        workflowId: init.workflowId ?? '', runId: null, workflowType: init.workflowType?.name ?? '',
        at: eventTime(e), endedAt: null, outcome: 'running',
      });
      continue;
    }
    const started = e.childWorkflowExecutionStartedEventAttributes;
    if (started) {
      const c = byInitiated.get(id(started.initiatedEventId));
      if (c) c.runId = started.workflowExecution?.runId ?? null;
      continue;
    }
    for (const [key, outcome] of CLOSINGS) {
      const a = e[key] as { initiatedEventId?: unknown } | null | undefined;
      const c = a ? byInitiated.get(id(a.initiatedEventId)) : undefined;
      if (c) Object.assign(c, { outcome, endedAt: eventTime(e) });
    }
  }
  return [...byInitiated.values()];
}
