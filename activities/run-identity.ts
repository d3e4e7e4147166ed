import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';

/** The run an activity works for (its workflow id and run id): the same on every attempt. */
export function currentRun(): { workflowId: string; runId: string } {
  const e = Context.current().info.workflowExecution;
  if (!e) throw ApplicationFailure.nonRetryable('this activity runs only inside a workflow run', 'NoWorkflow');
  return { workflowId: e.workflowId, runId: e.runId };
}
