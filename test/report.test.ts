/**
 * orb report: the page a person opens. Everything from the run is escaped (a hostile approver name or stage
 * detail stays text), the sessions chart has a line per instance, the file name comes from the workflow id
 * without path tricks, and the journal keeps the session series bounded.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderReport } from '../client/report/render-report';
import { reportFileName } from '../client/report/report-command';
import type { RunStatus } from '../client/runbooks';
import type { RunbookStatus } from '../common/runbook-types';

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';

function run(status: Partial<RunbookStatus>): RunStatus {
  const s: RunbookStatus = {
    runbook: 'rolling-maintenance', stage: 'completed', state: 'completed', startedBy: 'alice', progress: null, openGate: null,
    approvals: [{ gate: 'maintenance', by: HOSTILE, decision: 'approve', at: '2026-01-01T10:00:05.000Z', refusedBecause: 'not an approver' }],
    preflight: [], compensation: [], notes: [HOSTILE],
    stages: [
      { name: 'drain-raccdb1', startedAt: '2026-01-01T10:00:00.000Z', endedAt: '2026-01-01T10:01:00.000Z', outcome: 'succeeded', detail: HOSTILE },
      { name: 'stop-raccdb1', startedAt: '2026-01-01T10:01:00.000Z', endedAt: '2026-01-01T10:01:30.000Z', outcome: 'failed' },
    ],
    sessions: {
      instances: ['raccdb1', 'raccdb2'],
      points: [['2026-01-01T10:00:00.000Z', [50, 50]], ['2026-01-01T10:01:00.000Z', [0, 100]], ['2026-01-01T10:03:00.000Z', [50, 50]]],
    },
    ...status,
  };
  return {
    workflowId: 'rolling-maintenance:RACCDB', runId: 'r', executionStatus: 'COMPLETED', startTime: '2026-01-01T10:00:00.000Z',
    closeTime: '2026-01-01T10:03:00.000Z', stage: 'completed', awaitingApproval: false, status: s, source: 'result', retrying: [], working: [],
  };
}

describe('orb report', () => {
  it('escapes everything from the run: no markup of its own reaches the page', () => {
    const html = renderReport(run({}));
    assert.ok(!html.includes('<script'), 'no script element');
    assert.ok(!/<img/i.test(html), 'no injected element');
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'the text is shown, escaped');
    assert.ok(!/src=["']?http|<link|@import/i.test(html), 'self-contained: nothing loaded from elsewhere');
  });

  it('draws one line per instance and a bar per stage', () => {
    const html = renderReport(run({}));
    assert.equal(html.match(/<polyline/g)?.length, 2);
    assert.match(html, /<title>raccdb1<\/title>/);
    assert.equal(html.match(/<rect /g)?.length, 2);
    assert.match(html, /class="state completed"/);
  });

  it('says so when no session was watched', () => {
    assert.match(renderReport(run({ sessions: undefined })), /No sessions were watched in this run/);
  });

  it('names the file after the workflow id, with nothing that leaves the directory', () => {
    assert.equal(reportFileName('relocate-pdb:CDB1:SALES'), 'relocate-pdb_CDB1_SALES.html');
    assert.equal(reportFileName('../../etc/passwd'), '.._.._etc_passwd.html');
    assert.ok(!reportFileName('a/b\\c').includes('/'));
  });
});
