/**
 * orb events: OCI role-change events start propagate-wallet once per event. The receiver and the
 * stream poller run for real (node:http, the real StreamClient of oci-streaming) against the lab's
 * Notifications topic and Streaming API; startPropagation is a fake that answers "already
 * started" for a repeated event id, as Temporal does, except in the last suite (a real dev server).
 */
import { after, afterEach, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { startLab, type RunningLab } from '../lab/server';
import { LAB_STREAM_ID } from '../lab/events/streaming';
import { parseEventText, MAX_EVENT_BYTES } from '../common/oci-event-schema';
import { ALL_SEARCH_ATTRIBUTES } from '../common/search-attributes';
import { createEventHandler, type PropagationRequest, type StartPropagation } from '../client/events/event-handler';
import { findDatabaseInEstate } from '../client/events/estate-databases';
import { checkConfirmationUrl } from '../client/events/confirm-url';
import { startNotificationsReceiver, type RunningReceiver } from '../client/events/notifications-receiver';
import { eventStreamClient, throwAwayProvider } from '../client/events/stream-client';
import { startStreamPoller } from '../client/events/stream-poller';
import { temporalStartPropagation } from '../client/events/start-propagation';
import { OrbDatabase } from '../common/search-attributes';
import { DEFAULT_ESTATE } from '../common/estate-config';
import { parsePropagateInput } from '../common/adb-input-schema';
import { eventsPlan, type EventsOptions } from '../client/events/events-options';
import { NO_TOKEN_WARNING, runEvents } from '../client/events/run-events';
import { temporalCliPath } from './helpers/temporal-cli';
import { sleep, until } from './helpers/until';

const ADB = 'ocid1.autonomousdatabase.oc1.iad.aaaasalesatpprimary';
const ADB_STANDBY = 'ocid1.autonomousdatabase.oc1.phx.aaaasalesatpstandby';
const UNKNOWN = 'ocid1.autonomousdatabase.oc1.iad.aaaanobodyknowsme';
const SWITCHOVER_END = 'com.oraclecloud.databaseservice.switchoverautonomousdatabase.end';
const SWITCHOVER_BEGIN = 'com.oraclecloud.databaseservice.switchoverautonomousdatabase.begin';
const CRITICAL = 'com.oraclecloud.databaseservice.autonomous.database.critical';

const estate = { autonomousDatabases: { SALESATP: { ocid: ADB, peers: [{ ocid: ADB_STANDBY }] } } };

function envelope(eventID: string, over: { eventType?: string; resourceId?: string; eventName?: string } = {}) {
  return {
    eventType: over.eventType ?? SWITCHOVER_END,
    cloudEventsVersion: '0.1',
    eventTypeVersion: '2.0',
    source: 'databaseservice',
    eventTime: '2025-03-01T10:00:00.000Z',
    contentType: 'application/json',
    eventID,
    extensions: { compartmentId: 'ocid1.compartment.oc1..aaaalab' },
    data: {
      compartmentId: 'ocid1.compartment.oc1..aaaalab',
      compartmentName: 'orb-lab',
      resourceName: 'SalesATP',
      resourceId: over.resourceId ?? ADB,
      availabilityDomain: 'AD1',
      additionalDetails: { dbName: 'SALESATP', ...(over.eventName ? { eventName: over.eventName } : {}), somethingNew: 'kept' },
    },
    somethingOciAddsLater: { nested: true },
  };
}

/** A startPropagation that records calls and, like Temporal with REJECT_DUPLICATE, starts an event id once. */
function fakeStarts() {
  const calls: PropagationRequest[] = [];
  const started = new Set<string>();
  const start: StartPropagation = async (r) => {
    calls.push(r);
    const workflowId = `propagate-wallet:event:${r.eventId}`;
    if (started.has(r.eventId)) return { workflowId, started: false };
    started.add(r.eventId);
    return { workflowId, started: true };
  };
  return { calls, started, start };
}

function captureLogger() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as Record<string, unknown>) });
  return { lines, logger };
}

