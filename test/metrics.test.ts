/**
 * The worker's Prometheus endpoint and its log lines (README "Metrics", "Logs"): `orb worker
 * --metrics` in a child process against a real Temporal dev server and lab runs a relocation
 * (a transient ORA-03113 injected on one database call, the cutover gate approved); the endpoint
 * then serves the SDK's metrics and orb's, with bounded labels and sane values, and every log line
 * about the run carries its workflowId, runId, runbook and target. Bad --metrics values are refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporalCliPath } from './helpers/temporal-cli';
import { createServer, type AddressInfo } from 'node:net';
import { cliEnvOf, relocateInput, startOrbEnv, type OrbEnv } from './helpers/orb-env';
import { CLI, closedPort, killHard, runCli } from './helpers/processes';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import type { MetricMeter, MetricTags } from '@temporalio/common';
import { gateLabel, stageLabel, errorCodeLabel, httpCodeLabel } from '../common/metric-labels';
import { adbAccessFactory } from '../activities/adb/cloud-access';
import { OicClient } from '../activities/oic/oic-client';
import { srvctlStep } from '../activities/srvctl/srvctl-step';
import { srvctlExecutorFor } from '../activities/srvctl/srvctl-target';
import { LAB_OIC_PASSWORD, LAB_OIC_USER } from '../common/cloud-estate';
import { parseMetricsAddress } from '../common/metrics-address';

/** One sample of a scrape: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseScrape(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    out.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return out;
}

/** The SDK's MetricMeter interface, recording what an activity emits (the SDK adds its own tags on a worker). */
function recordingMeter(into: Sample[]): MetricMeter {
  const metric = (name: string) => {
    const put = (value: number, labels: MetricTags = {}) =>
      void into.push({ name, value, labels: labels as Record<string, string> });
    return { name, add: put, record: put, set: put, withTags: () => metric(name) };
  };
  const meter = { createCounter: metric, createHistogram: metric, createGauge: metric, withTags: () => meter };
  return meter as unknown as MetricMeter;
}

const find = (all: Sample[], name: string, labels: Record<string, string> = {}) =>
  all.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

