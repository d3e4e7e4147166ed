/**
 * Runs `orb events` until SIGINT / SIGTERM: one event handler (dedup by event id) behind the
 * notifications receiver and / or the stream poller, starting propagate-wallet on Temporal.
 */
import type { Logger } from 'pino';
import { ociAuthProvider } from '../../activities/oci/oci-clients';
import { createEventHandler, type EventHandler, type FindDatabase, type StartPropagation } from './event-handler';
import type { EventsPlan, StreamPlan } from './events-options';
import { startNotificationsReceiver } from './notifications-receiver';
import { eventStreamClient, throwAwayProvider } from './stream-client';
import { startStreamPoller } from './stream-poller';

export interface RunEventsDeps {
  findDatabase: FindDatabase;
  startPropagation: StartPropagation;
  logger: Logger;
  out(line: string): void;
  /** Resolves when orb events should stop (default: SIGINT or SIGTERM) */
  stopSignal?: Promise<void>;
}

export const NO_TOKEN_WARNING =
  'orb events: WARNING: --no-token: notifications are accepted without a token; anyone who can reach the endpoint ' +
  'can start propagate-wallet runs (put something in front that authenticates them)';

function signalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

async function startPoller(plan: StreamPlan, handle: EventHandler, logger: Logger) {
  const provider = plan.auth ? await ociAuthProvider(plan.auth) : throwAwayProvider();
  const client = eventStreamClient(provider, plan.endpoint);
  return startStreamPoller({ client, ...plan, handle, logger });
}

export async function runEvents(plan: EventsPlan, deps: RunEventsDeps): Promise<void> {
  const { findDatabase, startPropagation, logger } = deps;
  const handle = createEventHandler({ findDatabase, startPropagation, logger });
  const receiver = plan.receiver ? await startNotificationsReceiver({ ...plan.receiver, handle, logger: deps.logger }) : null;
  const poller = plan.stream ? await startPoller(plan.stream, handle, deps.logger) : null;
  if (receiver) deps.out(`orb events: receiving OCI Notifications at ${receiver.url}${plan.receiver!.token ? '?token=…' : ''}`);
  if (receiver && !plan.receiver!.token) {
    deps.out(NO_TOKEN_WARNING);
    logger.warn({ url: receiver.url }, 'notifications are accepted without a token (--no-token)');
  }
  const st = plan.stream;
  if (st) deps.out(`orb events: reading stream ${st.streamId} at ${st.endpoint} as group ${st.groupName}`);
  try {
    await (deps.stopSignal ?? signalled());
  } finally {
    await Promise.all([receiver?.close(), poller?.stop()]);
    deps.out('orb events: stopped');
  }
}
