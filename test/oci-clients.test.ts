/**
 * The real OCI SDK clients (oci-database) against a local HTTP server with a throw-away signing
 * key: the requests they send (path, body, opc-retry-token, the signature) are asserted, not
 * mocked away; the SDK's own retries and circuit breaker are off; errors are classified once.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPairSync, verify } from 'node:crypto';
import * as common from 'oci-common';
import { ociClients } from '../activities/oci/oci-clients';
import { classifyOciError } from '../common/oci-errors';

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

const ADB = 'ocid1.autonomousdatabase.oc1.iad.exampleprimary';
const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});
const provider = new common.SimpleAuthenticationDetailsProvider('ocid1.tenancy.oc1..t', 'ocid1.user.oc1..u', '11:22:33', privateKey, null, common.Region.US_ASHBURN_1);

describe('OCI SDK clients (oci-database) against a local server', () => {
  let server: Server;
  let url: string;
  let seen: Seen[] = [];
  let answer: { status: number; body: unknown; headers?: Record<string, string> } = { status: 200, body: {} };

  before(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(answer.status, { 'content-type': 'application/json', 'opc-request-id': 'req-1', ...answer.headers });
        res.end(JSON.stringify(answer.body));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));
  beforeEach(() => {
    seen = [];
  });

  test('a switchover is one signed POST to OCI\'s path, carrying the retry token', async () => {
    answer = { status: 200, body: { id: ADB, role: 'STANDBY', lifecycleState: 'ROLE_CHANGE_IN_PROGRESS' }, headers: { 'opc-work-request-id': 'ocid1.workrequest.oc1..w1' } };
    const { database } = ociClients(provider, { endpoint: url });
    const r = await database.switchoverAutonomousDatabase({ autonomousDatabaseId: ADB, opcRetryToken: 'orb-run-1-switchover' });
    assert.equal(r.opcWorkRequestId, 'ocid1.workrequest.oc1..w1');
    assert.equal(r.autonomousDatabase.lifecycleState, 'ROLE_CHANGE_IN_PROGRESS');
    assert.equal(seen.length, 1);
    const req = seen[0]!;
    assert.equal(req.method, 'POST');
    assert.equal(req.path, `/20160918/autonomousDatabases/${ADB}/actions/switchover`);
    assert.equal(req.headers['opc-retry-token'], 'orb-run-1-switchover');

    // The signature verifies with the throw-away key's public half (draft-cavage HTTP signatures, as OCI signs).
    const m = /^Signature version="1",keyId="ocid1\.tenancy\.oc1\.\.t\/ocid1\.user\.oc1\.\.u\/11:22:33",algorithm="rsa-sha256",headers="([^"]+)",signature="([^"]+)"$/.exec(String(req.headers.authorization));
    assert.ok(m, String(req.headers.authorization));
    const names = m[1]!.split(' ').map((h) => h.toLowerCase());
    const signed = names.map((h) => (h === '(request-target)' ? `(request-target): post ${req.path}` : `${h}: ${String(req.headers[h])}`)).join('\n');
    assert.ok(names.includes('x-content-sha256') && names.includes('content-length'), 'the body is signed too');
    assert.ok(verify('sha256', Buffer.from(signed), publicKey, Buffer.from(m[2]!, 'base64')), 'signature verifies');
  });

  test('the SDK does not retry: a 409 IncorrectState and a 503 reach the server once, and classify as transient', async () => {
    const { database } = ociClients(provider, { endpoint: url });
    for (const [status, code] of [[409, 'IncorrectState'], [503, 'ServiceUnavailable']] as const) {
      seen = [];
      answer = { status, body: { code, message: `simulated ${code}` } };
      const err = await database.getAutonomousDatabase({ autonomousDatabaseId: ADB }).then(() => null, (e: unknown) => e);
      assert.equal(seen.length, 1, `${code}: exactly one request (no SDK retry)`);
      const c = classifyOciError(err);
      assert.deepEqual([c.kind, c.status, c.code, c.requestId], ['transient', status, code, 'req-1']);
    }
  });

  test('permanent errors are not retried by anyone: 404 NotAuthorizedOrNotFound, 409 Conflict, 401', async () => {
    const { database } = ociClients(provider, { endpoint: url });
    for (const [status, code] of [[404, 'NotAuthorizedOrNotFound'], [409, 'Conflict'], [401, 'NotAuthenticated'], [409, 'InvalidatedRetryToken']] as const) {
      answer = { status, body: { code, message: code } };
      const err = await database.getAutonomousDatabase({ autonomousDatabaseId: ADB }).then(() => null, (e: unknown) => e);
      const c = classifyOciError(err);
      assert.equal(c.kind, 'permanent', code);
      assert.ok(c.explanation.length > 20);
    }
  });

  test('OCI out of reach is transient (no HTTP status)', async () => {
    const closed = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const port = (s.address() as AddressInfo).port;
        s.close(() => resolve(port));
      });
    });
    const { database } = ociClients(provider, { endpoint: `http://127.0.0.1:${closed}` });
    const err = await database.getAutonomousDatabase({ autonomousDatabaseId: ADB }).then(() => null, (e: unknown) => e);
    const c = classifyOciError(err);
    assert.deepEqual([c.kind, c.status], ['transient', null]);
  });
});
