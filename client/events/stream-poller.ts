/**
 * Reads role-change events from an OCI stream (an Events rule → Streaming; no inbound port
 * needed) as one instance of a consumer group, with commitOnGet: each getMessages commits what
 * the previous one returned, so after a crash the group re-reads at most the last batch (the
 * handler deduplicates). On stop the poller commits what it handled (consumerCommit). Errors
 * back off (1 s doubling to 60 s): OCI errors are classified with common/oci-errors.ts, a
 * permanent one (a wrong OCID, missing policy) is logged as an error and retried at the longest
 * backoff; after any error the group cursor is made again, from the group's committed offset.
 * A message that is not a valid event is logged and skipped (it would never become valid).
 */
import type { Logger } from 'pino';
import { models, type StreamClient } from 'oci-streaming';
import { classifyOciError } from '../../common/oci-errors';
import { parseEventText } from '../../common/oci-event-schema';
import type { EventHandler } from './event-handler';

export type StreamApi = Pick<StreamClient, 'createGroupCursor' | 'getMessages' | 'consumerCommit'>;

export interface StreamPollerOptions {
  client: StreamApi;
  streamId: string;
  groupName: string;
  instanceName: string;
  /** Where a new group starts: TRIM_HORIZON (default: the oldest retained event) or LATEST */
  startAt?: 'TRIM_HORIZON' | 'LATEST';
  /** Pause when the stream has nothing new (default 1000 ms) */
  pollMs?: number;
  /** Messages per getMessages (default 100) */
  limit?: number;
  maxBackoffMs?: number;
  handle: EventHandler;
  logger: Logger;
}

export interface RunningPoller {
  stop(): Promise<void>;
}

class HandlerFailed extends Error {}

const { TrimHorizon, Latest } = models.CreateGroupCursorDetails.Type;
const START_AT = { TRIM_HORIZON: TrimHorizon, LATEST: Latest };

export function startStreamPoller(o: StreamPollerOptions): RunningPoller {
  let stopping = false;
  let wake: (() => void) | null = null;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  const loop = run(o, () => stopping, sleep);
  return {
    async stop() {
      stopping = true;
      wake?.();
      await loop;
    },
  };
}

async function run(o: StreamPollerOptions, stopping: () => boolean, sleep: (ms: number) => Promise<void>): Promise<void> {
  const log = o.logger.child({ streamId: o.streamId, group: o.groupName, instance: o.instanceName });
  let cursor: string | null = null;
  let failures = 0;
  log.info('stream poller started');
  while (!stopping()) {
    try {
      cursor ??= await groupCursor(o);
      const r = await o.client.getMessages({ streamId: o.streamId, cursor, limit: o.limit ?? 100 });
      const done = await handleBatch(o, log, r.items, stopping);
      if (done) cursor = r.opcNextCursor;
      failures = 0;
      if (r.items.length < (o.limit ?? 100)) await sleep(o.pollMs ?? 1000);
    } catch (e) {
      cursor = null;
      failures += 1;
      await sleep(backoff(o, log, e, failures));
    }
  }
  if (cursor) await commit(o, log, cursor);
  log.info('stream poller stopped');
}

async function groupCursor(o: StreamPollerOptions): Promise<string> {
  const r = await o.client.createGroupCursor({
    streamId: o.streamId,
    createGroupCursorDetails: {
      type: START_AT[o.startAt ?? 'TRIM_HORIZON'],
      groupName: o.groupName,
      instanceName: o.instanceName,
      commitOnGet: true,
      timeoutInMs: 30_000,
    },
  });
  return r.cursor.value;
}

/** Handles a batch in order; false when stopped part-way (the cursor is then not moved on). */
async function handleBatch(
  o: StreamPollerOptions,
  log: Logger,
  items: { offset: number; value: string }[],
  stopping: () => boolean,
): Promise<boolean> {
  for (const m of items) {
    if (stopping()) return false;
    const parsed = parseEventText(Buffer.from(m.value ?? '', 'base64').toString('utf8'));
    if (!parsed.ok) {
      log.warn({ offset: m.offset, reason: parsed.reason }, 'stream message is not a valid event: skipped');
      continue;
    }
    try {
      await o.handle(parsed.event, 'stream');
    } catch (e) {
      throw new HandlerFailed(`event ${parsed.event.eventId} at offset ${m.offset}: ${(e as Error).message}`);
    }
  }
  return true;
}

function backoff(o: StreamPollerOptions, log: Logger, e: unknown, failures: number): number {
  const max = o.maxBackoffMs ?? 60_000;
  const ms = Math.min(max, 1000 * 2 ** (failures - 1));
  if (e instanceof HandlerFailed) {
    log.error({ err: e.message, retryInMs: ms }, 'event not handled: the batch will be read again');
    return ms;
  }
  const c = classifyOciError(e);
  const fields = { status: c.status, code: c.code, opcRequestId: c.requestId, err: c.message, explanation: c.explanation };
  if (c.kind === 'permanent') {
    log.error({ ...fields, retryInMs: max }, 'the stream refused the request');
    return max;
  }
  log.warn({ ...fields, retryInMs: ms }, 'stream request failed: backing off');
  return ms;
}

async function commit(o: StreamPollerOptions, log: Logger, cursor: string): Promise<void> {
  try {
    await o.client.consumerCommit({ streamId: o.streamId, cursor });
  } catch (e) {
    const c = classifyOciError(e);
    log.warn({ status: c.status, code: c.code, err: c.message }, 'could not commit on stop: the last batch may be read again');
  }
}
