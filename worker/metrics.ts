/**
 * The worker's Prometheus endpoint (README "Metrics"): the Temporal SDK's exporter, which serves
 * the SDK's own metrics (temporal_*) and orb's (orb_*, recorded through the SDK's workflow and
 * activity metric meters: workflows/shared/run-metrics.ts, activities/call-metrics.ts) at
 * http://<address>/metrics. orb's durations are in seconds, with buckets that fit them.
 */
import type { MetricsExporterConfig } from '@temporalio/worker';
import { CliError, EXIT } from '../client/errors';

/** Stages and gates: from a second to days (a gate may wait over a weekend). */
const LONG_SECONDS = [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 4 * 3600, 24 * 3600, 3 * 24 * 3600];
/** Calls to a database, srvctl, OCI or OIC: milliseconds to a CREATE PLUGGABLE DATABASE ... RELOCATE of hours. */
const CALL_SECONDS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 1800, 3600, 4 * 3600,
];

export const ORB_HISTOGRAM_BUCKETS: Record<string, number[]> = {
  orb_stage_duration_seconds: LONG_SECONDS,
  orb_gate_wait_seconds: LONG_SECONDS,
  orb_db_call_duration_seconds: CALL_SECONDS,
  orb_srvctl_call_duration_seconds: CALL_SECONDS,
  orb_oci_call_duration_seconds: CALL_SECONDS,
  orb_oic_call_duration_seconds: CALL_SECONDS,
};

/** The runtime's metrics exporter for a validated socket address (common/metrics-address.ts). */
export function prometheusExporter(bindAddress: string): MetricsExporterConfig {
  return { prometheus: { bindAddress, histogramBucketOverrides: ORB_HISTOGRAM_BUCKETS } };
}

/** Why the runtime could not start, as the error orb reports: an address in use names --metrics. */
export function metricsFailure(err: unknown, metrics: string | undefined): Error {
  const m = err instanceof Error ? err.message : String(err);
  if (metrics && /prometheus|address/i.test(m)) {
    const message = `--metrics ${metrics}: cannot serve Prometheus metrics there (${m}); choose another address`;
    return new CliError(message, EXIT.NOT_FOUND_OR_RUNNING);
  }
  return err instanceof Error ? err : new Error(m);
}
