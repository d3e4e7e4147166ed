/**
 * The CLI end to end, as an operator uses it: `node dist/client/cli.js` in child processes
 * against a real Temporal dev server (the Temporal CLI), a real lab process and a worker.
 * Start, a refused second start, status at the cutover gate, a refused self-approval, an
 * approval sent with the Temporal CLI exactly as the README shows, completion, list, the
 * lab's view of the result; then `orb cancel --wait` before the open compensates.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import type { RunStatus, ListedRun } from '../client/runbooks';
import { cliEnvOf, pdbEverywhere, startOrbEnv, type OrbEnv } from './helpers/orb-env';
import { temporalCliPath } from './helpers/temporal-cli';
import { runCli, type CliRun } from './helpers/processes';

const ID = 'relocate-pdb:CDB1:SALES';

let o: OrbEnv;

function cliEnv(): NodeJS.ProcessEnv {
  return cliEnvOf(o, { ORB_USER: undefined });
}

function orb(args: string[], timeoutMs = 30_000): Promise<CliRun> {
  return runCli(args, cliEnv(), timeoutMs);
}

function show(r: Omit<CliRun, 'ms'>): string {
  return `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;
}

/** Runs `orb status <id> --json` until pred holds. */
async function statusUntil(pred: (r: RunStatus) => boolean, what: string, timeoutMs = 30_000): Promise<RunStatus> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const r = await orb(['status', ID, '--json']);
    last = show(r);
    if (r.stdout.trim()) {
      const s = JSON.parse(r.stdout) as RunStatus;
      if (pred(s)) return s;
    }
    await new Promise((res) => setTimeout(res, 300));
  }
  throw new Error(`timed out waiting for ${what}; last orb status: ${last}`);
}

/** A clean slate after an earlier test that failed half-way: no run of ours, the lab's test seed. */
async function fresh(): Promise<void> {
  const h = o.env.client.workflow.getHandle(ID);
  const d = await h.describe().catch(() => null);
  if (d?.status.name === 'RUNNING') await h.terminate('clean slate for the next test');
  await o.api.clearFaults();
  await o.api.reset('test');
}

