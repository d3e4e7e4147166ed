/**
 * A stage past the point of no return: when it fails, the run asks an operator at gate "recover-<stage>":
 * approve retries it, reject (or a timeout) stops the run through `stop`, which says what is left to do.
 */
import type { GatePolicy } from '../../common/runbook-types';
import type { ApprovalGates } from './approval-gates';
import type { RunbookJournal } from './runbook-journal';
import { causeMessage } from './failure-text';

export async function recoverable<T>(
  journal: RunbookJournal,
  gates: ApprovalGates,
  operator: GatePolicy,
  stage: string,
  fn: () => Promise<T>,
  stop: (why: string) => Promise<never>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await journal.stage(attempt === 1 ? stage : `${stage} (retry ${attempt - 1})`, fn);
    } catch (err) {
      const why = causeMessage(err);
      const question = `Stage ${stage} failed: ${why}. There is no automatic undo at this point. Approve to retry ${stage}; reject to stop and leave the estate as it is.`;
      const d = await gates.wait(`recover-${stage}`, question, { ...operator, timeoutMs: null, onTimeout: 'wait' });
      if (d.decision !== 'approved') return stop(`${stage} failed (${why}) and ${d.decision === 'rejected' ? d.by : 'a timeout'} chose to stop`);
    }
  }
}
