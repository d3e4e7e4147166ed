/**
 * Every activity log line (the activity's context logger and the SDK's own lines about it) carries
 * the run's `runId` (the SDK calls it workflowRunId), `runbook` and `target`, next to the SDK's
 * workflowId, activityType and attempt. Runbook and target come from the header orb's workflows
 * add to every activity (workflows/log-interceptors.ts); without one, the runbook is read from the
 * workflow type and the target from the activity's input (common/log-target.ts). The SDK's
 * "Activity started" line (debug) is written before the header is read: it has no target.
 * The SDK's base64 task token is not logged.
 */
import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { logTarget, readRunHeader, runbookOfWorkflowType, type TargetFields } from '../common/log-target';

export const activityLogInterceptors: ActivityInterceptorsFactory = (ctx) => {
  let runbook = runbookOfWorkflowType(ctx.info.workflowType);
  let target: string | undefined;
  return {
    inbound: {
      execute(input, next) {
        const run = readRunHeader(input.headers);
        const first = input.args[0];
        runbook = run.runbook ?? runbook;
        const fromInput = typeof first === 'object' && first !== null ? logTarget(first as TargetFields) : undefined;
        target = run.target ?? fromInput;
        return next(input);
      },
    },
    outbound: {
      // The SDK's taskToken is left out: whoever holds it may complete the activity in orb's name.
      getLogAttributes: ({ taskToken: _token, ...attrs }, next) =>
        next({
          ...attrs,
          runId: ctx.info.workflowExecution?.runId,
          ...(runbook ? { runbook } : {}),
          ...(target ? { target } : {}),
        }),
    },
  };
};
