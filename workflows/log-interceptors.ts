/**
 * Every log line about a run carries its runbook and target (common/log-target.ts) next to the
 * SDK's namespace, taskQueue, workflowId, runId and workflowType: read from the run's search
 * attributes, which every runbook sets from its input (workflows/shared/runbook-start.ts). The
 * workflow's own lines get them here; its activities' lines through a header (RUN_HEADER) that
 * worker/log-attributes.ts reads. Bundled with the workflows (scripts/build-workflow-bundle.ts).
 */
import { workflowInfo, type WorkflowInterceptorsFactory } from '@temporalio/workflow';
import type { Headers } from '@temporalio/common';
import { logTarget, RUN_HEADER, runbookOfWorkflowType, runHeader, type RunLogAttributes } from '../common/log-target';
import { OrbDatabase, OrbPdb, OrbRunbook, OrbSourceCdb, OrbTargetCdb } from '../common/search-attributes';

function runAttributes(): RunLogAttributes {
  const info = workflowInfo();
  const sa = info.typedSearchAttributes;
  const runbook = sa.get(OrbRunbook) ?? runbookOfWorkflowType(info.workflowType);
  const target = logTarget({
    pdb: sa.get(OrbPdb),
    sourceCdb: sa.get(OrbSourceCdb),
    targetCdb: sa.get(OrbTargetCdb),
    database: sa.get(OrbDatabase),
  });
  return { ...(runbook ? { runbook } : {}), ...(target ? { target } : {}) };
}

function withRunHeader(headers: Headers): Headers {
  return { ...headers, [RUN_HEADER]: runHeader(runAttributes()) };
}

export const interceptors: WorkflowInterceptorsFactory = () => ({
  outbound: [
    {
      getLogAttributes: (input, next) => next({ ...input, ...runAttributes() }),
      scheduleActivity: (input, next) => next({ ...input, headers: withRunHeader(input.headers) }),
      scheduleLocalActivity: (input, next) => next({ ...input, headers: withRunHeader(input.headers) }),
    },
  ],
});
