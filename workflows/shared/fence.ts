import {
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  isCancellation,
  sleep,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import type { RunbookJournal } from './runbook-journal';
import { causeMessage, causeType } from './failure-text';
import { clusterLockId, servicesLockId, databaseLockId, orbFence, releaseLockSignal, targetLockId } from '../fence-lock';

export interface HeldFence {
  id: string;
  release(): Promise<void>;
}

interface FenceSpec {
  id: string;
  /** What the holder excludes, for `orb status <fence>` and the Web UI: "no other run may …". */
  rule: string;
  /** The failure's message when another run holds it (the fence id is added). */
  busy: string;
  /** The failure type when another run holds it. */
  type: string;
}

/**
 * Takes a fence (fence-lock.ts) as a child workflow; throws a non-retryable failure of the spec's
 * type, before anything is read or changed, when another run holds it. The child ends with the
 * run: released at the end, terminated with its parent otherwise.
 */
async function takeFence(spec: FenceSpec): Promise<HeldFence> {
  const me = workflowInfo().workflowId;
  try {
    const child = await startChild(orbFence, {
      workflowId: spec.id,
      args: [me, spec.rule],
      parentClosePolicy: ParentClosePolicy.TERMINATE,
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      staticSummary: `Fence held by ${me}: ${spec.rule}`,
    });
    return {
      id: spec.id,
      // Signalled, then awaited: the run ends after the fence has (a run completing while its child's completion
      // arrives would have its last workflow task refused by the server, a red line in the Web UI).
      release: () => CancellationScope.nonCancellable(async () => {
        await child.signal(releaseLockSignal);
        await child.result();
      }).catch(() => undefined),
    };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    throw ApplicationFailure.nonRetryable(
      `${spec.busy} (it holds ${spec.id}; \`orb status ${spec.id}\` names it): nothing was changed`, spec.type);
  }
}

/** One relocation at a time of a PDB of a given name into a given CDB. */
export function takeTargetFence(targetCdb: string, pdb: string): Promise<HeldFence> {
  return takeFence({
    id: targetLockId(targetCdb, pdb),
    rule: `no other run may relocate a PDB named ${pdb} into ${targetCdb}`,
    busy: `another run is relocating a PDB named ${pdb} into ${targetCdb}: two relocations of the same name into one CDB cannot run at once`,
    type: 'TargetBusy',
  });
}

/** One Autonomous Data Guard runbook (switchover, failover, wallet propagation) at a time per database. */
export function takeDatabaseFence(database: string): Promise<HeldFence> {
  return takeFence({
    id: databaseLockId(database),
    rule: `no other run may change ${database}'s roles or its consumers' wallets`,
    busy: `another run is working on ${database}: a role change or wallet propagation must finish before the next one starts`,
    type: 'DatabaseBusy',
  });
}

/** One rolling maintenance at a time per Clusterware-managed database. */
export function takeClusterFence(cdb: string): Promise<HeldFence> {
  return takeFence({
    id: clusterLockId(cdb),
    rule: `no other run may take ${cdb}'s instances down`,
    busy: `another run is working on ${cdb}'s instances: one rolling maintenance at a time`,
    type: 'ClusterBusy',
  });
}

/** How long a run waits for a fence another run holds, trying again every `everyMs`; none: fail at once. */
/** One client-readiness fix of a CDB's services at a time (two would each undo to what they read). */
export function takeServicesFence(cdb: string): Promise<HeldFence> {
  return takeFence({
    id: servicesLockId(cdb),
    rule: `no other run may change the attributes of ${cdb}'s services`,
    busy: `another run is changing ${cdb}'s service attributes: one client-readiness fix at a time`,
    type: 'ServicesBusy',
  });
}

export interface FenceWait {
  maxMs: number;
  everyMs: number;
}

/**
 * The fence stage: takes the fence, runs `body` while holding it, releases it when the run ends.
 * When another run holds it the run fails at this stage, before anything is read or changed, or,
 * with `wait`, tries again until the holder is done or the wait is over.
 */
export async function whileFenced<T>(
  journal: RunbookJournal,
  take: () => Promise<HeldFence>,
  body: () => Promise<T>,
  wait?: FenceWait,
): Promise<T> {
  journal.begin('fence');
  const fence = await takeWaiting(journal, take, wait).catch((err) => {
    if (isCancellation(err)) {
      journal.end('failed', 'cancelled by an operator');
      journal.finish('failed', 'cancelled by an operator while waiting for the fence. Nothing was changed');
      throw err;
    }
    journal.end('failed', causeMessage(err));
    journal.finish('failed', causeMessage(err));
    throw ApplicationFailure.nonRetryable(causeMessage(err), causeType(err) ?? 'Busy', journal.status);
  });
  journal.end('succeeded', `holds ${fence.id} until the run ends`);
  try {
    return await body();
  } finally {
    await fence.release();
  }
}

async function takeWaiting(journal: RunbookJournal, take: () => Promise<HeldFence>, wait?: FenceWait): Promise<HeldFence> {
  const until = Date.now() + (wait?.maxMs ?? 0);
  for (let noted = false; ; noted = true) {
    try {
      return await take();
    } catch (err) {
      if (isCancellation(err) || !wait || Date.now() + wait.everyMs > until) throw err;
      if (!noted) journal.note(`waiting (at most ${Math.round(wait.maxMs / 60_000)} min) for the run holding the fence: ${causeMessage(err)}`);
      await sleep(wait.everyMs, { summary: 'wait for the fence' });
    }
  }
}
