import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gate, relocateInput, orbSuite } from './helpers/orb-env';

describe('approval gates keep their policy', () => {
  const o = orbSuite();

  test('approvals that break the policy change nothing and are recorded with the reason', async () => {
    const h = await o.start(relocateInput({ gates: { beforeCopy: null, cutover: gate({ requiredApprovals: 2 }), dropTombstone: null, operator: gate() } }));
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    await o.approve(h, 'cutover', 'alice'); // the initiator
    await o.approve(h, 'cutover', 'mallory'); // not an approver
    await o.approve(h, 'copy', 'bob'); // a gate that is not open
    await o.approve(h, 'cutover', 'bob'); // good: 1 of 2
    await o.approve(h, 'cutover', 'bob'); // the same person twice
    await o.approve(h, 'cutover', ''); // nobody
    const s = await o.waitFor(h, (x) => x.approvals.length === 6, 'six approval records');
    assert.equal(s.openGate?.name, 'cutover', 'the gate is still open');
    assert.deepEqual(s.openGate?.approvedBy, ['bob']);
    const refused = s.approvals.filter((a) => a.refusedBecause).map((a) => [a.by, a.refusedBecause]);
    assert.equal(refused.length, 5);
    assert.match(String(refused[0]![1]), /started this runbook.*does not allow self-approval/);
    assert.match(String(refused[1]![1]), /mallory is not an approver/);
    assert.match(String(refused[2]![1]), /gate "copy" is not open/);
    assert.match(String(refused[3]![1]), /already approved/);
    assert.match(String(refused[4]![1]), /^not a valid approve signal: by: "" is not a valid user name/);
    assert.equal(s.stages.find((x) => x.name === 'drain'), undefined, 'nothing moved past the gate');

    await o.approve(h, 'cutover', 'carol', 'second approval');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
  });

  test('self-approval works only when the policy allows it', async () => {
    const h = await o.start(relocateInput({ gates: { beforeCopy: null, cutover: gate({ allowInitiator: true }), dropTombstone: null, operator: gate() } }));
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    await o.approve(h, 'cutover', 'alice');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.deepEqual(r.value.status.approvals.map((a) => [a.by, a.refusedBecause ?? null]), [['alice', null]]);
  });

  test('a gate timeout with policy "wait" keeps waiting for an approval', async () => {
    const h = await o.start(relocateInput({ gates: { beforeCopy: gate({ timeoutMs: 1000, onTimeout: 'wait' }), cutover: null, dropTombstone: null, operator: gate() } }));
    const s = await o.waitFor(h, (x) => x.openGate?.name === 'copy', 'the copy gate');
    assert.ok(s.openGate?.timeoutAt, 'the gate says when it times out');
    await new Promise((r) => setTimeout(r, 2500));
    const later = await o.status(h);
    assert.equal(later.openGate?.name, 'copy', 'still waiting after the timeout');
    assert.equal(later.openGate?.timeoutAt, null, 'and no longer announces a timeout');
    await o.approve(h, 'copy', 'bob');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
  });

  test('a workflow started with a malformed input (bypassing the CLI) ends at once, naming the field', async () => {
    const bad = relocateInput({ pdb: 'SALES; DROP TABLESPACE USERS', drain: { timeoutMs: -5, onTimeout: 'abort', pollMs: 500 } });
    const h = await o.start({ ...bad, sourceCdb: 'CDB1' });
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'InvalidInput', !r.ok ? r.type : '');
    assert.match(!r.ok ? r.message : '', /pdb: "SALES; DROP TABLESPACE USERS" is not a valid Oracle identifier/);
    assert.match(!r.ok ? r.message : '', /drain\.timeoutMs/);
    assert.equal((await o.api.oplog()).length, 0, 'nothing reached the estate');
  });

  test('a workflow input whose gates nobody could pass is refused by the workflow itself', async () => {
    const h = await o.start(relocateInput({ pdb: 'SALES', gates: { beforeCopy: null, cutover: gate({ approvers: ['alice'] }), dropTombstone: null, operator: gate({ approvers: [] }) } }));
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'InvalidInput', !r.ok ? r.type : '');
    assert.match(!r.ok ? r.message : '', /gates\.cutover\.requiredApprovals: needs 1 distinct approvals but only 0 approver\(s\) other than the initiator/);
    assert.match(!r.ok ? r.message : '', /gates\.operator\.approvers: must name at least one approver/);
    assert.equal((await o.api.oplog()).length, 0, 'nothing reached the estate');
  });

  test('a gate timeout with policy "reject" compensates; a reject from a stranger is refused', async () => {
    const h = await o.start(relocateInput({ gates: { beforeCopy: gate({ timeoutMs: 1500, onTimeout: 'reject' }), cutover: gate(), dropTombstone: null, operator: gate() } }));
    await o.waitFor(h, (s) => s.openGate?.name === 'copy', 'the copy gate');
    await o.reject(h, 'copy', 'mallory');
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'RunbookFailed', !r.ok ? r.message : '');
    assert.match(!r.ok ? r.message : '', /timed out.*Nothing had been changed/);
    const s = await o.status(h);
    assert.match(s.approvals[0]?.refusedBecause ?? '', /mallory is not an approver/);
  });
});
