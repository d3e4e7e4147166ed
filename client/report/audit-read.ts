/**
 * Reads a run's audit: its history, page by page and bounded, then the status query only when the history carries
 * no runbook status (a run still open, cancelled or terminated) and with a short deadline, so the audit is whole
 * with no worker at all. A fleet's children get their own audits, a bounded number, one level deep.
 */
import type { Client } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { OrbRunbook } from '../../common/search-attributes';
import { QUERY_STATUS, type RunbookStatus } from '../../common/runbook-types';
import type { TemporalSettings } from '../connection';
import { mapTemporalError } from '../runbooks';
import type { Audit } from './audit-types';
import type { HistoryEvent } from './audit-values';
import { auditFromHistory, closingOf } from './history-audit';

/** Above Temporal's own limit of events per run (51,200 by default): a history is read whole unless that changed. */
export const MAX_HISTORY_EVENTS = 60_000;
const PAGE = 1000;

export interface AuditOptions {
  queryTimeoutMs?: number;
  /** Children of a fleet whose own audits are nested (the first ones); 0: listed only */
  childAudits?: number;
  /** One run of the workflow id (a child's); default its latest */
  runId?: string;
}

async function readHistory(client: Client, settings: TemporalSettings, workflowId: string, runId: string) {
  const events: HistoryEvent[] = [];
  let token: Uint8Array | undefined;
  do {
    const page = await client.workflowService.getWorkflowExecutionHistory({
      namespace: settings.namespace, execution: { workflowId, runId }, maximumPageSize: PAGE, ...(token ? { nextPageToken: token } : {}),
    });
    events.push(...((page.history as History | null)?.events ?? []));
    token = page.nextPageToken?.length ? page.nextPageToken : undefined;
  } while (token && events.length < MAX_HISTORY_EVENTS);
  return { events: events.slice(0, MAX_HISTORY_EVENTS), truncated: Boolean(token) || events.length > MAX_HISTORY_EVENTS };
}

async function queried(client: Client, workflowId: string, runId: string, timeoutMs: number): Promise<RunbookStatus | null> {
  try {
    const handle = client.workflow.getHandle(workflowId, runId);
    return await client.withDeadline(Date.now() + timeoutMs, () => handle.query<RunbookStatus>(QUERY_STATUS));
  } catch {
    return null; // no worker answered: the audit says so (final.source "history")
  }
}

export async function readAudit(
  client: Client, settings: TemporalSettings, workflowId: string, o: AuditOptions = {},
): Promise<Audit> {
  let runId: string;
  let runbook: string | null;
  try {
    const d = await client.workflow.getHandle(workflowId, o.runId).describe();
    runId = d.runId;
    runbook = d.typedSearchAttributes.get(OrbRunbook) ?? null;
  } catch (err) {
    mapTemporalError(err, settings, workflowId);
  }
  const { events, truncated } = await readHistory(client, settings, workflowId, runId);
  const closing = closingOf(events);
  const ask = !closing.status && closing.state !== 'continued-as-new';
  const status = ask ? await queried(client, workflowId, runId, o.queryTimeoutMs ?? 3000) : null;
  const audit = auditFromHistory({ workflowId, runId, events, truncated, queried: status, runbook });
  for (const child of audit.children.slice(0, o.childAudits ?? 0)) {
    if (child.runId) child.audit = await readAudit(client, settings, child.workflowId, { ...o, childAudits: 0, runId: child.runId });
  }
  return audit;
}
