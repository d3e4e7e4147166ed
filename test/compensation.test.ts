import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { countOps, gate, pdbEverywhere, relocateInput, orbSuite, type OrbEnv } from './helpers/orb-env';
import { until } from './helpers/until';

/** After compensation the source is open READ WRITE with its services, and nothing is left in the target. */
async function assertRestored(o: OrbEnv): Promise<void> {
  assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: 'NORMAL/READ WRITE', CDB2: null });
  const services = await o.api.op<{ name: string; runningOn: string[]; isDefault: boolean }[]>('CDB1', 'listServices', { pdb: 'SALES' });
  for (const s of services.filter((x) => !x.isDefault)) assert.ok(s.runningOn.length > 0, `${s.name} runs on the source again`);
}

describe('compensation before the open', () => {
  const o = orbSuite();

  test('a permanent fault during the copy ends in compensation: target dropped, source intact', async () => {
    await o.api.fault({ op: 'createPdbRelocate', cdb: 'CDB2', object: 'SALES', kind: 'permanent', ora: 'ORA-19504', at: 0.5 });
    const h = await o.start(relocateInput());
    const r = await o.result(h);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.type === 'RunbookCompensated', !r.ok ? `${r.type}: ${r.message}` : '');
    assert.match(!r.ok ? r.message : '', /ORA-19504/);
    const s = await o.status(h);
    assert.equal(s.state, 'compensated');
    assert.equal(s.stages.find((x) => x.name === 'copy')?.outcome, 'failed');
    assert.ok(s.compensation.some((c) => /drop the copy/.test(c.step) && c.outcome === 'done'));
    assert.equal(await countOps(o.api, 'dropPdb', 'ok'), 1, 'the UNUSABLE target was dropped');
    await assertRestored(o);
  });

  test('a rejection at the cutover gate ends in compensation', async () => {
    const h = await o.start(relocateInput());
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    await o.reject(h, 'cutover', 'carol', 'application team not ready');
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'RunbookCompensated');
    assert.match(!r.ok ? r.message : '', /rejected at gate "cutover" by carol: application team not ready/);
    const s = await o.status(h);
    assert.deepEqual(s.approvals.map((a) => [a.decision, a.by, a.refusedBecause ?? null]), [['reject', 'carol', null]]);
    await assertRestored(o);
  });

  test('orb cancel during the cutover gate compensates and the run ends cancelled', async () => {
    const h = await o.start(relocateInput());
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    await h.cancel();
    await assert.rejects(h.result(), (e: Error) => /cancel/i.test(`${e.message} ${(e as any).cause?.message}`));
    const s = await o.status(h);
    assert.equal(s.state, 'compensated');
    assert.match(s.reason ?? '', /cancelled by an operator/);
    await assertRestored(o);
  });

  test('orb cancel during the copy waits for the copy to end, then drops it', async () => {
    await o.api.clock(2); // a slower copy, so the cancel lands while it runs
    const h = await o.start(relocateInput());
    await o.waitFor(h, (s) => s.stage === 'copy' && (s.progress?.percent ?? 0) > 0, 'the copy to be under way');
    await h.cancel();
    await assert.rejects(h.result(), (e: Error) => /cancel/i.test(`${e.message} ${(e as any).cause?.message}`));
    await o.api.clock(10);
    const s = await o.status(h);
    assert.equal(s.state, 'compensated', JSON.stringify(s.compensation));
    assert.equal(await countOps(o.api, 'createPdbRelocate'), 1, 'no second CREATE after the cancel');
    await assertRestored(o);
  });

  test('drain timeout with abort restarts the stopped services and drops the copy', async () => {
    // Long-running sessions never leave by themselves.
    await o.api.addSessions({ cdb: 'CDB1', service: 'SALES_RW', count: 3, longRunning: true });
    const h = await o.start(relocateInput({ drain: { timeoutMs: 2000, onTimeout: 'abort', pollMs: 400 } }));
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    await o.approve(h, 'cutover', 'bob');
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'RunbookCompensated', !r.ok ? r.message : '');
    assert.match(!r.ok ? r.message : '', /after the drain timeout; the runbook was told to abort/);
    assert.equal(await countOps(o.api, 'disconnectSessions'), 0, 'abort never disconnects anyone');
    await assertRestored(o);
  });

  test('compensation survives its own transient failures', async () => {
    await o.api.fault({ op: 'createPdbRelocate', cdb: 'CDB2', object: 'SALES', kind: 'permanent', ora: 'ORA-19504', at: 0.3 });
    await o.api.fault({ op: 'dropPdb', cdb: 'CDB2', object: 'SALES', kind: 'transient', ora: 'ORA-03113', times: 2 });
    const h = await o.start(relocateInput());
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'RunbookCompensated', !r.ok ? r.message : '');
    assert.equal(await countOps(o.api, 'dropPdb', 'error'), 2);
    await assertRestored(o);
  });

  test('a CREATE of the PDB someone else started is neither joined nor dropped: the copy fails and compensation leaves it', async () => {
    await o.api.clock(2); // the DBA's copy outlasts the run's copy stage
    const h = await o.start(relocateInput({ gates: { beforeCopy: gate(), cutover: gate(), dropTombstone: null, operator: gate() } }));
    await o.waitFor(h, (s) => s.openGate?.name === 'copy', 'the gate before the copy');
    // Between preflight and the copy, a DBA starts the same relocation by hand.
    const byHand = o.api.op('CDB2', 'createPdbRelocate', { pdb: 'SALES', dbLink: 'CDB1_LINK', availability: 'NORMAL' });
    byHand.catch(() => undefined);
    await until('the DBA’s CREATE', () => o.api.op<unknown[]>('CDB2', 'getCopyProgress'), (c) => c.length === 1);
    await o.approve(h, 'copy', 'bob');
    const r = await o.result(h);
    assert.ok(!r.ok, 'the run does not complete');
    assert.match(r.message, /CDB2 is already creating SALES: a CREATE PLUGGABLE DATABASE this run did not start/);
    const s = await o.status(h);
    assert.equal(s.stages.find((x) => x.name === 'copy')?.outcome, 'failed');
    const drop = s.compensation.find((c) => /drop the copy/.test(c.step));
    assert.equal(drop?.outcome, 'skipped', JSON.stringify(s.compensation));
    assert.match(drop?.detail ?? '', /this run created nothing in CDB2/);
    assert.equal(await countOps(o.api, 'dropPdb'), 0, 'nothing dropped');
    assert.equal(await countOps(o.api, 'createPdbRelocate'), 1, 'only the DBA’s CREATE');
    await o.api.clock(50);
    await byHand;
    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: 'NORMAL/READ WRITE', CDB2: 'RELOCATING/MOUNTED' }, 'their copy is intact');
    await o.api.op('CDB2', 'dropPdb', { pdb: 'SALES' }); // the DBA's clean-up, for the suite's invariants
  });
});