async function post(url: string, body: string, headers: Record<string, string> = {}) {
  const r = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-oci-ns-messagetype': 'Notification', ...headers } });
  return { status: r.status, body: (await r.json().catch(() => null)) as Record<string, unknown> | null };
}

async function labCall<T>(lab: RunningLab, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const r = await fetch(lab.url + path, { method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: r.status, body: (await r.json()) as T };
}

function quietLabLogger() {
  return pino({ level: process.env.ORB_TEST_LOG_LEVEL ?? 'silent' });
}

describe('OCI event parsing', () => {
  test('role changes that finished, begun, and other events; extra fields kept out, upper-case OCIDs accepted', () => {
    const kind = (e: unknown) => {
      const r = parseEventText(JSON.stringify(e));
      assert.ok(r.ok, JSON.stringify(r));
      return r.event.kind;
    };
    assert.equal(kind(envelope('e1')), 'role-change-finished');
    assert.equal(kind(envelope('e2', { eventType: 'com.oraclecloud.databaseservice.failoverautonomousdatabase.end' })), 'role-change-finished');
    assert.equal(kind(envelope('e3', { eventType: CRITICAL, eventName: 'AutomaticFailoverEnd' })), 'role-change-finished');
    assert.equal(kind(envelope('e4', { eventType: CRITICAL, eventName: 'AutomaticFailoverBegin' })), 'role-change-begun');
    assert.equal(kind(envelope('e5', { eventType: CRITICAL, eventName: 'SomethingElse' })), 'other');
    assert.equal(kind(envelope('e6', { eventType: SWITCHOVER_BEGIN })), 'role-change-begun');
    assert.equal(kind({ eventType: 'com.oraclecloud.objectstorage.createobject', eventID: 'x1', eventTime: 'now', data: {} }), 'other');
    const upper = parseEventText(JSON.stringify(envelope('e7', { resourceId: ADB.toUpperCase() })));
    assert.ok(upper.ok && upper.event.resourceId === ADB);
  });

  test('malformed and oversized events are refused with the reason', () => {
    assert.deepEqual(parseEventText('{not json'), { ok: false, status: 400, reason: 'not JSON' });
    const noResource = envelope('e8') as { data: Record<string, unknown> };
    delete noResource.data.resourceId;
    const r = parseEventText(JSON.stringify(noResource));
    assert.ok(!r.ok && r.status === 400 && /resourceId/.test(r.reason), JSON.stringify(r));
    const badId = parseEventText(JSON.stringify(envelope('../../etc/passwd')));
    assert.ok(!badId.ok && /eventID/.test(badId.reason));
    const big = parseEventText(JSON.stringify({ ...envelope('e9'), pad: 'x'.repeat(MAX_EVENT_BYTES) }));
    assert.ok(!big.ok && big.status === 413);
  });

  test('findDatabase maps every Autonomous Database OCID of an estate entry to its name, whatever the shape', () => {
    const find = findDatabaseInEstate(estate);
    assert.deepEqual(find(ADB), { name: 'SALESATP' });
    assert.deepEqual(find(ADB_STANDBY.toUpperCase()), { name: 'SALESATP' });
    assert.equal(find(UNKNOWN), null);
    assert.deepEqual(findDatabaseInEstate({ autonomousDatabases: [{ name: 'HR', id: UNKNOWN }] })(UNKNOWN), { name: 'HR' });
    assert.equal(findDatabaseInEstate({ cdbs: {} })(ADB), null);
  });

  test('confirmation URLs: https *.oraclecloud.com or an allowed host, nothing else', () => {
    assert.ok(checkConfirmationUrl('https://cell1.notification.us-ashburn-1.oci.oraclecloud.com/confirm?x=1', []).ok);
    assert.ok(!checkConfirmationUrl('http://cell1.notification.us-ashburn-1.oci.oraclecloud.com/confirm', []).ok);
    assert.ok(!checkConfirmationUrl('https://oraclecloud.com.evil.example/confirm', []).ok);
    assert.ok(!checkConfirmationUrl('https://user:pw@x.oraclecloud.com/confirm', []).ok);
    assert.ok(!checkConfirmationUrl('http://169.254.169.254/latest', []).ok);
    assert.ok(checkConfirmationUrl('http://127.0.0.1:7480/events/subscriptions/x/confirm', ['127.0.0.1:7480']).ok);
    assert.ok(!checkConfirmationUrl('http://127.0.0.1:7481/x', ['127.0.0.1:7480']).ok);
  });

  test('orb events options: one mode at least, TLS or --insecure-http, the lab stream by default', () => {
    const base: EventsOptions = {
      path: '/oci/notifications', insecureHttp: false, allowConfirmHost: [], streamGroup: 'orb-events',
      streamStart: 'trim-horizon', pollInterval: '1s', ociAuth: 'config-file',
    };
    const labEstate = { lab: { url: 'http://127.0.0.1:7480' } } as Parameters<typeof eventsPlan>[1];
    const lab = eventsPlan(base, labEstate, true);
    assert.equal(lab.receiver, null);
    assert.deepEqual([lab.stream?.streamId, lab.stream?.endpoint, lab.stream?.auth], [LAB_STREAM_ID, 'http://127.0.0.1:7480/oci/us-ashburn-1', null]);
    assert.throws(() => eventsPlan(base, labEstate, false), /--notifications/);
    assert.throws(() => eventsPlan({ ...base, notifications: '0.0.0.0:8443' }, labEstate, false), /--tls-cert/);
    assert.throws(() => eventsPlan({ ...base, stream: LAB_STREAM_ID }, labEstate, false), /--stream-endpoint/);
    const http = eventsPlan({ ...base, notifications: '127.0.0.1:0', insecureHttp: true, token: false }, labEstate, true);
    assert.deepEqual([http.receiver?.tls, http.receiver?.allowConfirmHosts, http.stream], [null, ['127.0.0.1:7480'], null]);
  });

  test('orb events --notifications needs a token, or an explicit --no-token, which warns at start', async () => {
    const base: EventsOptions = {
      path: '/oci/notifications', insecureHttp: true, allowConfirmHost: [], streamGroup: 'orb-events',
      streamStart: 'trim-horizon', pollInterval: '1s', ociAuth: 'config-file', notifications: '127.0.0.1:0', token: true,
    };
    const labEstate = { lab: { url: 'http://127.0.0.1:7480' } } as Parameters<typeof eventsPlan>[1];
    assert.throws(() => eventsPlan(base, labEstate, false), /--token-file: is needed with --notifications: without a token anyone/);
    const dir = mkdtempSync(join(tmpdir(), 'orb-token-'));
    try {
      const file = join(dir, 'token');
      writeFileSync(file, 'orb-test-token-0123456789\n');
      assert.equal(eventsPlan({ ...base, tokenFile: file }, labEstate, false).receiver?.token, 'orb-test-token-0123456789');
      assert.throws(() => eventsPlan({ ...base, tokenFile: file, token: false }, labEstate, false), /--no-token: contradicts --token-file/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const open = eventsPlan({ ...base, token: false }, labEstate, false);
    assert.equal(open.receiver?.token, null);
    const lines: string[] = [];
    const never = async () => { throw new Error('nothing is posted'); };
    await runEvents(open, { findDatabase: () => null, startPropagation: never, logger: pino({ level: 'silent' }), out: (l) => lines.push(l), stopSignal: Promise.resolve() });
    assert.ok(lines.includes(NO_TOKEN_WARNING), lines.join('\n'));
    assert.match(NO_TOKEN_WARNING, /WARNING: --no-token: .*anyone who can reach the endpoint can start propagate-wallet runs/);
  });
});

describe('the notifications receiver', () => {
  let receiver: RunningReceiver;
  let starts: ReturnType<typeof fakeStarts>;
  let log: ReturnType<typeof captureLogger>;

  beforeEach(async () => {
    starts = fakeStarts();
    log = captureLogger();
    const handle = createEventHandler({ findDatabase: findDatabaseInEstate(estate), startPropagation: starts.start, logger: log.logger });
    receiver = await startNotificationsReceiver({
      host: '127.0.0.1', port: 0, tls: null, token: 'orb-test-token-0123456789', allowConfirmHosts: [], handle, logger: log.logger,
    });
  });
  afterEach(() => receiver.close());

  const url = () => `${receiver.url}?token=orb-test-token-0123456789`;

  test('the same event posted twice starts one run', async () => {
    const body = JSON.stringify(envelope('evt-twice'));
    const first = await post(url(), body);
    const second = await post(url(), body);
    assert.deepEqual([first.status, first.body?.decision], [200, 'started']);
    assert.deepEqual([second.status, second.body?.decision], [200, 'duplicate']);
    assert.equal(starts.started.size, 1);
    assert.deepEqual(starts.calls[0], { database: 'SALESATP', eventId: 'evt-twice', eventType: SWITCHOVER_END, eventTime: '2025-03-01T10:00:00.000Z' });
    const decisions = log.lines.filter((l) => l.eventId === 'evt-twice').map((l) => l.decision);
    assert.deepEqual(decisions, ['started', 'duplicate']);
  });

  test('a second receiver (a restart, another process) gets "already started" from startPropagation', async () => {
    const body = JSON.stringify(envelope('evt-two-receivers', { resourceId: ADB.toUpperCase() }));
    assert.equal((await post(url(), body)).body?.decision, 'started');
    const other = createEventHandler({ findDatabase: findDatabaseInEstate(estate), startPropagation: starts.start, logger: log.logger });
    const second = await startNotificationsReceiver({ host: '127.0.0.1', port: 0, tls: null, token: null, allowConfirmHosts: [], handle: other, logger: log.logger });
    try {
      assert.equal((await post(second.url, body)).body?.decision, 'duplicate');
    } finally {
      await second.close();
    }
    assert.equal(starts.calls.length, 2);
    assert.equal(starts.started.size, 1);
  });

  test('begin events, other event types and unknown databases are ignored with a log line', async () => {
    assert.equal((await post(url(), JSON.stringify(envelope('evt-begin', { eventType: SWITCHOVER_BEGIN })))).body?.decision, 'ignored-event-type');
    const failover = envelope('evt-auto-begin', { eventType: CRITICAL, eventName: 'AutomaticFailoverBegin' });
    assert.equal((await post(url(), JSON.stringify(failover))).body?.decision, 'ignored-event-type');
    const unknown = await post(url(), JSON.stringify(envelope('evt-unknown', { resourceId: UNKNOWN })));
    assert.deepEqual([unknown.status, unknown.body?.decision], [200, 'ignored-unknown-database']);
    const line = log.lines.find((l) => l.eventId === 'evt-unknown')!;
    assert.deepEqual([line.level, line.resourceId, line.decision], [30, UNKNOWN, 'ignored-unknown-database']);
    assert.match(String(line.msg), /no Autonomous Database/);
    assert.equal(starts.calls.length, 0);
  });

  test('automatic failover (critical event, AutomaticFailoverEnd) starts a run', async () => {
    const e = envelope('evt-auto-end', { eventType: CRITICAL, eventName: 'AutomaticFailoverEnd', resourceId: ADB_STANDBY });
    assert.equal((await post(url(), JSON.stringify(e))).body?.decision, 'started');
    assert.equal(starts.calls[0]?.eventType, CRITICAL);
  });

  test('malformed, non-JSON and oversized bodies are 400 / 413 and start nothing; no token is 401', async () => {
    assert.equal((await post(url(), 'this is not json')).status, 400);
    assert.equal((await post(url(), JSON.stringify({ hello: 'world' }))).status, 400);
    const noResource = envelope('evt-bad') as { data: Record<string, unknown> };
    delete noResource.data.resourceId;
    assert.equal((await post(url(), JSON.stringify(noResource))).status, 400);
    assert.equal((await post(url(), JSON.stringify({ ...envelope('evt-big'), pad: 'x'.repeat(MAX_EVENT_BYTES) }))).status, 413);
    assert.equal((await post(receiver.url, JSON.stringify(envelope('evt-no-token')))).status, 401);
    assert.equal((await post(`${receiver.url}?token=wrong-token-wrong-token`, JSON.stringify(envelope('evt-bad-token')))).status, 401);
    assert.equal((await post(url(), '{}', { 'x-oci-ns-messagetype': 'Bogus' })).status, 400);
    assert.equal((await fetch(url())).status, 405);
    assert.equal(starts.calls.length, 0);
  });

  test('a runbook that cannot be started answers 503, so OCI delivers the event again', async () => {
    const failing = createEventHandler({
      findDatabase: findDatabaseInEstate(estate),
      startPropagation: async () => {
        throw new Error('cannot reach Temporal');
      },
      logger: log.logger,
    });
    const r = await startNotificationsReceiver({ host: '127.0.0.1', port: 0, tls: null, token: null, allowConfirmHosts: [], handle: failing, logger: log.logger });
    try {
      assert.equal((await post(r.url, JSON.stringify(envelope('evt-503')))).status, 503);
    } finally {
      await r.close();
    }
  });
});

describe('against the lab: Notifications subscription and Streaming', () => {
  let lab: RunningLab;
  let dir: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'orb-events-'));
    lab = await startLab({ port: 0, stateFile: join(dir, 'lab-state.json'), seed: 'test', logger: quietLabLogger() });
  });
  after(async () => {
    await lab.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const labHost = () => new URL(lab.url).host;
  const postEvent = (id: string, over: Parameters<typeof envelope>[1] = {}) => {
    const { somethingOciAddsLater: _x, ...e } = envelope(id, over);
    return labCall<{ offset: number }>(lab, 'POST', '/events', { envelope: e });
  };

  test('POST /events validates the envelope; GET /events lists the stream', async () => {
    const bad = await labCall<{ error: { code: string; message: string } }>(lab, 'POST', '/events', { envelope: { eventType: SWITCHOVER_END } });
    assert.equal(bad.status, 400);
    assert.match(bad.body.error.message, /eventID/);
    const before = (await labCall<{ events: unknown[] }>(lab, 'GET', '/events')).body.events.length;
    assert.equal((await postEvent('lab-list-1')).status, 201);
    assert.equal((await labCall<{ events: unknown[] }>(lab, 'GET', '/events')).body.events.length, before + 1);
  });

  test('subscription handshake, then every event delivered (twice on purpose) starts one run', async () => {
    const starts = fakeStarts();
    const log = captureLogger();
    const handle = createEventHandler({ findDatabase: findDatabaseInEstate(estate), startPropagation: starts.start, logger: log.logger });
    const receiver = await startNotificationsReceiver({
      host: '127.0.0.1', port: 0, tls: null, token: 'lab-sub-token-0123456789', allowConfirmHosts: [labHost()], handle, logger: log.logger,
    });
    try {
      type Created = { subscription: { id: string; lifecycleState: string }; confirmation: { status: number } };
      const created = await labCall<Created>(lab, 'POST', '/events/subscriptions', { endpoint: `${receiver.url}?token=lab-sub-token-0123456789`, deliverTwice: true });
      assert.equal(created.status, 201);
      assert.equal(created.body.confirmation.status, 200);
      const id = created.body.subscription.id;
      const subs = await labCall<{ subscriptions: { id: string; lifecycleState: string; token?: string }[] }>(lab, 'GET', '/events/subscriptions');
      const sub = subs.body.subscriptions.find((s) => s.id === id)!;
      assert.equal(sub.lifecycleState, 'ACTIVE');
      assert.equal(sub.token, undefined, 'the lab never shows the confirmation token');

      await postEvent('lab-notif-1');
      await postEvent('lab-notif-2', { eventType: 'com.oraclecloud.databaseservice.failoverautonomousdatabase.end' });
      await postEvent('lab-notif-begin', { eventType: SWITCHOVER_BEGIN });
      const decided = (eventId: string) => log.lines.filter((l) => l.eventId === eventId).map((l) => l.decision);
      await until('both events delivered twice', async () => [decided('lab-notif-1'), decided('lab-notif-2')], (d) => d.every((x) => x.length === 2));
      assert.deepEqual(decided('lab-notif-1'), ['started', 'duplicate']);
      assert.deepEqual(decided('lab-notif-2'), ['started', 'duplicate']);

      await until('begin event delivered twice', async () => decided('lab-notif-begin').length, (n) => n === 2);
      assert.deepEqual(decided('lab-notif-begin'), ['ignored-event-type', 'ignored-event-type']);
      const redo = await labCall<{ queued: number[] }>(lab, 'POST', `/events/subscriptions/${id}/redeliver`, { count: 5 });
      assert.equal(redo.body.queued.length, 3, 'only events delivered to this subscription are redelivered');
      await until('redelivered', async () => [decided('lab-notif-1'), decided('lab-notif-2')], (d) => d.every((x) => x.length === 3));
      assert.deepEqual([...starts.started].sort(), ['lab-notif-1', 'lab-notif-2']);
      assert.equal(starts.calls.length, 2, 'repeats were answered from memory, without another start');
    } finally {
      await receiver.close();
    }
  });

  test('a receiver that may not fetch the confirmation URL refuses it; the subscription stays PENDING', async () => {
    const log = captureLogger();
    const handle = createEventHandler({ findDatabase: findDatabaseInEstate(estate), startPropagation: fakeStarts().start, logger: log.logger });
    const receiver = await startNotificationsReceiver({ host: '127.0.0.1', port: 0, tls: null, token: null, allowConfirmHosts: [], handle, logger: log.logger });
    try {
      type Created = { subscription: { id: string; lifecycleState: string }; confirmation: { status: number } };
      const created = await labCall<Created>(lab, 'POST', '/events/subscriptions', { endpoint: receiver.url });
      assert.equal(created.body.confirmation.status, 403);
      assert.equal(created.body.subscription.lifecycleState, 'PENDING');
      assert.ok(log.lines.some((l) => l.msg === 'subscription confirmation refused' && /allow-confirm-host/.test(String(l.reason))));
    } finally {
      await receiver.close();
    }
  });

  test('a failing endpoint is retried until it answers 2xx', async () => {
    let answers = 0;
    const seen: string[] = [];
    const { createServer } = await import('node:http');
    const flaky = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => {
        if (req.headers['x-oci-ns-messagetype'] === 'SubscriptionConfirmation') {
          void fetch(String(req.headers['x-oci-ns-confirmationurl'])).then(() => res.end());
          return;
        }
        answers += 1;
        if (answers === 1) return void res.writeHead(500).end();
        seen.push((JSON.parse(text) as { eventID: string }).eventID);
        res.end();
      });
    });
    await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', r));
    try {
      const port = (flaky.address() as { port: number }).port;
      const created = await labCall<{ subscription: { id: string } }>(lab, 'POST', '/events/subscriptions', { endpoint: `http://127.0.0.1:${port}/` });
      type Subs = { subscriptions: { id: string; lifecycleState: string }[] };
      const state = async () =>
        (await labCall<Subs>(lab, 'GET', '/events/subscriptions')).body.subscriptions.find((s) => s.id === created.body.subscription.id)
          ?.lifecycleState;
      await until('ACTIVE', state, (s) => s === 'ACTIVE');
      await postEvent('lab-flaky-1');
      await until('delivered after a retry', async () => seen, (s) => s.includes('lab-flaky-1'));
      assert.ok(answers >= 2);
    } finally {
      flaky.closeAllConnections();
      await new Promise<void>((r) => flaky.close(() => r()));
    }
  });

  test('Streaming: unsigned requests are 401 with OCI\'s error body; unknown streams 404', async () => {
    const path = `/oci/us-ashburn-1/20180418/streams/${LAB_STREAM_ID}/groupCursors`;
    const r = await labCall<{ code: string; message: string }>(lab, 'POST', path, { type: 'TRIM_HORIZON', groupName: 'g' });
    assert.deepEqual([r.status, r.body.code], [401, 'NotAuthenticated']);
    const client = eventStreamClient(throwAwayProvider(), `${lab.url}/oci/us-ashburn-1`);
    const err = await client
      .createGroupCursor({ streamId: 'ocid1.stream.oc1.iad.nosuchstream', createGroupCursorDetails: { type: 'TRIM_HORIZON' as never, groupName: 'g' } })
      .then(() => null, (e: { statusCode?: number; serviceCode?: string }) => e);
    assert.deepEqual([err?.statusCode, err?.serviceCode], [404, 'NotAuthorizedOrNotFound']);
  });

  test('the stream poller (real StreamClient) reads each event once per group, across a restart', async () => {
    const ids = ['stream-1', 'stream-2', 'stream-3'];
    await postEvent(ids[0]!);
    await postEvent(ids[1]!, { resourceId: ADB.toUpperCase() });
    const client = eventStreamClient(throwAwayProvider(), `${lab.url}/oci/us-ashburn-1`);
    const handled: string[] = [];
    const poller = (group: string) => {
      // A new handler each time: nothing remembered in memory across the "restart".
      const log = captureLogger();
      const starts = fakeStarts();
      const inner = createEventHandler({ findDatabase: findDatabaseInEstate(estate), startPropagation: starts.start, logger: log.logger });
      const handle: typeof inner = async (e, via) => {
        handled.push(`${group}:${e.eventId}`);
        return inner(e, via);
      };
      return startStreamPoller({ client, streamId: LAB_STREAM_ID, groupName: group, instanceName: `${group}-i`, pollMs: 100, handle, logger: log.logger });
    };
    const mine = (group: string) => handled.filter((h) => h.startsWith(`${group}:stream-`));

    const first = poller('g-restart');
    await until('two events read', async () => mine('g-restart'), (h) => h.length >= 2);
    await first.stop();
    await postEvent(ids[2]!);
    const second = poller('g-restart');
    await until('the third event read', async () => mine('g-restart'), (h) => h.length >= 3);
    await sleep(400); // a few more polls: nothing is read again
    await second.stop();
    assert.deepEqual(mine('g-restart'), ids.map((i) => `g-restart:${i}`));

    const other = poller('g-other');
    await until('another group reads all three', async () => mine('g-other'), (h) => h.length >= 3);
    await other.stop();
    assert.deepEqual(mine('g-other'), ids.map((i) => `g-other:${i}`));
  });

  test('the stream poller backs off on an injected fault and reads on afterwards', async (t) => {
    const fault = await labCall<{ id: number }>(lab, 'POST', '/faults', {
      service: 'oci', op: 'getMessages', kind: 'transient', status: 503, code: 'ServiceUnavailable', times: 1,
    });
    if (fault.status !== 201) return t.skip('POST /faults with service "oci" (cloud faults) is not on this branch yet');
    const log = captureLogger();
    const handled: string[] = [];
    const handle = createEventHandler({ findDatabase: findDatabaseInEstate(estate), startPropagation: fakeStarts().start, logger: log.logger });
    const p = startStreamPoller({
      client: eventStreamClient(throwAwayProvider(), `${lab.url}/oci/us-ashburn-1`), streamId: LAB_STREAM_ID, groupName: 'g-fault',
      instanceName: 'i', pollMs: 100, handle: async (e, via) => (handled.push(e.eventId), handle(e, via)), logger: log.logger,
    });
    try {
      await until('read after the fault', async () => handled.length, (n) => n > 0);
      assert.ok(log.lines.some((l) => l.code === 'ServiceUnavailable' && l.msg === 'stream request failed: backing off'));
    } finally {
      await p.stop();
    }
  });
});

