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
    await o.waitFor(h, (s) => s.stage === 'copy' && (s.progress?.percent ?? 0) > 5, 'the copy to be under way', 90_000);
    first.kill('SIGKILL');
    await once(first, 'exit');
    assert.equal(await countOps(o.api, 'createPdbRelocate'), 1);

    o.startWorkerProcess();
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate', 120_000);
    await o.approve(h, 'cutover', 'bob');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal(await countOps(o.api, 'createPdbRelocate'), 1, 'the second worker joined the running copy instead of issuing another CREATE');
    // The second worker either joined the copy still under way or found it finished: never a second CREATE.
    assert.match(r.value.status.stages.find((s) => s.name === 'copy')?.detail ?? '', /^(joined-running-copy|already-copied)/);
    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: null, CDB2: 'NORMAL/READ WRITE' });
    assert.deepEqual((await o.api.invariants(true)).violations, []);
  });
});
