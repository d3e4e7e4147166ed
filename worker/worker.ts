/**
 * orb's Temporal worker: the relocatePdb workflow (prebuilt bundle) and the
 * activities bound to the estate configuration. Credentials referenced by the
 * estate are read by the activities when they open a connection, never earlier.
 */
import { NativeConnection, Runtime, Worker, makeTelemetryFilterString } from '@temporalio/worker';
import { IllegalStateError } from '@temporalio/common';
import type pino from 'pino';
import { hostname } from 'node:os';
import type { Duration } from '@temporalio/common';
import type { EstateConfig } from '../common/estate-config';
import { TASK_QUEUE_DEFAULT } from '../common/runbook-types';
import { connectNative, temporalSettings, type TemporalSettings } from '../client/connection';
import { workflowCode } from './bundle';
import { createLogger, PinoTemporalLogger } from './logger';
import { metricsFailure, prometheusExporter } from './metrics';
import { activityLogInterceptors } from './log-attributes';

export interface RunWorkerOptions {
  estate: EstateConfig;
  taskQueue?: string;
  /** An existing connection (not closed by the worker); otherwise one is opened from `settings`. */
  connection?: NativeConnection;
  /** Temporal settings; default: temporalSettings() (envconfig). */
  settings?: TemporalSettings;
  /**
   * Signals that shut the worker down gracefully (default SIGINT, SIGTERM, SIGQUIT, SIGUSR2).
   * Pass [] when the caller handles signals itself and calls shutdown().
   */
  shutdownSignals?: NodeJS.Signals[];
  logger?: pino.Logger;
  /** How long running activities get to finish on shutdown (default 10s). */
  shutdownGraceTime?: Duration;
  /** How often the copy activity polls the target while CREATE ... RELOCATE runs (default: $ORB_COPY_POLL_MS, else the activities' default). */
  copyPollMs?: number;
  /** Serve Prometheus metrics on this socket address (common/metrics-address.ts; README "Metrics"); default: none. */
  metrics?: string;
}


/** A duration in ms from the environment (10 ms to 10 min), else undefined (the activities' default). */
function envMs(name: string): number | undefined {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isInteger(n) && n >= 10 && n <= 600_000 ? n : undefined;
}

/**
 * This host's own task queue: the activities that need a wallet's bytes run there, on the host
 * whose disk holds them (activities/wallet/wallet-store.ts). Stable across restarts of the
 * worker on the same host ($ORB_HOST_QUEUE overrides the host name part).
 */
export function hostTaskQueue(taskQueue: string): string {
  const host = (process.env.ORB_HOST_QUEUE ?? hostname()).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100);
  return `${taskQueue}@${host}`;
}

export interface OrbWorker {
  worker: Worker;
  taskQueue: string;
  namespace: string;
  /** Resolves when the worker has stopped (after shutdown, or rejects on a fatal error). */
  finished: Promise<void>;
  /** Graceful stop: no new tasks, running activities get the grace time; resolves when stopped. */
  shutdown(): Promise<void>;
}

let runtimeInstalled = false;
const ALREADY_INSTALLED = 'the Temporal runtime is already installed: metrics are not served from this worker';

/**
 * Installs the Temporal runtime once per process, with pino as the SDK logger and, when `metrics`
 * is given, the SDK's Prometheus exporter there (worker/metrics.ts). A runtime the embedding
 * process installed first (tests, a host application) is used as it is.
 */
export function installRuntime(logger: pino.Logger, shutdownSignals?: NodeJS.Signals[], metrics?: string): void {
  if (runtimeInstalled) {
    if (metrics) logger.warn({ metrics }, ALREADY_INSTALLED);
    return;
  }
  try {
    Runtime.install({
      logger: new PinoTemporalLogger(logger.child({ component: 'temporal' })),
      shutdownSignals: shutdownSignals ?? ['SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGUSR2'],
      telemetryOptions: {
        logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), forward: {} },
        ...(metrics ? { metrics: prometheusExporter(metrics) } : {}),
      },
    });
    if (metrics) logger.info({ metrics: `http://${metrics}/metrics` }, 'serving Prometheus metrics');
  } catch (err) {
    if (!(err instanceof IllegalStateError)) throw metricsFailure(err, metrics);
    // Already installed by the embedding process (tests, a host application): use it.
    logger.debug({ err }, 'Temporal runtime already installed');
    if (metrics) logger.warn({ metrics }, ALREADY_INSTALLED);
  }
  runtimeInstalled = true;
}

