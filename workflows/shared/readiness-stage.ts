/**
 * The `readiness` stage of every runbook that drains (the rolling maintenance before its first instance, the
 * relocation before its cutover): the client readiness of each service about to drain, judged for AC, TAC and TAF
 * (common/readiness/drain-readiness.ts). A service ready for none is a warning in the run's checks, never a
 * refusal; a CDB whose services cannot be read skips the stage, saying why.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { OrbActivities } from '../../activities';
import { drainReadinessChecks } from '../../common/readiness/drain-readiness';
import { dbSteps } from './activity-options';
import { causeMessage } from './failure-text';
import type { RunbookJournal } from './runbook-journal';

export async function readinessStage(
  journal: RunbookJournal,
  scope: { cdb: string; pdb?: string },
  draining: string[],
): Promise<void> {
  const summary = `read the client readiness of ${scope.cdb}'s services (read-only)`;
  const { readServiceReadiness } = proxyActivities<OrbActivities>({ ...dbSteps, summary });
  const read = await readServiceReadiness(scope).catch((err) => causeMessage(err));
  if (typeof read === 'string') return journal.skip('readiness', `could not read the services' attributes: ${read}`);
  const checks = await journal.stage('readiness', async () => drainReadinessChecks(read, draining), (c) => {
    const warned = c.filter((x) => x.outcome !== 'pass').map((x) => x.check.replace(/^readiness /, ''));
    return warned.length
      ? `not ready for AC, TAC or TAF: ${warned.join(', ')} (their clients will see the drain; orb check readiness)`
      : `${c.length} service(s) ready`;
  });
  journal.preflight([...journal.status.preflight, ...checks]);
}
