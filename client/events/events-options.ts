/**
 * The options of `orb events`, checked before anything is contacted (InputError names the option
 * and the rule), turned into what to run: the notifications receiver, the stream poller, or both.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { OciAuth } from '../../activities/oci/oci-clients';
import { parseDuration } from '../../common/duration';
import type { EstateConfig } from '../../common/estate-config';
import { InputError } from '../../common/input-error';

export const LAB_STREAM_ID = 'ocid1.stream.oc1.iad.aaaalaborbevents';
export const LAB_REGION_PATH = '/oci/us-ashburn-1';

export interface EventsOptions {
  notifications?: string;
  path: string;
  tlsCert?: string;
  tlsKey?: string;
  insecureHttp: boolean;
  tokenFile?: string;
  /** false with --no-token: accept POSTs without a token (commander sets true otherwise) */
  token?: boolean;
  allowConfirmHost: string[];
  stream?: string;
  streamEndpoint?: string;
  streamGroup: string;
  streamInstance?: string;
  streamStart: string;
  pollInterval: string;
  ociAuth: string;
  ociConfig?: string;
  ociProfile?: string;
}

export interface ReceiverPlan {
  host: string;
  port: number;
  path: string;
  tls: { cert: Buffer; key: Buffer } | null;
  token: string | null;
  allowConfirmHosts: string[];
}

export interface StreamPlan {
  streamId: string;
  endpoint: string;
  groupName: string;
  instanceName: string;
  startAt: 'TRIM_HORIZON' | 'LATEST';
  pollMs: number;
  /** null: the lab (a throw-away signing key) */
  auth: OciAuth | null;
}

export interface EventsPlan {
  receiver: ReceiverPlan | null;
  stream: StreamPlan | null;
}

function readFile(field: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw new InputError(field, `cannot read ${file}: ${(e as Error).message}`);
  }
}

function hostPort(value: string): { host: string; port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]+)):(\d{1,5})$/.exec(value.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || port > 65535) {
    throw new InputError('--notifications', `${JSON.stringify(value)} is not host:port (e.g. 0.0.0.0:8443, 127.0.0.1:0)`);
  }
  return { host: (m[1] ?? m[2])!, port };
}

/**
 * The shared secret POSTs must carry. Required: without one, anyone who can reach the endpoint
 * starts runs. --no-token is the explicit opt-out (something in front authenticates the poster).
 */
function tokenOf(o: EventsOptions): string | null {
  if (o.token === false) {
    if (o.tokenFile) throw new InputError('--no-token', 'contradicts --token-file: give one of them');
    return null;
  }
  if (!o.tokenFile) {
    const rule = 'is needed with --notifications: without a token anyone who can reach the endpoint starts runs ' +
      '(--no-token accepts unauthenticated POSTs, e.g. behind a proxy that authenticates them)';
    throw new InputError('--token-file', rule);
  }
  const token = readFile('--token-file', o.tokenFile).toString('utf8').trim();
  if (!/^[A-Za-z0-9._~-]{16,256}$/.test(token)) {
    throw new InputError('--token-file', 'must hold one token of 16 to 256 URL-safe characters (letters, digits, . _ ~ -)');
  }
  return token;
}

function receiverPlan(o: EventsOptions, labHost: string | null): ReceiverPlan {
  const { host, port } = hostPort(o.notifications!);
  if (!/^\/[A-Za-z0-9/_.-]{0,200}$/.test(o.path)) {
    throw new InputError('--path', 'must be a URL path such as /oci/notifications');
  }
  if (o.insecureHttp && (o.tlsCert || o.tlsKey)) {
    throw new InputError('--insecure-http', 'is for plain http: drop --tls-cert/--tls-key');
  }
  if (!o.insecureHttp && !(o.tlsCert && o.tlsKey)) {
    const rule = 'both are needed for https (OCI delivers to https only); --insecure-http for plain http';
    throw new InputError('--tls-cert/--tls-key', rule);
  }
  const tls = o.insecureHttp ? null : { cert: readFile('--tls-cert', o.tlsCert!), key: readFile('--tls-key', o.tlsKey!) };
  const token = tokenOf(o);
  for (const h of o.allowConfirmHost) {
    if (!/^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-fA-F:.]+\](:\d{1,5})?$/.test(h)) {
      throw new InputError('--allow-confirm-host', `${JSON.stringify(h)} is not host or host:port`);
    }
  }
  const allow = labHost ? [...o.allowConfirmHost, labHost] : o.allowConfirmHost;
  return { host, port, path: o.path, tls, token, allowConfirmHosts: allow };
}

function ociAuthOf(o: EventsOptions): OciAuth {
  if (o.ociAuth === 'instance-principal' || o.ociAuth === 'resource-principal') return { type: o.ociAuth };
  if (o.ociAuth !== 'config-file') {
    throw new InputError('--oci-auth', 'must be config-file, instance-principal or resource-principal');
  }
  return { type: 'config-file', file: o.ociConfig, profile: o.ociProfile };
}

function streamPlan(o: EventsOptions, estate: EstateConfig, isDefault: boolean): StreamPlan {
  const streamId = o.stream ?? LAB_STREAM_ID;
  if (!/^ocid1\.stream\.[a-z0-9-]+\.[a-z0-9-]*\.[a-z0-9]+$/i.test(streamId)) {
    throw new InputError('--stream', 'must be a stream OCID (ocid1.stream.oc1...)');
  }
  const labUrl = estate.lab.url.replace(/\/+$/, '');
  const endpoint = o.streamEndpoint ?? (isDefault ? `${labUrl}${LAB_REGION_PATH}` : undefined);
  if (!endpoint) {
    const example = 'https://cell-1.streaming.us-ashburn-1.oci.oraclecloud.com';
    throw new InputError('--stream-endpoint', `is needed: the stream pool's messages endpoint, e.g. ${example}`);
  }
  if (!/^https?:\/\/[^\s]+$/.test(endpoint)) throw new InputError('--stream-endpoint', 'must be an http(s) URL');
  if (!/^(trim-horizon|latest)$/.test(o.streamStart)) {
    throw new InputError('--stream-start', 'must be trim-horizon or latest');
  }
  const pollMs = parseDuration('--poll-interval', o.pollInterval);
  if (pollMs < 100 || pollMs > 600_000) throw new InputError('--poll-interval', 'must be from 100ms to 10m');
  if (!/^[A-Za-z0-9._-]{1,256}$/.test(o.streamGroup)) {
    throw new InputError('--stream-group', 'must be 1 to 256 letters, digits, . _ -');
  }
  return {
    streamId,
    endpoint,
    groupName: o.streamGroup,
    instanceName: o.streamInstance ?? `${hostname()}-${process.pid}`,
    startAt: o.streamStart === 'latest' ? 'LATEST' : 'TRIM_HORIZON',
    pollMs,
    auth: endpoint.startsWith(labUrl) ? null : ociAuthOf(o),
  };
}

export function eventsPlan(o: EventsOptions, estate: EstateConfig, isDefault: boolean): EventsPlan {
  const wantsStream = o.stream !== undefined || o.streamEndpoint !== undefined || (isDefault && !o.notifications);
  if (!o.notifications && !wantsStream) {
    throw new InputError('orb events', 'give --notifications <host:port> and/or --stream <ocid> --stream-endpoint <url>');
  }
  const labHost = isDefault ? new URL(estate.lab.url).host : null;
  return {
    receiver: o.notifications ? receiverPlan(o, labHost) : null,
    stream: wantsStream ? streamPlan(o, estate, isDefault) : null,
  };
}
