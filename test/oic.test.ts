/**
 * Oracle Integration: the lab's connections REST API, orb's real OIC client and the OIC wallet
 * consumer adapter, run against the lab in this process (startLab, port 0, temp state file).
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { oicConsumer } from '../activities/oic/oic-consumer';
import { OicClient, type OicClientOptions } from '../activities/oic/oic-client';
import type { BlobStore, LoadedWallet } from '../activities/wallet/consumer';
import type { SecretRef } from '../common/estate-config';
import { classifyOicError, isOicLocked, OicError } from '../common/oic-errors';
import type { LabCloudFault } from '../lab/cloud-model';
import { labLogger } from '../lab/log';
import { parseMultipart } from '../lab/oic/multipart';
import { generateWallet } from '../lab/oci/wallets';
import { startLab, type RunningLab } from '../lab/server';
import { labHttp } from './helpers/lab-process';

const WALLET_PW = 'Welcome_12345';
const ORDERS = 'SALES_ATP_ORDERS';
const SCOPE = 'https://lab-oic.example:443urn:opc:resource:consumer::all';
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

class MemoryStore implements BlobStore {
  readonly blobs = new Map<string, Buffer>();
  async put(bytes: Buffer): Promise<string> {
    const sha = sha256(bytes);
    this.blobs.set(sha, Buffer.from(bytes));
    return sha;
  }
  async get(sha: string): Promise<Buffer> {
    const b = this.blobs.get(sha);
    if (!b) throw new Error(`no blob ${sha}`);
    return b;
  }
}

async function failure(p: Promise<unknown>): Promise<OicError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof OicError, String(e));
    return e;
  }
  assert.fail('expected an OicError');
}

describe('Oracle Integration (lab API, client, consumer adapter)', () => {
  let dir: string;
  let running: RunningLab;
  const secrets: Record<string, string> = { OIC_PASSWORD: 'lab', OIC_CLIENT_SECRET: 'lab' };
  const resolveSecret = (ref: SecretRef) => {
    if (!('env' in ref) || secrets[ref.env] === undefined) throw new Error('no such secret');
    return secrets[ref.env]!;
  };
  const basic = (over: Partial<OicClientOptions> = {}) =>
    new OicClient({ baseUrl: running.url, auth: { type: 'basic', username: 'orb', password: { env: 'OIC_PASSWORD' } }, resolveSecret, timeoutMs: 5000, ...over });
  const oauth = (over: Partial<OicClientOptions> = {}) =>
    new OicClient({
      baseUrl: running.url,
      integrationInstance: 'orb-oic',
      auth: { type: 'oauth2', tokenUrl: `${running.url}/oauth2/v1/token`, clientId: 'orb-runbooks', clientSecret: { env: 'OIC_CLIENT_SECRET' }, scope: SCOPE },
      resolveSecret,
      timeoutMs: 5000,
      ...over,
    });
  const cloud = () => running.lab.estate().cloud;
  const oplogOps = async () => ((await labHttp(running.url, 'GET', '/oplog')).body.entries as { cdb: string; op: string }[]).filter((e) => e.cdb === 'OIC').map((e) => e.op);

  /** A role change of SALESATP (the lab/oci helper's switchover is not on this branch): the standby becomes primary. */
  const switchover = () =>
    running.lab.cloudControl((_ctx, c) => {
      for (const db of c.autonomousDatabases.filter((d) => d.dbName === 'SALESATP')) {
        const becomesPrimary = db.role !== 'PRIMARY';
        db.role = becomesPrimary ? 'PRIMARY' : 'STANDBY';
        db.lifecycleState = becomesPrimary ? 'AVAILABLE' : 'STANDBY';
      }
    });
  /** A wallet of the current primary, recorded by the lab as generated with `password`. */
  const walletOfPrimary = (password = WALLET_PW, at = '2025-03-04T10:00:00.000Z'): LoadedWallet =>
    running.lab.cloudControl((_ctx, c) => {
      const primary = c.autonomousDatabases.find((d) => d.dbName === 'SALESATP' && d.role === 'PRIMARY')!;
      const { zip, wallet } = generateWallet(c, primary, { password, generateType: 'SINGLE', nowMs: Date.parse(at) });
      return { zip: Buffer.from(zip), zipSha256: wallet.zipSha256, password, adbId: primary.id };
    });
  const arm = (f: Partial<LabCloudFault> & Pick<LabCloudFault, 'op' | 'status' | 'code' | 'kind'>) =>
    running.lab.cloudControl((_ctx, c) => {
      c.faults.push({ id: 900 + c.faults.length, service: 'oic', target: null, remaining: 1, when: 'before', fired: 0, ...f });
    });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orb-oic-'));
    running = await startLab({ port: 0, stateFile: join(dir, 'lab-state.json'), seed: 'test', reset: true, logger: labLogger('silent') });
  });
  after(async () => {
    await running?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    assert.equal((await labHttp(running.url, 'POST', '/reset', { seed: 'test' })).status, 200);
  });

  test('readCurrent saves the WALLET bytes and the non-secret properties; no password is ever returned', async () => {
    const store = new MemoryStore();
    const adapter = oicConsumer(basic(), { connectionId: ORDERS, instance: 'orb-oic', dbName: 'SALESATP' });
    const saved = await adapter.readCurrent(store);
    const seedSha = cloud().oic[0]!.connections[0]!.attachments.WALLET!.sha256;
    assert.equal(saved.walletSha256, seedSha);
    assert.equal(await adapter.currentWalletSha256(), seedSha);
    assert.match(saved.summary, /SALES_ATP_ORDERS \(orb-oic\): wallet [0-9a-f]{8}… \(Wallet_SALESATP\.zip\), service salesatp_high/);
    const blob = JSON.parse((await store.get(saved.blobSha256!)).toString('utf8'));
    assert.equal(sha256(Buffer.from(blob.wallet.base64, 'base64')), seedSha);
    assert.deepEqual(blob.connectionProperties, [{ propertyName: 'ServiceName', propertyValue: 'salesatp_high' }]);
    assert.deepEqual(blob.securityProperties, [{ propertyName: 'UserName', propertyValue: 'ORB_APP' }]);
    const conn = await basic().getConnection(ORDERS);
    for (const p of conn.securityProperties!.filter((x) => x.propertyType === 'PASSWORD')) assert.equal(p.propertyValue, null);
    const estate = await labHttp(running.url, 'GET', '/estate');
    const props = estate.body.cloud.oic[0].connections.flatMap((c: { securityProperties: { propertyValue: unknown; propertyType: string }[] }) => c.securityProperties);
    assert.ok(props.filter((p: { propertyType: string }) => p.propertyType === 'PASSWORD').every((p: { propertyValue: unknown }) => p.propertyValue === null));
    assert.ok(!JSON.stringify(estate.body).includes(WALLET_PW));
  });

  test('after a switchover: the old wallet fails the test, the new primary\'s passes; integrations keep the old one until reactivated', async () => {
    const client = basic();
    const adapter = oicConsumer(client, { connectionId: ORDERS, instance: 'orb-oic', dbName: 'SALESATP' });
    assert.deepEqual(await adapter.test(), { ok: true, detail: `OIC connection test of ${ORDERS}: CONFIGURED` });
    switchover();
    const stale = await adapter.test();
    assert.equal(stale.ok, false);
    assert.match(stale.detail, /not the primary.*unable to connect/);
    const wallet = walletOfPrimary();
    await adapter.update(wallet);
    assert.equal(await adapter.currentWalletSha256(), wallet.zipSha256);
    assert.equal((await client.downloadAttachment(ORDERS, 'WALLET')).fileName, 'Wallet_SALESATP.zip');
    assert.equal((await adapter.test()).ok, true);
    const anonymous = await labHttp(running.url, "GET", "/ic/api/integration/v1/integrations/ORDERS_SYNC%7C01.00.0000");
    assert.equal(anonymous.status, 401);
    let integ = (await client.getIntegration('ORDERS_SYNC|01.00.0000')) as unknown as { runningWith: Record<string, { current: boolean; walletSha256: string }> };
    assert.equal(integ.runningWith[ORDERS]!.current, false);
    assert.deepEqual(await adapter.reactivate!(), ['ORDERS_SYNC|01.00.0000']);
    integ = (await client.getIntegration('ORDERS_SYNC|01.00.0000')) as unknown as typeof integ;
    assert.deepEqual([integ.runningWith[ORDERS]!.current, integ.runningWith[ORDERS]!.walletSha256], [true, wallet.zipSha256]);
    const invoice = await client.getIntegration('INVOICE_REPORT|01.00.0000');
    assert.equal(invoice.status, 'CONFIGURED');
    const billing = cloud().oic[0]!.integrations.find((i) => i.code === 'BILLING_EXPORT')!;
    assert.notEqual(billing.activatedWith.SALES_ATP_BILLING, wallet.zipSha256);
  });

  test('update is a no-op when the connection already holds the wallet; the password is set before the file', async () => {
    const adapter = oicConsumer(basic(), { connectionId: ORDERS, instance: 'orb-oic' });
    const wallet = walletOfPrimary();
    await adapter.update(wallet);
    await adapter.update(wallet);
    const mutations = (await oplogOps()).filter((op) => op === 'updateConnection' || op === 'uploadAttachment');
    assert.deepEqual(mutations, ['updateConnection', 'uploadAttachment']);
  });

  test('a wallet with another password fails the test', async () => {
    const adapter = oicConsumer(basic(), { connectionId: ORDERS, instance: 'orb-oic' });
    const wallet = walletOfPrimary('Other_Passw0rd_9');
    await adapter.update({ ...wallet, password: WALLET_PW });
    const r = await adapter.test();
    assert.equal(r.ok, false);
    assert.match(r.detail, /password was incorrect/);
  });

  test('restore puts back exactly the saved bytes and the old password', async () => {
    const store = new MemoryStore();
    const client = basic();
    const adapter = oicConsumer(client, { connectionId: ORDERS, instance: 'orb-oic', dbName: 'SALESATP' });
    const saved = await adapter.readCurrent(store);
    const savedBytes = Buffer.from(JSON.parse((await store.get(saved.blobSha256!)).toString('utf8')).wallet.base64, 'base64');
    await adapter.update(walletOfPrimary('New_Wallet_Pw_42'));
    assert.notEqual(await adapter.currentWalletSha256(), saved.walletSha256);
    await adapter.restore(saved, store, WALLET_PW);
    await adapter.restore(saved, store, WALLET_PW); // idempotent
    const back = await client.downloadAttachment(ORDERS, 'WALLET');
    assert.ok(back.bytes.equals(savedBytes));
    assert.equal(back.fileName, 'Wallet_SALESATP.zip');
    assert.equal((await adapter.test()).ok, true);
  });

  test('OAuth client credentials (Gen3): one token for many calls, a new one shortly before expiry; Basic refused there', async () => {
    let tokenCalls = 0;
    let nowMs = 1_000_000;
    const counting: typeof fetch = (input, init) => {
      if (String(input).includes('/oauth2/v1/token')) tokenCalls++;
      return fetch(input, init);
    };
    const client = oauth({ fetch: counting, now: () => nowMs });
    await client.getConnection(ORDERS);
    await client.getConnection(ORDERS);
    assert.equal(tokenCalls, 1);
    nowMs += 3600_000 - 30_000; // within the refresh margin
    await client.getConnection(ORDERS);
    assert.equal(tokenCalls, 2);
    const gen3Basic = await failure(basic({ integrationInstance: 'orb-oic' }).getConnection(ORDERS));
    assert.equal(gen3Basic.status, 401);
    const badSecret = await failure(oauth({ resolveSecret: () => 'wrong-secret' }).getConnection(ORDERS));
    assert.deepEqual([badSecret.op, badSecret.status, badSecret.code, classifyOicError(badSecret).kind], ['token', 401, 'invalid_client', 'permanent']);
    assert.ok(!badSecret.message.includes('wrong-secret'));
  });

  test('401 without credentials; integrationInstance picks the instance, an unknown one is 404', async () => {
    const r = await fetch(`${running.url}/ic/api/integration/v1/connections/${ORDERS}`);
    assert.equal(r.status, 401);
    assert.equal(((await r.json()) as { title: string }).title, 'Unauthorized');
    const wrongPw = await failure(basic({ resolveSecret: () => 'nope' }).getConnection(ORDERS));
    assert.deepEqual([wrongPw.status, classifyOicError(wrongPw).kind], [401, 'permanent']);
    assert.equal((await oauth().getConnection(ORDERS)).id, ORDERS);
    const unknown = await failure(oauth({ integrationInstance: 'no-such-oic' }).getConnection(ORDERS));
    assert.deepEqual([unknown.status, classifyOicError(unknown).kind], [404, 'permanent']);
    const missing = await failure(basic().getConnection('NO_SUCH_CONN'));
    assert.equal(missing.status, 404);
    assert.match(classifyOicError(missing).explanation, /connection or integration id/);
  });

  test('a locked connection answers 412, classified transient', async () => {
    const locked = await labHttp(running.url, 'PATCH', `/oic-control/instances/orb-oic/connections/${ORDERS}`, { lockedBy: 'jane.doe' });
    assert.equal(locked.status, 200);
    assert.equal(locked.body.result.lockedFlag, true);
    const adapter = oicConsumer(basic(), { connectionId: ORDERS, instance: 'orb-oic' });
    const e = await failure(adapter.test());
    const c = classifyOicError(e);
    assert.deepEqual([c.status, c.kind, isOicLocked(c)], [412, 'transient', true]);
    await failure(adapter.update(walletOfPrimary()));
    await labHttp(running.url, 'PATCH', `/oic-control/instances/orb-oic/connections/${ORDERS}`, { lockedBy: null });
    assert.equal((await adapter.test()).ok, true);
  });

  test('faults: a 503 once is transient and the retry works; a permanent 403 is permanent; OIC out of reach is transient', async () => {
    const adapter = oicConsumer(basic(), { connectionId: ORDERS, instance: 'orb-oic' });
    arm({ op: 'testConnection', status: 503, code: 'ServiceUnavailable', kind: 'transient' });
    const e = await failure(adapter.test());
    assert.deepEqual([e.status, e.code, classifyOicError(e).kind], [503, 'ServiceUnavailable', 'transient']);
    assert.equal((await adapter.test()).ok, true);
    arm({ op: 'getConnection', status: 403, code: 'Forbidden', kind: 'permanent' });
    const p = await failure(adapter.readCurrent(new MemoryStore()));
    assert.deepEqual([p.status, classifyOicError(p).kind], [403, 'permanent']);
    const gone = await failure(basic({ baseUrl: 'http://127.0.0.1:1' }).getConnection(ORDERS));
    assert.deepEqual([gone.status, classifyOicError(gone).kind], [null, 'transient']);
  });

  test('no error message carries the wallet password or the token, even when the server echoes them', async () => {
    let token = '';
    const echo: typeof fetch = async (input, init) => {
      const auth = new Headers(init?.headers).get('authorization') ?? '';
      if (auth.startsWith('Bearer ')) token = auth.slice(7);
      if (String(input).includes('/connections/') && new Headers(init?.headers).get('x-http-method-override') === 'PATCH') {
        return new Response(JSON.stringify({ title: 'Bad Request', detail: `refused ${String(init?.body)} with ${auth}` }), { status: 400 });
      }
      return fetch(input, init);
    };
    const adapter = oicConsumer(oauth({ fetch: echo }), { connectionId: ORDERS, instance: 'orb-oic' });
    const e = await failure(adapter.update(walletOfPrimary()));
    assert.equal(e.status, 400);
    assert.ok(token.length > 10);
    assert.ok(!e.message.includes(WALLET_PW) && !e.message.includes(token), e.message);
    assert.match(e.message, /WALLETPASSWORD/);
  });

  test('the lab refuses an update without the override header, and an upload without the file field', async () => {
    const auth = { authorization: `Basic ${Buffer.from('orb:lab').toString('base64')}` };
    const url = `${running.url}/ic/api/integration/v1/connections/${ORDERS}`;
    const r = await fetch(url, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: '{}' });
    assert.equal(r.status, 405);
    const form = new FormData();
    form.append('other', new Blob([Buffer.from('x')]), 'x.zip');
    const u = await fetch(`${url}/attachments/WALLET`, { method: 'POST', headers: auth, body: form });
    assert.equal(u.status, 400);
    assert.match(((await u.json()) as { detail: string }).detail, /No file is uploaded/);
  });

  test('multipart: parts, quoted names, binary bytes with CRLF inside, malformed bodies refused', () => {
    const data = Buffer.from([0, 13, 10, 45, 45, 255, 13, 10]);
    const body = Buffer.concat([
      Buffer.from('preamble\r\n--XyZ\r\nContent-Disposition: form-data; name="note"\r\n\r\nhello\r\n--XyZ\r\n'),
      Buffer.from('Content-Disposition: form-data; name="file"; filename="Wallet_A.zip"\r\nContent-Type: application/zip\r\n\r\n'),
      data,
      Buffer.from('\r\n--XyZ--\r\n'),
    ]);
    const parts = parseMultipart(body, 'multipart/form-data; boundary="XyZ"');
    assert.deepEqual(parts.map((p) => [p.name, p.fileName]), [['note', null], ['file', 'Wallet_A.zip']]);
    assert.ok(parts[1]!.data.equals(data));
    assert.throws(() => parseMultipart(body.subarray(0, body.length - 12), 'multipart/form-data; boundary=XyZ'), /no closing boundary/);
    assert.throws(() => parseMultipart(body, 'application/json'), /multipart\/form-data/);
  });
});
