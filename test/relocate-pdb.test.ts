import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { countOps, gate, pdbEverywhere, relocateInput, orbSuite } from './helpers/orb-env';

describe('relocate-pdb runbook against a real Temporal server and a lab process', () => {
  const o = orbSuite();

  test('AVAILABILITY NORMAL: preflight, copy, cutover approval, drain, open, verify, services on the target', async () => {
    const h = await o.start(relocateInput());
    const atGate = await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    assert.deepEqual(atGate.openGate?.approvers, ['bob', 'carol'], 'alice started the run and may not approve it');
    assert.equal(atGate.state, 'waiting-approval');
    assert.ok(atGate.preflight.length >= 8, 'preflight reports every prerequisite');
    assert.ok(atGate.preflight.every((c) => c.outcome !== 'fail'));
    const copyStage = atGate.stages.find((s) => s.name === 'copy');
    assert.equal(copyStage?.outcome, 'succeeded');
    assert.ok(copyStage?.startedAt && copyStage.endedAt);

    // The cutover has not happened yet: the source is still the open one.
    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: 'NORMAL/READ WRITE', CDB2: 'RELOCATING/MOUNTED' });

    // Search attributes tell the run apart in the Web UI list.
    const desc = await h.describe();
    const sa = desc.typedSearchAttributes;
    assert.equal(sa.getAll().find((p) => p.key.name === 'OrbAwaitingApproval')?.value, true);
    assert.equal(sa.getAll().find((p) => p.key.name === 'OrbStage')?.value, 'approve-cutover');

    await o.approve(h, 'cutover', 'bob', 'change CHG-1');
    const r = await o.result(h);
    assert.ok(r.ok, `relocation failed: ${!r.ok && r.message}`);
    assert.equal(r.value.outcome, 'completed');
    const names = r.value.status.stages.map((s) => `${s.name}:${s.outcome}`);
    assert.deepEqual(names, [
      'fence:succeeded',
      'preflight:succeeded',
      'readiness:succeeded',
      'save-state:succeeded',
      'approve-copy:skipped',
      'copy:succeeded',
      'approve-cutover:succeeded',
      'drain:succeeded',
      'open:succeeded',
      'verify:succeeded',
      'start-services:succeeded',
      'save-state-target:succeeded',
      'drop-tombstone:skipped',
    ]);
    const saves = (await o.api.oplog()).filter((e) => e.op === 'savePdbState' && e.outcome === 'ok').map((e) => e.cdb);
    assert.deepEqual(saves, ['CDB1', 'CDB2'], 'open state saved on the source before, and on the target after');

    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: null, CDB2: 'NORMAL/READ WRITE' });
    const services = await o.api.op<{ name: string; runningOn: string[]; isDefault: boolean }[]>('CDB2', 'listServices', { pdb: 'SALES' });
    for (const s of services.filter((x) => !x.isDefault)) assert.ok(s.runningOn.length > 0, `${s.name} runs on the target`);
    assert.equal(await countOps(o.api, 'createPdbRelocate'), 1);
    assert.equal(r.value.status.approvals.filter((a) => !a.refusedBecause).length, 1);
    const finalSa = (await h.describe()).typedSearchAttributes.getAll();
    assert.equal(finalSa.find((p) => p.key.name === 'OrbStage')?.value, 'completed');
  });

  test('AVAILABILITY MAX: tombstone left RELOCATED until its gate, then dropped', async () => {
    const h = await o.start(relocateInput({ availability: 'MAX', gates: { beforeCopy: gate(), cutover: gate(), dropTombstone: gate(), operator: gate() } }));
    await o.waitFor(h, (s) => s.openGate?.name === 'copy', 'the gate before the copy');
    assert.equal(await countOps(o.api, 'createPdbRelocate'), 0, 'nothing is copied before the copy gate');
    await o.approve(h, 'copy', 'carol');
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    await o.approve(h, 'cutover', 'bob');
    await o.waitFor(h, (s) => s.openGate?.name === 'drop-tombstone', 'the tombstone gate');
    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: 'RELOCATED/MOUNTED', CDB2: 'NORMAL/READ WRITE' });
    await o.approve(h, 'drop-tombstone', 'bob');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal(r.value.status.stages.find((s) => s.name === 'drop-tombstone')?.outcome, 'succeeded');
    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: null, CDB2: 'NORMAL/READ WRITE' });
    const drops = (await o.api.oplog()).filter((e) => e.op === 'dropPdb' && e.outcome === 'ok');
    assert.deepEqual(drops.map((e) => e.cdb), ['CDB1'], 'only the tombstone was dropped');
  });

  test('a failing prerequisite ends the run in preflight, before anything changes', async () => {
    const before = (await o.api.oplog()).length;
    const h = await o.start(relocateInput({ pdb: 'HR', sourceCdb: 'CDB3', targetCdb: 'CDB2', dbLink: 'CDB3_LINK' }));
    const r = await o.result(h);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.type === 'PreflightFailed', !r.ok ? r.type : '');
    assert.match(!r.ok ? r.message : '', /preflight failed, nothing was changed/);
    const s = await o.status(h);
    assert.equal(s.state, 'failed');
    assert.ok(s.preflight.some((c) => c.outcome === 'fail'));
    assert.equal((await o.api.oplog()).length, before, 'no mutating operation reached the estate');
  });

  test('a second relocation of the same PDB while one runs is refused', async () => {
    const h = await o.start(relocateInput());
    await assert.rejects(o.start(relocateInput({ targetCdb: 'CDB2' })), WorkflowExecutionAlreadyStartedError);
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    await o.reject(h, 'cutover', 'alice', 'test over');
    await o.result(h);
  });
});
