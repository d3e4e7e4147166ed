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
    for (const cmd of ['dev', 'worker', 'lab', 'start', 'plan', 'status', 'list', 'approve', 'reject', 'cancel', 'demo', 'check']) {
      assert.match(r.stdout, new RegExp(`\\n  ${cmd}\\b`), `help lists ${cmd}`);
    }
    assert.match(r.stdout, /Exit codes:/);
    for (const code of ['0', '1', '2', '3', '4']) assert.match(r.stdout, new RegExp(`\\n  ${code}  `));
  });

  it('every command has --help', async () => {
    for (const cmd of [['dev'], ['worker'], ['lab'], ['start'], ['start', 'relocate-pdb'], ['plan'], ['plan', 'relocate-pdb'], ['status'], ['list'], ['approve'], ['reject'], ['cancel'], ['demo'], ['check'], ['check', 'readiness']]) {
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

describe('help texts of the ADB runbooks, approve, reject and cancel say what is true for every runbook', () => {
  const help = async (...cmd: string[]) => {
    const r = await orb([...cmd, '--help']);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.replace(/\s+/g, ' ');
  };

  it('each gate option names the gates it governs; nothing copied from relocate-pdb', async () => {
    const propagate = await help('start', 'propagate-wallet');
    assert.match(propagate, /--required-approvals <n> distinct approvals each consumer gate needs \(1 to 20\)/);
    assert.match(propagate, /--allow-self-approval let the person who started the run approve its consumer gates/);
    assert.doesNotMatch(propagate, /role change gate|--gate-timeout|--on-gate-timeout|refused for failover-adb/);
    const switchover = await help('plan', 'switchover-adb');
    assert.match(switchover, /--required-approvals <n> distinct approvals the switchover gate needs \(1 to 20; default 1\); a consumer gate needs 1/);
    assert.match(switchover, /--gate-timeout <duration> how long the switchover gate waits \(default: forever\); consumer gates never time out/);
    assert.match(switchover, /--allow-self-approval let the person who started the run approve its gates \(the switchover gate and consumer gates\)/);
    const failover = await help('start', 'failover-adb');
    assert.match(failover, /distinct approvals the failover gate needs \(at least 2, never the initiator; default 2\)/);
    assert.doesNotMatch(failover, /--allow-self-approval|gate need /);
  });

  it('approve takes --choice, reject does not; --by defaults to $ORB_USER; reject says what it does per runbook', async () => {
    const approve = await help('approve');
    assert.match(approve, /--choice <choice>/);
    assert.match(approve, /--by <name> who decides, as recorded in the run \(default \$ORB_USER or the OS user\)/);
    const reject = await help('reject');
    assert.doesNotMatch(reject, /--choice <choice>|compensates before the open/);
    assert.match(reject, /--by <name> who decides, as recorded in the run \(default \$ORB_USER or the OS user\)/);
    assert.match(reject, /switchover \/ failover: the run ends before the role change; nothing was changed/);
    assert.match(reject, /consumer-<name>: that consumer is skipped/);
  });

  it('cancel --help covers every runbook', async () => {
    const cancel = await help('cancel');
    for (const runbook of ['relocate-pdb', 'switchover-adb, failover-adb', 'propagate-wallet']) assert.ok(cancel.includes(` ${runbook} `), runbook);
    assert.match(cancel, /OCI completes a role change it accepted/);
    assert.match(cancel, /--wait: exit 0 once the run has ended cancelled/);
  });
});

describe('bad input exits 2, naming the field, before anything is contacted', () => {
  const cases: [string, string[], RegExp, NodeJS.ProcessEnv?][] = [
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
    ['reject: no --choice', ['reject', 'switchover-adb:SALESATP', '--gate', 'consumer-app-tns', '--by', 'bob', '--choice', 'retry'], /--choice: is for orb approve only: a rejection chooses nothing/],
    ['list: bad --limit', ['list', '--limit', 'lots'], /--limit: must be a whole number from 1 to 1000 \(got "lots"\)/],
    ['list: negative --limit', ['list', '--limit', '-5'], /--limit: must be a whole number from 1 to 1000 \(got "-5"\)/],
    ['status: a workflow id too long', ['status', 'x'.repeat(100_000)], /<workflow-id>: must be at most 1000 characters \(got 100000\)/],
    ['propagate-wallet: --gate-timeout', ['start', 'propagate-wallet', '--database', 'SALESATP', '--gate-timeout', '1m'], /--gate-timeout: is not taken: propagate-wallet's only gates are its consumer gates, which never time out/],
    ['propagate-wallet: --on-gate-timeout', ['plan', 'propagate-wallet', '--database', 'SALESATP', '--on-gate-timeout', 'reject'], /--on-gate-timeout: is not taken/],
    ['--consumers empty', ['start', 'propagate-wallet', '--database', 'SALESATP', '--consumers', ''], /--consumers: must name at least one consumer; leave it out for all of SALESATP's/],
    ['--consumers only commas', ['plan', 'switchover-adb', '--database', 'SALESATP', '--consumers', ',,,'], /--consumers: must name at least one consumer/],
    ['failover-adb: --allow-self-approval', ['start', 'failover-adb', '--database', 'SALESATP', '--allow-self-approval'], /--allow-self-approval: is refused for a failover/],
    ['dev: bad --port', ['dev', '--port', '99999'], /--port: must be from 1 to 65535/],
    ['dev: bad --seed', ['dev', '--seed', 'prod'], /--seed.*prod.*demo, test|Allowed choices are demo, test/],
    ['demo: bad --pdb', ['demo', '--pdb', 'SALES--'], /--pdb: "SALES--" is not a valid Oracle identifier/],
    ['missing estate file', ['--estate', '/nonexistent/orb.estate.json', 'start', 'relocate-pdb', '--pdb', 'SALES', '--from', 'CDB1', '--to', 'CDB2'], /estate: file \/nonexistent\/orb.estate.json does not exist/],
  ];
  // --by defaults to $ORB_USER, checked like --started-by, naming where the value came from.
  const byDefault = /--by \(default \$ORB_USER or the OS user\): "bob; rm" is not a valid user name/;
  cases.push(['approve: bad $ORB_USER for --by', ['approve', 'relocate-pdb:CDB1:SALES', '--gate', 'cutover'], byDefault, { ORB_USER: 'bob; rm' }]);
  for (const [name, args, message, env] of cases) {
    it(name, async () => {
      const before = contacts;
      const r = await orb(args, { ...sentinelEnv(), ...env });
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

  it('rolling-maintenance and client-readiness: their own words, never the relocation\'s', () => {
    const rm = cancelPlan(run('RUNNING', runbook({ runbook: 'rolling-maintenance', stage: 'maintenance-raccdb1' })));
    assert.match(rm.message, /at stage maintenance-raccdb1: an instance not yet maintained is put back .*command under way is let finish/);
    const cr = cancelPlan(run('RUNNING', runbook({ runbook: 'client-readiness', stage: 'approve-fix' })));
    assert.match(cr.message, /before its fixes are applied nothing is changed/);
    for (const p of [rm, cr]) assert.doesNotMatch(p.message, /PDB|target/);
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

  describe('ADB runbooks: what orb cancel says depends on status.runbook and how far the run got', () => {
    const adb = (name: string, stages: StageRecord[], over: Partial<RunbookStatus> = {}) =>
      runbook({ runbook: name, stage: stages[stages.length - 1]!.name, state: 'running', stages, ...over });
    const adbRun = (executionStatus: string, status: RunbookStatus | null, id = 'switchover-adb:SALESATP'): RunStatus =>
      ({ ...run(executionStatus, status), workflowId: id, runbook: status?.runbook ?? 'switchover-adb', stage: status?.stage ?? 'preflight' });
    const atGate = [stage('fence'), stage('preflight'), stage('approve-switchover', 'running')];
    const afterSwitchover = [stage('fence'), stage('preflight'), stage('approve-switchover'), stage('switchover'), stage('switchover-work-request', 'running')];

    it('before the role change: the run stops, nothing changed; no relocate-pdb words', () => {
      const p = cancelPlan(adbRun('RUNNING', adb('switchover-adb', atGate)));
      assert.equal(p.effect, 'stop-unchanged');
      assert.match(p.message, /at stage approve-switchover, before the switchover is requested: the run stops and nothing is changed/);
      assert.doesNotMatch(p.message, /PDB|copy|compensat/);
    });

    it('after the role change request: nothing undone, says what stays where', () => {
      const p = cancelPlan(adbRun('RUNNING', adb('switchover-adb', afterSwitchover)));
      assert.equal(p.effect, 'stop-as-is');
      assert.match(p.message, /after the switchover was requested: nothing is undone: OCI completes the switchover it accepted.*propagate-wallet/);
      const prop = cancelPlan(adbRun('RUNNING', adb('propagate-wallet', [stage('preflight'), stage('generate-wallet'), stage('propagate', 'running')]), 'propagate-wallet:SALESATP'));
      assert.equal(prop.effect, 'stop-as-is');
      assert.match(prop.message, /consumers updated so far keep the new wallet, the others keep what they had/);
      const unknown = cancelPlan({ ...adbRun('RUNNING', null), runbook: 'failover-adb' });
      assert.equal(unknown.effect, 'unknown');
      assert.match(unknown.message, /cannot tell how far the run got.*before the failover is requested the run stops and nothing is changed/);
    });

    it('--wait: a run ended by the cancellation (CANCELLED, or FAILED with the cancellation) is cancelled, exit 0', () => {
      const atTheGate = cancelOutcome(adbRun('CANCELLED', adb('switchover-adb', [...atGate.slice(0, 2), stage('approve-switchover', 'failed')])));
      assert.deepEqual([atTheGate.exitCode, atTheGate.cancelled], [0, true]);
      assert.match(atTheGate.message, /was cancelled at stage approve-switchover: nothing was changed/);

      const reason = "Activity cancelled. Check SALESATP's roles in the OCI Console before anything else; no consumer was changed";
      const stopped = [...afterSwitchover.slice(0, 4), { ...stage('switchover-work-request', 'failed'), detail: 'Activity cancelled' }];
      const inTheWork = cancelOutcome(adbRun('FAILED', adb('switchover-adb', stopped, { state: 'failed', reason })));
      assert.deepEqual([inTheWork.exitCode, inTheWork.cancelled], [0, true]);
      assert.match(inTheWork.message, /was cancelled at stage switchover-work-request; nothing was undone: Check SALESATP's roles/);

      const preflight = adb('propagate-wallet', [{ ...stage('preflight', 'failed'), detail: 'Activity cancelled' }],
        { state: 'failed', reason: 'preflight failed, nothing was changed: Activity cancelled' });
      const early = cancelOutcome(adbRun('FAILED', preflight, 'propagate-wallet:SALESATP'));
      assert.deepEqual([early.exitCode, early.cancelled], [0, true]);
      assert.match(early.message, /cancelled at stage preflight: nothing was changed/);

      const other = cancelOutcome(adbRun('FAILED', adb('switchover-adb', [...afterSwitchover.slice(0, 4), stage('switchover-work-request', 'failed')],
        { state: 'failed', reason: 'the work request ended FAILED' })));
      assert.deepEqual([other.exitCode, other.cancelled], [1, false]);
      assert.match(other.message, /did not end cancelled: workflow FAILED, runbook failed: the work request ended FAILED/);
      const done = cancelOutcome(adbRun('COMPLETED', adb('switchover-adb', afterSwitchover, { state: 'completed', reason: '4 of 4 consumers' })));
      assert.deepEqual([done.exitCode, done.cancelled], [1, false]);
      assert.match(done.message, /was NOT cancelled: it completed before the cancellation reached it: 4 of 4 consumers/);
    });
  });
});