describe('startPropagation on a real Temporal dev server', () => {
  let env: TestWorkflowEnvironment;
  before(async () => {
    env = await TestWorkflowEnvironment.createLocal({
      server: { executable: { type: 'existing-path', path: temporalCliPath() }, searchAttributes: ALL_SEARCH_ATTRIBUTES, log: { format: 'pretty', level: 'error' } },
    });
  });
  after(async () => {
    await env?.teardown();
  });

  test('one workflow per event id: the second start is "already started", even after the first closed', async () => {
    // No worker here: starting needs none, and propagateWallet may not be registered on this branch.
    const start = temporalStartPropagation(env.client, `orb-events-test-${process.pid}`, DEFAULT_ESTATE);
    const req = { database: 'SALESATP', eventId: 'temporal-evt-1', eventType: SWITCHOVER_END, eventTime: '2025-03-01T10:00:00.000Z' };
    assert.deepEqual(await start(req), { workflowId: 'propagate-wallet:event:temporal-evt-1', started: true });
    assert.deepEqual(await start(req), { workflowId: 'propagate-wallet:event:temporal-evt-1', started: false });
    const handle = env.client.workflow.getHandle('propagate-wallet:event:temporal-evt-1');
    const d = await handle.describe();
    assert.equal(d.type, 'propagateWallet');
    const history = await handle.fetchHistory();
    const input = history.events?.[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0]?.data;
    const sent = JSON.parse(Buffer.from(input!).toString('utf8'));
    assert.deepEqual([sent.database, sent.trigger, sent.startedBy], [
      'SALESATP',
      { kind: 'event', eventId: 'temporal-evt-1', eventType: SWITCHOVER_END, eventTime: '2025-03-01T10:00:00.000Z' },
      'orb-events',
    ]);
    assert.ok(parsePropagateInput(sent).ok, 'the input is one the workflow accepts');
    await handle.terminate('test done');
    assert.equal((await start(req)).started, false, 'REJECT_DUPLICATE: a closed run is not started again');
  });

  test('an event about a database an orb switchover is changing starts nothing: that run propagates the wallet itself', async () => {
    const own = await env.client.workflow.start('switchoverAdb', {
      taskQueue: `orb-events-test-${process.pid}`, workflowId: `switchover-adb:HRATP-${process.pid}`, args: [{}],
      typedSearchAttributes: [{ key: OrbDatabase, value: 'HRATP' }],
    });
    const start = temporalStartPropagation(env.client, `orb-events-test-${process.pid}`, DEFAULT_ESTATE);
    const req = { database: 'HRATP', eventId: 'temporal-evt-own', eventType: SWITCHOVER_END, eventTime: '2025-03-01T10:00:00.000Z' };
    for (let i = 0; i < 100; i++) { // visibility is eventually consistent: wait until the run is listed
      const listed = env.client.workflow.list({ query: `WorkflowId = "${own.workflowId}"` });
      if ((await listed[Symbol.asyncIterator]().next()).done === false) break;
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.deepEqual(await start(req), { workflowId: own.workflowId, started: false, roleChangeRun: true });
    await own.terminate('test done');
  });
});
