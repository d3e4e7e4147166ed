/**
 * What the lab's Notifications topic POSTs to an HTTPS (custom URL) subscription, after Oracle's
 * "Confirming a Subscription" and "Overview of Notifications" pages: headers X-OCI-NS-MessageId,
 * -TopicOcid, -TopicName, -MessageType (SubscriptionConfirmation | Notification), -UnsubscribeURL,
 * -Timestamp; on a confirmation also -ConfirmationURL and -SubscriptionId, and a JSON body with a
 * "ConfirmationURL" key. An event delivered through a topic is the event's JSON as the body.
 * UNVERIFIED: the other keys of the confirmation body, and whether the event body is exactly the
 * raw envelope for every topic setting (the lab sends the raw envelope). The lab does not sign
 * messages (no X-OCI-NS-Signature / -SigningCertURL).
 */
import { randomUUID } from 'node:crypto';
import type { LabNotificationSubscription, LabOciEvent } from '../cloud-model';

export const LAB_TOPIC_ID = 'ocid1.onstopic.oc1.iad.aaaalaborbevents';
export const LAB_TOPIC_NAME = 'orb-events';

export interface OutgoingMessage {
  headers: Record<string, string>;
  body: string;
}

export function subscriptionUrl(baseUrl: string, sub: LabNotificationSubscription, action: 'confirm' | 'unsubscribe'): string {
  return `${baseUrl}/events/subscriptions/${encodeURIComponent(sub.id)}/${action}?token=${encodeURIComponent(sub.token)}`;
}

function commonHeaders(baseUrl: string, sub: LabNotificationSubscription, type: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'x-oci-ns-messageid': randomUUID(),
    'x-oci-ns-topicocid': LAB_TOPIC_ID,
    'x-oci-ns-topicname': LAB_TOPIC_NAME,
    'x-oci-ns-messagetype': type,
    'x-oci-ns-unsubscribeurl': subscriptionUrl(baseUrl, sub, 'unsubscribe'),
    'x-oci-ns-timestamp': new Date().toISOString(),
  };
}

export function confirmationMessage(baseUrl: string, sub: LabNotificationSubscription): OutgoingMessage {
  const url = subscriptionUrl(baseUrl, sub, 'confirm');
  return {
    headers: {
      ...commonHeaders(baseUrl, sub, 'SubscriptionConfirmation'),
      'x-oci-ns-confirmationurl': url,
      'x-oci-ns-subscriptionid': sub.id,
      'x-oci-ns-state': 'Pending',
    },
    body: JSON.stringify({
      ConfirmationURL: url,
      Message: `Confirm the subscription to topic ${LAB_TOPIC_NAME} by visiting ConfirmationURL.`,
    }),
  };
}

export function notificationMessage(baseUrl: string, sub: LabNotificationSubscription, event: LabOciEvent): OutgoingMessage {
  return { headers: commonHeaders(baseUrl, sub, 'Notification'), body: JSON.stringify(event.envelope) };
}

/** POSTs a message; resolves to the HTTP status, or throws on a network error or timeout. */
export async function postMessage(endpoint: string, m: OutgoingMessage, signal: AbortSignal): Promise<number> {
  const r = await fetch(endpoint, {
    method: 'POST',
    headers: m.headers,
    body: m.body,
    redirect: 'manual',
    signal: AbortSignal.any([signal, AbortSignal.timeout(10_000)]),
  });
  await r.arrayBuffer().catch(() => undefined);
  return r.status;
}