export async function startWorker(opts: RunWorkerOptions): Promise<OrbWorker> {
  const logger = opts.logger ?? createLogger('orb-worker');
  installRuntime(logger, opts.shutdownSignals, opts.metrics);
  const settings = opts.settings ?? temporalSettings();
  const taskQueue = opts.taskQueue ?? TASK_QUEUE_DEFAULT;
  const ownConnection = opts.connection === undefined;
  const connection = opts.connection ?? (await connectNative(settings));
  // Loaded here, not at module load: `orb --help` and input validation stay cheap.
  const { createActivities } = await import('../activities');
  const { sweepWallets, walletDir } = await import('../activities/wallet/wallet-store');
  const { closeOracledbPools } = await import('../activities/oracle/oracledb-pool');
  const copyPollMs = opts.copyPollMs ?? envMs('ORB_COPY_POLL_MS');
  const workRequestPollMs = envMs('ORB_WORK_REQUEST_POLL_MS');
  const hostQueue = hostTaskQueue(taskQueue);
  const code = workflowCode();
  const activities = createActivities(opts.estate, {
    ...(copyPollMs !== undefined ? { copyPollMs } : {}),
    ...(workRequestPollMs !== undefined ? { workRequestPollMs } : {}),
    hostQueue,
  });
  const swept = sweepWallets();
  if (swept.length) logger.info({ dir: walletDir(), runs: swept.length }, 'wallet files of runs older than a day deleted');
  let worker: Worker;
  let hostWorker: Worker;
  try {
    const common = { connection, namespace: settings.namespace, shutdownGraceTime: opts.shutdownGraceTime ?? '10s' };
    // Every activity log line carries the run's runbook and target (worker/log-attributes.ts).
    const interceptors = { activity: [activityLogInterceptors] };
    // A prebuilt bundle has the workflow interceptors in it; one bundled at start is told here.
    const workflowModules = 'workflowsPath' in code ? [require.resolve('../workflows/log-interceptors')] : [];
    const withWorkflows = { ...interceptors, ...(workflowModules.length ? { workflowModules } : {}) };
    worker = await Worker.create({ ...common, taskQueue, ...code, activities, interceptors: withWorkflows });
    // Wallet steps run where the wallet rests: this host's own task queue (activities only).
    hostWorker = await Worker.create({ ...common, taskQueue: hostQueue, activities, interceptors });
  } catch (err) {
    if (ownConnection) await connection.close().catch(() => undefined);
    throw err;
  }
  logger.info(
    {
      namespace: settings.namespace,
      address: settings.address,
      taskQueue,
      hostQueue,
      workflows: 'workflowBundle' in code ? 'prebuilt bundle' : 'bundled from source (ORB_DEV_BUNDLE=1)',
      cdbs: Object.keys(opts.estate.cdbs).join(','),
    },
    'worker started',
  );
  const finished = Promise.all([worker.run(), hostWorker.run()])
    .then(() => logger.info('worker stopped'))
    .finally(async () => {
      // The node-oracledb pools of the short calls (oracledb-pool.ts; long calls hold no pooled connection).
      await closeOracledbPools();
      if (ownConnection) await connection.close().catch(() => undefined);
    });
  return {
    worker,
    taskQueue,
    namespace: settings.namespace,
    finished,
    async shutdown() {
      if (worker.getState() === 'RUNNING') {
        logger.info('worker shutting down (finishing running tasks)');
        worker.shutdown();
      }
      if (hostWorker.getState() === 'RUNNING') hostWorker.shutdown();
      await finished.catch(() => undefined);
    },
  };
}

/** Runs a worker until it is shut down (by one of the shutdown signals) or fails. */
export async function runWorker(opts: RunWorkerOptions): Promise<void> {
  const w = await startWorker(opts);
  await w.finished;
}
