import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pdbEverywhere, relocateInput, orbSuite } from './helpers/orb-env';

/**
 * Permanent faults: before the open the run compensates and leaves the source as it was;
 * from the open on, the run waits at an operator gate to retry or stop, and says why.
 * Whatever happens, the lab's invariants hold.
 */
describe('permanent faults at each step', () => {
  const o = orbSuite();

  // expect: RunbookFailed when nothing had changed yet, RunbookCompensated when undo ran.
  const beforeOpen: { op: string; cdb: string; object?: string; ora: string; stage: string; expect: string }[] = [
    { op: 'savePdbState', cdb: 'CDB1', ora: 'ORA-01031', stage: 'save-state', expect: 'RunbookFailed' },
    { op: 'createPdbRelocate', cdb: 'CDB2', ora: 'ORA-65040', stage: 'copy', expect: 'RunbookCompensated' },
    { op: 'stopService', cdb: 'CDB1', ora: 'ORA-44791', stage: 'drain', expect: 'RunbookCompensated' },
    { op: 'countSessions', cdb: 'CDB1', object: 'SALES_RW', ora: 'ORA-00942', stage: 'drain', expect: 'RunbookCompensated' },
  ];
  for (const f of beforeOpen) {
    test(`${f.op} failing with ${f.ora} ends the run with the source as it was (${f.expect})`, async () => {
      await o.api.fault({ op: f.op, cdb: f.cdb, ...(f.object ? { object: f.object } : {}), kind: 'permanent', ora: f.ora });
      const h = await o.start(relocateInput());
      const s = await o.waitFor(h, (x) => x.openGate?.name === 'cutover' || x.state !== 'running', 'the cutover gate or the end');
      if (s.openGate) await o.approve(h, 'cutover', 'bob');
      const r = await o.result(h);
      assert.ok(!r.ok && r.type === f.expect, !r.ok ? `${r.type}: ${r.message}` : 'completed');
      assert.match(!r.ok ? r.message : '', new RegExp(f.ora));
      const st = await o.status(h);
      assert.equal(st.stages.find((x) => x.name === f.stage && x.outcome === 'failed')?.name, f.stage);
      await o.api.clearFaults();
      assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: 'NORMAL/READ WRITE', CDB2: null });
      const services = await o.api.op<{ name: string; runningOn: string[]; isDefault: boolean }[]>('CDB1', 'listServices', { pdb: 'SALES' });
      for (const svc of services.filter((x) => !x.isDefault)) assert.ok(svc.runningOn.length > 0, `${svc.name} runs again`);
    });
  }

  test('the open failing waits at an operator gate; rejecting there restores the source', async () => {
    await o.api.fault({ op: 'openPdb', cdb: 'CDB2', kind: 'permanent', ora: 'ORA-65086' });
    const h = await o.start(relocateInput());
    await o.waitFor(h, (x) => x.openGate?.name === 'cutover', 'the cutover gate');
    await o.approve(h, 'cutover', 'bob');
    const s = await o.waitFor(h, (x) => x.openGate?.name === 'recover-open', 'the recover-open gate');
    assert.match(s.openGate?.question ?? '', /ORA-65086.*no automatic undo/);
    await o.reject(h, 'recover-open', 'carol', 'give up tonight');
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'RunbookCompensated', !r.ok ? `${r.type}: ${r.message}` : '');
    await o.api.clearFaults();
    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: 'NORMAL/READ WRITE', CDB2: null });
  });

  test('rejecting at recover-open is refused while the PDB is open nowhere; a retry of the open finishes the run', async () => {
    await o.api.fault({ op: 'openPdb', cdb: 'CDB2', kind: 'permanent', ora: 'ORA-65086' });
    const h = await o.start(relocateInput());
    await o.waitFor(h, (x) => x.openGate?.name === 'cutover', 'the cutover gate');
    await o.approve(h, 'cutover', 'bob');
    await o.waitFor(h, (x) => x.openGate?.name === 'recover-open', 'the recover-open gate');
    // As if the failed OPEN had got as far as closing the source.
    await o.api.patchPdb('CDB1', 'SALES', { status: 'RELOCATED', openMode: 'MOUNTED' });
    await o.reject(h, 'recover-open', 'carol', 'give up');
    const s = await o.waitFor(h, (x) => x.openGate?.name === 'recover-open' && /open in no CDB/.test(x.openGate.question), 'the gate to open again, saying why');
    assert.ok(s.notes.some((n) => /carol asked to stop, but SALES is open nowhere/.test(n)), JSON.stringify(s.notes));
    assert.equal(s.compensation.length, 0, 'nothing was undone');
    await o.api.clearFaults();
    await o.approve(h, 'recover-open', 'carol', 'fault cleared, retry');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal((await pdbEverywhere(o.api, 'SALES')).CDB2, 'NORMAL/READ WRITE');
  });

  test('a failure after the open waits for an operator, and a retry finishes the run', async () => {
    await o.api.fault({ op: 'startService', cdb: 'CDB2', kind: 'permanent', ora: 'ORA-44773' });
    const h = await o.start(relocateInput());
    await o.waitFor(h, (x) => x.openGate?.name === 'cutover', 'the cutover gate');
    await o.approve(h, 'cutover', 'bob');
    const s = await o.waitFor(h, (x) => x.openGate?.name === 'recover-start-services', 'the recovery gate');
    assert.match(s.openGate?.question ?? '', /ORA-44773/);
    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: null, CDB2: 'NORMAL/READ WRITE' }, 'no automatic undo after the open');
    await o.api.clearFaults();
    await o.approve(h, 'recover-start-services', 'carol', 'fault cleared');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.ok(r.value.status.stages.some((x) => x.name === 'start-services (retry 1)' && x.outcome === 'succeeded'));
  });
});
