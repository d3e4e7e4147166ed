/**
 * The lab's OCI Streaming API (the message endpoint of a stream pool): one stream,
 * LAB_STREAM_ID, carrying every event in `cloud.events` (key = the event's resourceId, value =
 * the envelope JSON, both base64 as OCI returns them; offset = the event's offset; one partition
 * "0"). Paths as the StreamClient of oci-streaming 2.139.0 calls them under `client.endpoint =
 * <lab url>/oci/<region>` (the SDK appends /20180418):
 *
 *   POST /streams/{id}/groupCursors   CreateGroupCursorDetails → Cursor
 *   POST /streams/{id}/cursors        CreateCursorDetails      → Cursor
 *   GET  /streams/{id}/messages?cursor=&limit=                 → Message[], header opc-next-cursor
 *   POST /streams/{id}/commit?cursor=                          → Cursor
 *
 * Consumer groups keep a committed offset in `cloud.streamGroups`. With commitOnGet, a
 * getMessages call commits the position its cursor names: the messages returned by the call
 * before it count as consumed once the consumer asks for more, so a consumer that dies before
 * asking again gets them again (at least once). UNVERIFIED against OCI: that commitOnGet commits
 * exactly at the next get (Oracle's docs say offsets are committed on get); partition
 * reservations between instances of a group are not modelled (every instance reads from the
 * group's committed offset or its own cursor, whichever is further).
 */
import type { Lab } from '../lab';
import type { LabCloud, LabOciEvent, LabStreamGroup } from '../cloud-model';
import { OciApiError } from './http-io';
import { decodeCursor, encodeCursor, type LabCursor } from './stream-cursors';
import { z } from 'zod';

export const LAB_STREAM_ID = 'ocid1.stream.oc1.iad.aaaalaborbevents';
export const LAB_STREAM_NAME = 'orb-events';
const MAX_LIMIT = 10000;

const groupCursorBody = z.looseObject({
  type: z.enum(['TRIM_HORIZON', 'LATEST', 'AT_TIME']),
  groupName: z.string().min(1).max(256),
  instanceName: z.string().min(1).max(256).optional(),
  timeoutInMs: z.number().int().min(0).optional(),
  commitOnGet: z.boolean().optional(),
  time: z.string().optional(),
});

const cursorBody = z.looseObject({
  partition: z.string(),
  type: z.enum(['AFTER_OFFSET', 'AT_OFFSET', 'AT_TIME', 'LATEST', 'TRIM_HORIZON']),
  offset: z.number().int().min(0).optional(),
  time: z.string().optional(),
});

export interface StreamMessage {
  stream: string;
  partition: string;
  key: string;
  value: string;
  offset: number;
  timestamp: string;
}

function requireStream(streamId: string): void {
  if (streamId.toLowerCase() !== LAB_STREAM_ID) {
    throw new OciApiError(404, 'NotAuthorizedOrNotFound', `Stream ${streamId} not found or not authorized.`);
  }
}

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new OciApiError(400, 'InvalidParameter', `${i.path.join('.') || 'body'}: ${i.message}`);
  }
  return r.data;
}

const firstOffset = (cloud: LabCloud) => cloud.events[0]?.offset ?? 0;
const endOffset = (cloud: LabCloud) => (cloud.events.length ? cloud.events[cloud.events.length - 1]!.offset + 1 : 0);

/** The time of an AT_TIME cursor, checked before the call (nothing may throw inside Lab.cloudCall's function). */
function timeOf(type: string, time: string | undefined): number {
  if (type !== 'AT_TIME') return 0;
  const t = Date.parse(time ?? '');
  if (!Number.isFinite(t)) {
    throw new OciApiError(400, 'InvalidParameter', 'time: must be an RFC 3339 timestamp for AT_TIME');
  }
  return t;
}

/** First offset at or after a time (AT_TIME cursors). */
function offsetAtTime(cloud: LabCloud, t: number): number {
  return cloud.events.find((e) => Date.parse(e.envelope.eventTime) >= t)?.offset ?? endOffset(cloud);
}

function groupOf(cloud: LabCloud, name: string): LabStreamGroup | undefined {
  return (cloud.streamGroups ?? []).find((g) => g.streamId === LAB_STREAM_ID && g.groupName === name);
}

/** Saves the estate (the lab saves after a cloudControl). */
function persist(lab: Lab): void {
  lab.cloudControl(() => undefined);
}

