import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { countOps, pdbEverywhere, relocateInput, startOrbEnv, type OrbEnv } from './helpers/orb-env';

describe('a worker killed during the copy', () => {
  let o: OrbEnv;
  before(async () => {
    o = await startOrbEnv({ inProcessWorker: false });
  });
  after(async () => {
    await o?.stop();
  });

  test('a second worker finishes the run with exactly one CREATE in the operation log', async () => {
    const first = o.startWorkerProcess();
    const h = await o.start(relocateInput());
    // Wait for the CREATE to be under way in the lab, then slow the lab's clock so the copy
    // outlasts the heartbeat timeout: the second worker must find it still running.
    for (let i = 0; i < 600; i++) {
      if ((await o.api.oplog()).some((e) => e.op === 'createPdbRelocate' && e.outcome === 'running')) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await o.api.clock(0.5);
    first.kill('SIGKILL');
    await once(first, 'exit');
    assert.equal(await countOps(o.api, 'createPdbRelocate'), 1);
    assert.equal((await o.api.oplog()).find((e) => e.op === 'createPdbRelocate')?.outcome, 'running', 'the copy goes on without its client');

    o.startWorkerProcess();
    // The second worker retries the copy activity after the heartbeat timeout and joins the copy.
    await o.waitFor(h, (s) => s.stage === 'copy' && (s.progress?.percent ?? 0) > 0, 'the second worker to report copy progress', 90_000);
    await o.api.clock(10);
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate', 120_000);
    await o.approve(h, 'cutover', 'bob');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal(await countOps(o.api, 'createPdbRelocate'), 1, 'the second worker joined the running copy instead of issuing another CREATE');
    assert.match(r.value.status.stages.find((s) => s.name === 'copy')?.detail ?? '', /^joined the copy an earlier attempt had started/);
    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: null, CDB2: 'NORMAL/READ WRITE' });
    assert.deepEqual((await o.api.invariants(true)).violations, []);
  });
});
