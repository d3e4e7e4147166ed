/**
 * The audit's pure parts on hand-made history events: how a run ended when its history carries no runbook status
 * (terminated, still open with no worker), child runs of a fleet with their outcomes, a huge calls table cut in the
 * middle saying how much, and what kind of call an activity is.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { payloadConverter } from '../common/payload-converter';
import { auditFromHistory } from '../client/report/history-audit';
import { callKind } from '../client/report/audit-calls';
import { callsTable } from '../client/report/render-audit';
import type { AuditCall } from '../client/report/audit-types';
import type { HistoryEvent } from '../client/report/audit-values';

const ts = (s: number) => ({ seconds: 1_800_000_000 + s, nanos: 0 });
const payloads = (...vs: unknown[]) => ({ payloads: vs.map((v) => payloadConverter.toPayload(v)) });
let next = 1;
const ev = (s: number, attrs: Partial<HistoryEvent>): HistoryEvent => ({ eventId: next++, eventTime: ts(s), ...attrs }) as HistoryEvent;

function started(): HistoryEvent {
  return ev(0, {
    workflowExecutionStartedEventAttributes: {
      workflowType: { name: 'fleet' }, taskQueue: { name: 'orb' }, identity: '42@ops-host',
      input: payloads({ runbook: 'relocate-pdb', startedBy: 'alice', note: 'x'.repeat(5000) }),
    },
  } as Partial<HistoryEvent>);
}

describe('the audit from history events', () => {
  it('a terminated run with no status: the history says who terminated it and why', () => {
    const events = [started(), ev(5, { workflowExecutionTerminatedEventAttributes: { reason: 'stuck', identity: 'bob@host' } })];
    const a = auditFromHistory({ workflowId: 'w', runId: 'r', events, truncated: false });
    assert.deepEqual(a.final, { state: 'terminated', reason: 'terminated by bob@host: stuck', source: 'history' });
    assert.equal(a.startedBy, 'alice');
    assert.equal(a.identity, '42@ops-host');
    assert.match((a.options as { note: string }).note, /^x{2000}…\(\+3000 more\)$/, 'long values clipped');
  });

  it('an open run no worker answers for: running, and says so', () => {
    const a = auditFromHistory({ workflowId: 'w', runId: 'r', events: [started()], truncated: false, queried: null });
    assert.deepEqual(a.final, { state: 'running', reason: 'no worker answered the status query', source: 'history' });
  });

  it('lists the child runs of a fleet with how each ended', () => {
    const init = ev(1, { startChildWorkflowExecutionInitiatedEventAttributes: { workflowId: 'relocate-pdb:CDB1:A', workflowType: { name: 'relocatePdb' } } } as Partial<HistoryEvent>);
    const init2 = ev(1, { startChildWorkflowExecutionInitiatedEventAttributes: { workflowId: 'relocate-pdb:CDB1:B', workflowType: { name: 'relocatePdb' } } } as Partial<HistoryEvent>);
    const events = [
      started(), init, init2,
      ev(2, { childWorkflowExecutionStartedEventAttributes: { initiatedEventId: init.eventId, workflowExecution: { workflowId: 'relocate-pdb:CDB1:A', runId: 'ra' } } } as Partial<HistoryEvent>),
      ev(2, { childWorkflowExecutionStartedEventAttributes: { initiatedEventId: init2.eventId, workflowExecution: { workflowId: 'relocate-pdb:CDB1:B', runId: 'rb' } } } as Partial<HistoryEvent>),
      ev(9, { childWorkflowExecutionFailedEventAttributes: { initiatedEventId: init2.eventId } } as Partial<HistoryEvent>),
    ];
    const a = auditFromHistory({ workflowId: 'w', runId: 'r', events, truncated: false });
    assert.deepEqual(a.children.map((c) => [c.workflowId, c.runId, c.outcome]), [
      ['relocate-pdb:CDB1:A', 'ra', 'running'], ['relocate-pdb:CDB1:B', 'rb', 'failed'],
    ]);
  });

  it('cuts a huge calls table in the middle and says how many calls were left out', () => {
    const call = (i: number): AuditCall => ({
      at: new Date(i * 1000).toISOString(), endedAt: null, kind: 'sql', activity: 'a', what: `call-${i}`, input: '{}',
      attempts: 1, outcome: 'succeeded', error: null, undo: false, worker: null,
    });
    const html = callsTable(Array.from({ length: 1000 }, (_, i) => call(i)), 10);
    assert.equal(html.match(/<tr><td>/g)?.length, 20);
    assert.match(html, /980 call\(s\) left out here/);
    assert.ok(html.includes('>call-9<') && html.includes('>call-990<') && !html.includes('>call-500<'));
  });

  it('tells statements, srvctl commands and API calls apart', () => {
    assert.equal(callKind('openPdb', '[CDB2] ALTER PLUGGABLE DATABASE SALES OPEN', { cdb: 'CDB2' }), 'sql');
    assert.equal(callKind('runSrvctl', 'srvctl stop service -db RACCDB -service X', { cdb: 'RACCDB' }), 'srvctl');
    assert.equal(callKind('changeRole', 'switchover: ADB1 → remote', {}), 'oci');
    assert.equal(callKind('checkApprovers', "check the run's approvers against the estate's approver groups", {}), 'other');
  });
});