describe('orb worker --metrics', () => {
  let o: OrbEnv;
  const workers: ChildProcess[] = [];
  let logs = '';
  let address = '';

  /** `orb worker --metrics <a free port>` in a child process; its JSON log lines go to `out`. */
  async function startWorker(out: (chunk: string) => void): Promise<{ child: ChildProcess; address: string }> {
    const at = `127.0.0.1:${await closedPort()}`;
    const env = cliEnvOf(o, {
      ORB_COPY_POLL_MS: '300',
      ORB_HOST_QUEUE: 'test-host',
      ORB_LOG_FORMAT: 'json',
      ORB_LOG_LEVEL: 'debug',
    });
    const stdio = ['ignore', 'pipe', 'inherit'] as const;
    const child = spawn(process.execPath, [CLI, 'worker', '--metrics', at], { env, stdio: [...stdio] });
    child.stdout!.on('data', (d: Buffer) => out(d.toString()));
    workers.push(child);
    return { child, address: at };
  }

  before(async () => {
    o = await startOrbEnv({ inProcessWorker: false });
    address = (await startWorker((chunk) => (logs += chunk))).address;
  });
  after(async () => {
    // killHard waits for an exit: only for the workers that have not exited (one was killed by a test).
    for (const w of workers) if (w.exitCode === null && w.signalCode === null) await killHard(w);
    await o?.stop();
  });

  async function scrape(at = address): Promise<Sample[]> {
    const r = await fetch(`http://${at}/metrics`);
    assert.equal(r.status, 200);
    return parseScrape(await r.text());
  }

  /** Scrapes until the run's end shows (the exporter serves what the worker has flushed). */
  async function scrapeEnded(at = address): Promise<Sample[]> {
    let all: Sample[] = [];
    for (let i = 0; i < 100 && !find(all, 'orb_runs_ended_total').length; i++) {
      if (i) await new Promise((res) => setTimeout(res, 200));
      all = await scrape(at);
    }
    return all;
  }

  test('serves the SDK metrics and orb runs, stages, gates, database calls with codes and drains', async () => {
    await o.api.fault({ op: 'getPdb', cdb: 'CDB1', kind: 'transient', ora: 'ORA-03113', times: 1 });
    const h = await o.start(relocateInput());
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    await o.approve(h, 'cutover', 'bob');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');

    const all = await scrapeEnded();
    const names = new Set(all.map((s) => s.name));
    assert.ok([...names].some((n) => n.startsWith('temporal_workflow_task_execution_latency')), 'the SDK metrics are served');
    assert.ok([...names].some((n) => n.startsWith('temporal_activity_execution_latency')), 'the SDK activity metrics are served');

    const relocate = { runbook: 'relocate-pdb' };
    assert.equal(find(all, 'orb_runs_started_total', relocate)[0]?.value, 1);
    assert.equal(find(all, 'orb_runs_ended_total', { ...relocate, outcome: 'completed' })[0]?.value, 1);
    assert.equal(find(all, 'orb_runs_ended_total', { ...relocate, outcome: 'failed' }).length, 0);

    const copy = find(all, 'orb_stage_duration_seconds_count', { ...relocate, stage: 'copy', outcome: 'succeeded' });
    assert.equal(copy[0]?.value, 1, 'the copy stage recorded once');
    const copySum = find(all, 'orb_stage_duration_seconds_sum', { ...relocate, stage: 'copy' })[0]?.value ?? -1;
    assert.ok(copySum > 0 && copySum < 600, `the copy took a sane time (${copySum} s)`);
    for (const stage of ['preflight', 'drain', 'open', 'verify', 'approve-cutover']) {
      assert.equal(find(all, 'orb_stage_duration_seconds_count', { ...relocate, stage })[0]?.value, 1, `stage ${stage}`);
    }
    const stages = new Set(find(all, 'orb_stage_duration_seconds_count').map((s) => s.labels.stage));
    assert.ok(!stages.has('other'), `every stage has a known label: ${[...stages].join(', ')}`);

    assert.equal(find(all, 'orb_gate_wait_seconds_count', { ...relocate, gate: 'cutover', decision: 'approved' })[0]?.value, 1);

    const fault = find(all, 'orb_db_calls_total', { op: 'getPdb', code: 'ORA-03113' });
    assert.equal(fault.reduce((n, s) => n + s.value, 0), 1, 'the injected ORA-03113 counted once, with its code');
    assert.ok(find(all, 'orb_db_calls_total', { op: 'getPdb', code: 'ok' }).length > 0);
    const create = find(all, 'orb_db_call_duration_seconds_count', { op: 'createPdbRelocate', code: 'ok' });
    assert.equal(create.reduce((n, s) => n + s.value, 0), 1, 'one CREATE PLUGGABLE DATABASE ... RELOCATE, timed');
    assert.ok(create.every((s) => s.labels.activityType !== undefined), 'the SDK adds the activity type');
    const codes = new Set(find(all, 'orb_db_calls_total').map((s) => s.labels.code));
    assert.ok([...codes].every((c) => c === 'ok' || /^(ORA|NJS)-\d+$/.test(c!)), `codes are codes: ${[...codes].join(', ')}`);

    const left = find(all, 'orb_drain_sessions_left');
    assert.equal(left.length, 1, 'the drain watch set the gauge');
    assert.ok(Number.isInteger(left[0]!.value) && left[0]!.value >= 0);
  });

  test('srvctl, OCI and OIC calls are counted by op and a bounded code, with their latency', async () => {
    const seen: Sample[] = [];
    const logger = new DefaultLogger('ERROR', () => undefined);
    const env = new MockActivityEnvironment(undefined, { metricMeter: recordingMeter(seen), logger });
    const ex = await srvctlExecutorFor(o.estate, 'RACCDB');
    await env.run(() => srvctlStep(ex, { kind: 'status-database', db: 'raccdb' }, 'read raccdb'));
    await env.run(() => srvctlStep(ex, { kind: 'start-instance', db: 'raccdb', instance: 'raccdb1' }, 'start raccdb1'));
    const adb = adbAccessFactory(o.estate)('SALESATP');
    const { database } = await adb.clients(adb.cfg.region);
    await env.run(() => database.getAutonomousDatabase({ autonomousDatabaseId: adb.cfg.id }));
    await o.api.cloudFault({ service: 'oci', op: 'getAutonomousDatabase', kind: 'transient', status: 503, code: 'ServiceUnavailable' });
    await assert.rejects(env.run(() => database.getAutonomousDatabase({ autonomousDatabaseId: adb.cfg.id })));
    const auth = { type: 'basic' as const, username: LAB_OIC_USER, password: { env: 'UNUSED' } };
    const oic = new OicClient({ baseUrl: o.lab.url, auth, resolveSecret: () => LAB_OIC_PASSWORD });
    await env.run(() => oic.getConnection('SALES_ATP_ORDERS'));
    await assert.rejects(env.run(() => oic.getConnection('NO_SUCH_CONNECTION')));

    const calls = seen.filter((x) => x.name.endsWith('_calls_total')).map((x) => `${x.name} ${x.labels.op} ${x.labels.code}`);
    assert.deepEqual(calls, [
      'orb_srvctl_calls_total status-database ok',
      'orb_srvctl_calls_total start-instance PRCC-1015',
      'orb_oci_calls_total database.getAutonomousDatabase ok',
      'orb_oci_calls_total database.getAutonomousDatabase 503/ServiceUnavailable',
      'orb_oic_calls_total getConnection ok',
      'orb_oic_calls_total getConnection 404/OIC-404',
    ]);
    const latencies = seen.filter((x) => x.name.endsWith('_call_duration_seconds'));
    assert.equal(latencies.length, 6);
    assert.ok(latencies.every((x) => x.value >= 0 && x.value < 60), 'latencies in seconds');
  });

  test('every log line about the run carries its workflowId, runId, runbook and target', async () => {
    // The worker's last lines about the run may still be on their way through the pipe.
    for (let i = 0; i < 100 && !/"msg":"Workflow completed"/.test(logs); i++) await new Promise((r) => setTimeout(r, 100));
    const lines = logs
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const run = lines.filter((l) => l.workflowId === 'relocate-pdb:CDB1:SALES');
    assert.ok(run.some((l) => l.activityType), 'activity lines were logged');
    assert.ok(run.some((l) => l.workflowType && !l.activityType), 'workflow lines were logged');
    const noTargetInInput = run.some((l) => l.activityType === 'checkApprovers' && l.msg === 'Activity completed');
    assert.ok(noTargetInInput, 'an activity whose input names no target');
    for (const l of run) {
      assert.equal(typeof l.runId, 'string', `runId on ${JSON.stringify(l)}`);
      assert.equal(l.taskToken, undefined, 'no task token in the logs');
      assert.equal(l.runbook, 'relocate-pdb', `runbook on ${JSON.stringify(l)}`);
      // The SDK's "Activity started" comes before the activity's input is read (worker/log-attributes.ts).
      if (l.msg === 'Activity started') continue;
      assert.equal(l.target, 'SALES@CDB1->CDB2', `target on ${JSON.stringify(l)}`);
    }
  });

  test('a worker that takes a run over replays it without counting anything twice', async () => {
    await o.api.reset('test');
    const h = await o.start(relocateInput());
    await o.waitFor(h, (s) => s.openGate?.name === 'cutover', 'the cutover gate');
    await killHard(workers[0]!);
    const second = await startWorker(() => undefined);
    await o.approve(h, 'cutover', 'bob');
    const r = await o.result(h);
    assert.ok(r.ok, !r.ok ? r.message : '');

    const all = await scrapeEnded(second.address);
    const relocate = { runbook: 'relocate-pdb' };
    assert.equal(find(all, 'orb_runs_started_total').length, 0, 'the start was counted by the first worker only');
    assert.equal(find(all, 'orb_runs_ended_total', { ...relocate, outcome: 'completed' })[0]?.value, 1);
    for (const stage of ['preflight', 'copy']) {
      assert.equal(find(all, 'orb_stage_duration_seconds_count', { stage }).length, 0, `${stage} ended on the first worker`);
    }
    for (const stage of ['approve-cutover', 'drain', 'open', 'verify']) {
      assert.equal(find(all, 'orb_stage_duration_seconds_count', { ...relocate, stage })[0]?.value, 1, `stage ${stage}`);
    }
    const gate = { ...relocate, gate: 'cutover', decision: 'approved' };
    assert.equal(find(all, 'orb_gate_wait_seconds_count', gate)[0]?.value, 1, 'the gate closed on the second worker');
    assert.equal(find(all, 'orb_db_calls_total', { op: 'createPdbRelocate' }).length, 0, 'no second CREATE');
  });
});

