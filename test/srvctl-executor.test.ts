/**
 * The srvctl executor against real SSH servers (ssh2's Server, started here on 127.0.0.1): the
 * command line received, exit status and output, bounds, timeout, host key checks, client key
 * refusal, and moving on to the next node. No lab involved.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import { srvctlExecutor, type SrvctlTarget } from '../activities/srvctl/srvctl-executor';
import { srvctlQuery, srvctlStep } from '../activities/srvctl/srvctl-step';
import type { SshNode } from '../activities/srvctl/ssh-exec';
import { SshError } from '../activities/srvctl/ssh-errors';
import { parseServiceStatus } from '../common/srvctl/status-parsers';
import { parseKnownHost } from '../common/srvctl/known-host';
import { InputError } from '../common/input-error';
import { closedPort } from './helpers/processes';
import { keyPair, startSshServer, type Answer, type SshTestServer } from './helpers/ssh-test-server';

const PATH = '/u01/app/19.0.0/grid/bin/srvctl';
const client = keyPair();
const stranger = keyPair();

/** What the servers answer, by the command's words after the path. */
let answers: (words: string) => Answer = () => ({ exitCode: 0 });
const handler = (line: string) => answers(line.slice(PATH.length + 1));

function node(s: { port: number; hostPublicKey?: string }, over: Partial<SshNode> = {}): SshNode {
  return { host: '127.0.0.1', port: s.port, user: 'grid', hostKey: s.hostPublicKey, privateKey: () => client.private, ...over };
}

const target = (...nodes: SshNode[]): SrvctlTarget => ({ db: 'raccdb', path: PATH, nodes });

async function failure(p: Promise<unknown>): Promise<ApplicationFailure> {
  const e = await p.then(
    () => assert.fail('expected a failure'),
    (err: unknown) => err,
  );
  assert.ok(e instanceof ApplicationFailure, `expected an ApplicationFailure, got ${String(e)}`);
  return e;
}

let a: SshTestServer;
let b: SshTestServer;

before(async () => {
  a = await startSshServer({ clientPublicKey: client.public, handler });
  b = await startSshServer({ clientPublicKey: client.public, handler });
});
after(async () => {
  await a.close();
  await b.close();
});

describe('running a command', () => {
  test('the node receives exactly the command line built; exit status, stdout and the node come back', async () => {
    answers = () => ({ stdout: 'Service sales is running on instance(s) raccdb1,raccdb2\n', exitCode: 0 });
    const ex = srvctlExecutor(target(node(a)));
    const before = a.commands.length;
    const r = await ex.run({ kind: 'status-service', db: 'raccdb', service: 'sales' });
    assert.equal(a.commands[before], '/u01/app/19.0.0/grid/bin/srvctl status service -db raccdb -service sales');
    assert.equal(r.commandLine, a.commands[before]);
    assert.equal(r.exitCode, 0);
    assert.equal(r.stdout, 'Service sales is running on instance(s) raccdb1,raccdb2\n');
    assert.equal(r.stderr, '');
    assert.equal(r.node, `127.0.0.1:${a.port}`);
    assert.deepEqual(r.skipped, []);
    assert.deepEqual(parseServiceStatus(r.stdout)[0]!.instances, ['raccdb1', 'raccdb2']);
  });

  test('a failing command: its exit status and both streams', async () => {
    answers = () => ({ stdout: 'out\n', stderr: 'PRKO-2002 : Invalid command line option: -x\n', exitCode: 1 });
    const r = await srvctlExecutor(target(node(a))).run({ kind: 'status-database', db: 'raccdb' });
    assert.deepEqual([r.exitCode, r.stdout, r.stderr], [1, 'out\n', 'PRKO-2002 : Invalid command line option: -x\n']);
  });

  test('stdout and stderr are bounded', async () => {
    answers = () => ({ stdout: 'o'.repeat(100_000), stderr: 'e'.repeat(50_000), exitCode: 0 });
    const r = await srvctlExecutor(target(node(a)), { maxOutputBytes: 1000 }).run({ kind: 'status-database', db: 'raccdb' });
    assert.equal(r.stdout, 'o'.repeat(1000));
    assert.equal(r.stderr, 'e'.repeat(1000));
    assert.deepEqual([r.stdoutTruncated, r.stderrTruncated], [true, true]);
    answers = () => ({ stdout: 'short', exitCode: 0 });
    const s = await srvctlExecutor(target(node(a)), { maxOutputBytes: 1000 }).run({ kind: 'status-database', db: 'raccdb' });
    assert.deepEqual([s.stdoutTruncated, s.stderrTruncated], [false, false]);
  });

  test('a command that does not finish: the connection is closed and the step fails retryably', async () => {
    answers = () => ({ hang: true });
    const s = await startSshServer({ clientPublicKey: client.public, handler });
    try {
      const ex = srvctlExecutor(target(node(s)), { commandTimeoutMs: 300 });
      await assert.rejects(ex.run({ kind: 'stop-instance', db: 'raccdb', instance: 'raccdb1' }), (e: unknown) => e instanceof SshError && e.code === 'SrvctlTimeout');
      await s.closed(1); // the server saw the client go
      const f = await failure(srvctlStep(ex, { kind: 'stop-instance', db: 'raccdb', instance: 'raccdb1' }, 'stop raccdb1'));
      assert.equal(f.type, 'SrvctlTimeout');
      assert.equal(f.nonRetryable, false);
      await s.closed(2);
    } finally {
      await s.close();
    }
  });

  test('a command for another database is refused before anything is sent', async () => {
    const ex = srvctlExecutor(target(node(a)));
    const before = a.commands.length;
    await assert.rejects(ex.run({ kind: 'status-database', db: 'otherdb' }), (e: unknown) => e instanceof InputError && e.field === 'db');
    await assert.rejects(ex.run({ kind: 'status-service', db: 'raccdb', service: 'x;reboot' }), (e: unknown) => e instanceof InputError && e.field === 'service');
    assert.equal(a.commands.length, before);
  });
});

