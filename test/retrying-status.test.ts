/**
 * A stage whose database step fails again and again says so: `orb status` (text and --json),
 * `orb list` and the progress lines of `orb start --wait` show the activity being retried, its
 * attempt, when the next attempt is and the last error with its ORA code, instead of a bare
 * "preflight running". The lab fails every getFacts on CDB1 with a transient ORA-03113 until the
 * fault is cleared; then the run goes on. Real Temporal dev server, lab process and worker; the
 * CLI in child processes.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ListedRun, RunStatus } from '../client/runbooks';
import { cliEnvOf, orbSuite, type OrbEnv } from './helpers/orb-env';
import { CLI, runCli, type CliRun } from './helpers/processes';
import { until } from './helpers/until';

const ID = 'relocate-pdb:CDB1:SALES';
const o: OrbEnv = orbSuite();

function cliEnv(): NodeJS.ProcessEnv {
  return cliEnvOf(o);
}

const orb = (args: string[]): Promise<CliRun> => runCli(args, cliEnv());
const show = (r: CliRun) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

async function status(): Promise<RunStatus> {
  const r = await orb(['status', ID, '--json']);
  assert.equal(r.code, 0, show(r));
  return JSON.parse(r.stdout) as RunStatus;
}

/** `orb start ... --wait` in the background, its output readable while it runs. */
function startWaiting(args: string[]) {
  const child = spawn(process.execPath, [CLI, 'start', 'relocate-pdb', ...args, '--wait'], { env: cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

describe('a stage that is being retried says so', () => {
  test('status, list and start --wait show the attempt, the next attempt and the last ORA error; the run goes on once the fault clears', async () => {
    await o.api.fault({ op: 'getFacts', cdb: 'CDB1', kind: 'transient', ora: 'ORA-03113', times: 1000 });
    const run = startWaiting(['--pdb', 'SALES', '--from', 'CDB1', '--to', 'CDB2', '--started-by', 'alice', '--gate-before-copy']);
    try {
      await until('orb start to start the run', async () => run.output(), (out) => out.includes(`started ${ID}`), 30_000);
      const retrying = await until('orb status to show a retry', status, (r) => (r.retrying[0]?.attempt ?? 0) >= 2, 30_000);
      assert.equal(retrying.executionStatus, 'RUNNING');
      const a = retrying.retrying[0]!;
      assert.equal(a.activity, 'preflightRelocation');
      assert.equal(a.stage, 'preflight');
      assert.equal(a.maximumAttempts, 20);
      assert.equal(a.lastError?.code, 'ORA-03113');
      assert.match(a.lastError?.message ?? '', /reading both CDBs for preflight: ORA-03113: The connection to the database ended unexpectedly/);
      assert.ok(a.state === 'running' || a.nextAttemptAt, `a waiting attempt says when it starts: ${JSON.stringify(a)}`);

      const text = await orb(['status', ID]);
      assert.equal(text.code, 0, show(text));
      const line = /retrying: stage preflight, activity preflightRelocation: attempt \d+ of 20, (next attempt at \d\d:\d\d:\d\d UTC|running since)/;
      assert.match(text.stdout, line);
      assert.match(text.stdout, /last error \(ORA-03113, at \d\d:\d\d:\d\d UTC\) reading both CDBs for preflight: ORA-03113/);

      const list = await orb(['list']);
      assert.match(list.stdout, /relocate-pdb:CDB1:SALES\s+SALES: CDB1 → CDB2\s+RUNNING\s+preflight, retrying \(attempt \d+ of 20, ORA-03113\)/, show(list));
      const listed = JSON.parse((await orb(['list', '--json'])).stdout) as ListedRun[];
      assert.ok((listed.find((r) => r.workflowId === ID)?.retrying?.[0]?.attempt ?? 0) >= 2, JSON.stringify(listed));

      const printed = (out: string) => /preflightRelocation retrying: attempt \d+ of 20/.test(out);
      await until('orb start --wait to print the retry', async () => run.output(), printed, 30_000);
      assert.match(run.output(), /preflightRelocation retrying: attempt \d+ of 20, .*; last error \(ORA-03113, at [\d:]+ UTC\) reading both CDBs/);

      // The fault clears: the next attempt succeeds, the run moves on and nothing is retrying.
      await o.api.clearFaults();
      const past = await until('the run to pass preflight', status, (r) => r.status?.openGate?.name === 'copy', 60_000);
      assert.deepEqual(past.retrying, []);
      assert.equal(past.status?.stages.find((s) => s.name === 'preflight')?.outcome, 'succeeded');
      assert.doesNotMatch((await orb(['status', ID])).stdout, /retrying:/);

      const cancelled = await orb(['cancel', ID]);
      assert.equal(cancelled.code, 0, show(cancelled));
      assert.equal(await run.exited, 1, run.output());
    } finally {
      run.child.kill('SIGKILL');
    }
  });
});