describe('orb dev --metrics', () => {
  let dev: ChildProcess | undefined;
  let dir = '';
  after(async () => {
    if (dev && dev.exitCode === null && dev.signalCode === null) await killHard(dev);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("serves the worker's metrics, says where, and stops with orb dev", async () => {
    dir = mkdtempSync(join(tmpdir(), 'orb-dev-metrics-'));
    const ports = new Set<number>();
    while (ports.size < 4) ports.add(await closedPort());
    const [temporal, ui, lab, metrics] = [...ports] as [number, number, number, number];
    const env: NodeJS.ProcessEnv = { ...process.env, ORB_TEMPORAL_CLI: temporalCliPath() };
    env.TEMPORAL_CONFIG_FILE = '/nonexistent/temporal.toml';
    for (const k of Object.keys(env)) if (k.startsWith('TEMPORAL_') && k !== 'TEMPORAL_CONFIG_FILE') delete env[k];
    delete env.ORB_ESTATE;
    const readyFile = join(dir, 'ready.json');
    const args = ['dev', '--state-dir', dir, '--port', `${temporal}`, '--ui-port', `${ui}`, '--lab-port', `${lab}`,
      '--seed', 'test', '--metrics', `127.0.0.1:${metrics}`, '--ready-file', readyFile];
    dev = spawn(process.execPath, [CLI, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    dev.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    dev.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const exited = once(dev, 'exit');
    for (let i = 0; i < 1200 && !existsSync(readyFile) && dev.exitCode === null; i++) {
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.ok(existsSync(readyFile), out);
    const readyAt = JSON.parse(readFileSync(readyFile, 'utf8')) as { metrics: string };
    assert.equal(readyAt.metrics, `127.0.0.1:${metrics}`);
    assert.match(out, new RegExp(`Metrics: +http://127\\.0\\.0\\.1:${metrics}/metrics`));
    const scrape = await (await fetch(`http://127.0.0.1:${metrics}/metrics`)).text();
    assert.match(scrape, /^temporal_\w+/m, "the SDK metrics of orb dev's worker");
    dev.kill('SIGINT');
    await exited;
    await assert.rejects(fetch(`http://127.0.0.1:${metrics}/metrics`), 'the endpoint is gone with orb dev');
  });
});

describe('--metrics values', () => {
  test('orb worker and orb dev refuse a bad address or one in use, naming the option and the rule', async () => {
    const env = { ...process.env, TEMPORAL_ADDRESS: '127.0.0.1:1', ORB_ESTATE: undefined };
    for (const [value, rule] of [
      ['9464', /must be <host>:<port>/],
      ['localhost:99999', /port 99999 must be from 1 to 65535/],
      ['127.0.0.1:0', /port 0 must be from 1 to 65535/],
      ['example.com:9464', /host example\.com must be an IPv4 address, localhost or an IPv6 address/],
      ['::1:9464', /must be <host>:<port>/],
    ] as const) {
      for (const cmd of ['worker', 'dev']) {
        const r = await runCli([cmd, '--metrics', value], env);
        assert.equal(r.code, 2, `orb ${cmd} --metrics ${value}: ${r.stderr}`);
        assert.match(r.stderr, /--metrics/);
        assert.match(r.stderr, rule);
      }
    }
    // An address something else listens on: refused before the worker connects anywhere.
    const busy = createServer().listen(0, '127.0.0.1');
    await once(busy, 'listening');
    const taken = `127.0.0.1:${(busy.address() as AddressInfo).port}`;
    const r = await runCli(['worker', '--metrics', taken], env);
    busy.close();
    assert.equal(r.code, 4, r.stderr);
    assert.match(r.stderr, new RegExp(`--metrics ${taken}: cannot serve Prometheus metrics there .*Address already in use`));
    assert.equal(parseMetricsAddress('localhost:9464'), '127.0.0.1:9464');
    assert.equal(parseMetricsAddress('[::1]:9464'), '[::1]:9464');
  });

  test('labels stay bounded: names built from instances, services and retries become templates', () => {
    assert.equal(stageLabel('copy'), 'copy');
    assert.equal(stageLabel('open (retry 2)'), 'open');
    assert.equal(stageLabel('drain-RACCDB1'), 'drain-{instance}');
    assert.equal(stageLabel('fix-SALES_RW'), 'fix-{service}');
    assert.equal(stageLabel('approve-maintenance-RACCDB2'), 'approve-maintenance-{instance}');
    assert.equal(stageLabel('anything a sender made up'), 'other');
    assert.equal(gateLabel('recover-start-services'), 'recover-start-services');
    assert.equal(gateLabel('recover-start-RAC1'), 'recover-start-{instance}');
    assert.equal(errorCodeLabel('PRCC-1016'), 'PRCC-1016');
    assert.equal(errorCodeLabel('ORA-03113: end-of-file on communication channel'), 'other');
    assert.equal(httpCodeLabel(409, 'IncorrectState'), '409/IncorrectState');
    assert.equal(httpCodeLabel(null, 'NETWORK'), 'no-answer');
    assert.equal(httpCodeLabel(400, 'bad code with spaces'), '400/other');
  });
});