describe('orb CLI end to end (Temporal dev server, lab process, worker)', () => {
  before(async () => {
    o = await startOrbEnv();
  });
  after(async () => {
    await o?.stop();
  });

  test('start, refused second start, status, refused self-approval, approve with the Temporal CLI, completion, list, lab', async () => {
    const startArgs = ['start', 'relocate-pdb', '--pdb', 'SALES', '--from', 'CDB1', '--to', 'CDB2', '--started-by', 'alice', '--drain-timeout', '3s', '--on-drain-timeout', 'disconnect', '--json'];
    const started = await orb(startArgs);
    assert.equal(started.code, 0, show(started));
    const s = JSON.parse(started.stdout) as { workflowId: string; taskQueue: string };
    assert.equal(s.workflowId, ID);
    assert.equal(s.taskQueue, o.taskQueue);

    // One relocation of a PDB from a CDB at a time: exit 4, naming the running workflow.
    const again = await orb(startArgs);
    assert.equal(again.code, 4, show(again));
    assert.match(again.stderr, /already running: workflow relocate-pdb:CDB1:SALES/);
    assert.match(again.stderr, /orb status relocate-pdb:CDB1:SALES/);

    // Nor a relocation of another PDB named SALES into the same target from another source
    // (once the running one is visible: Temporal's visibility is eventually consistent).
    for (let i = 0; i < 50; i++) {
      let seen = false;
      for await (const _ of o.env.client.workflow.list({ query: 'OrbPdb = "SALES" AND OrbTargetCdb = "CDB2" AND ExecutionStatus = "Running"' })) seen = true;
      if (seen) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const clash = await orb(['start', 'relocate-pdb', '--pdb', 'SALES', '--from', 'CDB3', '--to', 'CDB2', '--started-by', 'alice', '--json']);
    assert.equal(clash.code, 4, show(clash));
    assert.match(clash.stderr, /another relocation of a PDB named SALES into CDB2 is running: workflow relocate-pdb:CDB1:SALES/);

    // What `orb start` set on the workflow: search attributes and a static summary.
    const desc = await o.env.client.workflow.getHandle(ID).describe();
    const sa = Object.fromEntries(desc.typedSearchAttributes.getAll().map((p) => [p.key.name, p.value]));
    assert.equal(sa.OrbRunbook, 'relocate-pdb');
    assert.equal(sa.OrbPdb, 'SALES');
    assert.equal(sa.OrbSourceCdb, 'CDB1');
    assert.equal(sa.OrbTargetCdb, 'CDB2');
    assert.equal(await desc.staticSummary(), 'Relocate SALES: CDB1 → CDB2 (NORMAL)');
    assert.match((await desc.staticDetails()) ?? '', /Started by \*\*alice\*\*/);

    // The cutover gate opens after the copy.
    const atGate = await statusUntil((r) => r.status?.openGate?.name === 'cutover', 'the cutover gate');
    assert.equal(atGate.executionStatus, 'RUNNING');
    assert.equal(atGate.status?.state, 'waiting-approval');
    // The estate's dbas, less alice: she started the run and may not self-approve.
    assert.deepEqual(atGate.status?.openGate?.approvers, ['bob', 'carol']);
    assert.equal(atGate.status?.startedBy, 'alice');

    // alice started the run: her approval is refused by the run, exit 2 with the reason.
    const self = await orb(['approve', ID, '--gate', 'cutover', '--by', 'alice']);
    assert.equal(self.code, 2, show(self));
    assert.match(self.stderr, /REFUSED by the run: alice started this runbook and the gate's policy does not allow self-approval/);
    const still = await orb(['status', ID, '--json']);
    assert.equal((JSON.parse(still.stdout) as RunStatus).status?.openGate?.name, 'cutover', 'the gate is still open');

    // bob approves with the Temporal CLI itself, as the README shows.
    const signal = await new Promise<Omit<CliRun, 'ms'>>((resolve) => {
      execFile(
        temporalCliPath(),
        ['workflow', 'signal', '--address', o.env.address, '--workflow-id', ID, '--name', 'approve', '--input', '{"gate":"cutover","by":"bob"}'],
        { env: { ...process.env, TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' }, timeout: 20_000 },
        (err, stdout, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });
    assert.equal(signal.code, 0, show(signal));

    const done = await statusUntil((r) => r.executionStatus !== 'RUNNING', 'the run to end', 40_000);
    assert.equal(done.executionStatus, 'COMPLETED', JSON.stringify(done, null, 1));
    assert.equal(done.status?.state, 'completed');
    const approval = done.status?.approvals.find((a) => a.gate === 'cutover' && a.by === 'bob' && !a.refusedBecause);
    assert.ok(approval, 'bob\'s approval from the Temporal CLI was accepted');
    assert.ok(done.status?.approvals.some((a) => a.by === 'alice' && a.refusedBecause), 'alice\'s refused approval is recorded');
    const final = await orb(['status', ID]);
    assert.equal(final.code, 0, show(final));

    // orb list shows the run with its stage (visibility is eventually consistent).
    let listed: ListedRun | undefined;
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; ) {
      const l = await orb(['list', '--json']);
      assert.equal(l.code, 0, show(l));
      listed = (JSON.parse(l.stdout) as ListedRun[]).find((r) => r.workflowId === ID);
      if (listed?.stage === 'completed') break;
      await new Promise((res) => setTimeout(res, 300));
    }
    assert.equal(listed?.stage, 'completed', JSON.stringify(listed));
    assert.equal(listed?.executionStatus, 'COMPLETED');
    assert.equal(listed?.pdb, 'SALES');

    // The lab: SALES is open READ WRITE only in CDB2, and every invariant holds.
    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: null, CDB2: 'NORMAL/READ WRITE' });
    const cdb3 = await o.api.op<{ status: string; openMode: string | null } | null>('CDB3', 'getPdb', { pdb: 'SALES' });
    assert.equal(cdb3, null);
    assert.deepEqual((await o.api.invariants(true)).violations, []);
  });

  test('orb cancel --wait before the open: says it will compensate, exits 0 once compensated', async () => {
    await fresh();
    const started = await orb(['start', 'relocate-pdb', '--pdb', 'SALES', '--from', 'CDB1', '--to', 'CDB2', '--started-by', 'alice', '--drain-timeout', '3s', '--on-drain-timeout', 'disconnect', '--json']);
    assert.equal(started.code, 0, show(started));
    await statusUntil((r) => r.status?.openGate?.name === 'cutover', 'the cutover gate');

    const c = await orb(['cancel', ID, '--wait'], 40_000);
    assert.equal(c.code, 0, show(c));
    assert.match(c.stdout, /before the PDB is opened on the target: the run stops and undoes its changes/);
    assert.match(c.stdout, /was cancelled and compensated/);

    const again = await orb(['cancel', ID]);
    assert.equal(again.code, 4, show(again));
    assert.match(again.stderr, /is not running \(CANCELLED\): nothing to cancel/);

    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: 'NORMAL/READ WRITE', CDB2: null });
    assert.deepEqual((await o.api.invariants(true)).violations, []);
  });

  test('orb cancel after the open: recorded, nothing undone; --wait exits 1; the operator gate follows the configured policy', async () => {
    await fresh();
    // A failure after the open holds the run at an operator gate (recover-start-services).
    await o.api.fault({ op: 'startService', cdb: 'CDB2', kind: 'permanent', ora: 'ORA-44773' });
    const started = await orb(['start', 'relocate-pdb', '--pdb', 'SALES', '--from', 'CDB1', '--to', 'CDB2', '--started-by', 'alice', '--drain-timeout', '3s', '--on-drain-timeout', 'disconnect', '--no-cutover-gate', '--json']);
    assert.equal(started.code, 0, show(started));
    const atRecover = await statusUntil((r) => r.status?.openGate?.name === 'recover-start-services', 'the recover-start-services gate');
    assert.deepEqual(atRecover.status?.openGate?.approvers, ['bob', 'carol'], 'the operator gate has the configured approvers, less the initiator');

    const cancelling = orb(['cancel', ID, '--wait'], 40_000);
    await statusUntil((r) => (r.status?.notes ?? []).some((n) => /cancel requested/.test(n)), 'the run to note the cancel request');
    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: null, CDB2: 'NORMAL/READ WRITE' }, 'nothing undone');

    // The initiator may not decide the operator gate (no self-approval unless allowed); bob may.
    const self = await orb(['approve', ID, '--gate', 'recover-start-services', '--by', 'alice']);
    assert.equal(self.code, 2, show(self));
    assert.match(self.stderr, /alice started this runbook and the gate's policy does not allow self-approval/);
    await o.api.clearFaults();
    const ok = await orb(['approve', ID, '--gate', 'recover-start-services', '--by', 'bob', '--comment', 'fault cleared']);
    assert.equal(ok.code, 0, show(ok));

    const c = await cancelling;
    assert.equal(c.code, 1, show(c));
    assert.match(c.stdout, /past the point of no return \(stage recover-start-services|past the point of no return \(stage start-services/);
    assert.match(c.stdout, /recorded and undoes nothing/);
    assert.match(c.stderr, /was NOT cancelled: the cancellation came after the PDB was opened on the target.*the run completed/);
    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: null, CDB2: 'NORMAL/READ WRITE' });
    assert.deepEqual((await o.api.invariants(true)).violations, []);
  });
});
