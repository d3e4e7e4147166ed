/**
 * How a run started by a fleet tells it that it waits at a gate, or no longer does: one signal to its parent
 * when the open gate changes (two per gate), sent by the journal every runbook keeps. A run without a parent
 * sends nothing (its history is what it always was). Only fleets start runbooks as children; the fence lock
 * (workflows/shared/fence.ts), the one other child, keeps no journal.
 */
import { defineSignal, getExternalWorkflowHandle, workflowInfo } from '@temporalio/workflow';
import { SIGNAL_FLEET_CHILD_GATE } from '../../common/fleet-types';

/** {workflowId, gate}: whatever arrives is checked by the fleet before it is believed. */
export const fleetChildGateSignal = defineSignal<[unknown]>(SIGNAL_FLEET_CHILD_GATE);

export function tellFleetParent(gate: string | null): void {
  const { parent, workflowId } = workflowInfo();
  if (!parent) return;
  // By workflow id only: the fleet may have continued as new since this run started. A fleet already gone is no error.
  getExternalWorkflowHandle(parent.workflowId).signal(fleetChildGateSignal, { workflowId, gate }).catch(() => undefined);
}
