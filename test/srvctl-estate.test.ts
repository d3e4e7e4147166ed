/**
 * The estate file's `srvctl` object (oracledb and lab CDBs), the default estate's RACCDB, and a lab
 * CDB's srvctl target as the lab describes it (GET <lab url>/ssh), served here by a stand-in HTTP
 * server next to an ssh2 test server: the same executor then runs against it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApplicationFailure } from '@temporalio/common';
import { DEFAULT_ESTATE, parseEstate } from '../common/estate-config';
import { InputError } from '../common/input-error';
import { srvctlExecutorFor, srvctlTargetOf } from '../activities/srvctl/srvctl-target';
import { srvctlStep } from '../activities/srvctl/srvctl-step';
import { keyPair, startSshServer, type SshTestServer } from './helpers/ssh-test-server';
import { closedPort } from './helpers/processes';

const hostKey = keyPair().public;
const NODE = { host: 'racnode1', user: 'grid', hostKey, privateKey: { file: '/etc/orb/grid_ed25519' } };
const SRVCTL = { db: 'raccdb', path: '/u01/app/19.0.0/grid/bin/srvctl', nodes: [NODE, { ...NODE, host: 'racnode2.example.com', port: 2222 }] };
const ORACLEDB = { adapter: 'oracledb', connectString: 'racscan:1521/raccdb', user: 'c##orb', password: { env: 'ORB_PW' } };

function refused(raw: unknown, path: string, rule: RegExp) {
  assert.throws(
    () => parseEstate(raw, 'orb.estate.json'),
    (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      const line = e.message.split('\n').find((l) => l.includes(`orb.estate.json: ${path}`)) ?? (e.field.endsWith(path) ? e.message : undefined);
      assert.ok(line, `no line for ${path} in:\n${e.message}`);
      assert.match(line, rule);
      return true;
    },
  );
}

describe('the estate file: srvctl on a CDB', () => {
  test('an oracledb CDB with srvctl: nodes, default port, and Clusterware implied', () => {
    const e = parseEstate({ cdbs: { RACCDB: { ...ORACLEDB, srvctl: SRVCTL } } });
    const c = e.cdbs.RACCDB!;
    assert.equal(c.clusterware, true);
    assert.ok(c.adapter === 'oracledb' && c.srvctl);
    assert.deepEqual(c.srvctl.nodes.map((n) => [n.host, n.port]), [['racnode1', 22], ['racnode2.example.com', 2222]]);
  });

  test('the clusterware boolean alone still works, and srvctl with clusterware false is a contradiction', () => {
    assert.equal(parseEstate({ cdbs: { CDB9: { ...ORACLEDB, clusterware: true } } }).cdbs.CDB9!.clusterware, true);
    assert.equal(parseEstate({ cdbs: { CDB9: { ...ORACLEDB } } }).cdbs.CDB9!.clusterware, undefined);
    refused({ cdbs: { RACCDB: { ...ORACLEDB, clusterware: false, srvctl: SRVCTL } } }, 'cdbs.RACCDB.clusterware', /cannot be false for a CDB with srvctl/);
  });

  test('each field is checked, naming it', () => {
    const bad = (srvctl: unknown) => ({ cdbs: { RACCDB: { ...ORACLEDB, srvctl } } });
    refused(bad({ ...SRVCTL, db: 'rac$db' }), 'cdbs.RACCDB.srvctl.db', /database unique name/);
    refused(bad({ ...SRVCTL, path: 'srvctl' }), 'cdbs.RACCDB.srvctl.path', /absolute path ending in \/bin\/srvctl/);
    refused(bad({ ...SRVCTL, path: '/u01/bin/srvctl; reboot' }), 'cdbs.RACCDB.srvctl.path', /absolute path/);
    refused(bad({ db: 'raccdb', nodes: [NODE] }), 'cdbs.RACCDB.srvctl.path', /absolute path/);
    refused(bad({ ...SRVCTL, nodes: [] }), 'cdbs.RACCDB.srvctl.nodes', /at least one node/);
    refused(bad({ ...SRVCTL, nodes: [{ ...NODE, hostKey: 'racnode1 ssh-ed25519 AAAA' }] }), 'cdbs.RACCDB.srvctl.nodes.0.hostKey', /public host key line|key type/);
    refused(bad({ ...SRVCTL, nodes: [{ ...NODE, hostKey: 'ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ' }] }), 'cdbs.RACCDB.srvctl.nodes.0.hostKey', /not a ssh-ed25519 key|base64/);
    refused(bad({ ...SRVCTL, nodes: [{ ...NODE, hostKey: 'SHA256:short' }] }), 'cdbs.RACCDB.srvctl.nodes.0.hostKey', /fingerprint/);
    refused(bad({ ...SRVCTL, nodes: [{ ...NODE, privateKey: '-----BEGIN OPENSSH PRIVATE KEY-----' }] }), 'cdbs.RACCDB.srvctl.nodes.0.privateKey', /reference to the secret/);
    refused(bad({ ...SRVCTL, nodes: [{ ...NODE, host: 'racnode1;reboot' }] }), 'cdbs.RACCDB.srvctl.nodes.0.host', /host name/);
    refused(bad({ ...SRVCTL, nodes: [{ ...NODE, user: 'grid oracle' }] }), 'cdbs.RACCDB.srvctl.nodes.0.user', /user name/);
    refused(bad({ ...SRVCTL, nodes: [{ ...NODE, port: 70000 }] }), 'cdbs.RACCDB.srvctl.nodes.0.port', /1 to 65535/);
    refused(bad({ ...SRVCTL, extra: 1 }), 'cdbs.RACCDB.srvctl', /Unrecognized key/);
  });

  test('a fingerprint is as good as a key line', () => {
    const fp = 'SHA256:' + 'A'.repeat(43);
    const e = parseEstate({ cdbs: { RACCDB: { ...ORACLEDB, srvctl: { ...SRVCTL, nodes: [{ ...NODE, hostKey: fp }] } } } });
    assert.ok(e.cdbs.RACCDB!.adapter === 'oracledb' && e.cdbs.RACCDB!.srvctl?.nodes[0]!.hostKey === fp);
  });

  test('a lab CDB: db and path optional; nodes come from the lab, so none may be given', () => {
    const e = parseEstate({ cdbs: { RACCDB: { adapter: 'lab', srvctl: {} } } });
    assert.equal(e.cdbs.RACCDB!.clusterware, true);
    refused({ cdbs: { RACCDB: { adapter: 'lab', srvctl: { nodes: [NODE] } } } }, 'cdbs.RACCDB.srvctl', /Unrecognized key/);
    refused({ cdbs: { 'RAC$CDB': { adapter: 'lab', srvctl: {} } } }, 'cdbs.RAC$CDB.srvctl.db', /is needed/);
  });

  test("the embedded default estate has the lab's RAC CDB RACCDB, reached through srvctl", () => {
    const c = DEFAULT_ESTATE.cdbs.RACCDB!;
    assert.equal(c.adapter, 'lab');
    assert.equal(c.clusterware, true);
    assert.deepEqual(c.srvctl, { db: 'raccdb' });
    assert.equal(DEFAULT_ESTATE.cdbs.CDB1!.clusterware, undefined);
  });
});

describe('srvctl targets', () => {
  test('oracledb: the nodes as listed, the key read from its reference when connecting', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orb-srvctl-'));
    try {
      writeFileSync(join(dir, 'key'), 'KEY-MATERIAL\n');
      const e = parseEstate({ cdbs: { RACCDB: { ...ORACLEDB, srvctl: { ...SRVCTL, nodes: [{ ...NODE, privateKey: { file: join(dir, 'key') } }] } } } });
      const t = await srvctlTargetOf(e, 'raccdb');
      assert.deepEqual([t.db, t.path, t.nodes.length, t.nodes[0]!.host, t.nodes[0]!.port], ['raccdb', SRVCTL.path, 1, 'racnode1', 22]);
      assert.equal(t.nodes[0]!.privateKey(), 'KEY-MATERIAL');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a CDB without srvctl is refused, naming the field', async () => {
    await assert.rejects(srvctlTargetOf(DEFAULT_ESTATE, 'CDB1'), (e: unknown) => e instanceof InputError && e.field === 'cdbs.CDB1.srvctl');
  });
});

describe('a lab CDB: the SSH endpoint the lab serves, then the same executor', () => {
  const client = keyPair();
  const dir = mkdtempSync(join(tmpdir(), 'orb-lab-ssh-'));
  const keyFile = join(dir, 'client_ed25519');
  let ssh: SshTestServer;
  let http: Server;
  let answer: unknown;
  let labUrl = '';

  before(async () => {
    writeFileSync(keyFile, client.private, { mode: 0o600 });
    ssh = await startSshServer({ clientPublicKey: client.public, handler: (line) => ({ stdout: `ran: ${line}\n`, exitCode: 0 }) });
    answer = { host: '127.0.0.1', port: ssh.port, user: 'grid', hostKey: ssh.hostPublicKey, privateKeyFile: keyFile };
    http = createServer((req, res) => {
      if (req.url !== '/ssh') return void res.writeHead(404).end();
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer));
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', () => r()));
    labUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  });
  after(async () => {
    await ssh.close();
    await new Promise<void>((r) => http.close(() => r()));
    rmSync(dir, { recursive: true, force: true });
  });

  const estate = () => parseEstate({ lab: { url: labUrl }, cdbs: { RACCDB: { adapter: 'lab', srvctl: { db: 'raccdb' } } } });

  test("runs srvctl on the lab's SSH server, with the default path", async () => {
    const ex = await srvctlExecutorFor(estate(), 'RACCDB');
    const r = await ex.run({ kind: 'status-database', db: 'raccdb' });
    assert.equal(r.stdout, 'ran: /u01/app/19.0.0/grid/bin/srvctl status database -db raccdb\n');
    assert.equal(ssh.commands.at(-1), '/u01/app/19.0.0/grid/bin/srvctl status database -db raccdb');
  });

  test("a lab answer with another host key is refused like a real node's", async () => {
    answer = { host: '127.0.0.1', port: ssh.port, user: 'grid', hostKey: keyPair().public, privateKeyFile: keyFile };
    try {
      const ex = await srvctlExecutorFor(estate(), 'RACCDB');
      const f = await srvctlStep(ex, { kind: 'status-database', db: 'raccdb' }, 'read raccdb').then(
        () => assert.fail('must be refused'),
        (e: unknown) => e as ApplicationFailure,
      );
      assert.deepEqual([f.type, f.nonRetryable], ['SshHostKeyChanged', true]);
    } finally {
      answer = { host: '127.0.0.1', port: ssh.port, user: 'grid', hostKey: ssh.hostPublicKey, privateKeyFile: keyFile };
    }
  });

  test('an unusable lab answer, or no lab, says so', async () => {
    answer = { host: '127.0.0.1', port: ssh.port, user: 'grid', hostKey: 'nope', privateKeyFile: keyFile };
    try {
      await assert.rejects(srvctlTargetOf(estate(), 'RACCDB'), (e: unknown) => (e as { code?: string }).code === 'LabSshAnswerInvalid' && /hostKey/.test((e as Error).message));
    } finally {
      answer = { host: '127.0.0.1', port: ssh.port, user: 'grid', hostKey: ssh.hostPublicKey, privateKeyFile: keyFile };
    }
    const none = parseEstate({ lab: { url: `http://127.0.0.1:${await closedPort()}` }, cdbs: { RACCDB: { adapter: 'lab', srvctl: {} } } });
    await assert.rejects(srvctlTargetOf(none, 'RACCDB'), (e: unknown) => (e as { code?: string }).code === 'SshUnreachable');
  });
});