describe('host keys', () => {
  test('an unknown host (no known-hosts entry) is refused, naming the key it offered', async () => {
    const before = a.commands.length;
    const ex = srvctlExecutor(target(node(a, { hostKey: undefined })));
    const offered = parseKnownHost('k', a.hostPublicKey).fingerprint;
    await assert.rejects(ex.run({ kind: 'status-database', db: 'raccdb' }), (e: unknown) => {
      assert.ok(e instanceof SshError && e.code === 'SshHostKeyUnknown', String(e));
      assert.match(e.message, new RegExp(`host key ${offered.replace(/[+/]/g, '\\$&')} is unknown`));
      return true;
    });
    const f = await failure(srvctlStep(ex, { kind: 'status-database', db: 'raccdb' }, 'read raccdb'));
    assert.deepEqual([f.type, f.nonRetryable], ['SshHostKeyUnknown', true]);
    assert.equal(a.commands.length, before, 'nothing was run');
  });

  test('a changed host key is refused, as a key line or as a fingerprint', async () => {
    const before = a.commands.length;
    const other = keyPair().public;
    for (const hostKey of [other, parseKnownHost('k', other).fingerprint]) {
      const ex = srvctlExecutor(target(node(a, { hostKey })));
      await assert.rejects(ex.run({ kind: 'status-database', db: 'raccdb' }), (e: unknown) => e instanceof SshError && e.code === 'SshHostKeyChanged' && /man-in-the-middle/.test(e.message));
      const f = await failure(srvctlStep(ex, { kind: 'status-database', db: 'raccdb' }, 'read raccdb'));
      assert.deepEqual([f.type, f.nonRetryable], ['SshHostKeyChanged', true]);
    }
    assert.equal(a.commands.length, before, 'nothing was run');
  });

  test("the known key's fingerprint is accepted like its line", async () => {
    answers = () => ({ stdout: 'ok', exitCode: 0 });
    const fp = parseKnownHost('k', a.hostPublicKey).fingerprint;
    assert.match(fp, /^SHA256:[A-Za-z0-9+/]{43}$/);
    const r = await srvctlExecutor(target(node(a, { hostKey: fp }))).run({ kind: 'status-database', db: 'raccdb' });
    assert.equal(r.stdout, 'ok');
  });

  test('a refused host key does not send the command to the next node', async () => {
    const before = b.commands.length;
    const ex = srvctlExecutor(target(node(a, { hostKey: stranger.public }), node(b)));
    await assert.rejects(ex.run({ kind: 'status-database', db: 'raccdb' }), (e: unknown) => e instanceof SshError && e.code === 'SshHostKeyChanged');
    assert.equal(b.commands.length, before);
  });
});

describe('client keys', () => {
  test('a key the node does not accept is refused, permanently, and the key appears nowhere', async () => {
    const ex = srvctlExecutor(target(node(a, { privateKey: () => stranger.private })));
    await assert.rejects(ex.run({ kind: 'status-database', db: 'raccdb' }), (e: unknown) => e instanceof SshError && e.code === 'SshAuthFailed' && /refused the private key for user grid/.test(e.message));
    const f = await failure(srvctlStep(ex, { kind: 'status-database', db: 'raccdb' }, 'read raccdb'));
    assert.deepEqual([f.type, f.nonRetryable], ['SshAuthFailed', true]);
    const everything = JSON.stringify({ m: f.message, d: f.details, s: f.stack });
    const secretLine = stranger.private.split('\n').find((l) => l.length > 40)!;
    assert.ok(!everything.includes(secretLine), 'the private key is not in the failure');
  });

  test('a key that cannot be parsed is refused before connecting, without echoing it', async () => {
    const ex = srvctlExecutor(target(node(a, { privateKey: () => 'not-a-key-SECRETSECRET' })));
    const f = await failure(srvctlStep(ex, { kind: 'status-database', db: 'raccdb' }, 'read raccdb'));
    assert.deepEqual([f.type, f.nonRetryable], ['SshKeyUnreadable', true]);
    assert.doesNotMatch(JSON.stringify({ m: f.message, d: f.details }), /SECRETSECRET/);
  });
});

