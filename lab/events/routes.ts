/**
 * The routes of lab/events (lab/EVENTS.md), dispatched from lab/http.ts before anything else:
 * the Streaming API under /oci/<region>/20180418/streams/... (OCI's error body { code, message };
 * a request without an OCI `Authorization: Signature ...` header is 401 NotAuthenticated) and
 * lab control under /events.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Lab } from '../lab';
import { appendOciEvent } from '../cloud-model';
import { LabError } from '../lab-error';
import { parseBody } from '../schemas';
import { eventDelivery } from './delivery';
import { postEventBody, toLabEnvelope } from './event-body';
import { OciApiError, readJson, sendJson, sendOciError } from './http-io';
import { commitCursor, createCursor, createGroupCursor, getMessages } from './streaming';
import { confirmSubscription, createSubscription, listSubscriptions, redeliver, unsubscribe } from './subscriptions';

const STREAMING = /^\/oci\/[a-z0-9-]+\/20180418\/streams\/([^/]+)\/(groupCursors|cursors|messages|commit)$/;
const SUBSCRIPTION = /^\/events\/subscriptions\/([^/]+)\/(confirm|unsubscribe|redeliver)$/;

/** Serves the request when it is one of lab/events' paths; false otherwise. */
export async function eventsRoute(
  lab: Lab,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  url: URL,
): Promise<boolean> {
  const streaming = STREAMING.exec(path);
  if (streaming) {
    await streamingRoute(lab, req, res, decodeURIComponent(streaming[1]!), streaming[2]!, url);
    return true;
  }
  if (path !== '/events' && !path.startsWith('/events/')) return false;
  const delivery = eventDelivery(lab);
  delivery.baseUrl = `http://${req.headers.host ?? '127.0.0.1'}`;
  await controlRoute(lab, req, res, path, url);
  return true;
}

/** Structure of an OCI request signature (draft-cavage HTTP signatures); the lab does not verify it. */
function signed(req: IncomingMessage): boolean {
  const a = req.headers.authorization ?? '';
  return /^Signature /.test(a) && ['keyId', 'algorithm', 'headers', 'signature'].every((k) => a.includes(`${k}="`));
}

async function streamingRoute(lab: Lab, req: IncomingMessage, res: ServerResponse, streamId: string, op: string, url: URL) {
  const requestId = randomUUID().replace(/-/g, '').toUpperCase();
  const method = req.method ?? 'GET';
  try {
    if (!signed(req)) {
      throw new OciApiError(401, 'NotAuthenticated', 'The required information to complete authentication was not provided.');
    }
    const expected = op === 'messages' ? 'GET' : 'POST';
    if (method !== expected) throw new OciApiError(405, 'MethodNotAllowed', `${method} is not allowed on ${op}`);
    const badBody = () => {
      throw new OciApiError(400, 'InvalidParameter', 'body: must be JSON');
    };
    const body = method === 'POST' ? await readJson(req).catch(badBody) : undefined;
    const q = (k: string) => url.searchParams.get(k);
    if (op === 'groupCursors') {
      return sendJson(res, 200, createGroupCursor(lab, streamId, body), { 'opc-request-id': requestId });
    }
    if (op === 'cursors') return sendJson(res, 200, createCursor(lab, streamId, body), { 'opc-request-id': requestId });
    if (op === 'commit') {
      return sendJson(res, 200, commitCursor(lab, streamId, q('cursor')), { 'opc-request-id': requestId });
    }
    const r = getMessages(lab, streamId, q('cursor'), q('limit'));
    return sendJson(res, 200, r.messages, { 'opc-request-id': requestId, 'opc-next-cursor': r.nextCursor });
  } catch (e) {
    const err =
      e instanceof OciApiError ? e
      : e instanceof LabError ? new OciApiError(e.httpStatus, e.code, e.message)
      : new OciApiError(500, 'InternalServerError', (e as Error).message);
    return sendOciError(res, err, requestId);
  }
}

async function controlRoute(lab: Lab, req: IncomingMessage, res: ServerResponse, path: string, url: URL): Promise<void> {
  const method = req.method ?? 'GET';
  const delivery = eventDelivery(lab);
  const sub = SUBSCRIPTION.exec(path);
  if (sub) {
    const id = decodeURIComponent(sub[1]!);
    const token = url.searchParams.get('token');
    if (sub[2] === 'confirm' && method === 'GET') return sendJson(res, 200, confirmSubscription(lab, delivery, id, token));
    if (sub[2] === 'unsubscribe' && method === 'GET') return sendJson(res, 200, unsubscribe(lab, id, token));
    if (sub[2] === 'redeliver' && method === 'POST') {
      return sendJson(res, 200, redeliver(lab, delivery, id, await readJson(req)));
    }
    throw new LabError('LAB-404', `LAB-404: no route ${method} ${path}`, 405);
  }
  switch (`${method} ${path}`) {
    case 'GET /events':
      return sendJson(res, 200, { events: lab.estate().cloud.events });
    case 'POST /events': {
      const envelope = toLabEnvelope(parseBody(postEventBody, await readJson(req), ''));
      const event = lab.cloudControl((_ctx, cloud) => appendOciEvent(cloud, envelope));
      delivery.kick();
      return sendJson(res, 201, { offset: event.offset, eventID: event.envelope.eventID });
    }
    case 'GET /events/subscriptions':
      return sendJson(res, 200, listSubscriptions(lab));
    case 'POST /events/subscriptions':
      return sendJson(res, 201, await createSubscription(lab, delivery, await readJson(req)));
    default:
      throw new LabError('LAB-404', `LAB-404: no route ${method} ${path}`);
  }
}
