/**
 * The preflight check of a rolling maintenance with a maintenance command: the estate names the command for the CDB
 * and it resolves for every turn (each instance's node reachable by name, the placeholders valid). The run and
 * `orb plan` both use it, so the plan shows the very command lines the run sends.
 */
import { proxyActivities } from '@temporalio/workflow';
import type { OrbActivities } from '../../activities';
import type { MaintenanceLine } from '../../activities/node-maintenance';
import type { RacFacts } from '../../common/rac/rac-facts';
import type { CheckResult } from '../../common/runbook-types';
import { dbSteps } from './activity-options';
import { causeMessage } from './failure-text';

/** The Clusterware node of `instance` as srvctl reported it ('?' when it did not: the check then fails on it). */
export const nodeOf = (f: RacFacts, instance: string): string =>
  f.instances.find((i) => i.name.toUpperCase() === instance.toUpperCase())?.node ?? '?';

export async function maintenanceCheck(
  cdb: string,
  name: string,
  facts: RacFacts,
  order: string[],
): Promise<{ check: CheckResult; lines: MaintenanceLine[] }> {
  const check = `maintenance command ${name}`;
  const turns = order.map((instance) => ({ instance, node: nodeOf(facts, instance) }));
  const { maintenanceCommandLines } = proxyActivities<OrbActivities>({
    ...dbSteps,
    summary: `resolve maintenance command ${name} for each instance's node (read-only)`,
  });
  try {
    const lines = await maintenanceCommandLines({ cdb, name, turns });
    const first = lines[0]!;
    const likewise = lines.length > 1 ? ", and likewise on each instance's node" : '';
    const reason = `${first.description ?? name}: ${first.commandLine} on ${first.sshNode}${likewise}`;
    return { check: { check, outcome: 'pass', reason }, lines };
  } catch (err) {
    return { check: { check, outcome: 'fail', reason: causeMessage(err) }, lines: [] };
  }
}
