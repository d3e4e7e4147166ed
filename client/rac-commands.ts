/**
 * `orb start rolling-maintenance`: the input built and checked before Temporal is contacted (client/rac-input.ts),
 * one run per database (workflow id rolling-maintenance:<CDB>), --wait following it as every runbook's start does.
 */
import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { buildRollingInput, type RollingOptions } from './rac-input';
import { taskQueue as defaultTaskQueue, workflowUiUrl } from './connection';
import { shellArg } from './render';
import type { RunbookCommandContext } from './command-context';
import { waitAndShow } from './wait-run';
import { randomUUID } from 'node:crypto';
import { hasWorkerPolling, mapTemporalError, startDatabaseRun } from './runbooks';
import { CliError, EXIT } from './errors';
import { renderRollingPlan } from './render-rolling-plan';
import type { RollingPlan } from '../workflows/plan-rolling-maintenance';

export type RacCommandContext = RunbookCommandContext;

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** The options `orb start` and `orb plan` of rolling-maintenance share. */
function rollingOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--cdb <name>', 'the Clusterware-managed CDB, by its name in the estate (it needs cdbs.<name>.srvctl)')
    .option('--instances <list>', 'the instances, in the order they go (comma-separated or repeated; default: all, in srvctl\'s order)', collect)
    .option('--drain-timeout <duration>', 'how long sessions drain off an instance (e.g. 90s, 5m; at most 24h)', '5m')
    .option('--on-drain-timeout <action>', 'disconnect|ask|abort when sessions remain after the drain timeout', 'ask')
    .option('--maintenance <name>', "run the estate's maintenance command <name> (cdbs.<cdb>.maintenance) on each stopped instance's node over SSH, instead of a gate per instance")
    .option('--rebalance-timeout <duration>', 'how long to wait for the pools to come back to an instance (then note it and go on; 0 to not wait)', '5m')
    .option('--no-start-gate', 'do not ask for approval before the first instance leaves (the maintenance gates stay, unless --maintenance)')
    .option('--approvers <list>', 'who may approve: group:<name> of the estate, or members of its groups (default group:dbas)', collect)
    .option('--required-approvals <n>', 'distinct approvals each gate needs (1 to 20)')
    .option('--allow-self-approval', 'let the person who started the run approve its gates', false)
    .option('--started-by <name>', 'your name as recorded in the run (default $ORB_USER or the OS user)');
}

export function addRacCommands(start: Command, plan: Command, ctx: RacCommandContext): void {
  rollingOptions(plan.command('rolling-maintenance')
    .description('what rolling-maintenance would do: srvctl read over SSH by a worker, the checks, each instance\'s srvctl command lines'))
    .option('--json', 'print JSON', false)
    .addHelpText('after', '\nExit codes: 0 the run would proceed, 1 preflight fails, 2 bad input, 3 no server or no worker.')
    .action((o: RollingOptions & { json: boolean }) => planRolling(o, ctx));
  rollingOptions(start.command('rolling-maintenance')
    .description('maintain a RAC database one instance at a time: services drain off it without -force, it stops, you maintain it, it comes back, the pools rebalance, next instance'))
    .option('--wait', 'wait for the run to end, printing progress', false)
    .option('--json', 'print JSON', false)
    .addHelpText('after', '\nPer instance: drain-<inst> → disable-services-<inst> → stop-<inst> → gate maintenance-<inst> (do the\n' +
      'maintenance, then approve; with --maintenance <name>: stage maintenance-<inst> runs the command on the\n' +
      'instance\'s node, and a failure waits at gate recover-maintenance-<inst>: approve runs it again, reject puts the\n' +
      'instance back) → start-<inst> → services-<inst> → rebalance-<inst>. Until the maintenance is done a failure or a\n' +
      'rejection puts the instance and its services back; after it, a failure waits at gate recover-<stage> (approve\n' +
      'retries, reject stops). The workflow id is rolling-maintenance:<CDB>. Preview: orb plan rolling-maintenance.')
    .action((o: RollingOptions & { wait: boolean; json: boolean }) => startRolling(o, ctx));
}

