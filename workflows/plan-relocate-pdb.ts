/**
 * `orb plan relocate-pdb`: runs preflight read-only on a worker (where the estate's credentials
 * are) and returns what a relocation with the same input would do (activities/relocation-plan.ts).
 * Changes nothing; checks its input with the same schema as the runbook.
 */
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { OrbActivities } from '../activities';
import type { RelocationPlan } from '../activities/relocation-plan';
import { parseRelocateInput } from '../common/relocate-input-schema';
import type { RelocatePdbInput } from '../common/runbook-types';

export const PLAN_RELOCATE_PDB = 'planRelocatePdb';

export async function planRelocatePdb(raw: RelocatePdbInput): Promise<RelocationPlan> {
  const parsed = parseRelocateInput(raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(`invalid relocate-pdb input, nothing was planned: ${parsed.problems.join('; ')}`, 'InvalidInput');
  const input = parsed.input;
  const { planRelocation } = proxyActivities<OrbActivities>({
    startToCloseTimeout: '5m',
    // A plan is asked for by someone waiting at a terminal: a few quick tries, then say why.
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 3 },
    summary: `plan: preflight (read-only) of ${input.pdb} ${input.sourceCdb} → ${input.targetCdb}, statements from the run's own builders`,
  });
  return planRelocation(input);
}
