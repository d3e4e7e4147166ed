/**
 * The lab's OCI surface (lab/oci/*) with the REAL SDK clients (oci-database, oci-workrequests,
 * oci-vault, oci-secrets) pointed at it through `client.endpoint`, signing with a throw-away key:
 * Autonomous Data Guard role changes and their work requests, retry tokens, wallets, Vault secrets,
 * the TNS_ADMIN connect check, cloud faults and the cloud invariants.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import * as common from 'oci-common';
import { SecretsClient } from 'oci-secrets';
import { VaultsClient } from 'oci-vault';
import { noSdkRetries, ociClients, type OciClients } from '../activities/oci/oci-clients';
import { classifyOciError } from '../common/oci-errors';
import type { LabCloud } from '../lab/cloud-model';
import { SEED_IDS, SEED_WALLET_PASSWORD } from '../lab/oci/cloud-seed';
import { identifyWallet, walletEntries } from '../lab/oci/wallets';
import { labLogger } from '../lab/log';
import { buildSeed } from '../lab/seeds';
import { startLab, type RunningLab } from '../lab/server';
import { labHttp } from './helpers/lab-process';
import { until } from './helpers/until';

const { privateKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const provider = new common.SimpleAuthenticationDetailsProvider(
  'ocid1.tenancy.oc1..t', 'ocid1.user.oc1..u', '11:22:33', privateKey, null, common.Region.US_ASHBURN_1,
);
const { salesPrimary: IAD, salesStandby: PHX, hrPrimary: HR, salesWalletSecret: SECRET } = SEED_IDS;

async function failure(p: Promise<unknown>): Promise<ReturnType<typeof classifyOciError>> {
  const err = await p.then(() => null, (e: unknown) => e);
  assert.ok(err, 'expected the call to fail');
  return classifyOciError(err);
}

async function streamBytes(value: unknown): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of Readable.fromWeb(value as WebReadableStream<Uint8Array>)) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

describe('lab OCI surface with the real SDK clients', () => {
  let lab: RunningLab;
  let dir: string;
  let iad: OciClients;
  let phx: OciClients;
  let vaults: VaultsClient;
  let secrets: SecretsClient;
  const api = <T = any>(method: string, path: string, body?: unknown) => labHttp<T>(lab.url, method, path, body);
  const cloud = async () => (await api<{ cloud: LabCloud }>('GET', '/estate')).body.cloud;
  const adb = async (clients: OciClients, id: string) => (await clients.database.getAutonomousDatabase({ autonomousDatabaseId: id })).autonomousDatabase;
  const finished = (clients: OciClients, id: string) =>
    until(
      `work request ${id}`,
      async () => (await clients.workRequests.getWorkRequest({ workRequestId: id })).workRequest,
      (w) => w.status === 'SUCCEEDED' || w.status === 'FAILED',
      10_000,
    );

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orb-lab-oci-'));
    lab = await startLab({ port: 0, stateFile: join(dir, 'state.json'), seed: 'test', logger: labLogger('warn') });
    iad = ociClients(provider, { endpoint: `${lab.url}/oci/us-ashburn-1` });
    phx = ociClients(provider, { endpoint: `${lab.url}/oci/us-phoenix-1` });
    vaults = new VaultsClient({ authenticationDetailsProvider: provider }, noSdkRetries());
    vaults.endpoint = `${lab.url}/oci/us-ashburn-1`;
    secrets = new SecretsClient({ authenticationDetailsProvider: provider }, noSdkRetries());
    secrets.endpoint = `${lab.url}/oci/us-ashburn-1`;
  });
  after(async () => {
    await lab?.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    assert.equal((await api('POST', '/reset', { seed: 'test' })).status, 200);
    // 20 simulated s of role change at 100 simulated s per real s: 0.2 real s.
    assert.equal((await api('POST', '/clock', { speed: 100 })).status, 200);
  });

  test('the seeded pair: the primary in Ashburn, its peers, regional OCIDs', async () => {
    const primary = await adb(iad, IAD);
    assert.deepEqual([primary.role, primary.lifecycleState, primary.dbName], ['PRIMARY', 'AVAILABLE', 'SALESATP']);
    assert.equal(primary.isLocalDataGuardEnabled, true);
    assert.equal(primary.isRemoteDataGuardEnabled, true);
    assert.deepEqual(primary.peerDbIds, [PHX]);
    assert.equal(primary.remoteDisasterRecoveryConfiguration?.disasterRecoveryType, 'ADG');
    assert.equal(primary.localStandbyDb?.lifecycleState, 'STANDBY');
    assert.match(String(primary.connectionStrings?.high), /host=adb\.us-ashburn-1\.oraclecloud\.com/);
    const standby = await adb(phx, PHX);
    assert.deepEqual([standby.role, standby.lifecycleState, standby.dataguardRegionType], ['STANDBY', 'STANDBY', 'REMOTE_STANDBY_DG_REGION']);
    const peers = await iad.database.listAutonomousDatabasePeers({ autonomousDatabaseId: IAD });
    assert.deepEqual(peers.autonomousDatabasePeerCollection.items, [{ id: PHX, region: 'us-phoenix-1' }]);
    const c = await failure(phx.database.getAutonomousDatabase({ autonomousDatabaseId: IAD }));
    assert.deepEqual([c.status, c.code, c.kind], [404, 'NotAuthorizedOrNotFound', 'permanent']);
    assert.ok(c.requestId, 'opc-request-id on errors too');
    const list = await iad.database.listAutonomousDatabases({ compartmentId: SEED_IDS.compartmentId });
    assert.deepEqual(list.items.map((d) => d.id).sort(), [HR, IAD].sort());
  });

  test('a cross-region switchover: retry token replays, a role change blocks another, roles swap, events', async () => {
    const req = { autonomousDatabaseId: PHX, peerDbId: IAD, opcRetryToken: 'orb-run-1-switchover' };
    const first = await phx.database.switchoverAutonomousDatabase(req);
    assert.ok(first.opcWorkRequestId);
    assert.equal(first.autonomousDatabase.lifecycleState, 'ROLE_CHANGE_IN_PROGRESS');
    const again = await phx.database.switchoverAutonomousDatabase(req);
    assert.equal(again.opcWorkRequestId, first.opcWorkRequestId, 'same token, same request: the first answer');
    const reused = await failure(phx.database.failOverAutonomousDatabase(req));
    assert.deepEqual([reused.status, reused.code, reused.kind], [409, 'InvalidatedRetryToken', 'permanent']);
    const busy = await failure(phx.database.switchoverAutonomousDatabase({ autonomousDatabaseId: PHX, peerDbId: IAD }));
    assert.deepEqual([busy.status, busy.code, busy.kind], [409, 'IncorrectState', 'transient']);
    assert.equal((await adb(iad, IAD)).lifecycleState, 'ROLE_CHANGE_IN_PROGRESS');

    const wr = await finished(phx, first.opcWorkRequestId);
    assert.equal(wr.status, 'SUCCEEDED');
    assert.equal(wr.percentComplete, 100);
    const [newPrimary, newStandby] = [await adb(phx, PHX), await adb(iad, IAD)];
    assert.deepEqual([newPrimary.role, newPrimary.lifecycleState], ['PRIMARY', 'AVAILABLE']);
    assert.deepEqual([newStandby.role, newStandby.lifecycleState], ['STANDBY', 'STANDBY']);
    assert.ok(newPrimary.timeOfLastSwitchover && newPrimary.timeOfLastSwitchover === newStandby.timeOfLastSwitchover);
  });

  test('events of a switchover, and the invariants after it', async () => {
    const r = await phx.database.switchoverAutonomousDatabase({ autonomousDatabaseId: PHX, peerDbId: IAD });
    await finished(phx, r.opcWorkRequestId);
    const events = (await cloud()).events.map((e) => e.envelope);
    assert.deepEqual(events.map((e) => e.eventType), [
      'com.oraclecloud.databaseservice.switchoverautonomousdatabase.begin',
      'com.oraclecloud.databaseservice.switchoverautonomousdatabase.end',
    ]);
    assert.equal(events[0]!.data.resourceId, PHX);
    assert.equal(events[1]!.data.additionalDetails.workRequestId, r.opcWorkRequestId);
    assert.match(events[0]!.eventID, /^[0-9a-f-]{36}$/);
    const inv = (await api('GET', '/invariants?quiescent=true')).body;
    assert.ok(!inv.violations.some((v: { rule: string }) => v.rule === 'adg-one-primary'), JSON.stringify(inv));
    const stale = inv.violations.filter((v: { rule: string }) => v.rule === 'wallet-not-current-primary').map((v: { detail: string }) => v.detail);
    assert.equal(stale.length, 4, `the two OIC connections, the Vault secret and the TNS_ADMIN directory still hold the Ashburn wallet: ${stale.join(' | ')}`);
    assert.ok(stale.some((d: string) => d.includes('Vault secret')) && stale.some((d: string) => d.includes('TNS_ADMIN')));
    assert.ok(stale.some((d: string) => d.includes('SALES_ATP_ORDERS')) && stale.some((d: string) => d.includes('SALES_ATP_BILLING')));
  });

  test('a failover while the primary is down loses the standby\'s lag; wrong member and wrong peer are refused', async () => {
    const wrongPeer = await failure(phx.database.failOverAutonomousDatabase({ autonomousDatabaseId: PHX, peerDbId: HR }));
    assert.deepEqual([wrongPeer.status, wrongPeer.code], [400, 'InvalidParameter']);
    const onPrimary = await failure(iad.database.failOverAutonomousDatabase({ autonomousDatabaseId: IAD, peerDbId: PHX }));
    assert.deepEqual([onPrimary.status, onPrimary.code], [400, 'InvalidParameter']);
    assert.equal((await api('PATCH', `/oci-control/autonomous-databases/${IAD}`, { lifecycleState: 'UNAVAILABLE' })).status, 200);
    assert.equal((await api('PATCH', `/oci-control/autonomous-databases/${PHX}`, { lagTimeInSeconds: 7 })).status, 200);
    const switchover = await failure(phx.database.switchoverAutonomousDatabase({ autonomousDatabaseId: PHX, peerDbId: IAD }));
    assert.deepEqual([switchover.status, switchover.code], [409, 'IncorrectState'], 'a switchover needs the primary AVAILABLE');
    const r = await phx.database.failOverAutonomousDatabase({ autonomousDatabaseId: PHX, peerDbId: IAD });
    assert.equal((await finished(phx, r.opcWorkRequestId)).status, 'SUCCEEDED');
    const c = await cloud();
    const phxDb = c.autonomousDatabases.find((d) => d.id === PHX)!;
    assert.deepEqual([phxDb.role, phxDb.lostSecondsAtLastFailover], ['PRIMARY', 7]);
    assert.ok(phxDb.timeOfLastFailover);
    assert.deepEqual(c.events.map((e) => e.envelope.eventType.split('.').slice(-2).join('.')), ['failoverautonomousdatabase.begin', 'failoverautonomousdatabase.end']);
  });

  test('a local switchover keeps the OCID; an automatic failover emits critical events', async () => {
    const r = await iad.database.switchoverAutonomousDatabase({ autonomousDatabaseId: HR });
    assert.equal((await finished(iad, r.opcWorkRequestId)).status, 'SUCCEEDED');
    const hr = await adb(iad, HR);
    assert.deepEqual([hr.id, hr.role, hr.lifecycleState, hr.localStandbyDb?.lifecycleState], [HR, 'PRIMARY', 'AVAILABLE', 'STANDBY']);
    assert.ok(hr.localStandbyDb?.timeDataGuardRoleChanged && hr.timeOfLastSwitchover);

    const auto = await api('POST', `/oci-control/autonomous-databases/${IAD}/automatic-failover`);
    assert.equal(auto.status, 200, JSON.stringify(auto.body));
    await finished(phx, auto.body.result.workRequest.id);
    const critical = (await cloud()).events.filter((e) => e.envelope.eventType === 'com.oraclecloud.databaseservice.autonomous.database.critical');
    assert.deepEqual(critical.map((e) => e.envelope.data.additionalDetails.eventName), ['AutomaticFailoverBegin', 'AutomaticFailoverEnd']);
    assert.equal((await adb(phx, PHX)).role, 'PRIMARY');
  });

  test('generateWallet: a real zip whose certificate names the primary; a weak password is refused', async () => {
    const r = await iad.database.generateAutonomousDatabaseWallet({
      autonomousDatabaseId: IAD,
      generateAutonomousDatabaseWalletDetails: { password: 'Orb_wallet_2025', generateType: 'SINGLE' as never },
    });
    const zip = await streamBytes(r.value);
    const files = walletEntries(zip)!;
    for (const f of ['cwallet.sso', 'ewallet.p12', 'ewallet.pem', 'tnsnames.ora', 'sqlnet.ora', 'ojdbc.properties', 'README']) assert.ok(f in files, f);
    const cert = new X509Certificate(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(files['ewallet.pem']!)![0]);
    assert.match(cert.subject, /CN=adb\.us-ashburn-1\.oraclecloud\.com/);
    assert.match(cert.subject, new RegExp(`OU=SALESATP ${IAD.replace(/\./g, '\\.')}`));
    assert.match(String(cert.subjectAltName), /DNS:adb\.us-ashburn-1\.oraclecloud\.com/);
    assert.match(files['tnsnames.ora']!, /^salesatp_tpurgent = \(description=.*\(port=1522\)\(host=adb\.us-ashburn-1\.oraclecloud\.com\).*_tpurgent\.adb\.oraclecloud\.com.*ssl_server_dn_match=yes/m);
    const wallet = identifyWallet(await cloud(), zip);
    assert.equal(wallet?.adbId, IAD);
    const weak = await failure(iad.database.generateAutonomousDatabaseWallet({
      autonomousDatabaseId: IAD,
      generateAutonomousDatabaseWalletDetails: { password: 'onlyletters' },
    }));
    assert.deepEqual([weak.status, weak.code], [400, 'InvalidParameter']);
    assert.match(weak.message, /at least 8 characters/);
  });

  test('Vault: updateSecret makes a new CURRENT version that getSecretBundle reads; over 25 KB is refused', async () => {
    const content = Buffer.from('a new wallet').toString('base64');
    const u = await vaults.updateSecret({ secretId: SECRET, updateSecretDetails: { secretContent: { contentType: 'BASE64', content } } });
    assert.equal(u.secret.currentVersionNumber, 2);
    const b = await secrets.getSecretBundle({ secretId: SECRET });
    assert.equal(b.secretBundle.versionNumber, 2);
    assert.equal((b.secretBundle.secretBundleContent as { content: string }).content, content);
    const prev = await secrets.getSecretBundle({ secretId: SECRET, stage: 'PREVIOUS' as never });
    assert.equal(prev.secretBundle.versionNumber, 1);
    const versions = await vaults.listSecretVersions({ secretId: SECRET });
    assert.deepEqual(versions.items.map((v) => [v.versionNumber, v.stages]), [[2, ['CURRENT', 'LATEST']], [1, ['PREVIOUS']]]);
    const big = Buffer.alloc(26 * 1024, 1).toString('base64');
    const c = await failure(vaults.updateSecret({ secretId: SECRET, updateSecretDetails: { secretContent: { contentType: 'BASE64', content: big } } }));
    assert.deepEqual([c.status, c.code], [400, 'InvalidParameter']);
  });

  test('/adb/connect with the seeded TNS_ADMIN files works before a switchover and not after', async () => {
    const tns = join(dirname(join(dir, 'state.json')), 'tns_admin', 'sales-app');
    const body = { tnsnamesOra: readFileSync(join(tns, 'tnsnames.ora'), 'utf8'), alias: 'salesatp_high', ewalletPem: readFileSync(join(tns, 'ewallet.pem'), 'utf8') };
    const ok = await api('POST', '/adb/connect', body);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual([ok.body.result.databaseRole, ok.body.result.adbId], ['PRIMARY', IAD]);
    assert.equal((await api('POST', '/adb/connect', { ...body, alias: 'nosuch_high' })).body.error.code, 'NJS-517');
    const r = await phx.database.switchoverAutonomousDatabase({ autonomousDatabaseId: PHX, peerDbId: IAD });
    await finished(phx, r.opcWorkRequestId);
    const after = await api('POST', '/adb/connect', body);
    assert.deepEqual([after.status, after.body.error.code], [503, 'NJS-518']);
    const seed = (await cloud()).wallets[0]!;
    assert.equal(seed.passwordSha256.length, 64);
    assert.ok(SEED_WALLET_PASSWORD.length >= 8);
  });

  test('an unsigned request, or one whose body does not match its x-content-sha256, is 401 NotAuthenticated', async () => {
    const r = await fetch(`${lab.url}/oci/us-ashburn-1/20160918/autonomousDatabases/${IAD}`);
    assert.equal(r.status, 401);
    assert.ok(r.headers.get('opc-request-id'));
    assert.equal(((await r.json()) as { code: string }).code, 'NotAuthenticated');
    const forged = await fetch(`${lab.url}/oci/us-ashburn-1/20160918/autonomousDatabases/${IAD}/actions/switchover`, {
      method: 'POST',
      headers: {
        authorization: 'Signature version="1",keyId="t/u/f",algorithm="rsa-sha256",headers="date (request-target) host x-content-sha256 content-type content-length",signature="AAAA"',
        date: new Date().toUTCString(),
        'x-content-sha256': 'not-the-body',
        'content-type': 'application/json',
      },
      body: '{}',
    });
    assert.equal(forged.status, 401);
  });

  test('cloud faults: a transient 503 once, an answer lost after the change, a failed work request', async () => {
    const bad = await api('POST', '/faults', { service: 'oci', op: 'getAutonomousDatabase', kind: 'transient', status: 404, code: 'NotAuthorizedOrNotFound' });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /kind: 404 NotAuthorizedOrNotFound is not retried/);
    assert.equal((await api('POST', '/faults', { service: 'oci', op: 'getAutonomousDatabase', kind: 'transient', status: 503, code: 'ServiceUnavailable' })).status, 201);
    const c = await failure(adb(iad, IAD));
    assert.deepEqual([c.status, c.code, c.kind], [503, 'ServiceUnavailable', 'transient']);
    assert.equal((await adb(iad, IAD)).role, 'PRIMARY', 'fired once');

    const armed = { service: 'oci', op: 'switchoverAutonomousDatabase', target: PHX, kind: 'transient', status: 503, code: 'ServiceUnavailable', when: 'after' };
    assert.equal((await api('POST', '/faults', armed)).status, 201);
    assert.equal((await api('GET', '/faults')).body.cloudFaults.length, 2);
    const req = { autonomousDatabaseId: PHX, peerDbId: IAD, opcRetryToken: 'orb-lost-answer' };
    assert.equal((await failure(phx.database.switchoverAutonomousDatabase(req))).status, 503);
    const retried = await phx.database.switchoverAutonomousDatabase(req);
    assert.equal((await cloud()).workRequests.length, 1, 'the lost answer\'s work request is the one the retry gets');
    assert.equal(retried.opcWorkRequestId, (await cloud()).workRequests[0]!.id);
    await finished(phx, retried.opcWorkRequestId);

    assert.equal((await api('POST', '/faults', { service: 'oci', op: 'roleChangeWork', kind: 'permanent', status: 500, code: 'InternalError' })).status, 201);
    const r = await iad.database.switchoverAutonomousDatabase({ autonomousDatabaseId: HR });
    const wr = await finished(iad, r.opcWorkRequestId);
    assert.equal(wr.status, 'FAILED');
    const errs = await iad.workRequests.listWorkRequestErrors({ workRequestId: wr.id });
    assert.equal(errs.items[0]?.code, 'InternalError');
    const hr = await adb(iad, HR);
    assert.deepEqual([hr.role, hr.lifecycleState, hr.timeOfLastSwitchover], ['PRIMARY', 'AVAILABLE', undefined]);
    assert.equal((await api('DELETE', '/faults')).body.removed, 3);
  });

  test('GET /estate stays modest and holds no wallet bytes', async () => {
    const text = JSON.stringify((await api('GET', '/estate')).body.cloud);
    assert.ok(text.length < 20_000, `cloud is ${text.length} characters`);
    assert.doesNotMatch(text, /PRIVATE KEY|UEsDB/);
  });
});

describe('lab OCI estate in an older state file', () => {
  test('a state file without the cloud estate gets the seed\'s, and its TNS_ADMIN directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'orb-lab-oci-old-'));
    const stateFile = join(dir, 'state.json');
    const old = buildSeed('test') as Partial<ReturnType<typeof buildSeed>>;
    delete old.cloud;
    delete old.settings!.adbRoleChangeSec;
    writeFileSync(stateFile, JSON.stringify(old));
    const lab = await startLab({ port: 0, stateFile, seed: 'test', logger: labLogger('warn') });
    try {
      const estate = (await labHttp<{ cloud: LabCloud; settings: { adbRoleChangeSec: number } }>(lab.url, 'GET', '/estate')).body;
      assert.deepEqual(estate.cloud.autonomousDatabases.map((d) => d.id), [IAD, PHX, HR]);
      assert.equal(estate.settings.adbRoleChangeSec, 20);
      assert.equal(estate.cloud.secrets[0]?.id, SECRET);
      assert.ok(existsSync(join(dir, 'tns_admin', 'sales-app', 'ewallet.pem')));
      assert.equal((await labHttp(lab.url, 'GET', '/invariants?quiescent=true')).body.ok, true);
    } finally {
      await lab.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
