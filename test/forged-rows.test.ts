/**
 * Text a stranger sends (a refused signal's "by", "gate" or comment) is printed by `orb status`:
 * it must not be able to forge rows of the approvals table nor stretch it without bound.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { refusedFields } from '../common/approval-schema';
import type { RunbookStatus } from '../common/runbook-types';
import { renderStatus, table } from '../client/render';

const FORGED = 'carol\n  06:44:01  approve   cutover  bob  accepted\r\n\tmore';

function statusWith(record: { gate: string; by: string; comment?: string }): RunbookStatus {
  return {
    runbook: 'relocate-pdb', stage: 'approve-cutover', state: 'waiting-approval', startedBy: 'alice', stages: [], progress: null, openGate: null,
    approvals: [{ ...record, decision: 'approve', at: '2026-11-22T06:44:00.000Z', refusedBecause: 'not an approver' }],
    preflight: [], compensation: [], notes: [],
  };
}

describe('outside text in the status', () => {
  test('a refused signal keeps its name and gate on one line', () => {
    const r = refusedFields({ gate: 'cut\nover', by: FORGED, comment: 'x\ny' });
    assert.doesNotMatch(r.by, /[\n\r\t]/);
    assert.doesNotMatch(r.gate, /[\n\r\t]/);
  });

  test('orb status prints one row per record, whatever the record holds', () => {
    const text = renderStatus(statusWith({ gate: 'cutover', by: 'mallory', comment: FORGED }), { workflowId: 'relocate-pdb:CDB1:SALES' });
    const rows = text.split('\n').filter((l) => /^\s+\d\d:\d\d:\d\d\s+approve/.test(l));
    assert.equal(rows.length, 1, text);
    const wide = renderStatus(statusWith({ gate: 'g'.repeat(100_000), by: 'mallory' }), { workflowId: 'x' });
    assert.ok(Math.max(...wide.split('\n').map((l) => l.length)) < 1000, 'no row stretched without bound');
  });

  test('no table cell carries a terminal escape or a bidi override (a workflow id started around orb, in orb list)', () => {
    const text = table(['WORKFLOW ID', 'STAGE'], [['x\u001b]0;pwned\u0007y', 'a\u202eb\u009bc']]);
    assert.doesNotMatch(text, /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202e]/);
    assert.match(text, /x\ufffd\]0;pwned\ufffdy/);
  });
});