describe('nodes', () => {
  test('an unreachable first node: the second one runs the command', async () => {
    answers = () => ({ stdout: 'Instance raccdb1 is running on node racnode1\n', exitCode: 0 });
    const dead = await closedPort();
    const before = b.commands.length;
    const r = await srvctlExecutor(target(node({ port: dead }), node(b))).run({ kind: 'status-database', db: 'raccdb' });
    assert.equal(r.node, `127.0.0.1:${b.port}`);
    assert.equal(b.commands.length, before + 1);
    assert.deepEqual(r.skipped.map((s) => [s.node, s.code]), [[`127.0.0.1:${dead}`, 'ECONNREFUSED']]);
  });

  test('no node reachable: a retryable failure naming each', async () => {
    const [p1, p2] = [await closedPort(), await closedPort()];
    const ex = srvctlExecutor(target(node({ port: p1 }), node({ port: p2 })));
    const f = await failure(srvctlStep(ex, { kind: 'status-database', db: 'raccdb' }, 'read raccdb'));
    assert.deepEqual([f.type, f.nonRetryable], ['SshUnreachable', false]);
    assert.match(f.message, new RegExp(`127\\.0\\.0\\.1:${p1} ECONNREFUSED; 127\\.0\\.0\\.1:${p2} ECONNREFUSED`));
  });

  test("a node whose Clusterware does not answer: the next node runs it", async () => {
    const dying = await startSshServer({ clientPublicKey: client.public, handler: () => ({ stdout: 'CRS-4535: Cannot communicate with Cluster Ready Services\n', exitCode: 1 }) });
    try {
      answers = () => ({ stdout: 'started', exitCode: 0 });
      const r = await srvctlExecutor(target(node(dying), node(b))).run({ kind: 'start-service', db: 'raccdb', service: 'sales', instance: 'raccdb1' });
      assert.equal(dying.commands.length, 1);
      assert.deepEqual([r.node, r.exitCode, r.stdout], [`127.0.0.1:${b.port}`, 0, 'started']);
      assert.deepEqual(r.skipped.map((s) => s.code), ['CRS-4535']);
    } finally {
      await dying.close();
    }
  });
});

describe('srvctlStep and srvctlQuery', () => {
  test('exit 0 is done; "already running" for a start is already-done; for a stop it is a permanent failure', async () => {
    const ex = srvctlExecutor(target(node(a)));
    answers = () => ({ exitCode: 0 });
    assert.equal((await srvctlStep(ex, { kind: 'start-service', db: 'raccdb', service: 'sales', instance: 'raccdb1' }, 'start sales')).outcome, 'done');
    answers = () => ({ stdout: 'PRCC-1014 : sales was already running\nPRCR-1004 : Resource ora.raccdb.sales.svc is already running\n', exitCode: 2 });
    const again = await srvctlStep(ex, { kind: 'start-service', db: 'raccdb', service: 'sales', instance: 'raccdb1' }, 'start sales');
    assert.deepEqual([again.outcome, again.outcome === 'already-done' && again.code], ['already-done', 'PRCC-1014']);
    const f = await failure(srvctlStep(ex, { kind: 'stop-service', db: 'raccdb', service: 'sales', instance: 'raccdb1' }, 'stop sales on raccdb1'));
    assert.deepEqual([f.type, f.nonRetryable], ['PRCC-1014', true]);
    assert.match(f.message, /^stop sales on raccdb1 on 127\.0\.0\.1:\d+: PRCC-1014: .*srvctl said: PRCC-1014 : sales was already running/);
    assert.deepEqual((f.details![0] as { commandLine: string }).commandLine, `${PATH} stop service -db raccdb -service sales -instance raccdb1`);
  });

  test('a transient srvctl failure is retryable, typed by its code', async () => {
    answers = () => ({ stdout: 'PRCR-1079 : Failed to start resource ora.raccdb.db\nCRS-5017: The resource action "ora.raccdb.db start" encountered the following error:\nORA-01089: immediate shutdown or close in progress\n', exitCode: 1 });
    const f = await failure(srvctlStep(srvctlExecutor(target(node(a))), { kind: 'start-instance', db: 'raccdb', instance: 'raccdb1' }, 'start raccdb1'));
    assert.deepEqual([f.type, f.nonRetryable], ['ORA-01089', false]);
  });

  test('srvctlQuery parses, and output it cannot read ends the step', async () => {
    const ex = srvctlExecutor(target(node(a)));
    answers = () => ({ stdout: 'Service sales is not running.\n', exitCode: 0 });
    assert.deepEqual(await srvctlQuery(ex, { kind: 'status-service', db: 'raccdb', service: 'sales' }, 'read sales', parseServiceStatus), [{ service: 'sales', running: false, instances: [] }]);
    answers = () => ({ stdout: 'Service sales is running on instance(s) raccdb1,$(reboot)\n', exitCode: 0 });
    const f = await failure(srvctlQuery(ex, { kind: 'status-service', db: 'raccdb', service: 'sales' }, 'read sales', parseServiceStatus));
    assert.deepEqual([f.type, f.nonRetryable], ['SrvctlOutput', true]);
  });
});
