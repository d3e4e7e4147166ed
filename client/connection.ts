/**
 * Connection settings for Temporal, from the standard Temporal client configuration
 * (the same settings the `temporal` CLI reads), via @temporalio/envconfig:
 *
 *   - the TOML config file: $TEMPORAL_CONFIG_FILE, else ~/.config/temporalio/temporal.toml;
 *   - the profile: $TEMPORAL_PROFILE, else "default";
 *   - environment overrides: TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
 *     TEMPORAL_TLS, TEMPORAL_TLS_CLIENT_CERT_PATH/_DATA, TEMPORAL_TLS_CLIENT_KEY_PATH/_DATA,
 *     TEMPORAL_TLS_SERVER_CA_CERT_PATH/_DATA, TEMPORAL_TLS_SERVER_NAME, TEMPORAL_GRPC_META_*.
 *
 * With nothing configured: 127.0.0.1:7233, namespace "default", no TLS (an API key
 * turns TLS on, as in every Temporal SDK).
 *
 * Both halves are here: Connection for the client, NativeConnection for workers. The
 * worker package (native bridge) is loaded only when a worker connects, so client
 * commands stay light.
 */
import { Client, Connection, type ConnectionOptions } from '@temporalio/client';
import type { NativeConnection } from '@temporalio/worker';
import { loadClientConnectConfig, type ClientConnectConfig } from '@temporalio/envconfig';
import { TASK_QUEUE_DEFAULT } from '../common/runbook-types';
import { InputError } from '../common/input-error';
import { UnreachableError, errorMessage } from './errors';

export const DEFAULT_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_UI_URL = 'http://127.0.0.1:8233';

export type TemporalConnectionOptions = ClientConnectConfig['connectionOptions'];

export interface TemporalSettings {
  address: string;
  namespace: string;
  /** Options for Connection.connect / NativeConnection.connect (address included). */
  connectionOptions: TemporalConnectionOptions & { address: string };
  /** Profile name used, when one was named (TEMPORAL_PROFILE). */
  profile?: string;
  tls: boolean;
}

export interface SettingsOverrides {
  address?: string;
  namespace?: string;
  profile?: string;
  env?: NodeJS.ProcessEnv;
}

/** Reads Temporal connection settings; a broken config file or unknown profile is bad input. */
export function temporalSettings(overrides: SettingsOverrides = {}): TemporalSettings {
  const env = overrides.env ?? process.env;
  const envVars = Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
  let cfg: ClientConnectConfig;
  try {
    cfg = loadClientConnectConfig({ profile: overrides.profile, overrideEnvVars: envVars });
  } catch (err) {
    throw new InputError('Temporal client configuration', errorMessage(err));
  }
  const address = overrides.address ?? cfg.connectionOptions.address ?? DEFAULT_ADDRESS;
  const namespace = overrides.namespace ?? cfg.namespace ?? DEFAULT_NAMESPACE;
  const tls = cfg.connectionOptions.tls;
  return {
    address,
    namespace,
    connectionOptions: { ...cfg.connectionOptions, address },
    profile: overrides.profile ?? env.TEMPORAL_PROFILE,
    tls: tls !== undefined && tls !== false && tls !== null,
  };
}

export function taskQueue(env: NodeJS.ProcessEnv = process.env): string {
  const q = env.ORB_TASK_QUEUE?.trim();
  return q ? q : TASK_QUEUE_DEFAULT;
}

/** Base URL of the Temporal Web UI ($ORB_UI_URL, default the dev server's). */
export function uiBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.ORB_UI_URL?.trim() || DEFAULT_UI_URL).replace(/\/+$/, '');
}

export function workflowUiUrl(namespace: string, workflowId: string, env: NodeJS.ProcessEnv = process.env): string {
  return `${uiBaseUrl(env)}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

export function unreachableHint(settings: TemporalSettings): string {
  return (
    `cannot reach Temporal at ${settings.address} (namespace ${settings.namespace}${settings.profile ? `, profile ${settings.profile}` : ''})` +
    `. Start a local server with \`orb dev\`, or point TEMPORAL_ADDRESS / TEMPORAL_PROFILE at yours.`
  );
}

/** Client connection; failure to connect is reported as UnreachableError (exit 3). */
export async function connectClient(settings: TemporalSettings, connectTimeoutMs = 5000): Promise<{ client: Client; connection: Connection }> {
  const { address, apiKey, tls, metadata } = settings.connectionOptions;
  const options: ConnectionOptions = { address, connectTimeout: connectTimeoutMs };
  if (apiKey !== undefined) options.apiKey = apiKey;
  if (tls !== undefined) options.tls = tls;
  if (metadata !== undefined) options.metadata = metadata;
  let connection: Connection;
  try {
    connection = await Connection.connect(options);
  } catch (err) {
    throw new UnreachableError(`${unreachableHint(settings)}\n  (${errorMessage(err)})`);
  }
  return { client: new Client({ connection, namespace: settings.namespace }), connection };
}

/** Worker connection (NativeConnection) from the same settings; failure is UnreachableError (exit 3). */
export async function connectNative(settings: TemporalSettings): Promise<NativeConnection> {
  const { NativeConnection } = await import('@temporalio/worker');
  try {
    return await NativeConnection.connect(settings.connectionOptions);
  } catch (err) {
    throw new UnreachableError(`${unreachableHint(settings)}\n  (${errorMessage(err)})`);
  }
}
