/**
 * The lab's SSH server as a node would be attacked: only the lab's client key as user oracle gets
 * in; only srvctl by its absolute path runs; shell metacharacters, other programs, shells, ptys,
 * env and subsystems are refused, recorded in the oplog, and never executed. Keys are made once,
 * kept 0600 in the state directory, and the server comes back with them (and its port) after a restart.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Client } from 'ssh2';
import { labApi } from './helpers/orb-env';
import { soundEd25519Pair } from '../lab/ssh/ssh-keys';
import { startLabProcess, type LabProcess } from './helpers/lab-process';
import { connect, execOn, srvctl, sshExec, sshInfo, type SshInfo } from './helpers/lab-ssh';

type Api = ReturnType<typeof labApi>;

function refusedOn(c: Client, request: (done: (err: Error | undefined) => void) => void): Promise<Error | undefined> {
  return new Promise((resolve) => request(resolve));
}

describe('lab SSH server: who gets in, what runs', () => {
  let lab: LabProcess;
  let api: Api;
  let ssh: SshInfo;
  const ordersOn = async () => (await api.rac('RACCDB')).services.find((s: { name: string }) => s.name === 'ORDERS_UNI').runningOn as string[];
  const refusals = async (op: string) => (await api.oplog()).filter((e) => e.cdb === 'SSH' && e.op === op);

  before(async () => {
    lab = await startLabProcess({ seed: 'test' });
    api = labApi(lab.url);
    ssh = await sshInfo(lab.url);
  });
  after(async () => {
    await lab?.stop();
  });
  beforeEach(async () => {
    await api.reset('test');
  });

  test('GET /ssh: host, port, user, the host key as an OpenSSH line, the client key file (0600) in the state directory', async () => {
    assert.equal(ssh.host, '127.0.0.1');
    assert.equal(ssh.port, lab.sshPort);
    assert.equal(ssh.user, 'oracle');
    assert.match(ssh.hostKey, /^ssh-ed25519 AAAA[A-Za-z0-9+/=]+ orb-lab-host$/);
    assert.ok(isAbsolute(ssh.privateKeyFile));
    assert.equal(dirname(ssh.privateKeyFile), join(dirname(lab.stateFile), 'ssh'));
    for (const f of [ssh.privateKeyFile, `${ssh.privateKeyFile}.pub`, join(dirname(ssh.privateKeyFile), 'ssh_host_ed25519_key')]) {
      assert.equal(statSync(f).mode & 0o777, 0o600, f);
    }
    assert.equal(statSync(dirname(ssh.privateKeyFile)).mode & 0o777, 0o700);
    assert.deepEqual(ssh.srvctl.RACCDB, ['/u01/app/oracle/product/19.0.0.0/dbhome_1/bin/srvctl', '/u01/app/19.0.0.0/grid/bin/srvctl']);
    const r = await srvctl(ssh, 'RACCDB', 'status instance -db raccdb -instance raccdb1');
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, 'Instance raccdb1 is running on node racnode1\n', '']);
    const grid = await sshExec(ssh, `${ssh.srvctl.RACCDB![1]} status instance -db raccdb -node racnode2`);
    assert.equal(grid.stdout, 'Instance raccdb2 is running on node racnode2\n');
  });

  test('another key, another user, a password: refused, and recorded', async () => {
    const stranger = soundEd25519Pair();
    await assert.rejects(connect(ssh, { privateKey: stranger.private }), /authentication methods failed/);
    await assert.rejects(connect(ssh, { username: 'root' }), /authentication methods failed/);
    await assert.rejects(connect(ssh, { privateKey: undefined, password: 'oracle' }), /authentication methods failed/);
    const auth = await refusals('auth');
    assert.ok(auth.length >= 3, JSON.stringify(auth));
    assert.ok(auth.every((e) => e.outcome === 'error' && e.error!.code === 'LAB-403'));
    assert.ok(auth.some((e) => e.args.method === 'password'));
    assert.ok(auth.some((e) => e.args.user === 'root'));
  });

  test('a host key check against GET /ssh passes, and fails for another host key', async () => {
    const other = soundEd25519Pair().public.split(' ')[1];
    await assert.rejects(connect(ssh, { hostVerifier: (key: Buffer) => key.toString('base64') === other }), /verification failed/i);
  });

  test('shell metacharacters, other programs, relative paths: exit 127, nothing executed, recorded', async () => {
    const S = ssh.srvctl.RACCDB![0]!;
    const stop = `${S} stop service -db raccdb -service ORDERS_UNI -instance raccdb1 -force`;
    const lines = [
      `${stop}; echo pwned`,
      `${stop} && true`,
      `${stop} | cat`,
      `${stop} > /tmp/x`,
      `${S} stop service -db $(echo raccdb) -service ORDERS_UNI -force`,
      `${S} stop service -db \`echo raccdb\` -service ORDERS_UNI -force`,
      `${stop}\nid`,
      `${S} stop service -db raccdb -service "ORDERS_UNI;id" -force`,
      `${S} stop service -db raccdb -service 'ORDERS_UNI -force`,
      '/bin/sh -c id',
      'id',
      `srvctl stop service -db raccdb -service ORDERS_UNI -force`,
      `/tmp/bin/srvctl stop service -db raccdb -service ORDERS_UNI -force`,
    ];
    for (const line of lines) {
      const r = await sshExec(ssh, line);
      assert.equal(r.code, 127, `${JSON.stringify(line)} → ${r.code} ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /refused|command not found|No such file or directory/);
    }
    assert.deepEqual(await ordersOn(), ['raccdb1', 'raccdb2'], 'nothing was executed');
    const execs = await refusals('exec');
    assert.equal(execs.length, lines.length);
    assert.ok(execs.every((e) => e.outcome === 'error' && /^LAB-403: refused: /.test(e.error!.message)));
    assert.match(execs[0]!.error!.message, /shell metacharacter or control character ';'/);
    assert.ok(!(await api.oplog()).some((e) => e.op === 'srvctl'), 'no srvctl ran');
    // Quoted lists are read as a shell reads them.
    const quoted = await sshExec(ssh, `${S} status service -db raccdb -service "ORDERS_UNI,BILLING_SGL"`);
    assert.equal(quoted.code, 0);
    assert.equal(quoted.stdout.split('\n').length, 3);
  });

  test('the maintenance program: refuses while the node\'s instance runs, works once it is stopped, usage errors exit 2', async () => {
    const M = '/opt/orb-lab/bin/maintain';
    const busy = await sshExec(ssh, `${M} -node racnode1 -seconds 5`);
    assert.equal(busy.code, 1);
    assert.match(busy.stderr, /instance raccdb1 \(running\) still uses the Oracle home: stop it first/);
    assert.equal((await sshExec(ssh, `${M} -node racnode1 -reboot now`)).code, 2);
    assert.match((await sshExec(ssh, `${M} -node nosuch`)).stderr, /nosuch is not a node of the lab's clusters/);
    assert.equal((await srvctl(ssh, 'RACCDB', 'stop instance -db raccdb -instance raccdb1 -stopoption IMMEDIATE -force')).code, 0);
    const done = await sshExec(ssh, `${M} -node racnode1 -seconds 5`);
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stdout, /racnode1: done in 5 s/);
    const runs = (await api.oplog()).filter((e) => e.op === 'maintain');
    assert.deepEqual(runs.map((e) => [e.cdb, (e.args as { node: string }).node, e.outcome]), [['RACCDB', 'racnode1', 'error'], ['RACCDB', 'racnode1', 'ok']]);
    assert.equal((await srvctl(ssh, 'RACCDB', 'start instance -db raccdb -instance raccdb1')).code, 0);
  });

  test('shells, ptys, env, subsystems: refused with a channel failure and recorded; the exec itself still runs without the env', async () => {
    const c = await connect(ssh);
    try {
      assert.ok(await refusedOn(c, (done) => c.shell(false, (err) => done(err))));
      assert.ok(await refusedOn(c, (done) => c.sftp((err) => done(err))));
      assert.ok(await refusedOn(c, (done) => c.exec('x', { pty: true }, (err) => done(err))));
      const r = await new Promise<{ code: number | null; out: string }>((resolve, reject) =>
        c.exec(`${ssh.srvctl.RACCDB![0]} status service -db raccdb -service ORDERS_UNI`, { env: { ORACLE_HOME: '/tmp' } }, (err, stream) => {
          if (err) return reject(err);
          let out = '';
          stream.on('data', (d: Buffer) => (out += d.toString())).on('close', (code: number | null) => resolve({ code, out }));
        }),
      );
      assert.deepEqual(r, { code: 0, out: 'Service ORDERS_UNI is running on instance(s) raccdb1,raccdb2\n' });
    } finally {
      c.end();
    }
    for (const op of ['shell', 'sftp', 'pty', 'env']) assert.ok((await refusals(op)).length >= 1, `no ${op} refusal in the oplog`);
  });

  test('the same keys and port after a restart: a known-hosts entry stays valid', async () => {
    const c = await connect(ssh);
    assert.equal((await execOn(c, `${ssh.srvctl.RACCDB![0]} -version`)).code, 0);
    c.end();
    await lab.restart();
    const again = await sshInfo(lab.url);
    assert.deepEqual([again.port, again.hostKey, again.privateKeyFile], [ssh.port, ssh.hostKey, ssh.privateKeyFile]);
    assert.equal((await srvctl(again, 'RACCDB', 'status database -db raccdb')).code, 0);
  });
});

describe('lab SSH keys', () => {
  test('every generated Ed25519 pair parses, both halves (ssh2 alone spoils about 1 in 200)', async () => {
    const { utils } = await import('ssh2');
    for (let i = 0; i < 3000; i++) {
      const pair = soundEd25519Pair('orb-lab-client');
      const pub = utils.parseKey(pair.public);
      assert.ok(!(pub instanceof Error), `public key ${i}: ${pair.public}`);
      assert.ok(!(utils.parseKey(pair.private) instanceof Error), `private key ${i}`);
      assert.match(pair.public, /^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} orb-lab-client$/);
    }
  });
});
