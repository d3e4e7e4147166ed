/**
 * Lab control of the Notifications topic's HTTPS subscriptions: create (PENDING, and the
 * SubscriptionConfirmation message POSTed to the endpoint), confirm (the confirmation URL, GET),
 * unsubscribe, list, and redeliver (queue the last N delivered events again).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Lab } from '../lab';
import type { LabNotificationSubscription } from '../cloud-model';
import { LabError } from '../lab-error';
import { parseBody } from '../schemas';
import type { EventDelivery } from './delivery';
import { confirmationMessage, postMessage } from './notification-messages';
import { createSubscriptionBody, redeliverBody } from './subscription-body';

/** A subscription as the lab shows it (never its confirmation token). */
export type SubscriptionView = Omit<LabNotificationSubscription, 'token'>;

export function view(s: LabNotificationSubscription): SubscriptionView {
  const { token: _token, ...rest } = s;
  return rest;
}

const endOffset = (lab: Lab) => {
  const events = lab.estate().cloud.events;
  return events.length ? events[events.length - 1]!.offset + 1 : 0;
};

function requireSubscription(lab: Lab, id: string): LabNotificationSubscription {
  const s = lab.estate().cloud.subscriptions.find((x) => x.id === id);
  if (!s) throw new LabError('LAB-404', `LAB-404: no subscription ${id}`);
  return s;
}

/** Creates a PENDING subscription and POSTs the confirmation message; answers with what the endpoint said. */
export async function createSubscription(
  lab: Lab,
  delivery: EventDelivery,
  body: unknown,
): Promise<{ subscription: SubscriptionView; confirmation: { status: number | null; error?: string } }> {
  const b = parseBody(createSubscriptionBody, body, '');
  const sub = lab.cloudControl((_ctx, cloud) => {
    const s: LabNotificationSubscription = {
      id: `ocid1.onssubscription.oc1.iad.${randomBytes(12).toString('hex')}`,
      endpoint: b.endpoint,
      lifecycleState: 'PENDING',
      token: randomBytes(24).toString('base64url'),
      nextOffset: endOffset(lab),
      ...(b.deliverTwice ? { deliverTwice: true } : {}),
    };
    cloud.subscriptions.push(s);
    return s;
  });
  let confirmation: { status: number | null; error?: string };
  try {
    confirmation = { status: await postMessage(sub.endpoint, confirmationMessage(delivery.baseUrl, sub), delivery.signal) };
  } catch (e) {
    confirmation = { status: null, error: (e as Error).message };
  }
  return { subscription: view(requireSubscription(lab, sub.id)), confirmation };
}

function sameToken(a: string, b: string | null): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b ?? '');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The confirmation URL: the token must match; the subscription becomes ACTIVE and gets events published from now on. */
export function confirmSubscription(lab: Lab, delivery: EventDelivery, id: string, token: string | null): SubscriptionView {
  const s = requireSubscription(lab, id);
  if (!sameToken(s.token, token)) throw new LabError('LAB-403', 'LAB-403: token: does not match the subscription', 403);
  const confirmed = lab.cloudControl(() => {
    if (s.lifecycleState === 'PENDING') {
      s.lifecycleState = 'ACTIVE';
      s.nextOffset = endOffset(lab);
      s.activeFrom = s.nextOffset;
    }
    return view(s);
  });
  delivery.kick();
  return confirmed;
}

export function unsubscribe(lab: Lab, id: string, token: string | null): { removed: number } {
  const s = requireSubscription(lab, id);
  if (!sameToken(s.token, token)) throw new LabError('LAB-403', 'LAB-403: token: does not match the subscription', 403);
  return lab.cloudControl((_ctx, cloud) => {
    cloud.subscriptions = cloud.subscriptions.filter((x) => x.id !== id);
    return { removed: 1 };
  });
}

export function listSubscriptions(lab: Lab): { subscriptions: SubscriptionView[] } {
  return { subscriptions: lab.estate().cloud.subscriptions.map(view) };
}

/** Queues the last `count` events already delivered to the subscription for delivery again. */
export function redeliver(lab: Lab, delivery: EventDelivery, id: string, body: unknown): { queued: number[] } {
  const b = parseBody(redeliverBody, body, '');
  const s = requireSubscription(lab, id);
  if (s.lifecycleState !== 'ACTIVE') {
    throw new LabError('LAB-409', `LAB-409: subscription ${id} is ${s.lifecycleState}, not ACTIVE`);
  }
  const queued = lab.cloudControl((_ctx, cloud) => {
    const delivered = (o: number) => o >= (s.activeFrom ?? 0) && o < s.nextOffset;
    const offsets = cloud.events.map((e) => e.offset).filter(delivered).slice(-b.count);
    s.redeliver = [...(s.redeliver ?? []), ...offsets];
    return offsets;
  });
  delivery.kick();
  return { queued };
}