export function createGroupCursor(lab: Lab, streamId: string, body: unknown): { value: string } {
  requireStream(streamId);
  const b = parse(groupCursorBody, body);
  const time = timeOf(b.type, b.time);
  let created = false;
  const cursor = lab.cloudCall({ service: 'oci', op: 'createGroupCursor', target: streamId, mutating: false }, (_ctx, cloud) => {
    let group = groupOf(cloud, b.groupName);
    if (!group) {
      // The type is used only when the group is created (OCI: CreateGroupCursorDetails.type).
      const start =
        b.type === 'TRIM_HORIZON' ? firstOffset(cloud) : b.type === 'LATEST' ? endOffset(cloud) : offsetAtTime(cloud, time);
      group = { streamId: LAB_STREAM_ID, groupName: b.groupName, committedOffset: start };
      (cloud.streamGroups ??= []).push(group);
      created = true;
    }
    return encodeCursor({
      stream: LAB_STREAM_ID,
      offset: group.committedOffset,
      group: group.groupName,
      instance: b.instanceName ?? `instance-${Math.random().toString(36).slice(2, 10)}`,
      commitOnGet: b.commitOnGet ?? true,
    });
  });
  if (created) persist(lab);
  return { value: cursor };
}

export function createCursor(lab: Lab, streamId: string, body: unknown): { value: string } {
  requireStream(streamId);
  const b = parse(cursorBody, body);
  if (b.partition !== '0') throw new OciApiError(400, 'InvalidParameter', `partition: the stream has one partition, "0"`);
  const time = timeOf(b.type, b.time);
  const given = b.offset ?? -1;
  if ((b.type === 'AT_OFFSET' || b.type === 'AFTER_OFFSET') && given < 0) {
    throw new OciApiError(400, 'InvalidParameter', `offset: required for ${b.type}`);
  }
  const value = lab.cloudCall({ service: 'oci', op: 'createCursor', target: streamId, mutating: false }, (_ctx, cloud) => {
    const offset =
      b.type === 'TRIM_HORIZON' ? firstOffset(cloud)
      : b.type === 'LATEST' ? endOffset(cloud)
      : b.type === 'AT_TIME' ? offsetAtTime(cloud, time)
      : b.type === 'AT_OFFSET' ? given
      : given + 1;
    return encodeCursor({ stream: LAB_STREAM_ID, offset });
  });
  return { value };
}

function toMessage(e: LabOciEvent): StreamMessage {
  return {
    stream: LAB_STREAM_NAME,
    partition: '0',
    key: Buffer.from(e.envelope.data.resourceId, 'utf8').toString('base64'),
    value: Buffer.from(JSON.stringify(e.envelope), 'utf8').toString('base64'),
    offset: e.offset,
    timestamp: e.envelope.eventTime,
  };
}

/** Commits a group cursor's position; true when the committed offset moved. */
function commit(cloud: LabCloud, c: LabCursor): boolean {
  const group = c.group ? groupOf(cloud, c.group) : undefined;
  if (!group || c.offset <= group.committedOffset) return false;
  group.committedOffset = c.offset;
  return true;
}

export function getMessages(
  lab: Lab,
  streamId: string,
  cursorValue: string | null,
  limitText: string | null,
): { messages: StreamMessage[]; nextCursor: string } {
  requireStream(streamId);
  const cursor = decodeCursor(cursorValue, streamId);
  const limit = limitText === null ? MAX_LIMIT : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new OciApiError(400, 'InvalidParameter', `limit: must be a whole number from 1 to ${MAX_LIMIT}`);
  }
  let committed = false;
  const out = lab.cloudCall({ service: 'oci', op: 'getMessages', target: streamId, mutating: false }, (_ctx, cloud) => {
    if (cursor.group && cursor.commitOnGet) committed = commit(cloud, cursor);
    const group = cursor.group ? groupOf(cloud, cursor.group) : undefined;
    const from = Math.max(cursor.offset, group?.committedOffset ?? 0);
    const messages = cloud.events.filter((e) => e.offset >= from).slice(0, limit).map(toMessage);
    const next = messages.length ? messages[messages.length - 1]!.offset + 1 : from;
    return { messages, nextCursor: encodeCursor({ ...cursor, offset: next }) };
  });
  if (committed) persist(lab);
  return out;
}

/** consumerCommit: commits the position a group cursor names (for consumers without commitOnGet). */
export function commitCursor(lab: Lab, streamId: string, cursorValue: string | null): { value: string } {
  requireStream(streamId);
  const cursor = decodeCursor(cursorValue, streamId);
  if (!cursor.group) throw new OciApiError(400, 'InvalidParameter', 'cursor: only a group cursor can be committed');
  let committed = false;
  lab.cloudCall({ service: 'oci', op: 'consumerCommit', target: streamId, mutating: false }, (_ctx, cloud) => {
    committed = commit(cloud, cursor);
  });
  if (committed) persist(lab);
  return { value: encodeCursor(cursor) };
}
