/**
 * Starts the propagate-wallet runbook for one OCI event. The workflow id is
 * `propagate-wallet:event:<eventID>`, started with REJECT_DUPLICATE (an id once used, running or
 * closed, is never started again while Temporal retains it) and conflict policy FAIL: a second
 * start for the same event, from this process after a restart or from another receiver, gets
 * WorkflowExecutionAlreadyStartedError and reports started: false. That is the dedup that holds;
 * it lasts as long as the namespace's retention keeps the closed run.
 */
import { WorkflowExecutionAlreadyStartedError, type Client } from '@temporalio/client';
import {
  ADB_ROLE_CHANGE_WORKFLOW_TYPES,
  EVENTS_STARTED_BY,
  PROPAGATE_WALLET_RUNBOOK,
  PROPAGATE_WALLET_WORKFLOW_TYPE,
  propagateWalletEventWorkflowId,
} from '../../common/propagate-wallet-trigger';
import { OrbDatabase, OrbRunbook } from '../../common/search-attributes';
import type { EstateConfig } from '../../common/estate-config';
import type { PropagateWalletInput } from '../../common/adb-types';
import { buildPropagateInput } from '../adb-input';
import type { PropagationRequest, StartPropagation } from './event-handler';

/** The run's input: the estate's defaults for the database (all consumers, approvers from group dbas), started by orb-events. */
export function propagationInput(r: PropagationRequest, estate: EstateConfig): PropagateWalletInput {
  const trigger = { kind: 'event' as const, eventId: r.eventId, eventType: r.eventType, eventTime: r.eventTime };
  return buildPropagateInput({ database: r.database, startedBy: EVENTS_STARTED_BY }, estate, trigger);
}

/**
 * A running orb switchover or failover of the database, by visibility (eventually consistent, so a race stays
 * possible: the run it would start then waits at the database's fence, workflows/shared/fence.ts).
 */
async function roleChangeRunning(client: Client, database: string): Promise<string | null> {
  const types = ADB_ROLE_CHANGE_WORKFLOW_TYPES.map((t) => `"${t}"`).join(', ');
  const query = `OrbDatabase = "${database}" AND ExecutionStatus = "Running" AND WorkflowType IN (${types})`;
  for await (const wf of client.workflow.list({ query })) return wf.workflowId;
  return null;
}

/** e.g. switchoverautonomousdatabase.end */
const shortType = (eventType: string) => eventType.split('.').slice(-2).join('.');

/** startPropagation on a Temporal client; `workflowType` is for tests only (default propagateWallet). */
export function temporalStartPropagation(
  client: Client,
  taskQueue: string,
  estate: EstateConfig,
  workflowType = PROPAGATE_WALLET_WORKFLOW_TYPE,
): StartPropagation {
  return async (r) => {
    const workflowId = propagateWalletEventWorkflowId(r.eventId);
    const own = await roleChangeRunning(client, r.database);
    if (own) return { workflowId: own, started: false, roleChangeRun: true };
    try {
      await client.workflow.start(workflowType, {
        taskQueue,
        workflowId,
        args: [propagationInput(r, estate)],
        workflowIdReusePolicy: 'REJECT_DUPLICATE',
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: [
          { key: OrbRunbook, value: PROPAGATE_WALLET_RUNBOOK },
          { key: OrbDatabase, value: r.database },
        ],
        staticSummary: `Propagate the wallet of ${r.database} after ${shortType(r.eventType)} (event ${r.eventId})`,
      });
      return { workflowId, started: true };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
      throw err;
    }
  };
}
