/**
 * orb's activity-side metrics (README "Metrics"), through the running activity's metric meter
 * (`Context.current().metricMeter`): the worker's Prometheus endpoint serves them next to the
 * SDK's own, which adds namespace, task_queue and activity_type. Outside an activity (the CLI,
 * tools, unit tests) nothing is recorded. Label values are bounded (common/metric-labels.ts):
 * `op` is a method name of orb's code, `code` an error code or `ok`, never a message or a name.
 */
import { Context } from '@temporalio/activity';
import type { MetricMeter } from '@temporalio/common';

/** Which system a call went to: a database (CdbPort), srvctl over SSH, OCI's or OIC's REST API. */
export type CallSystem = 'db' | 'srvctl' | 'oci' | 'oic';

const HELP: Record<CallSystem, string> = {
  db: 'database calls (CdbPort methods), by op and code (ok or the error code, e.g. ORA-03113)',
  srvctl: 'srvctl commands over SSH, by op (the command kind) and code (ok, already-done code, PRCC-1016, ...)',
  oci: 'OCI API calls, by op (client.method) and code (ok, or HTTP status/service code)',
  oic: 'Oracle Integration REST calls, by op and code (ok, or HTTP status/OIC code)',
};

function meter(): MetricMeter | null {
  try {
    return Context.current().metricMeter;
  } catch {
    return null; // not in an activity
  }
}

/** Records one call: a count by op and code, and its latency in seconds. */
export function recordCall(system: CallSystem, op: string, code: string, seconds: number): void {
  const m = meter();
  if (!m) return;
  const tags = { op, code };
  m.createCounter(`orb_${system}_calls_total`, '', HELP[system]).add(1, tags);
  const histogram = m.createHistogram(`orb_${system}_call_duration_seconds`, 'float', 's', HELP[system]);
  histogram.record(Math.max(0, seconds), tags);
}

/**
 * Times `fn` as one call of `system`: `ok` when it resolves, else the code `codeOf` finds in what
 * it threw (already a bounded label). The error is rethrown as it is.
 */
export async function timedCall<T>(
  system: CallSystem,
  op: string,
  fn: () => Promise<T>,
  codeOf: (err: unknown) => string,
): Promise<T> {
  const started = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9;
  try {
    const r = await fn();
    recordCall(system, op, 'ok', elapsed());
    return r;
  } catch (err) {
    recordCall(system, op, codeOf(err), elapsed());
    throw err;
  }
}

/**
 * Sessions a drain still waits for, at its watch's last reading (a drain's watch ends when none is
 * left, so the last reading of a drain that ended well is 0). Drains running at the same time on
 * one worker share the series (the last reading wins): the gauge carries no run, service or instance.
 */
export function sessionsLeft(count: number): void {
  const gauge = meter()?.createGauge('orb_drain_sessions_left', 'int', '', 'sessions a drain waits for, at its last reading');
  gauge?.set(Math.max(0, count));
}
