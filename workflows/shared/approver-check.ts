/**
 * The preflight check every runbook with gates makes: each gate's approvers are members of the estate's approver
 * groups, read by the worker from its own estate file (activities/gate-approvers.ts). Whoever started the run, with
 * whatever input, a gate only opens for people the estate names.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { OrbActivities } from '../../activities';
import type { CheckResult, GatePolicy } from '../../common/runbook-types';
import { dbSteps } from './activity-options';

export function checkGateApprovers(gates: Record<string, GatePolicy | null>): Promise<CheckResult> {
  const { checkApprovers } = proxyActivities<OrbActivities>({
    ...dbSteps,
    summary: "check the run's approvers against the estate's approver groups",
  });
  return checkApprovers({ gates });
}
