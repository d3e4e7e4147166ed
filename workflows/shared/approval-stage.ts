/**
 * A gate as a stage of its own ("approve-<gate>"): it succeeds with the approvers, and fails (a red bar in the
 * report and the Web UI, not a green one) when the gate is rejected or times out, with a GateRejected failure
 * the runbook acts on (compensate, stop).
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { GatePolicy } from '../../common/runbook-types';
import type { ApprovalGates } from './approval-gates';
import type { RunbookJournal } from './runbook-journal';

export async function approvalStage(
  journal: RunbookJournal,
  gates: ApprovalGates,
  name: string,
  question: string,
  policy: GatePolicy,
): Promise<string[]> {
  return journal.stage(
    `approve-${name}`,
    async () => {
      const d = await gates.wait(name, question, policy);
      if (d.decision === 'approved') return d.by;
      const why =
        d.decision === 'rejected'
          ? `rejected at gate "${name}" by ${d.by}${d.comment ? `: ${d.comment}` : ''}`
          : `gate "${name}" timed out`;
      throw ApplicationFailure.nonRetryable(why, 'GateRejected');
    },
    (by) => `approved by ${by.join(', ')}`,
  );
}
