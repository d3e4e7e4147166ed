/**
 * orb events end to end: a role change in the lab (an Oracle-initiated automatic failover)
 * emits its OCI events; the real pieces of `orb events` — the notifications receiver subscribed
 * to the lab's topic (delivering every event twice, then again on request) and the stream poller
 * reading the lab's stream, each with its own handler as two orb events processes would have —
 * start propagate-wallet on the suite's Temporal dev server, once for the event, and the run
 * completes with every consumer on the new primary's wallet. An event about a database the
 * estate does not know starts nothing. `orb events --help` names both ways in and the dedup.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { WorkflowNotFoundError } from '@temporalio/client';
import { orbSuite, type OrbEnv } from './helpers/orb-env';
import { runCli } from './helpers/processes';
import { until } from './helpers/until';
import { createEventHandler, type EventHandler } from '../client/events/event-handler';
import { findDatabaseInEstate } from '../client/events/estate-databases';
import { startNotificationsReceiver, type RunningReceiver } from '../client/events/notifications-receiver';
import { eventStreamClient, throwAwayProvider } from '../client/events/stream-client';
import { startStreamPoller, type RunningPoller } from '../client/events/stream-poller';
import { temporalStartPropagation } from '../client/events/start-propagation';
import { LAB_STREAM_ID } from '../client/events/events-options';
import type { AdbRunbookResult } from '../workflows/propagate-wallet';
import type { RunbookStatus } from '../common/runbook-types';

const IAD = 'ocid1.autonomousdatabase.oc1.iad.aaaalabsalesatp0001';
const PHX = 'ocid1.autonomousdatabase.oc1.phx.aaaalabsalesatp0002';
const UNKNOWN = 'ocid1.autonomousdatabase.oc1.iad.aaaanobodyknowsthisone';
const TOKEN = 'orb-e2e-token-0123456789';

type Line = Record<string, unknown>;

function captureLogger() {
  const lines: Line[] = [];
  const logger = pino({ level: 'info' }, { write: (l: string) => void lines.push(JSON.parse(l) as Line) });
  return { lines, logger };
}

interface LabEvent {
  offset: number;
  envelope: { eventID: string; eventType: string; data: { resourceId: string; additionalDetails?: Record<string, string> } };
}

async function labJson<T>(o: OrbEnv, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const r = await fetch(o.lab.url + path, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: r.status, body: (await r.json()) as T };
}

async function propagateRuns(o: OrbEnv): Promise<string[]> {
  const ids: string[] = [];
  for await (const wf of o.env.client.workflow.list({ query: 'WorkflowType = "propagateWallet"' })) ids.push(wf.workflowId);
  return ids.sort();
}

/** `orb events` as two processes would run it: a receiver subscribed to the lab's topic and a stream poller, each with its own handler. */
async function orbEvents(o: OrbEnv, group: string) {
  const log = captureLogger();
  const handler = (): EventHandler =>
    createEventHandler({
      findDatabase: findDatabaseInEstate(o.estate),
      startPropagation: temporalStartPropagation(o.env.client, o.taskQueue, o.estate),
      logger: log.logger,
    });
  const receiver: RunningReceiver = await startNotificationsReceiver({
    host: '127.0.0.1', port: 0, tls: null, token: TOKEN, allowConfirmHosts: [new URL(o.lab.url).host], handle: handler(), logger: log.logger,
  });
  const poller: RunningPoller = startStreamPoller({
    client: eventStreamClient(throwAwayProvider(), `${o.lab.url}/oci/us-ashburn-1`),
    streamId: LAB_STREAM_ID, groupName: group, instanceName: `${group}-1`, pollMs: 100, handle: handler(), logger: log.logger,
  });
  type Created = { subscription: { id: string; lifecycleState: string }; confirmation: { status: number | null; error?: string } };
  const created = await labJson<Created>(o, 'POST', '/events/subscriptions', { endpoint: `${receiver.url}?token=${TOKEN}`, deliverTwice: true });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  assert.equal(created.body.confirmation.status, 200, 'the receiver confirmed the subscription');
  const decisions = (eventId: string, via?: 'notifications' | 'stream') =>
    log.lines.filter((l) => l.eventId === eventId && l.decision && (!via || l.via === via)).map((l) => String(l.decision));
  return {
    log,
    subscription: created.body.subscription.id,
    decisions,
    async stop() {
      await Promise.all([receiver.close(), poller.stop()]);
    },
  };
}

const states = (s: RunbookStatus) => Object.fromEntries((s.consumers ?? []).map((c) => [c.name, c.state]));

