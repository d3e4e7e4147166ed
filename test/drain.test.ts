import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { countOps, pdbEverywhere, relocateInput, orbSuite } from './helpers/orb-env';
import { stepProgress } from '../client/heartbeat-progress';
import { until } from './helpers/until';

describe('drain: stop services, watch the session count, apply the timeout policy', () => {
  const o = orbSuite();

  test('on timeout "disconnect": stragglers are disconnected POST_TRANSACTION, then the PDB opens on the target', async () => {
    await o.api.addSessions({ cdb: 'CDB1', service: 'SALES_RW', count: 2, longRunning: true });
    const h = await o.start(relocateInput({ drain: { timeoutMs: 2000, onTimeout: 'disconnect', pollMs: 300 } }));
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    await o.approve(h, 'cutover', 'bob');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    const disconnects = (await o.api.oplog()).filter((e) => e.op === 'disconnectSessions');
    assert.ok(disconnects.length >= 1);
    assert.ok(disconnects.every((e) => e.args.option === 'POST_TRANSACTION'), 'never IMMEDIATE');
    const stops = (await o.api.oplog()).filter((e) => e.op === 'stopService');
    assert.ok(stops.every((e) => e.args.stopOption === 'NONE' && e.args.drainTimeoutSeconds === 2), 'services stopped without -force, with the drain timeout');
    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: null, CDB2: 'NORMAL/READ WRITE' });
    const drain = r.value.status.stages.find((s) => s.name === 'drain');
    assert.match(drain?.detail ?? '', /session\(s\) still there after the drain timeout were disconnected after their transaction/, 'the status says users were disconnected');
  });

  test('on timeout "ask": an operator gate decides; approval disconnects', async () => {
    await o.api.addSessions({ cdb: 'CDB1', service: 'SALES_RW', count: 1, longRunning: true });
    const h = await o.start(relocateInput({ drain: { timeoutMs: 1500, onTimeout: 'ask', pollMs: 300 } }));
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    await o.approve(h, 'cutover', 'bob');
    const s = await o.waitFor(h, (x) => x.openGate?.name === 'drain-timeout', 'the drain-timeout gate');
    assert.match(s.openGate?.question ?? '', /session\(s\) still on SALES_RW/);
    assert.equal(await countOps(o.api, 'disconnectSessions'), 0, 'nobody is disconnected before the operator says so');
    await o.approve(h, 'drain-timeout', 'carol');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.ok((await countOps(o.api, 'disconnectSessions')) >= 1);
    assert.match(r.value.status.stages.find((x) => x.name === 'drain')?.detail ?? '', /approved by carol/);
  });

  test('on timeout "ask": rejection aborts and compensates', async () => {
    await o.api.addSessions({ cdb: 'CDB1', service: 'SALES_RW', count: 1, longRunning: true });
    const h = await o.start(relocateInput({ drain: { timeoutMs: 1500, onTimeout: 'ask', pollMs: 300 } }));
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    await o.approve(h, 'cutover', 'bob');
    await o.waitFor(h, (x) => x.openGate?.name === 'drain-timeout', 'the drain-timeout gate');
    await o.reject(h, 'drain-timeout', 'carol', 'batch job must finish');
    const r = await o.result(h);
    assert.ok(!r.ok && r.type === 'RunbookCompensated', !r.ok ? r.message : '');
    assert.deepEqual(await pdbEverywhere(o.api, 'SALES'), { CDB1: 'NORMAL/READ WRITE', CDB2: null });
  });

  test('one heartbeating watch: orb status shows the sessions left; the last one leaving ends it, no history event per read', async () => {
    const h = await o.start(relocateInput({ drain: { timeoutMs: 120_000, onTimeout: 'abort', pollMs: 300 } }));
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    await o.approve(h, 'cutover', 'bob');
    // The seed's long-running sessions hold the drain: the watch reports them in its heartbeat.
    const shown = await until('the watch\'s heartbeat', async () => stepProgress((await h.describe()).raw.pendingActivities),
      (w) => w.some((x) => x.activity === 'awaitSessionsGone' && /^[1-9]\d* session\(s\) left on SALES_R[OW]/.test(x.detail)), 30_000);
    assert.ok(shown.length > 0);
    for (const svc of ['SALES_RW', 'SALES_RO']) await o.api.op('CDB1', 'disconnectSessions', { pdb: 'SALES', service: svc, option: 'IMMEDIATE' });
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    const events = (await h.fetchHistory()).events ?? [];
    const watches = events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'awaitSessionsGone');
    assert.equal(watches.length, 1, 'one watch activity for the whole drain');
    const series = r.value.status.sessions;
    assert.ok(series && series.instances.length >= 1 && series.points.length >= 2, 'the watch\'s samples are in the run\'s session series');
    assert.equal(series.points.at(-1)![1].reduce((a, b) => a + b, 0), 0, 'the series ends with nobody left');
    assert.equal(events.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'countServiceSessions').length, 0);
  });

  test('sessions that leave by themselves end the drain early, with no disconnect', async () => {
    const h = await o.start(relocateInput({ drain: { timeoutMs: 120_000, onTimeout: 'abort', pollMs: 300 } }));
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    // The seed's long-running sessions would hold the drain: disconnect them as the DBA would before approving.
    for (const svc of ['SALES_RW', 'SALES_RO']) await o.api.op('CDB1', 'disconnectSessions', { pdb: 'SALES', service: svc, option: 'IMMEDIATE' });
    await o.approve(h, 'cutover', 'bob');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');
    assert.equal((await o.api.oplog()).filter((e) => e.op === 'disconnectSessions').length, 2, 'only the two the test made');
  });
});
