/**
 * Starting and planning the Autonomous Database runbooks from the CLI: workflow ids, identity
 * search attributes, and one run per database at a time (a role change and a propagation of the
 * same database must not interleave).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError, type Client } from '@temporalio/client';
import type { PropagateWalletInput, RoleChangeInput } from '../common/adb-types';
import { OrbAwaitingApproval, OrbDatabase, OrbRunbook, OrbStage } from '../common/search-attributes';
import type { AdbPlan } from '../workflows/plan-adb';
import type { TemporalSettings } from './connection';
import { CliError, EXIT, NotFoundError } from './errors';
import { mapTemporalError, type StartedRun } from './runbooks';

export type AdbRunbook = 'switchover-adb' | 'failover-adb' | 'propagate-wallet';

export const ADB_WORKFLOW_TYPES: Record<AdbRunbook, string> = {
  'switchover-adb': 'switchoverAdb',
  'failover-adb': 'failoverAdb',
  'propagate-wallet': 'propagateWallet',
};

type AdbInput = RoleChangeInput | PropagateWalletInput;

export function adbWorkflowId(runbook: AdbRunbook, database: string): string {
  return `${runbook}:${database}`;
}

function summary(runbook: AdbRunbook, input: AdbInput): string {
  const who = input.consumers ? input.consumers.join(', ') : 'every consumer';
  if (runbook === 'propagate-wallet') return `Propagate the wallet of ${input.database}'s primary to ${who}`;
  const to = (input as RoleChangeInput).to === 'local' ? 'local' : 'cross-region';
  return `${runbook === 'switchover-adb' ? 'Switch over' : 'Fail over'} ${input.database} to its ${to} standby, then the wallet to ${who}`;
}

async function runningFor(client: Client, database: string): Promise<string | null> {
  const query = `OrbDatabase = "${database}" AND ExecutionStatus = "Running"`;
  for await (const wf of client.workflow.list({ query })) return wf.workflowId;
  return null;
}

export async function startAdbRun(client: Client, settings: TemporalSettings, runbook: AdbRunbook, input: AdbInput, taskQueue: string): Promise<StartedRun> {
  const workflowId = adbWorkflowId(runbook, input.database);
  try {
    const other = await runningFor(client, input.database);
    if (other) {
      throw new NotFoundError(`another run on ${input.database} is running: workflow ${other}. One role change or propagation per database at a time.\n  See it with: orb status ${other}`);
    }
    const handle = await client.workflow.start(ADB_WORKFLOW_TYPES[runbook], {
      taskQueue,
      workflowId,
      args: [input],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: [
        { key: OrbRunbook, value: runbook },
        { key: OrbDatabase, value: input.database },
        { key: OrbStage, value: 'preflight' },
        { key: OrbAwaitingApproval, value: false },
      ],
      staticSummary: summary(runbook, input),
    });
    return { workflowId, runId: handle.firstExecutionRunId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new NotFoundError(`a ${runbook} run of ${input.database} is already running: workflow ${workflowId}.\n  See it with: orb status ${workflowId}`);
    }
    if (err instanceof NotFoundError) throw err;
    mapTemporalError(err, settings, workflowId);
  }
}

export async function planAdbRun(client: Client, settings: TemporalSettings, runbook: AdbRunbook, input: AdbInput, taskQueue: string): Promise<AdbPlan> {
  const workflowId = `plan:${adbWorkflowId(runbook, input.database)}:${randomUUID().slice(0, 8)}`;
  try {
    return await client.workflow.execute('planAdbRunbook', {
      taskQueue,
      workflowId,
      args: [runbook, input],
      workflowExecutionTimeout: '10m',
      staticSummary: `Plan: ${summary(runbook, input)}`,
    });
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      const cause = (err.cause as { cause?: { message?: string }; message?: string } | undefined);
      throw new CliError(`the plan could not be made: ${cause?.cause?.message ?? cause?.message ?? err.message}`, EXIT.UNREACHABLE);
    }
    mapTemporalError(err, settings, workflowId);
  }
}
