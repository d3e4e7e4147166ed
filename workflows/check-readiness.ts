/**
 * `orb check readiness`: reads a CDB's services on a worker (where the credentials are) and
 * judges them by Oracle's rules for the chosen profile (common/readiness, pure): for each
 * service, ready or not, the findings, and the srvctl or DBMS_SERVICE call that would fix it.
 * Read-only and deterministic; checks its input with the same schema as the CLI.
 */
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { OrbActivities } from '../activities';
import { assessReadiness, parseReadinessInput, type ReadinessCheckInput, type ReadinessReport } from '../common/readiness';

export const CHECK_READINESS = 'checkReadiness';

export async function checkReadiness(raw: ReadinessCheckInput): Promise<ReadinessReport> {
  const parsed = parseReadinessInput(raw);
  if (!parsed.ok) {
    const problems = parsed.problems.join('; ');
    throw ApplicationFailure.nonRetryable(`invalid readiness check input, nothing was read: ${problems}`, 'InvalidInput');
  }
  const { cdb, pdb, service, profile } = parsed.input;
  const { readServiceReadiness } = proxyActivities<OrbActivities>({
    startToCloseTimeout: '2m',
    // Someone waits at a terminal: a few quick tries, then say why.
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 3 },
    summary: `readiness (read-only): services of ${pdb ?? 'every PDB'} in ${cdb}`,
  });
  const facts = await readServiceReadiness({ cdb, ...(pdb ? { pdb } : {}), ...(service ? { service } : {}) });
  return assessReadiness(facts, profile);
}
