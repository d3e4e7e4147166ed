/**
 * OCI events orb reacts to: Autonomous Data Guard role changes (docs: "Autonomous Database Event
 * Types"; shared/reference/oracle-ops.md). An event is the CloudEvents 0.1 envelope OCI Events
 * emits: { eventType, eventID, eventTime, source, data: { resourceId, resourceName,
 * additionalDetails, ... }, ... }. Parsing is strict about the fields orb uses and tolerant of
 * every other field; the text is size-limited before it is parsed.
 *
 * Role change finished (starts propagate-wallet):
 *   com.oraclecloud.databaseservice.switchoverautonomousdatabase.end
 *   com.oraclecloud.databaseservice.failoverautonomousdatabase.end
 *   com.oraclecloud.databaseservice.autonomous.database.critical with additionalDetails.eventName AutomaticFailoverEnd
 * Role change begun (logged, ignored): the .begin types and eventName AutomaticFailoverBegin.
 * Whether an .end event carries the new role is UNVERIFIED: the runbook reads the database again.
 */
import { z } from 'zod';

/** Events are small (a few KiB); anything bigger is refused before parsing. */
export const MAX_EVENT_BYTES = 64 * 1024;

const PREFIX = 'com.oraclecloud.databaseservice.';
const FINISHED = new Set([`${PREFIX}switchoverautonomousdatabase.end`, `${PREFIX}failoverautonomousdatabase.end`]);
const BEGUN = new Set([`${PREFIX}switchoverautonomousdatabase.begin`, `${PREFIX}failoverautonomousdatabase.begin`]);
const CRITICAL = `${PREFIX}autonomous.database.critical`;

export type OciEventKind = 'role-change-finished' | 'role-change-begun' | 'other';

export interface OciEventFacts {
  eventId: string;
  eventType: string;
  eventTime: string;
  kind: OciEventKind;
  /** Lower-cased OCID of the resource (OCI may send it upper case); null for an `other` event that has none */
  resourceId: string | null;
  resourceName: string | null;
  /** additionalDetails.eventName, when there is one (automatic failover) */
  eventName: string | null;
}

export type ParsedEvent = { ok: true; event: OciEventFacts } | { ok: false; status: 400 | 413; reason: string };

const ADB_OCID = /^ocid1\.autonomousdatabase\.[a-z0-9-]+\.[a-z0-9-]*\.[a-z0-9]+$/i;

const eventIdSchema = z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/, 'must be letters, digits, . _ : -');

/** What every event must have, whatever its type. */
const headerSchema = z.looseObject({
  eventType: z.string().min(1).max(255),
  eventID: eventIdSchema,
  eventTime: z.string().max(64),
  data: z
    .looseObject({ additionalDetails: z.looseObject({ eventName: z.string().max(128).optional() }).optional() })
    .optional(),
});

/** A role-change event: the resource it names is required. */
const roleChangeSchema = z.looseObject({
  eventTime: z.iso.datetime({ offset: true }),
  data: z.looseObject({
    resourceId: z.string().max(255).regex(ADB_OCID, 'must be an Autonomous Database OCID'),
    resourceName: z.string().max(255).optional(),
  }),
});

export function eventKind(eventType: string, eventName: string | null): OciEventKind {
  const type = eventType.toLowerCase();
  if (FINISHED.has(type)) return 'role-change-finished';
  if (BEGUN.has(type)) return 'role-change-begun';
  if (type === CRITICAL && eventName === 'AutomaticFailoverEnd') return 'role-change-finished';
  if (type === CRITICAL && eventName === 'AutomaticFailoverBegin') return 'role-change-begun';
  return 'other';
}

function firstIssue(e: z.ZodError): string {
  const i = e.issues[0]!;
  return `${i.path.map(String).join('.') || '(event)'}: ${i.message}`;
}

/** Parses an already-decoded JSON value as an OCI event. */
export function parseEventValue(raw: unknown): ParsedEvent {
  const head = headerSchema.safeParse(raw);
  if (!head.success) return { ok: false, status: 400, reason: `not an OCI event: ${firstIssue(head.error)}` };
  const h = head.data;
  const eventName = h.data?.additionalDetails?.eventName ?? null;
  const kind = eventKind(h.eventType, eventName);
  const base = { eventId: h.eventID, eventType: h.eventType, eventTime: h.eventTime, kind, eventName };
  if (kind === 'other') return { ok: true, event: { ...base, resourceId: null, resourceName: null } };
  const rc = roleChangeSchema.safeParse(raw);
  if (!rc.success) return { ok: false, status: 400, reason: `malformed ${h.eventType} event: ${firstIssue(rc.error)}` };
  const d = rc.data.data;
  return { ok: true, event: { ...base, resourceId: d.resourceId.toLowerCase(), resourceName: d.resourceName ?? null } };
}

/** Parses the text of an event (a request body, a stream message's value). */
export function parseEventText(text: string): ParsedEvent {
  if (Buffer.byteLength(text, 'utf8') > MAX_EVENT_BYTES) {
    return { ok: false, status: 413, reason: `an event is at most ${MAX_EVENT_BYTES} bytes` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, status: 400, reason: 'not JSON' };
  }
  return parseEventValue(raw);
}
