/**
 * `orb start fleet` / `orb plan fleet`: which PDBs of the source CDBs the fleet takes, read on a worker (where
 * the estate's credentials are). Changes nothing; checks its input first.
 */
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { OrbActivities } from '../activities';
import { fleetTargetQuerySchema, type FleetTargets } from '../common/fleet-targets';
import { problemLines } from '../common/validation';

export async function findFleetTargets(raw: unknown): Promise<FleetTargets> {
  const r = fleetTargetQuerySchema.safeParse(raw);
  if (!r.success) {
    throw ApplicationFailure.nonRetryable(`invalid fleet target query: ${problemLines(r.error).join('; ')}`, 'InvalidInput');
  }
  const { fleetTargets } = proxyActivities<OrbActivities>({
    startToCloseTimeout: '2m',
    retry: { initialInterval: '1s', backoffCoefficient: 2, maximumAttempts: 3 },
    summary: `list the PDBs open READ WRITE in ${r.data.cdbs.join(', ')}`,
  });
  return fleetTargets(r.data);
}
