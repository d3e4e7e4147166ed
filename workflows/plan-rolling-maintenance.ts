/**
 * `orb plan rolling-maintenance`: the run's own preflight (common/rac/rolling-checks.ts) on what srvctl reports
 * now, and each instance's turn as the srvctl command lines the run would send (common/rac/instance-steps.ts,
 * through the executor's own command-line builder). Changes nothing. The run reads srvctl again before each
 * instance, so a later turn may differ from this plan if the cluster changes meanwhile.
 */
import { ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { OrbActivities } from '../activities';
import type { CheckResult } from '../common/runbook-types';
import { instanceTurn, type ServiceMove } from '../common/rac/instance-steps';
import { parseRollingInput, type RollingMaintenanceInput } from '../common/rac/rolling-input';
import { drainReadinessChecks } from '../common/readiness/drain-readiness';
import { checkGateApprovers } from './shared/approver-check';
import { rollingChecks, rollingOrder } from '../common/rac/rolling-checks';
import type { RacFacts } from '../common/rac/rac-facts';
import { dbSteps } from './shared/activity-options';
import { maintenanceCheck } from './shared/maintenance-check';
import type { MaintenanceLine } from '../activities/node-maintenance';

export interface RollingTurnPlan {
  instance: string;
  moves: ServiceMove[];
  steps: { stage: string; lines: string[] }[];
}

export interface RollingPlan {
  cdb: string;
  wouldRun: boolean;
  checks: CheckResult[];
  /** Each service that will drain judged for AC, TAC and TAF (the run's readiness stage: warnings only) */
  readiness: CheckResult[];
  facts: RacFacts;
  gates: RollingMaintenanceInput['gates'];
  drain: RollingMaintenanceInput['drain'];
  maintenance: string | null;
  startedBy: string;
  turns: RollingTurnPlan[];
}

const { readRac, srvctlCommandLines, readServiceReadiness } = proxyActivities<OrbActivities>({ ...dbSteps, summary: 'plan: read srvctl, build the command lines (read-only)' });

/** The maintenance command's line and where it runs, or the gate when there is none. */
function maintenanceStep(instance: string, line: MaintenanceLine | undefined): { stage: string; lines: string[] } {
  if (!line) return { stage: `approve-maintenance-${instance}`, lines: [] };
  return { stage: `maintenance-${instance}`, lines: [`[${line.node} via ${line.sshNode}] ${line.commandLine}`] };
}

export async function planRollingMaintenance(raw: unknown): Promise<RollingPlan> {
  const parsed = parseRollingInput(raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(`invalid rolling-maintenance input, nothing was planned: ${parsed.problems.join('; ')}`, 'InvalidInput');
  const input = parsed.input;
  const facts = await readRac({ cdb: input.cdb });
  const order = rollingOrder(facts, input.instances);
  const checks = [await checkGateApprovers(input.gates), ...rollingChecks(facts, order)];
  const maintenance = input.maintenance && !checks.some((c) => c.outcome === 'fail') ? await maintenanceCheck(input.cdb, input.maintenance, facts, order) : null;
  if (maintenance) checks.push(maintenance.check);
  const wouldRun = !checks.some((c) => c.outcome === 'fail');
  const drain = { timeoutS: Math.ceil(input.drain.timeoutMs / 1000), stopOption: input.drain.onTimeout === 'disconnect' ? 'TRANSACTIONAL' as const : 'NONE' as const };
  const turns: RollingTurnPlan[] = [];
  for (const instance of wouldRun ? order : []) {
    const t = instanceTurn(facts, instance, drain);
    const lines = (commands: typeof t.leave) => srvctlCommandLines({ cdb: input.cdb, commands });
    turns.push({
      instance,
      moves: t.moves,
      steps: [
        { stage: `drain-${instance}`, lines: await lines(t.leave) },
        { stage: `disable-services-${instance}`, lines: await lines(t.disableServices) },
        { stage: `stop-${instance}`, lines: await lines([t.stopInstance, t.disableInstance]) },
        maintenanceStep(instance, maintenance?.lines.find((l) => l.instance === instance)),
        { stage: `start-${instance}`, lines: await lines([t.enableInstance, t.startInstance]) },
        { stage: `services-${instance}`, lines: await lines([...t.enableServices, ...t.returnServices]) },
      ],
    });
  }
  const draining = facts.services.filter((sv) => sv.runningOn.some((r) => order.some((i) => i.toUpperCase() === r.toUpperCase()))).map((sv) => sv.name);
  const read = wouldRun ? await readServiceReadiness({ cdb: input.cdb }).catch(() => null) : null;
  const readiness = read ? drainReadinessChecks(read, draining) : [];
  return { cdb: input.cdb, wouldRun, checks, readiness, facts, turns, gates: input.gates, drain: input.drain, maintenance: input.maintenance ?? null, startedBy: input.startedBy };
}
