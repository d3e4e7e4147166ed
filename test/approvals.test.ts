import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gate, relocateInput, startOrbEnv, type OrbEnv } from './helpers/orb-env';

describe('approval gates keep their policy', () => {
  let o: OrbEnv;
  before(async () => {
    o = await startOrbEnv();
  });
  after(async () => {
    await o?.stop();
  });
  afterEach(async () => {
    assert.deepEqual((await o.api.invariants(true)).violations, []);
    await o.api.reset('test');
  });

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
    assert.match(String(refused[4]![1]), /does not say who sent it/);
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