/** The stage of a run of this id that is running now (its search attribute), or null. */
async function runningStage(client: Client, workflowId: string): Promise<string | null> {
  const d = await client.workflow.getHandle(workflowId).describe().catch(() => null);
  if (d?.status.name !== 'RUNNING') return null;
  const stage = d.searchAttributes?.OrbStage;
  return Array.isArray(stage) && typeof stage[0] === 'string' ? stage[0] : 'unknown';
}

async function planRolling(o: RollingOptions & { json: boolean }, ctx: RacCommandContext): Promise<void> {
  const input = buildRollingInput(o, ctx.estateOf().estate);
  const s = ctx.settings();
  const tq = defaultTaskQueue();
  const plan = await ctx.withClient(async (client) => {
    if (!(await hasWorkerPolling(client, s, tq).catch(() => true))) {
      throw new CliError(`no worker is polling task queue ${tq}: a plan reads srvctl on a worker (start orb worker, or orb dev)`, EXIT.UNREACHABLE);
    }
    const running = await runningStage(client, `rolling-maintenance:${input.cdb}`);
    const p = await client.workflow.execute<(raw: unknown) => Promise<RollingPlan>>('planRollingMaintenance', {
      taskQueue: tq, workflowId: `plan:rolling-maintenance:${input.cdb}:${randomUUID().slice(0, 8)}`, args: [input], workflowExecutionTimeout: '10m',
    }).catch((err) => mapTemporalError(err, s));
    return { ...p, running };
  }, s);
  const busy = plan.running ? `\n\nNote: rolling-maintenance:${input.cdb} is running (stage ${plan.running}): what srvctl shows now is that run's doing, ` +
    `and a new run would be refused until it ends (orb status rolling-maintenance:${input.cdb}).` : '';
  ctx.out(o.json ? JSON.stringify({ input, plan }, null, 2) : `${renderRollingPlan(plan)}${busy}`);
  ctx.setExit(plan.wouldRun ? EXIT.OK : EXIT.RUNBOOK_FAILED);
}

async function startRolling(o: RollingOptions & { wait: boolean; json: boolean }, ctx: RacCommandContext): Promise<void> {
  const input = buildRollingInput(o, ctx.estateOf().estate);
  const s = ctx.settings();
  const tq = defaultTaskQueue();
  await ctx.withClient(async (client) => {
    const started = await startDatabaseRun(client, s, {
      workflowType: 'rollingMaintenance', runbook: 'rolling-maintenance', workflowId: `rolling-maintenance:${input.cdb}`, database: input.cdb,
      input, taskQueue: tq, summary: `Rolling maintenance of ${input.cdb}, one instance at a time`, oneAtATime: 'One rolling maintenance per database at a time.',
      conflicting: ['rollingMaintenance'],
    });
    const ui = workflowUiUrl(s.namespace, started.workflowId);
    if (o.json && !o.wait) return ctx.out(JSON.stringify({ ...started, namespace: s.namespace, taskQueue: tq, uiUrl: ui, input }, null, 2));
    if (!o.json) {
      const id = shellArg(started.workflowId);
      ctx.out(`started ${started.workflowId}\n  web UI:  ${ui}\n  status:  orb status ${id}\n  report:  orb report ${id}`);
      const gate = input.gates.start ? 'start' : input.maintenance ? null : 'maintenance-<instance>';
      ctx.out(gate ? `  gates:   orb approve ${id} --gate ${gate} --by <name>` : `  gates:   only if something fails (recover-<stage>, drain-timeout-<instance>): orb status ${id} says which`);
      if (!(await hasWorkerPolling(client, s, tq).catch(() => true))) ctx.out(`  warning: no worker is polling task queue ${tq}: start orb worker (or orb dev)`);
    }
    if (o.wait) await waitAndShow(client, s, started, o.json, ctx);
  }, s);
}
