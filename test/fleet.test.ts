import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { WorkflowFailedError, WorkflowNotFoundError, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { cliEnvOf, gate, orbSuite, relocateInput } from './helpers/orb-env';
import { closedPort, runCli } from './helpers/processes';
import { payloadConverter } from '../common/payload-converter';
import type { RunStatus } from '../client/runbooks';
import type { FleetInput } from '../common/fleet-types';
import type { RelocatePdbInput, RunbookStatus } from '../common/runbook-types';
import { fleetPdbName } from '../lab/fleet-seed';

/**
 * Fleets (workflows/fleet.ts) against a real Temporal dev server and a lab holding a fleet (lab/fleet-seed.ts):
 * PDBs FL0001.. spread over FLEET1..FLEET3, relocated into CDB2 by ordinary relocate-pdb children.
 */
describe('fleet of relocations', () => {
  const o = orbSuite();

  /** Child n (1-based): FLnnnn from its fleet CDB into CDB2, as `orb start relocate-pdb` would build it. */
  function child(n: number, over: Partial<RelocatePdbInput> = {}): RelocatePdbInput {
    const src = `FLEET${((n - 1) % 3) + 1}`;
    return relocateInput({ pdb: fleetPdbName(n), sourceCdb: src, targetCdb: 'CDB2', dbLink: `${src}_LINK`, gates: { beforeCopy: null, cutover: null, dropTombstone: null, operator: gate() }, ...over });
  }

  function fleetInput(n: number, over: Partial<FleetInput> = {}): FleetInput {
    const children = Array.from({ length: n }, (_, k) => child(k + 1));
    return { runbook: 'relocate-pdb', children, concurrency: 3, waves: null, waveGate: null, stopAfterFailures: 2, startedBy: 'alice', ...over };
  }

  let seq = 0;
  async function startFleet(input: unknown): Promise<WorkflowHandleWithFirstExecutionRunId> {
    return o.env.client.workflow.start('fleet', { taskQueue: o.taskQueue, workflowId: `fleet:test:${++seq}`, args: [input] });
  }

  async function outcome(h: WorkflowHandle): Promise<{ ok: boolean; type?: string; message?: string; status: RunbookStatus }> {
    try {
      const r = (await h.result()) as { status: RunbookStatus };
      return { ok: true, status: r.status };
    } catch (err) {
      assert.ok(err instanceof WorkflowFailedError, String(err));
      const cause = err.cause as { type?: string; message: string; details?: unknown[] };
      return { ok: false, type: cause.type, message: cause.message, status: cause.details?.[0] as RunbookStatus };
    }
  }

  /** Whether a run of this id was started by this fleet (ids repeat across the suite's tests: the same PDBs move). */
  async function startedBy(id: string, fleet: WorkflowHandle): Promise<boolean> {
    try {
      return (await o.env.client.workflow.getHandle(id).describe()).parentExecution?.workflowId === fleet.workflowId;
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return false;
      throw err;
    }
  }

  /** The most copies (CREATE PLUGGABLE DATABASE ... RELOCATE) the lab ever ran at once, from its operation log. */
  async function mostCopiesAtOnce(): Promise<number> {
    const copies = (await o.api.oplog()).filter((e) => e.op === 'createPdbRelocate');
    const edges = copies.flatMap((c) => [[Date.parse(c.at), 1], [Date.parse(c.endedAt ?? c.at), -1]] as [number, number][]);
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]); // an end before a start at the same instant
    let now = 0;
    let most = 0;
    for (const [, d] of edges) most = Math.max(most, (now += d));
    return most;
  }

  test('10 relocations, 3 at a time: all complete, never more than 3 at once, each an ordinary run', async () => {
    await o.api.reset('test', 10);
    const h = await startFleet(fleetInput(10));
    const r = await outcome(h);
    assert.ok(r.ok, r.message);
    const f = r.status.fleet!;
    assert.equal(f.counts.completed, 10);
    assert.equal(f.counts.failed + f.counts.compensated + f.counts.pending + f.counts.notStarted, 0);
    assert.ok(f.peakRunning <= 3 && f.peakRunning >= 2, `peak ${f.peakRunning}`);
    assert.ok((await mostCopiesAtOnce()) <= 3, 'the lab never copied more than 3 PDBs at once');
    for (let n = 1; n <= 10; n++) {
      const p = await o.api.op<{ status: string; openMode: string } | null>('CDB2', 'getPdb', { pdb: fleetPdbName(n) });
      assert.equal(`${p?.status}/${p?.openMode}`, 'NORMAL/READ WRITE', fleetPdbName(n));
    }
    const d = await o.env.client.workflow.getHandle('relocate-pdb:FLEET1:FL0001').describe();
    assert.equal(d.status.name, 'COMPLETED');
    assert.equal(d.parentExecution?.workflowId, h.workflowId);
    assert.equal(d.typedSearchAttributes.get({ name: 'OrbRunbook', type: 'KEYWORD' } as never), 'relocate-pdb');
  });

  test('the stop rule: after 2 failures no new child starts, the running one finishes, the fleet fails naming them', async () => {
    await o.api.reset('test', 8);
    for (const pdb of ['FL0001', 'FL0002']) await o.api.fault({ op: 'createPdbRelocate', cdb: 'CDB2', object: pdb, kind: 'permanent', ora: 'ORA-65040' });
    const h = await startFleet(fleetInput(8, { concurrency: 2, stopAfterFailures: 2 }));
    const r = await outcome(h);
    assert.equal(r.type, 'FleetFailed', r.message);
    assert.match(r.message ?? '', /relocate-pdb:FLEET1:FL0001 compensated.*ORA-65040/);
    assert.match(r.message ?? '', /relocate-pdb:FLEET2:FL0002 compensated/);
    const f = r.status.fleet!;
    assert.equal(f.counts.compensated, 2);
    assert.ok(f.stopped?.includes('stop rule'), f.stopped ?? '');
    // Started before the second failure: it ran to its end. None started after.
    const started = f.counts.completed + f.counts.compensated + f.counts.failed;
    assert.equal(f.counts.notStarted, 8 - started);
    assert.ok(started <= 4, `started ${started}`);
    for (let n = started + 1; n <= 8; n++) {
      const id = `relocate-pdb:FLEET${((n - 1) % 3) + 1}:${fleetPdbName(n)}`;
      assert.equal(await startedBy(id, h), false, `${id} never started`);
    }
    await o.api.clearFaults();
    const back = await o.api.op<{ status: string; openMode: string } | null>('FLEET1', 'getPdb', { pdb: 'FL0001' });
    assert.equal(`${back?.status}/${back?.openMode}`, 'NORMAL/READ WRITE', 'compensated: FL0001 is open in its source again');
  });

  test('waves: the gate between waves, and the children waiting at their own gates, show in the fleet', async () => {
    await o.api.reset('test', 4);
    const withCutover = (n: number) => child(n, { gates: { beforeCopy: null, cutover: gate(), dropTombstone: null, operator: gate() } });
    const input = fleetInput(4, { children: [1, 2, 3, 4].map(withCutover), concurrency: 2, waves: [2, 2], waveGate: gate() });
    const h = await startFleet(input);
    const atGate = (s: RunbookStatus) => s.fleet?.running.filter((c) => c.gate === 'cutover').map((c) => c.workflowId).sort() ?? [];
    const approveChildren = async (ids: string[]) => {
      const s = await o.waitFor(h, (x) => atGate(x).join() === ids.join() && x.fleet?.counts.waitingApproval === 2, `${ids} at their cutover gates`);
      assert.equal(s.fleet?.counts.running, 2);
      for (const id of ids) await o.env.client.workflow.getHandle(id).signal('approve', { gate: 'cutover', by: 'bob' });
    };
    await approveChildren(['relocate-pdb:FLEET1:FL0001', 'relocate-pdb:FLEET2:FL0002']);
    const s = await o.waitFor(h, (x) => x.openGate?.name === 'wave-2', 'the gate before wave 2');
    assert.equal(s.state, 'waiting-approval');
    assert.equal(s.fleet?.counts.completed, 2);
    assert.equal(s.fleet?.counts.pending, 2);
    await o.approve(h, 'wave-2', 'alice'); // refused: alice started the fleet
    await o.approve(h, 'wave-2', 'carol');
    await approveChildren(['relocate-pdb:FLEET1:FL0004', 'relocate-pdb:FLEET3:FL0003']);
    const r = await outcome(h);
    assert.ok(r.ok, r.message);
    assert.equal(r.status.fleet?.counts.completed, 4);
    assert.deepEqual(r.status.stages.map((x) => `${x.name}:${x.outcome}`), ['wave-1:succeeded', 'approve-wave-2:succeeded', 'wave-2:succeeded']);
    assert.ok(r.status.approvals.some((a) => a.by === 'alice' && a.refusedBecause), 'the initiator may not approve the wave gate');
  });

  test('hostile fleet input is refused by the workflow, naming the field; no child starts', async () => {
    await o.api.reset('test', 3);
    const bad: { over: Record<string, unknown>; field: RegExp }[] = [
      { over: { children: [child(1), { ...child(2), pdb: 'FL0002; DROP USER SYS' }] }, field: /children\.1\.pdb: / },
      { over: { concurrency: 0 }, field: /concurrency: must be a whole number from 1 to 100/ },
      { over: { waves: [1, 1] }, field: /waves: must add up to the number of children \(3\)/ },
      { over: { children: [child(1), child(1)] }, field: /children\.1: runs as relocate-pdb:FLEET1:FL0001, like children\.0/ },
      { over: { runbook: 'drop-everything' }, field: /runbook: must be one of relocate-pdb/ },
      { over: { progress: { started: 99 } }, field: /progress\./ },
    ];
    for (const b of bad) {
      const h = await startFleet({ ...fleetInput(3), ...b.over });
      const r = await outcome(h);
      assert.equal(r.type, 'InvalidInput', r.message);
      assert.match(r.message ?? '', b.field);
      assert.equal(await startedBy('relocate-pdb:FLEET1:FL0001', h), false, 'no child started');
    }
  });

  test('orb plan fleet and orb start fleet relocate-pdb --pattern: each child as orb start relocate-pdb builds it; orb status shows the aggregate', async () => {
    await o.api.reset('test', 6);
    const env = cliEnvOf(o, { ORB_USER: 'alice' });
    const opts = ['--from', 'FLEET1,FLEET2', '--to', 'CDB2', '--pattern', 'FL%', '--concurrency', '2', '--stop-after-failures', '2',
      '--wave-size', '2', '--no-wave-gate', '--no-cutover-gate', '--drain-timeout', '4s', '--on-drain-timeout', 'disconnect'];
    const plan = await runCli(['plan', 'fleet', 'relocate-pdb', ...opts], env, 60_000);
    assert.equal(plan.code, 0, plan.stderr);
    // FLEET1 holds FL0001 and FL0004, FLEET2 FL0002 and FL0005: four children in two waves of two.
    assert.match(plan.stdout, /Fleet of 4 relocate-pdb runs into CDB2, 2 at a time/);
    assert.match(plan.stdout, /2 waves of 2, 2 run\(s\)\n/);
    assert.match(plan.stdout, /1 +FL0001 +FLEET1 +CDB2 +FLEET1_LINK +relocate-pdb:FLEET1:FL0001/);
    assert.doesNotMatch(plan.stdout, /FL0003/);
    // Refused before anything is contacted (no server at that address): the option named, exit 2.
    const noServer = { ...env, TEMPORAL_ADDRESS: `127.0.0.1:${await closedPort()}` };
    const refusals: [string[], RegExp][] = [
      [['--concurrency', '0'], /--concurrency: must be a whole number from 1 to 100/],
      [['--from', 'CDB4'], /--db-link: is required: the estate names no database link in CDB2 to CDB4/],
      [['--pdbs', 'FL0001'], /--pattern: give either --pdbs or --pattern, not both/],
      [['--pattern', "FL'; --"], /--pattern: must be a LIKE pattern/],
    ];
    for (const [extra, rule] of refusals) {
      const bad = await runCli(['start', 'fleet', 'relocate-pdb', ...opts, ...extra], noServer, 60_000);
      assert.equal(bad.code, 2, `${extra.join(' ')}: ${bad.stdout}${bad.stderr}`);
      assert.match(bad.stderr, rule);
    }

    const run = await runCli(['start', 'fleet', 'relocate-pdb', ...opts, '--wait', '--json'], env, 120_000);
    assert.equal(run.code, 0, run.stderr);
    const final = (JSON.parse(run.stdout) as { final: RunStatus }).final;
    assert.equal(final.status?.fleet?.counts.completed, 4);
    assert.deepEqual(final.status?.stages.map((x) => x.name), ['wave-1', 'wave-2']);
    // The child is exactly what orb start relocate-pdb builds with the same options.
    const d = await o.env.client.workflow.getHandle('relocate-pdb:FLEET2:FL0005').fetchHistory();
    const payload = d.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0];
    const childInput = payloadConverter.fromPayload<RelocatePdbInput>(payload as never);
    const { buildRelocateInput } = await import('../client/relocate-input');
    const same = buildRelocateInput({ pdb: 'FL0005', from: 'FLEET2', to: 'CDB2', cutoverGate: false, drainTimeout: '4s', onDrainTimeout: 'disconnect' }, o.estate, { ORB_USER: 'alice' });
    assert.deepEqual(childInput, same);
    const status = await runCli(['status', final.workflowId], env, 30_000);
    assert.equal(status.code, 0, status.stderr);
    assert.match(status.stdout, /Fleet: 4 relocate-pdb runs, 2 at a time, wave 2 of 2/);
    assert.match(status.stdout, /0 running \(0 at a gate\), 4 completed, 0 failed/);
  });

  test('a fleet continues as new past its children per run, carrying its progress, and still keeps to its concurrency', async () => {
    await o.api.reset('test', 7);
    const h = await startFleet(fleetInput(7, { concurrency: 3, childrenPerRun: 3 }));
    const r = await outcome(h);
    assert.ok(r.ok, r.message);
    assert.equal(r.status.fleet?.counts.completed, 7);
    assert.equal(r.status.fleet?.runs, 3, 'three runs: 3 + 3 + 1 children');
    assert.ok((r.status.fleet?.peakRunning ?? 0) <= 3);
    assert.ok((await mostCopiesAtOnce()) <= 3, 'never more than 3 copies at once, across the runs');
    const first = await o.env.client.workflow.getHandle(h.workflowId, h.firstExecutionRunId).describe();
    assert.equal(first.status.name, 'CONTINUED_AS_NEW');
  });

  test('a rejected wave gate stops the fleet; cancelling a fleet cancels its running children, which compensate', async () => {
    await o.api.reset('test', 4);
    const withCutover = (n: number) => child(n, { gates: { beforeCopy: null, cutover: gate(), dropTombstone: null, operator: gate() } });
    const waved = await startFleet(fleetInput(2, { concurrency: 1, waves: [1, 1], waveGate: gate() }));
    await o.waitFor(waved, (x) => x.openGate?.name === 'wave-2', 'the gate before wave 2');
    await o.reject(waved, 'wave-2', 'bob', 'not tonight');
    const r = await outcome(waved);
    assert.equal(r.type, 'FleetFailed', r.message);
    assert.match(r.message ?? '', /gate "wave-2" rejected by bob: not tonight.*1 of 2 completed.*1 not started/);
    assert.equal(await startedBy('relocate-pdb:FLEET2:FL0002', waved), false);

    const h = await startFleet(fleetInput(3, { children: [3, 4, 5].map((n) => withCutover(n > 4 ? 2 : n)), concurrency: 2 }));
    await o.waitFor(h, (x) => x.fleet?.counts.waitingApproval === 2, 'two children at their cutover gates');
    const cancel = await runCli(['cancel', h.workflowId], cliEnvOf(o, { ORB_USER: 'alice' }), 30_000);
    assert.equal(cancel.code, 0, cancel.stderr);
    assert.match(cancel.stdout + cancel.stderr, /no new child run starts; each running child is asked to cancel/);
    await assert.rejects(h.result());
    const d = await h.describe();
    assert.equal(d.status.name, 'CANCELLED');
    for (const [cdb, pdb] of [['FLEET3', 'FL0003'], ['FLEET1', 'FL0004']]) {
      const c = await o.env.client.workflow.getHandle(`relocate-pdb:${cdb}:${pdb}`).describe();
      assert.equal(c.status.name, 'CANCELLED', `${pdb}'s run was cancelled with its fleet`);
      const p = await o.api.op<{ status: string; openMode: string } | null>(cdb, 'getPdb', { pdb });
      assert.equal(`${p?.status}/${p?.openMode}`, 'NORMAL/READ WRITE', `${pdb} is open in its source again`);
    }
    assert.equal(await startedBy('relocate-pdb:FLEET2:FL0002', h), false, 'no child started after the cancel');
  });
});
