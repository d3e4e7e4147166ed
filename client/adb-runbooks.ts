/**
 * Starting and planning the Autonomous Database runbooks from the CLI: workflow ids, identity
 * search attributes, and one run per database at a time (a role change and a propagation of the
 * same database must not interleave).
 */
import { randomUUID } from 'node:crypto';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import type { PropagateWalletInput, RoleChangeInput } from '../common/adb-types';
import type { AdbPlan } from '../workflows/plan-adb';
import type { TemporalSettings } from './connection';
import { CliError, EXIT } from './errors';
import { mapTemporalError, startDatabaseRun, type StartedRun } from './runbooks';

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

export async function startAdbRun(client: Client, settings: TemporalSettings, runbook: AdbRunbook, input: AdbInput, taskQueue: string): Promise<StartedRun> {
  return startDatabaseRun(client, settings, {
    workflowType: ADB_WORKFLOW_TYPES[runbook],
    runbook,
    workflowId: adbWorkflowId(runbook, input.database),
    database: input.database,
    input,
    taskQueue,
    summary: summary(runbook, input),
    oneAtATime: 'One role change or propagation per database at a time.',
  });
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
