/**
 * Values out of a workflow history, for the audit: payloads decoded with orb's payload converter, long strings and
 * big collections clipped (the value stays data: nothing is escaped here), event times, failures as text and code.
 */
import type { Payload } from '@temporalio/common';
import type { History } from '@temporalio/common/lib/proto-utils';
import { payloadConverter } from '../../common/payload-converter';
import { UndecodablePayload } from '../../common/undecodable-payload';
import { clip } from '../../common/untrusted-text';

export type HistoryEvent = NonNullable<History['events']>[number];

/** Longest string kept in an input or result; most items kept of an array, keys of an object; levels. */
export const VALUE_LIMITS = { string: 2000, items: 50, keys: 50, depth: 6 } as const;

/** A value made small enough for the report, shape kept: strings clipped, arrays and objects cut, with a marker. */
export function clipValue(v: unknown, depth = 0): unknown {
  if (typeof v === 'string') return clip(v, VALUE_LIMITS.string);
  if (v === null || typeof v !== 'object') return v;
  if (v instanceof UndecodablePayload) return { undecodable: v.reason };
  if (depth >= VALUE_LIMITS.depth) return '(nested too deep)';
  if (Array.isArray(v)) {
    const kept = v.slice(0, VALUE_LIMITS.items).map((x) => clipValue(x, depth + 1));
    return v.length > VALUE_LIMITS.items ? [...kept, `(+${v.length - VALUE_LIMITS.items} more)`] : kept;
  }
  const entries = Object.entries(v as Record<string, unknown>);
  const out: Record<string, unknown> = {};
  for (const [k, x] of entries.slice(0, VALUE_LIMITS.keys)) out[clip(k, 100)] = clipValue(x, depth + 1);
  if (entries.length > VALUE_LIMITS.keys) out['(more keys)'] = entries.length - VALUE_LIMITS.keys;
  return out;
}

/** A payload decoded as the worker decodes it; one it cannot decode becomes {undecodable: why}. */
export function decode(p: Payload | null | undefined): unknown {
  if (!p) return undefined;
  const v = payloadConverter.fromPayload(p);
  return v instanceof UndecodablePayload ? { undecodable: v.reason } : v;
}

export function decodeAll(ps: { payloads?: Payload[] | null } | null | undefined): unknown[] {
  return (ps?.payloads ?? []).map((p) => decode(p));
}

/** A string field of a decoded value, else null. */
export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** The event's time, ISO 8601 UTC (its seconds are a Long from the server, a number when built by hand). */
export function eventTime(e: HistoryEvent): string {
  const t = e.eventTime;
  if (!t) return '';
  const ms = Number(String(t.seconds ?? 0)) * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

/** The event's user-metadata summary (orb puts the statement, command line or API call there). */
export function summaryOf(e: HistoryEvent): string | null {
  const s = decode(e.userMetadata?.summary as Payload | undefined);
  return typeof s === 'string' ? s : null;
}

interface ProtoFailure {
  message?: string | null;
  cause?: ProtoFailure | null;
  applicationFailureInfo?: { type?: string | null; details?: { payloads?: Payload[] | null } | null } | null;
  timeoutFailureInfo?: { timeoutType?: unknown } | null;
}

/** Oracle (ORA-, TNS-, NJS-), srvctl / Clusterware (PRCx-, PRKx-, CRS-) and lab codes, first one found. */
const CODE = /\b(?:ORA|TNS|NJS|PR[CK][A-Z]?|CRS|LAB)-\d{3,5}\b/;

/** The failure's message (the innermost with text), type and the first error code in the chain. */
export function failureText(f: ProtoFailure | null | undefined): { message: string; type: string | null; code: string | null } {
  let message = '';
  let type: string | null = null;
  let code: string | null = null;
  for (let x = f, i = 0; x && i < 10; x = x.cause, i++) {
    if (x.message) message = message || x.message;
    type = type ?? x.applicationFailureInfo?.type ?? null;
    code = code ?? CODE.exec(x.message ?? '')?.[0] ?? null;
  }
  return { message: clip(message, VALUE_LIMITS.string), type, code };
}

/** The first detail of an application failure (orb runbooks put their status there). */
export function failureDetail(f: ProtoFailure | null | undefined): unknown {
  return decodeAll(f?.applicationFailureInfo?.details)[0];
}
