import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { countOps, gate, pdbEverywhere, relocateInput, orbSuite } from './helpers/orb-env';

/**
 * Transient faults (connection lost, listener down, service not registered) at each database
 * step are retried by the activities' retry policy until the step succeeds, and the run still
 * completes with the estate exactly as a clean run leaves it.
 */
describe('transient faults at each database step are retried to success', () => {
  const o = orbSuite();

  const steps: { op: string; cdb: string; ora: string; when?: 'before' | 'after' }[] = [
    { op: 'getFacts', cdb: 'CDB1', ora: 'ORA-03113' },
    { op: 'savePdbState', cdb: 'CDB1', ora: 'ORA-03135' },
    { op: 'savePdbState', cdb: 'CDB1', ora: 'ORA-03113', when: 'after' },
    { op: 'createPdbRelocate', cdb: 'CDB2', ora: 'ORA-12514' },
    { op: 'getCopyProgress', cdb: 'CDB2', ora: 'ORA-12541' },
    { op: 'stopService', cdb: 'CDB1', ora: 'ORA-03113' },
    { op: 'stopService', cdb: 'CDB1', ora: 'ORA-03113', when: 'after' },
    { op: 'countSessions', cdb: 'CDB1', ora: 'ORA-12570' },
    { op: 'openPdb', cdb: 'CDB2', ora: 'ORA-03113' },
    { op: 'openPdb', cdb: 'CDB2', ora: 'ORA-03113', when: 'after' },
    { op: 'getPlugInViolations', cdb: 'CDB2', ora: 'ORA-12537' },
    { op: 'startService', cdb: 'CDB2', ora: 'ORA-12514' },
    { op: 'startService', cdb: 'CDB2', ora: 'ORA-03113', when: 'after' },
    { op: 'dropPdb', cdb: 'CDB1', ora: 'ORA-03113', when: 'after' },
  ];

  test('a connection lost mid-copy aborts it; the retry drops the UNUSABLE target and copies again', async () => {
    await o.api.fault({ op: 'createPdbRelocate', cdb: 'CDB2', kind: 'transient', ora: 'ORA-03113', at: 0.5 });
    const h = await o.start(relocateInput({ gates: { beforeCopy: null, cutover: null, dropTombstone: null, operator: gate() } }));
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? `${r.type}: ${r.message}` : '');
    const ops = (await o.api.oplog()).filter((e) => e.op === 'createPdbRelocate' || e.op === 'dropPdb').map((e) => `${e.op}@${e.cdb}:${e.outcome}`);
    assert.deepEqual(ops, ['createPdbRelocate@CDB2:error', 'dropPdb@CDB2:ok', 'createPdbRelocate@CDB2:ok']);
    assert.match(r.value.status.stages.find((s) => s.name === 'copy')?.detail ?? '', /dropped an UNUSABLE leftover first/);
    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: null, CDB2: 'NORMAL/READ WRITE' });
  });

  for (const f of steps) {
    test(`${f.op} on ${f.cdb} fails twice with ${f.ora}${f.when === 'after' ? ' after applying (lost reply)' : ''}`, async () => {
      await o.api.fault({ op: f.op, cdb: f.cdb, kind: 'transient', ora: f.ora, times: 2, when: f.when ?? 'before' });
      const h = await o.start(relocateInput({ availability: 'MAX', gates: { beforeCopy: null, cutover: gate(), dropTombstone: null, operator: gate() } }));
      await o.waitFor(h, (s) => s.openGate?.name === 'cutover' || s.state !== 'running', 'the cutover gate');
      await o.approve(h, 'cutover', 'bob');
      const r = await o.result(h);
      assert.ok(r.ok, !r.ok ? `${r.type}: ${r.message}` : '');
      assert.equal(r.value.outcome, 'completed');
      assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: null, CDB2: 'NORMAL/READ WRITE' });
      const [fault] = await o.api.faults();
      if (f.when === 'after') {
        // A lost reply: the statement took effect. The retry reads the estate first and finds it
        // done, so the statement is not necessarily sent again (openPdb, dropPdb) — never applied twice.
        assert.ok((fault?.fired ?? 0) >= 1, `${f.op}'s reply was lost at least once`);
        const applied = (await o.api.oplog()).filter((e) => e.op === f.op && e.cdb === f.cdb);
        assert.ok(applied.every((e) => e.outcome !== 'error' || e.error?.code === f.ora), 'no other error than the injected one');
      } else {
        // The fault really fired, twice, and the step was retried past it.
        assert.equal(fault?.fired, 2, `${f.op} failed twice before succeeding`);
      }
      assert.equal(await countOps(o.api, 'createPdbRelocate', 'ok'), 1, 'exactly one successful CREATE');
    });
  }
});
