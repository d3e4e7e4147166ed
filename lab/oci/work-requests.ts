/**
 * OCI work requests (GET /20160918/workRequests/{id}, .../errors): created by a role change, they go
 * ACCEPTED → IN_PROGRESS (percentComplete rising with simulated time) → SUCCEEDED or FAILED.
 * OCIDs look like ocid1.coreservicesworkrequest.oc1.<region key>.<unique> (UNVERIFIED for database
 * work requests in every region).
 */
import type { LabCloud, LabWorkRequest } from '../cloud-model';
import type { SimContext } from '../estate';
import { notFound } from './oci-error';
import { regionKey } from './regions';

/** Simulated ms a work request stays ACCEPTED before it starts. */
export const ACCEPT_MS = 1000;
/** Work requests kept (oldest finished ones are forgotten beyond this). */
const KEEP = 200;

export function createWorkRequest(
  ctx: SimContext,
  cloud: LabCloud,
  w: { compartmentId: string; region: string; operationType: string; durationMs: number; resourceIds: string[] },
): LabWorkRequest {
  const n = ctx.state.nextId++;
  const wr: LabWorkRequest = {
    id: `ocid1.coreservicesworkrequest.oc1.${regionKey(w.region)}.aaaalabwr${String(n).padStart(8, '0')}`,
    compartmentId: w.compartmentId,
    region: w.region,
    operationType: w.operationType,
    status: 'ACCEPTED',
    percentComplete: 0,
    timeAccepted: new Date(ctx.nowMs).toISOString(),
    timeStarted: null,
    timeFinished: null,
    resources: w.resourceIds.map((id) => ({
      entityType: 'AutonomousDatabase',
      actionType: 'IN_PROGRESS',
      identifier: id,
      entityUri: `/20160918/autonomousDatabases/${id}`,
    })),
    errors: [],
    durationMs: w.durationMs,
    startMs: ctx.nowMs + ACCEPT_MS,
  };
  cloud.workRequests.push(wr);
  const finished = cloud.workRequests.filter((x) => x.timeFinished !== null);
  if (cloud.workRequests.length > KEEP && finished.length) cloud.workRequests.splice(cloud.workRequests.indexOf(finished[0]!), 1);
  return wr;
}

export function requireWorkRequest(cloud: LabCloud, id: string, region: string): LabWorkRequest {
  const wr = cloud.workRequests.find((w) => w.id.toLowerCase() === id.toLowerCase());
  if (!wr || wr.region !== region) throw notFound(`work request ${id} in ${region}`);
  return wr;
}

/** Simulated ms at which a running work request ends. */
export const endMsOf = (wr: LabWorkRequest): number => wr.startMs + wr.durationMs;

/** Moves a running work request's status and percentComplete to `nowMs` (not its end: see role-change.ts). */
export function progressWorkRequest(wr: LabWorkRequest, nowMs: number): void {
  if (wr.status !== 'ACCEPTED' && wr.status !== 'IN_PROGRESS') return;
  if (nowMs < wr.startMs) return;
  if (wr.status === 'ACCEPTED') {
    wr.status = 'IN_PROGRESS';
    wr.timeStarted = new Date(wr.startMs).toISOString();
  }
  const done = Math.min(1, (nowMs - wr.startMs) / Math.max(1, wr.durationMs));
  wr.percentComplete = Math.min(99, Math.floor(done * 100));
}

export function finishWorkRequest(wr: LabWorkRequest, endMs: number, error: { code: string; message: string } | null): void {
  if (wr.status === 'ACCEPTED') wr.timeStarted = new Date(wr.startMs).toISOString();
  wr.status = error ? 'FAILED' : 'SUCCEEDED';
  wr.percentComplete = error ? wr.percentComplete : 100;
  wr.timeFinished = new Date(endMs).toISOString();
  for (const r of wr.resources) r.actionType = 'UPDATED';
  if (error) wr.errors.push({ ...error, timestamp: wr.timeFinished });
}

/** The WorkRequest JSON model (oci-workrequests). */
export function workRequestJson(wr: LabWorkRequest): Record<string, unknown> {
  return {
    id: wr.id,
    compartmentId: wr.compartmentId,
    operationType: wr.operationType,
    status: wr.status,
    percentComplete: wr.percentComplete,
    timeAccepted: wr.timeAccepted,
    ...(wr.timeStarted ? { timeStarted: wr.timeStarted } : {}),
    ...(wr.timeFinished ? { timeFinished: wr.timeFinished } : {}),
    resources: wr.resources,
  };
}
