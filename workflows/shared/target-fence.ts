import {
  ApplicationFailure,
  CancellationScope,
  ParentClosePolicy,
  startChild,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { releaseLockSignal, relocateTargetLock, targetLockId } from '../target-lock';

export interface HeldFence {
  id: string;
  release(): Promise<void>;
}

/**
 * Takes the target fence (target-lock.ts) as a child workflow; throws a non-retryable
 * 'TargetBusy' failure, before anything is read or changed, when another run holds it. The
 * child ends with the run: released at the end, terminated with its parent otherwise.
 */
export async function takeTargetFence(targetCdb: string, pdb: string): Promise<HeldFence> {
  const id = targetLockId(targetCdb, pdb);
  const me = workflowInfo().workflowId;
  try {
    const child = await startChild(relocateTargetLock, {
      workflowId: id,
      args: [me],
      parentClosePolicy: ParentClosePolicy.TERMINATE,
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      staticSummary: `Fence: ${pdb} into ${targetCdb}, held by ${me}`,
    });
    return {
      id,
      release: () => CancellationScope.nonCancellable(() => child.signal(releaseLockSignal)).catch(() => undefined),
    };
  } catch (err) {
    if (!(err instanceof WorkflowExecutionAlreadyStartedError)) throw err;
    throw ApplicationFailure.nonRetryable(
      `another run is relocating a PDB named ${pdb} into ${targetCdb} (it holds ${id}; \`orb status ${id}\` names it): ` +
        'two relocations of the same name into one CDB cannot run at once, nothing was changed',
      'TargetBusy',
    );
  }
}
