/**
 * The CLI as a user runs it: `node dist/client/cli.js ...` in a child process. Bad input
 * must exit 2 with a message naming the field, before anything is contacted: Temporal's
 * address points at a sentinel TCP server that counts connections (and never answers,
 * so a contacted "server" would also end in exit 3, not 2).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import path from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { cancelOutcome, cancelPlan, type RunStatus } from '../client/runbooks';
import { closedPort, runCli, type CliRun } from './helpers/processes';
import type { RunbookStatus, StageRecord } from '../common/runbook-types';

function orb(args: string[], env: NodeJS.ProcessEnv = {}, timeoutMs = 30_000): Promise<CliRun> {
  return runCli(args, { ...process.env, ORB_ESTATE: undefined, TEMPORAL_PROFILE: undefined, TEMPORAL_NAMESPACE: undefined, TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml', ...env }, timeoutMs);
}


let sentinel: net.Server;
let sentinelPort = 0;
let contacts = 0;
let deadPort = 0;
const tmp = mkdtempSync(path.join(tmpdir(), 'orb-cli-test-'));

before(async () => {
  sentinel = net.createServer((sock) => {
    contacts++;
    sock.on('error', () => undefined);
    // Never answer: a client that got this far would time out.
  });
  await new Promise<void>((r) => sentinel.listen(0, '127.0.0.1', () => r()));
  sentinelPort = (sentinel.address() as net.AddressInfo).port;
  deadPort = await closedPort();
});

after(async () => {
  await new Promise<void>((r) => sentinel.close(() => r()));
  rmSync(tmp, { recursive: true, force: true });
});

const sentinelEnv = () => ({ TEMPORAL_ADDRESS: `127.0.0.1:${sentinelPort}`, ORB_LAB_URL: `http://127.0.0.1:${sentinelPort}`, ORB_USER: 'alice' });

describe('orb --help', () => {
  it('lists the commands and documents the exit codes', async () => {
    const r = await orb(['--help']);
    assert.equal(r.code, 0, r.stderr);
    for (const cmd of ['dev', 'worker', 'lab', 'start', 'plan', 'status', 'list', 'approve', 'reject', 'cancel', 'demo']) {
      assert.match(r.stdout, new RegExp(`\\n  ${cmd}\\b`), `help lists ${cmd}`);
    }
    assert.match(r.stdout, /Exit codes:/);
    for (const code of ['0', '1', '2', '3', '4']) assert.match(r.stdout, new RegExp(`\\n  ${code}  `));
  });

  it('every command has --help', async () => {
    for (const cmd of [['dev'], ['worker'], ['lab'], ['start'], ['start', 'relocate-pdb'], ['plan'], ['plan', 'relocate-pdb'], ['status'], ['list'], ['approve'], ['reject'], ['cancel'], ['demo']]) {
      const r = await orb([...cmd, '--help']);
      assert.equal(r.code, 0, `${cmd.join(' ')} --help: ${r.stderr}`);
      assert.match(r.stdout, /Usage: orb/);
    }
  });

  it('plan relocate-pdb takes the same options as start relocate-pdb', async () => {
    const options = (text: string) => [...text.matchAll(/^\s+(--[a-z-]+)/gm)].map((m) => m[1]).filter((o) => o !== '--wait' && o !== '--json' && o !== '--help');
    const start = await orb(['start', 'relocate-pdb', '--help']);
    const plan = await orb(['plan', 'relocate-pdb', '--help']);
    assert.deepEqual(options(plan.stdout), options(start.stdout));
    assert.ok(options(plan.stdout).includes('--upgrade'));
    assert.match(plan.stdout, /Exit codes: 0 the run would proceed, 1 preflight fails/);
  });

  it('start relocate-pdb --help shows the gate options', async () => {
    const r = await orb(['start', 'relocate-pdb', '--help']);
    assert.equal(r.code, 0);
    for (const opt of ['--pdb', '--from', '--to', '--availability', '--drain-timeout', '--on-drain-timeout', '--db-link', '--gate-before-copy', '--no-cutover-gate', '--approvers', '--required-approvals', '--gate-timeout', '--on-gate-timeout', '--allow-self-approval', '--keep-tombstone-gate', '--started-by', '--wait', '--json']) {
      assert.ok(r.stdout.includes(opt), `help mentions ${opt}`);
    }
  });
});

describe('bad input exits 2, naming the field, before anything is contacted', () => {
  const cases: [string, string[], RegExp][] = [
    ['identifier injection', ['start', 'relocate-pdb', '--pdb', 'SALES; DROP', '--from', 'CDB1', '--to', 'CDB2'], /--pdb: "SALES; DROP" is not a valid Oracle identifier/],
    ['unknown CDB', ['start', 'relocate-pdb', '--pdb', 'SALES', '--from', 'CDB9', '--to', 'CDB2'], /--from: unknown CDB "CDB9"/],
    ['source = target', ['start', 'relocate-pdb', '--pdb', 'SALES', '--from', 'CDB1', '--to', 'CDB1'], /--to: must differ from --from/],
    ['malformed duration', ['start', 'relocate-pdb', '--pdb', 'SALES', '--from', 'CDB1', '--to', 'CDB2', '--drain-timeout', '5 minutes'], /--drain-timeout: "5 minutes" is not a duration/],
    ['negative duration', ['start', 'relocate-pdb', '--pdb', 'SALES', '--from', 'CDB1', '--to', 'CDB2', '--drain-timeout', '-3s'], /--drain-timeout: "-3s" is not a duration/],
    ['bad enum', ['start', 'relocate-pdb', '--pdb', 'SALES', '--from', 'CDB1', '--to', 'CDB2', '--availability', 'maximum'], /--availability: "maximum" is not allowed: use one of normal, max/],
    ['unresolvable group', ['start', 'relocate-pdb', '--pdb', 'SALES', '--from', 'CDB1', '--to', 'CDB2', '--approvers', 'group:nobody'], /--approvers: unknown approver group "nobody"/],
    ['approver not from configuration', ['start', 'relocate-pdb', '--pdb', 'SALES', '--from', 'CDB1', '--to', 'CDB2', '--approvers', 'group:dbas,mallory'], /--approvers: "mallory" is not in any approver group of the estate/],
    ['missing required option', ['start', 'relocate-pdb', '--pdb', 'SALES', '--from', 'CDB1'], /required option '--to <cdb>'/],
    ['unknown option', ['start', 'relocate-pdb', '--pdb', 'SALES', '--from', 'CDB1', '--to', 'CDB2', '--force'], /unknown option '--force'/],
    ['unknown command', ['relocate'], /unknown command 'relocate'/],
    ['approve: bad --by', ['approve', 'relocate-pdb:CDB1:SALES', '--gate', 'cutover', '--by', 'bob; rm'], /--by: "bob; rm" is not a valid user name/],
    ['approve: bad --gate', ['approve', 'relocate-pdb:CDB1:SALES', '--gate', 'cut over', '--by', 'bob'], /--gate: "cut over" is not a gate name/],
    ['reject: missing --by', ['reject', 'relocate-pdb:CDB1:SALES', '--gate', 'cutover'], /required option '--by <name>'/],
    ['list: bad --limit', ['list', '--limit', 'lots'], /--limit: "lots" is not a whole number/],
    ['dev: bad --port', ['dev', '--port', '99999'], /--port: must be from 1 to 65535/],
    ['dev: bad --seed', ['dev', '--seed', 'prod'], /--seed.*prod.*demo, test|Allowed choices are demo, test/],
    ['demo: bad --pdb', ['demo', '--pdb', 'SALES--'], /--pdb: "SALES--" is not a valid Oracle identifier/],
    ['missing estate file', ['--estate', '/nonexistent/orb.estate.json', 'start', 'relocate-pdb', '--pdb', 'SALES', '--from', 'CDB1', '--to', 'CDB2'], /estate: file \/nonexistent\/orb.estate.json does not exist/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const before = contacts;
      const r = await orb(args, sentinelEnv());
      assert.equal(r.code, 2, `exit code for ${args.join(' ')}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(contacts, before, 'nothing was contacted');
    });
  }
});

describe('unreachable Temporal or lab exits 3 with a clear message', () => {
  it('orb status with no server', async () => {
    const r = await orb(['status', 'relocate-pdb:CDB1:SALES'], { TEMPORAL_ADDRESS: `127.0.0.1:${deadPort}` });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`cannot reach Temporal at 127\\.0\\.0\\.1:${deadPort} \\(namespace default\\)`));
    assert.match(r.stderr, /orb dev/);
    assert.equal(r.stdout, '');
  });

  it('orb list with a server that never answers', async () => {
    const r = await orb(['list', '--json'], { TEMPORAL_ADDRESS: `127.0.0.1:${sentinelPort}` });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /cannot reach Temporal/);
  });

  it('orb start with valid input but no server', async () => {
    const r = await orb(['start', 'relocate-pdb', '--pdb', 'SALES', '--from', 'CDB1', '--to', 'CDB2'], { TEMPORAL_ADDRESS: `127.0.0.1:${deadPort}`, ORB_USER: 'alice' });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /cannot reach Temporal/);
  });

  it('orb demo with no lab', async () => {
    const r = await orb(['demo'], { TEMPORAL_ADDRESS: `127.0.0.1:${deadPort}`, ORB_LAB_URL: `http://127.0.0.1:${deadPort}` });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`the lab is not answering at http://127\\.0\\.0\\.1:${deadPort}`));
  });

  it('reads the standard Temporal config file and profile (envconfig)', async () => {
    const config = path.join(tmp, 'temporal.toml');
    writeFileSync(config, `[profile.default]\naddress = "127.0.0.1:1"\n\n[profile.lab]\naddress = "127.0.0.1:${deadPort}"\nnamespace = "orb-lab"\n`);
    const env = { TEMPORAL_CONFIG_FILE: config, TEMPORAL_ADDRESS: undefined, TEMPORAL_NAMESPACE: undefined };
    const r = await orb(['status', 'relocate-pdb:CDB1:SALES'], { ...env, TEMPORAL_PROFILE: 'lab' });
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`cannot reach Temporal at 127\\.0\\.0\\.1:${deadPort} \\(namespace orb-lab, profile lab\\)`));
    // TEMPORAL_ADDRESS overrides the profile's address.
    const o = await orb(['status', 'x'], { ...env, TEMPORAL_PROFILE: 'lab', TEMPORAL_ADDRESS: `127.0.0.1:${sentinelPort}` });
    assert.equal(o.code, 3, o.stderr);
    assert.match(o.stderr, new RegExp(`cannot reach Temporal at 127\\.0\\.0\\.1:${sentinelPort}`));
    // A profile the file does not have is bad input, refused before any connection.
    const before = contacts;
    const n = await orb(['status', 'x'], { ...env, TEMPORAL_PROFILE: 'nope', TEMPORAL_ADDRESS: `127.0.0.1:${sentinelPort}` });
    assert.equal(n.code, 2, n.stderr);
    assert.match(n.stderr, /Temporal client configuration: Profile 'nope' not found/);
    assert.equal(contacts, before);
  });
});

describe('orb cancel says what a cancellation does, and --wait judges how the run ended', () => {
  const stage = (name: string, outcome: StageRecord['outcome'] = 'succeeded'): StageRecord => ({ name, startedAt: '2025-01-01T00:00:00Z', outcome });
  const runbook = (over: Partial<RunbookStatus>): RunbookStatus => ({
    runbook: 'relocate-pdb',
    stage: 'approve-cutover',
    state: 'waiting-approval',
    startedBy: 'alice',
    stages: [stage('preflight'), stage('save-state'), stage('copy'), stage('approve-cutover', 'running')],
    progress: null,
    openGate: null,
    approvals: [],
    preflight: [],
    compensation: [],
    notes: [],
    ...over,
  });
  const run = (executionStatus: string, status: RunbookStatus | null): RunStatus => ({
    workflowId: 'relocate-pdb:CDB1:SALES',
    runId: 'r1',
    executionStatus,
    startTime: '2025-01-01T00:00:00Z',
    closeTime: null,
    stage: status?.stage ?? 'drain',
    awaitingApproval: null,
    status,
    source: status ? 'query' : 'visibility',
    retrying: [],
    working: [],
  });

  it('before the open: the run compensates', () => {
    const p = cancelPlan(run('RUNNING', runbook({})));
    assert.equal(p.effect, 'compensate');
    assert.match(p.message, /at stage approve-cutover, before the PDB is opened on the target: the run stops and undoes its changes/);
  });

  it('from the open on: recorded only, nothing undone', () => {
    for (const last of ['open', 'verify', 'start-services']) {
      const stages = [stage('preflight'), stage('copy'), stage('drain'), stage('open', last === 'open' ? 'running' : 'succeeded')];
      if (last !== 'open') stages.push(stage(last, 'running'));
      const p = cancelPlan(run('RUNNING', runbook({ stage: last, state: 'running', stages })));
      assert.equal(p.effect, 'record-only', last);
      assert.match(p.message, new RegExp(`past the point of no return \\(stage ${last}\\).*recorded and undoes nothing`));
    }
    // A failed open waiting at recover-open is past the point of no return too.
    const failedOpen = runbook({ stage: 'open', state: 'waiting-approval', stages: [stage('copy'), stage('drain'), stage('open', 'failed')] });
    assert.equal(cancelPlan(run('RUNNING', failedOpen)).effect, 'record-only');
  });

  it('without a status: says it cannot tell, and both outcomes', () => {
    const p = cancelPlan(run('RUNNING', null));
    assert.equal(p.effect, 'unknown');
    assert.match(p.message, /cannot tell whether the run has reached the open.*last known stage: drain.*compensates.*only recorded/);
  });

  it('--wait: 0 only when the run ended cancelled or compensated', () => {
    const compensated = cancelOutcome(run('CANCELLED', runbook({ state: 'compensated', stage: 'compensated', reason: 'cancelled by an operator. Compensated: SALES is open in CDB1', compensation: [{ step: 'drop the copy', outcome: 'done', at: 'x' }] })));
    assert.deepEqual([compensated.exitCode, compensated.cancelled], [0, true]);
    assert.match(compensated.message, /was cancelled and compensated: cancelled by an operator/);

    const nothingToUndo = cancelOutcome(run('CANCELLED', runbook({ state: 'failed', stage: 'failed', reason: 'cancelled by an operator. Nothing had been changed in the estate' })));
    assert.deepEqual([nothingToUndo.exitCode, nothingToUndo.cancelled], [0, true]);

    const completed = cancelOutcome(
      run('COMPLETED', runbook({ state: 'completed', stage: 'completed', reason: 'SALES is open READ WRITE in CDB2', notes: ['2025-01-01T00:00:00Z cancel requested during verify: after the open there is no automatic undo'] })),
    );
    assert.deepEqual([completed.exitCode, completed.cancelled], [1, false]);
    assert.match(completed.message, /was NOT cancelled: the cancellation came after the PDB was opened on the target.*nothing was undone; the run completed: SALES is open READ WRITE in CDB2 \(the run noted: .*cancel requested during verify/);

    const compensation = (outcome: 'failed' | 'skipped') => runbook({
      state: 'failed',
      stage: 'failed',
      stages: [stage('copy'), stage('compensate', 'failed')],
      compensation: [{ step: 'drop the copy of SALES in CDB2', outcome, at: 'x', detail: 'ORA-65025' }],
    });
    for (const outcome of ['failed', 'skipped'] as const) {
      const r = cancelOutcome(run('CANCELLED', compensation(outcome)));
      assert.deepEqual([r.exitCode, r.cancelled], [1, false], outcome);
      assert.match(r.message, /was cancelled but compensation did not finish: not undone: drop the copy of SALES in CDB2 \(ORA-65025\)/);
    }

    const failed = cancelOutcome(run('FAILED', runbook({ state: 'failed', stage: 'failed', reason: 'verify failed and bob chose to stop' })));
    assert.equal(failed.exitCode, 1);
    assert.match(failed.message, /did not end cancelled: workflow FAILED, runbook failed: verify failed and bob chose to stop/);
  });
});
