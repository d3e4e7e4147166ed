/**
 * The HTTPS endpoint of an OCI Notifications subscription (protocol HTTPS, custom URL), which an
 * Events rule feeds with role-change events. `POST <path>`:
 *  - X-OCI-NS-MessageType: SubscriptionConfirmation → GET the X-OCI-NS-ConfirmationURL (or the
 *    body's ConfirmationURL) if confirm-url.ts allows it (else 403); 200 once confirmed, 502 if
 *    the confirmation GET failed;
 *  - Notification (or no type) → the body is the event JSON: parsed, handled, 200 with the
 *    decision; 400 malformed, 413 too big; 503 when the runbook could not be started (OCI retries
 *    non-2xx answers), so the event comes again;
 *  - UnsubscribeConfirmation → logged, 200.
 * With a token (--token-file), the subscription URL must carry ?token=<token>, else 401.
 * Plain http only with --insecure-http (tests, or behind a TLS-terminating proxy): OCI delivers
 * only to https endpoints with a CA-signed certificate.
 */
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';
import { timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { MAX_EVENT_BYTES, parseEventText } from '../../common/oci-event-schema';
import { checkConfirmationUrl } from './confirm-url';
import type { EventHandler } from './event-handler';

export interface ReceiverOptions {
  host: string;
  port: number;
  /** default /oci/notifications */
  path?: string;
  /** null: plain http (--insecure-http) */
  tls: { cert: Buffer; key: Buffer } | null;
  /** Shared secret the subscription URL carries as ?token=; null: none */
  token: string | null;
  allowConfirmHosts: readonly string[];
  handle: EventHandler;
  logger: Logger;
}

export interface RunningReceiver {
  url: string;
  port: number;
  close(): Promise<void>;
}

type Body = { ok: true; text: string } | { ok: false; status: 413 };

function readBody(req: IncomingMessage): Promise<Body> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= MAX_EVENT_BYTES) chunks.push(c);
      else if (size > 16 * MAX_EVENT_BYTES) req.destroy(); // not worth draining
    });
    req.on('end', () => {
      if (size > MAX_EVENT_BYTES) resolve({ ok: false, status: 413 });
      else resolve({ ok: true, text: Buffer.concat(chunks).toString('utf8') });
    });
    req.on('error', reject);
  });
}

function answer(res: ServerResponse, status: number, payload: Record<string, unknown>): void {
  if (res.headersSent || res.destroyed) return;
  const body = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function tokenMatches(expected: string, given: string | null): boolean {
  const a = Buffer.from(expected);
  const b = Buffer.from(given ?? '');
  return a.length === b.length && timingSafeEqual(a, b);
}

async function confirm(o: ReceiverOptions, req: IncomingMessage, text: string, res: ServerResponse): Promise<void> {
  let bodyUrl: unknown;
  try {
    bodyUrl = (JSON.parse(text) as { ConfirmationURL?: unknown }).ConfirmationURL;
  } catch {
    bodyUrl = undefined;
  }
  const subscription = req.headers['x-oci-ns-subscriptionid'];
  const check = checkConfirmationUrl(req.headers['x-oci-ns-confirmationurl'] ?? bodyUrl, o.allowConfirmHosts);
  if (!check.ok) {
    o.logger.warn({ subscription, reason: check.reason }, 'subscription confirmation refused');
    return answer(res, 403, { error: check.reason });
  }
  const where = check.url.origin; // the URL itself carries the confirmation token: not logged
  try {
    const r = await fetch(check.url, { redirect: 'manual', signal: AbortSignal.timeout(10_000) });
    await r.arrayBuffer().catch(() => undefined);
    if (r.status < 200 || r.status >= 300) throw new Error(`HTTP ${r.status}`);
    o.logger.info({ subscription, confirmedAt: where }, 'subscription confirmed');
    answer(res, 200, { confirmed: true });
  } catch (e) {
    o.logger.error({ subscription, confirmedAt: where, err: (e as Error).message }, 'subscription confirmation failed');
    answer(res, 502, { error: 'the confirmation URL did not answer 2xx' });
  }
}

async function notification(o: ReceiverOptions, req: IncomingMessage, text: string, res: ServerResponse): Promise<void> {
  const messageId = req.headers['x-oci-ns-messageid'];
  const parsed = parseEventText(text);
  if (!parsed.ok) {
    o.logger.warn({ messageId, status: parsed.status, reason: parsed.reason }, 'notification refused');
    return answer(res, parsed.status, { error: parsed.reason });
  }
  try {
    answer(res, 200, { eventId: parsed.event.eventId, decision: await o.handle(parsed.event, 'notifications') });
  } catch (e) {
    const fields = { messageId, eventId: parsed.event.eventId, err: (e as Error).message };
    o.logger.error(fields, 'event not handled: OCI will deliver it again');
    answer(res, 503, { error: 'the runbook could not be started now; deliver again' });
  }
}

async function serve(o: ReceiverOptions, path: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://receiver');
  if (url.pathname !== path) return answer(res, 404, { error: 'not found' });
  if (req.method !== 'POST') return answer(res, 405, { error: 'POST only' });
  if (o.token !== null && !tokenMatches(o.token, url.searchParams.get('token'))) {
    o.logger.warn({ remote: req.socket.remoteAddress }, 'notification refused: missing or wrong token');
    return answer(res, 401, { error: 'unauthorized' });
  }
  const body = await readBody(req);
  if (!body.ok) return answer(res, 413, { error: `a message is at most ${MAX_EVENT_BYTES} bytes` });
  const type = req.headers['x-oci-ns-messagetype'] ?? 'Notification';
  if (type === 'SubscriptionConfirmation') return confirm(o, req, body.text, res);
  if (type === 'UnsubscribeConfirmation') {
    o.logger.warn({ subscription: req.headers['x-oci-ns-subscriptionid'] }, 'the subscription was unsubscribed');
    return answer(res, 200, {});
  }
  if (type === 'Notification') return notification(o, req, body.text, res);
  return answer(res, 400, { error: 'unknown X-OCI-NS-MessageType' });
}

export async function startNotificationsReceiver(o: ReceiverOptions): Promise<RunningReceiver> {
  const path = o.path ?? '/oci/notifications';
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    serve(o, path, req, res).catch((e: unknown) => {
      o.logger.error({ err: (e as Error).message }, 'notification request failed');
      answer(res, 500, { error: 'internal error' });
    });
  };
  const server: Server = o.tls ? createHttps({ cert: o.tls.cert, key: o.tls.key }, handler) : createHttp(handler);
  server.requestTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${o.tls ? 'https' : 'http'}://${o.host.includes(':') ? `[${o.host}]` : o.host}:${port}${path}`;
  o.logger.info({ url, tls: o.tls !== null, token: o.token !== null }, 'notifications receiver listening');
  return {
    url,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