describe('orb events on the lab and a real Temporal dev server', () => {
  const o = orbSuite();

  test('an automatic failover: AutomaticFailoverEnd delivered twice, redelivered and read from the stream starts one propagate-wallet, which completes', async () => {
    const before = await propagateRuns(o);
    const ev = await orbEvents(o, `e2e-${Date.now()}`);
    try {
      await o.api.automaticFailover(IAD);
      const end = await until('the AutomaticFailoverEnd event in the lab\'s stream', async () => {
        const r = await labJson<{ events: LabEvent[] }>(o, 'GET', '/events');
        return r.body.events.find((e) => e.envelope.data.additionalDetails?.eventName === 'AutomaticFailoverEnd') ?? null;
      }, (e) => e !== null, 60_000);
      const eventId = end!.envelope.eventID;
      const begin = (await labJson<{ events: LabEvent[] }>(o, 'GET', '/events')).body.events
        .find((e) => e.envelope.data.additionalDetails?.eventName === 'AutomaticFailoverBegin');
      assert.ok(begin, 'the lab emitted AutomaticFailoverBegin too');

      await until('the end event delivered twice and read from the stream', async () => [ev.decisions(eventId, 'notifications'), ev.decisions(eventId, 'stream')],
        ([n, s]) => n.length >= 2 && s.length >= 1, 30_000);
      const redo = await labJson<{ queued: number[] }>(o, 'POST', `/events/subscriptions/${ev.subscription}/redeliver`, { count: 10 });
      assert.ok(redo.body.queued.includes(end!.offset), JSON.stringify(redo.body));
      await until('the end event redelivered', async () => ev.decisions(eventId, 'notifications'), (d) => d.length >= 3, 30_000);

      const all = ev.decisions(eventId);
      assert.equal(all.filter((d) => d === 'started').length, 1, `one start among ${JSON.stringify(all)}`);
      assert.ok(all.filter((d) => d === 'duplicate').length >= 3, JSON.stringify(all));
      // The receiver and the poller share no memory: the second one to see the event was told so by Temporal (REJECT_DUPLICATE).
      const byTemporal = ev.log.lines.filter((l) => l.eventId === eventId && l.decision === 'duplicate' && !l.seenHere);
      assert.equal(byTemporal.length, 1, JSON.stringify(byTemporal));
      assert.equal(byTemporal[0]!.msg, 'propagate-wallet already started for this event');
      assert.deepEqual(ev.decisions(begin!.envelope.eventID).filter((d) => d !== 'ignored-event-type'), [], 'the begin event starts nothing');
      const started = ev.log.lines.find((l) => l.eventId === eventId && l.decision === 'started')!;
      assert.equal(started.workflowId, `propagate-wallet:event:${eventId}`);
      assert.equal(started.database, 'SALESATP');

      const h = o.env.client.workflow.getHandle(`propagate-wallet:event:${eventId}`);
      const r = (await h.result()) as AdbRunbookResult;
      assert.equal(r.outcome, 'completed');
      assert.deepEqual(states(r.status), { 'oic-orders': 'reactivated', 'oic-billing': 'reactivated', 'vault-wallet': 'tested', 'app-tns': 'tested' });
      const queried = await h.query<RunbookStatus>('status');
      assert.equal(queried.state, 'completed');
      assert.match(queried.stages.find((s) => s.name === 'generate-wallet')?.detail ?? '', new RegExp(PHX.replace(/\./g, '\\.')), 'the wallet of the new primary');

      const after = await until('the run in the visibility store', () => propagateRuns(o), (ids) => ids.length > before.length);
      assert.deepEqual(after.filter((id) => !before.includes(id)), [`propagate-wallet:event:${eventId}`], 'exactly one propagateWallet run for the event');
      const roles = (await o.api.estate()).cloud.autonomousDatabases.filter((d: any) => d.dbName === 'SALESATP').map((d: any) => `${d.id} ${d.role}`).sort();
      assert.deepEqual(roles, [`${IAD} STANDBY`, `${PHX} PRIMARY`]);
    } finally {
      await ev.stop();
    }
  });

  test('an event about an Autonomous Database the estate does not know starts no run', async () => {
    const before = await propagateRuns(o);
    const ev = await orbEvents(o, `e2e-unknown-${Date.now()}`);
    try {
      const eventId = `e2e-unknown-${Date.now()}`;
      const posted = await labJson<{ offset: number }>(o, 'POST', '/events', {
        envelope: {
          eventType: 'com.oraclecloud.databaseservice.failoverautonomousdatabase.end',
          eventID: eventId,
          eventTime: new Date().toISOString(),
          data: { resourceId: UNKNOWN, resourceName: 'NobodysATP', compartmentId: 'ocid1.compartment.oc1..aaaalaborb', additionalDetails: { dbName: 'NOBODY' } },
        },
      });
      assert.equal(posted.status, 201, JSON.stringify(posted.body));
      await until('the event delivered twice and read from the stream', async () => [ev.decisions(eventId, 'notifications'), ev.decisions(eventId, 'stream')],
        ([n, s]) => n.length >= 2 && s.length >= 1, 30_000);
      assert.deepEqual([...new Set(ev.decisions(eventId))], ['ignored-unknown-database']);
      await assert.rejects(o.env.client.workflow.getHandle(`propagate-wallet:event:${eventId}`).describe(), WorkflowNotFoundError);
      assert.deepEqual(await propagateRuns(o), before, 'no propagateWallet run was started');
    } finally {
      await ev.stop();
    }
  });
});

describe('orb events --help', () => {
  test('names both ways in (Notifications, Streaming) and the dedup by event id', async () => {
    const env = { ...process.env, ORB_ESTATE: undefined, TEMPORAL_PROFILE: undefined, TEMPORAL_CONFIG_FILE: '/nonexistent/temporal.toml' };
    const r = await runCli(['events', '--help'], env);
    assert.equal(r.code, 0, r.stderr);
    for (const want of [/--notifications <host:port>/, /--stream <ocid>/, /--stream-endpoint <url>/, /Exactly once per event/, /REJECT_DUPLICATE/, /propagate-wallet:event:<eventID>/, /duplicate/]) {
      assert.match(r.stdout, want);
    }
  });
});
