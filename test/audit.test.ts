/**
 * orb report's audit trail, built from the run's history: a relocation approved at its cutover gate whose open
 * fails (a permanent ORA-65086 after the drain), rejected at recover-open and compensated. The audit names who
 * started it and with what, every approve / reject with who, when and what the run made of it (a malformed one
 * refused, kept as data), every call with its outcome and the ORA code, the compensation steps and the final
 * state; the worker is killed mid-run and again before the second read: the audit is the same without a worker.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cliEnvOf, relocateInput, startOrbEnv, type OrbEnv } from './helpers/orb-env';
import { killHard, runCli } from './helpers/processes';
import type { Audit } from '../client/report/audit-types';

const CONTROL = 'abort\u0007\u202enow';
const HTML = '<b onmouseover=alert(1)>give up</b> & go home';

async function auditJson(o: OrbEnv, id: string): Promise<Audit> {
  const r = await runCli(['report', id, '--json'], cliEnvOf(o));
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as Audit;
}

describe('orb report: the audit trail', () => {
  let o: OrbEnv;
  before(async () => {
    o = await startOrbEnv({ inProcessWorker: false });
  });
  after(async () => {
    await o?.stop();
  });

  test('approved, failed after the drain, compensated: the audit from history, the same with no worker', async () => {
    let worker = o.startWorkerProcess();
    await o.api.fault({ op: 'openPdb', cdb: 'CDB2', kind: 'permanent', ora: 'ORA-65086' });
    const h = await o.start(relocateInput());
    await o.waitFor(h, (x) => x.openGate?.name === 'cutover', 'the cutover gate');
    await killHard(worker); // a worker crash mid-run: the second worker's calls are in the same history
    worker = o.startWorkerProcess();
    await o.approve(h, 'cutover', 'bob');
    await o.waitFor(h, (x) => x.openGate?.name === 'recover-open', 'the recover-open gate');
    await o.reject(h, 'recover-open', 'carol', CONTROL); // refused: a comment with control characters
    await o.reject(h, 'recover-open', 'carol', HTML);
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'RunbookCompensated', !r.ok ? `${r.type}: ${r.message}` : '');
    await o.api.clearFaults();

    const a = await auditJson(o, h.workflowId);
    assert.equal(a.workflowId, h.workflowId);
    assert.equal(a.runbook, 'relocate-pdb');
    assert.equal(a.startedBy, 'alice');
    assert.ok(a.identity, 'the client identity that started it');
    assert.equal((a.options as { pdb: string }).pdb, 'SALES');
    assert.deepEqual(a.final, { state: 'compensated', reason: a.final.reason, source: 'failure' });
    assert.match(a.final.reason ?? '', /ORA-65086.*Compensated/s);

    assert.deepEqual(a.gates.map((g) => [g.gate, g.decision, g.by, g.via, g.result]), [
      ['cutover', 'approve', 'bob', 'signal', 'accepted'],
      ['recover-open', 'reject', 'carol', 'signal', 'refused'],
      ['recover-open', 'reject', 'carol', 'signal', 'accepted'],
    ]);
    assert.ok(a.gates.every((g) => Date.parse(g.at) >= Date.parse(a.startedAt)), 'when');
    assert.equal(a.gates[1]!.comment, CONTROL, 'kept as data in JSON');
    assert.match(a.gates[1]!.refusedBecause ?? '', /control, formatting/);
    assert.equal(a.gates[2]!.comment, HTML);

    const open = a.calls.filter((c) => c.activity === 'openPdb');
    assert.equal(open.length, 1, JSON.stringify(open));
    assert.deepEqual([open[0]!.kind, open[0]!.outcome, open[0]!.error?.code], ['sql', 'failed', 'ORA-65086']);
    assert.match(open[0]!.what, /^\[CDB2\] ALTER PLUGGABLE DATABASE SALES OPEN/);
    const stop = a.calls.find((c) => c.activity === 'stopServices');
    assert.equal(stop?.outcome, 'succeeded', 'the drain');
    assert.ok(a.calls.every((c) => c.endedAt && c.attempts >= 1), 'every call ended, with its attempts');
    assert.ok(new Set(a.calls.map((c) => c.worker)).size >= 2, 'calls from both workers');
    const undo = a.calls.filter((c) => c.undo);
    assert.ok(undo.some((c) => c.activity === 'dropRelocatedCopy' && c.outcome === 'succeeded'), JSON.stringify(undo));
    assert.ok(a.compensation.some((c) => /drop the copy/.test(c.step) && c.outcome === 'done'));
    assert.ok(a.stages.some((s) => s.name === 'open' && s.outcome === 'failed'));

    // The HTML page: the same audit, hostile text escaped and control characters replaced.
    const file = join(mkdtempSync(join(tmpdir(), 'orb-audit-')), 'r.html');
    const page = await runCli(['report', h.workflowId, '--out', file], cliEnvOf(o));
    assert.equal(page.code, 0, page.stderr);
    const html = readFileSync(file, 'utf8');
    assert.match(html, /<h2>Audit<\/h2>/);
    assert.ok(html.includes('&lt;b onmouseover=alert(1)&gt;give up&lt;/b&gt; &amp; go home'));
    assert.ok(!html.includes('<b onmouseover'), 'no markup from the run');
    assert.ok(!/[\u0007\u202e]/.test(html), 'no control or bidi characters');
    assert.match(html, /ORA-65086/);

    await killHard(worker);
    const again = await auditJson(o, h.workflowId);
    for (const k of ['calls', 'gates', 'compensation', 'stages', 'final', 'options', 'startedBy'] as const) {
      assert.deepEqual(again[k], a[k], `${k} without a worker`);
    }
  });
});
