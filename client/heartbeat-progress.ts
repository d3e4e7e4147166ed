/**
 * What a long step reports while it runs, read from the heartbeat details of the run's pending
 * activities (DescribeWorkflowExecution): e.g. an OCI work request's status and percentComplete,
 * which the workflow itself never sees (heartbeats are not history). Details are untrusted JSON:
 * only a work request's id, status and percent are shown, bounded.
 */
import type { WorkflowExecutionDescription } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';

type PendingActivity = NonNullable<WorkflowExecutionDescription['raw']['pendingActivities']>[number];

export interface StepProgress {
  /** The activity type, e.g. awaitWorkRequest */
  activity: string;
  /** e.g. "work request ocid1.coreservicesworkrequest…: IN_PROGRESS 40%" */
  detail: string;
  percent: number | null;
  /** Sessions per instance, as a drain's or a rebalance's watch last read them (at most 16, by name) */
  perInstance?: [string, number][];
}

const ID = /^[A-Za-z0-9._:-]{1,255}$/;
const STATUS = /^[A-Z_]{1,32}$/;

function lastDetails(a: PendingActivity): unknown {
  const payloads = a.heartbeatDetails?.payloads ?? [];
  if (!payloads.length) return null;
  try {
    return defaultPayloadConverter.fromPayload(payloads[payloads.length - 1]!);
  } catch {
    return null;
  }
}

const SERVICE = /^[A-Za-z0-9_.$#-]{1,128}$/;

const INSTANCE = /^[A-Za-z][A-Za-z0-9_$#-]{0,63}$/;

/** A watch's sessions per instance: names that keep the rule, whole counts, at most 16, sorted by name. */
function perInstanceOf(v: unknown): [string, number][] | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const rows = Object.entries(v).filter((e): e is [string, number] => INSTANCE.test(e[0]) && Number.isSafeInteger(e[1]) && (e[1] as number) >= 0);
  return rows.length ? rows.sort(([a], [b]) => a.localeCompare(b)).slice(0, 16) : undefined;
}

type Described = Omit<StepProgress, 'activity'>;

const servicesOf = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string' && SERVICE.test(s)).slice(0, 10) : []);

/** A drain's watch (activities/session-watch.ts): sessions left on its services. */
function sessionsLeft(d: Record<string, unknown>): Described | null {
  const { sessionsLeft: n, services } = d;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || !Array.isArray(services)) return null;
  const perInstance = perInstanceOf(d.perInstance);
  return { detail: `${n} session(s) left on ${servicesOf(services).join(', ') || 'the services'}`, percent: null, ...(perInstance ? { perInstance } : {}) };
}

/** A rebalance's watch (activities/rac-maintenance.ts): the instance's share of the services' sessions. */
function rebalancing(d: Record<string, unknown>): Described | null {
  const { rebalancing: inst, share } = d;
  if (typeof inst !== 'string' || !INSTANCE.test(inst) || typeof share !== 'number' || !(share >= 0 && share <= 100)) return null;
  const perInstance = perInstanceOf(d.perInstance);
  return { detail: `pools rebalancing onto ${inst}: ${Math.round(share)}% of the sessions there`, percent: null, ...(perInstance ? { perInstance } : {}) };
}

function describe(d: unknown): Described | null {
  if (typeof d !== 'object' || d === null) return null;
  if ('sessionsLeft' in d) return sessionsLeft(d as Record<string, unknown>);
  if ('rebalancing' in d) return rebalancing(d as Record<string, unknown>);
  const { workRequestId, status, percentComplete } = d as Record<string, unknown>;
  if (typeof workRequestId !== 'string' || !ID.test(workRequestId) || typeof status !== 'string' || !STATUS.test(status)) return null;
  const percent = typeof percentComplete === 'number' && percentComplete >= 0 && percentComplete <= 100 ? percentComplete : null;
  return { detail: `work request ${workRequestId}: ${status}${percent === null ? '' : ` ${percent.toFixed(0)}%`}`, percent };
}

/** "raccdb1 0 · raccdb2 14": sessions per instance, for one line. */
export function perInstanceText(rows: readonly [string, number][]): string {
  return rows.map(([i, n]) => `${i} ${n}`).join(' · ');
}

/** The pending activities whose last heartbeat reports progress (a work request, a drain's watch), in Temporal's order. */
export function stepProgress(pending: readonly PendingActivity[] | null | undefined): StepProgress[] {
  return (pending ?? []).flatMap((a) => {
    const p = describe(lastDetails(a));
    return p ? [{ activity: a.activityType?.name ?? 'unknown', ...p }] : [];
  });
}
