/**
 * The activities of a run, from its history: one call per scheduled activity, with what it issued (the summary orb
 * gives every activity: the statement, the srvctl command line, the API call), its attempts and how it ended.
 * Temporal writes an activity's Started event when it closes, with the attempt count: retries collapse by themselves.
 */
import { clip } from '../../common/untrusted-text';
import type { AuditCall, CallKind } from './audit-types';
import { clipValue, decodeAll, eventTime, failureText, summaryOf, type HistoryEvent, VALUE_LIMITS } from './audit-values';

const id = (v: unknown): string => String(v ?? '');

/** Activities that call OCI (Autonomous Database role changes, work requests, wallets). */
const OCI_ACTIVITY = /Role|WorkRequest|generateWallet|Autonomous|Adb/i;
const OCI_TEXT = /\bOCI\b|Autonomous|work request|generateAutonomousDatabaseWallet/i;
const OIC_TEXT = /\bOIC\b|Oracle Integration|integration connection/i;
/** Activity inputs that name a CDB: the activity talks to that database (statements or views). */
const CDB_KEYS = ['cdb', 'sourceCdb', 'targetCdb'];

export function callKind(activity: string, what: string, input: unknown): CallKind {
  if (/\bsrvctl\b/.test(what) || /srvctl/i.test(activity)) return 'srvctl';
  if (OIC_TEXT.test(what) || /oic/i.test(activity)) return 'oic';
  if (OCI_ACTIVITY.test(activity) || OCI_TEXT.test(what)) return 'oci';
  const args = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
  if (/estate file/i.test(what)) return 'other';
  if (/^(undo: )?\[[A-Za-z0-9_$#]+\] /.test(what) || CDB_KEYS.some((k) => typeof args[k] === 'string')) return 'sql';
  return 'other';
}

/** The calls of a run in the order they were scheduled. */
export function callsOf(events: HistoryEvent[]): AuditCall[] {
  const byScheduled = new Map<string, AuditCall>();
  for (const e of events) {
    const s = e.activityTaskScheduledEventAttributes;
    if (s) {
      const activity = s.activityType?.name ?? '?';
      const args = decodeAll(s.input);
      const what = clip(summaryOf(e) ?? activity, VALUE_LIMITS.string);
      byScheduled.set(id(e.eventId), {
        at: eventTime(e), endedAt: null, kind: callKind(activity, what, args[0]), activity, what,
        input: clip(JSON.stringify(clipValue(args.length === 1 ? args[0] : args)) ?? '', VALUE_LIMITS.string),
        attempts: 0, outcome: 'scheduled', error: null, undo: what.startsWith('undo:'), worker: null,
      });
      continue;
    }
    closeCall(e, byScheduled);
  }
  return [...byScheduled.values()];
}

function closeCall(e: HistoryEvent, calls: Map<string, AuditCall>): void {
  const started = e.activityTaskStartedEventAttributes;
  if (started) {
    const c = calls.get(id(started.scheduledEventId));
    if (c) Object.assign(c, { attempts: started.attempt ?? 1, outcome: 'running', worker: started.identity ?? null });
    return;
  }
  const done = e.activityTaskCompletedEventAttributes;
  const failed = e.activityTaskFailedEventAttributes;
  const timedOut = e.activityTaskTimedOutEventAttributes;
  const cancelled = e.activityTaskCanceledEventAttributes;
  const scheduled = done?.scheduledEventId ?? failed?.scheduledEventId ?? timedOut?.scheduledEventId ?? cancelled?.scheduledEventId;
  const c = scheduled == null ? undefined : calls.get(id(scheduled));
  if (!c) return;
  c.endedAt = eventTime(e);
  c.attempts = Math.max(c.attempts, 1);
  if (done) c.outcome = 'succeeded';
  else if (failed) Object.assign(c, { outcome: 'failed', error: failureText(failed.failure) });
  else if (timedOut) Object.assign(c, { outcome: 'timed-out', error: failureText(timedOut.failure) });
  else Object.assign(c, { outcome: 'cancelled' });
}
