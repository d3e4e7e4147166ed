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

/** A drain's watch (activities/session-watch.ts): sessions left on its services. */
function sessionsLeft(d: Record<string, unknown>): { detail: string; percent: null } | null {
  const { sessionsLeft: n, services } = d;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || !Array.isArray(services)) return null;
  const names = services.filter((s): s is string => typeof s === 'string' && SERVICE.test(s)).slice(0, 10);
  return { detail: `${n} session(s) left on ${names.join(', ') || 'the services'}`, percent: null };
}

function describe(d: unknown): { detail: string; percent: number | null } | null {
  if (typeof d !== 'object' || d === null) return null;
  if ('sessionsLeft' in d) return sessionsLeft(d as Record<string, unknown>);
  const { workRequestId, status, percentComplete } = d as Record<string, unknown>;
  if (typeof workRequestId !== 'string' || !ID.test(workRequestId) || typeof status !== 'string' || !STATUS.test(status)) return null;
  const percent = typeof percentComplete === 'number' && percentComplete >= 0 && percentComplete <= 100 ? percentComplete : null;
  return { detail: `work request ${workRequestId}: ${status}${percent === null ? '' : ` ${percent.toFixed(0)}%`}`, percent };
}

/** The pending activities whose last heartbeat reports progress (a work request, a drain's watch), in Temporal's order. */
export function stepProgress(pending: readonly PendingActivity[] | null | undefined): StepProgress[] {
  return (pending ?? []).flatMap((a) => {
    const p = describe(lastDetails(a));
    return p ? [{ activity: a.activityType?.name ?? 'unknown', ...p }] : [];
  });
}
