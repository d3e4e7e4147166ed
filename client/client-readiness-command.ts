/**
 * `orb start client-readiness`: the services of a CDB judged for AC, TAC or TAF as `orb check readiness` does,
 * as a durable run; with --fix, the fixes applied after gate "fix" (srvctl modify service on Clusterware,
 * DBMS_SERVICE.MODIFY_SERVICE otherwise), verified, and put back on failure or rejection.
 * One run per CDB (workflow id client-readiness:<CDB>).
 */
import type { Command } from 'commander';
import { buildClientReadinessInput, type ClientReadinessOptions } from './client-readiness-input';
import { taskQueue as defaultTaskQueue, workflowUiUrl } from './connection';
import { shellArg } from './render';
import type { RunbookCommandContext } from './command-context';
import { waitAndShow } from './wait-run';
import { hasWorkerPolling, startDatabaseRun } from './runbooks';

type Opts = ClientReadinessOptions & { wait: boolean; json: boolean };
const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addClientReadinessCommand(start: Command, ctx: RunbookCommandContext): void {
  start
    .command('client-readiness')
    .description("judge a CDB's services for Application Continuity, TAC or TAF; with --fix, set what is missing (after approval)")
    .requiredOption('--cdb <name>', 'the CDB, by its name in the estate')
    .option('--pdb <name>', 'only this PDB (default: every open PDB)')
    .option('--service <name>', 'only this service')
    .option('--profile <profile>', 'ac|tac|taf: what the services should be ready for', 'tac')
    .option('--fix', 'apply the fixes after gate "fix" approves them (default: report only)', false)
    .option('--approvers <list>', 'who may approve: group:<name> of the estate, or members of its groups (default group:dbas)', collect)
    .option('--required-approvals <n>', 'distinct approvals the gate needs (1 to 20)')
    .option('--allow-self-approval', 'let the person who started the run approve its gate', false)
    .option('--started-by <name>', 'your name as recorded in the run (default $ORB_USER or the OS user)')
    .option('--wait', 'wait for the run to end, printing progress', false)
    .option('--json', 'print JSON', false)
    .addHelpText('after', '\nStages: read → (with --fix) approve-fix (gate "fix" lists every srvctl / DBMS_SERVICE call) → fix-<service>\n' +
      '... → verify. A failure, a rejection or a service still not ready puts every attribute changed back.')
    .action((o: Opts) => startClientReadiness(o, ctx));
}

async function startClientReadiness(o: Opts, ctx: RunbookCommandContext): Promise<void> {
  const input = buildClientReadinessInput(o, ctx.estateOf().estate);
  const s = ctx.settings();
  const tq = defaultTaskQueue();
  await ctx.withClient(async (client) => {
    const started = await startDatabaseRun(client, s, {
      workflowType: 'clientReadiness', runbook: 'client-readiness', workflowId: `client-readiness:${input.cdb}`, database: input.cdb,
      input, taskQueue: tq, summary: `Client readiness (${input.profile}) of ${input.cdb}${input.fix ? ', with fixes' : ''}`,
      oneAtATime: 'One client-readiness run per CDB at a time.', conflicting: ['clientReadiness'],
    });
    const ui = workflowUiUrl(s.namespace, started.workflowId);
    if (o.json && !o.wait) return ctx.out(JSON.stringify({ ...started, namespace: s.namespace, taskQueue: tq, uiUrl: ui, input }, null, 2));
    if (!o.json) {
      const id = shellArg(started.workflowId);
      ctx.out(`started ${started.workflowId}\n  web UI:  ${ui}\n  status:  orb status ${id}\n  report:  orb report ${id}`);
      if (input.fix) ctx.out(`  gate:    orb approve ${id} --gate fix --by <name>`);
      if (!(await hasWorkerPolling(client, s, tq).catch(() => true))) ctx.out(`  warning: no worker is polling task queue ${tq}: start orb worker (or orb dev)`);
    }
    if (o.wait) await waitAndShow(client, s, started, o.json, ctx);
  }, s);
}
