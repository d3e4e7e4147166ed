/**
 * `orb start | plan switchover-adb | failover-adb | propagate-wallet`: one set of options, the
 * input built and checked before Temporal is contacted (client/adb-input.ts), the same runs and
 * plans whatever starts them.
 */
import { Option, type Command } from 'commander';
import type { EstateConfig } from '../common/estate-config';
import { buildPropagateInput, buildRoleChangeInput, CONCURRENCY_DEFAULT, FAILOVER_MIN_APPROVALS, type AdbOptions } from './adb-input';
import { planAdbRun, startAdbRun, type AdbRunbook } from './adb-runbooks';
import { taskQueue as defaultTaskQueue, workflowUiUrl } from './connection';
import { CliError, EXIT } from './errors';
import { shellArg } from './render';
import type { RunbookCommandContext } from './command-context';
import { waitAndShow } from './wait-run';
import { renderAdbPlan } from './render-adb-plan';
import { hasWorkerPolling } from './runbooks';

export type AdbCommandContext = RunbookCommandContext;

const DESCRIPTIONS: Record<AdbRunbook, string> = {
  'switchover-adb': 'planned switchover of an Autonomous Database to its Autonomous Data Guard standby, then its wallet to every consumer',
  'failover-adb': 'UNPLANNED failover of an Autonomous Database to its standby (may lose data), then its wallet to every consumer',
  'propagate-wallet': "the primary's wallet to every consumer of an Autonomous Database (after a role change made outside orb)",
};

const collect = (v: string, prev: string[] = []) => [...prev, v];

function adbOptions(cmd: Command, runbook: AdbRunbook): Command {
  cmd
    .requiredOption('--database <name>', 'the Autonomous Database, by its name in the estate (autonomousDatabases)')
    .option('--consumers <list>', 'only these consumers (names in the estate; comma-separated or repeated; default: all)', collect)
    .option('--concurrency <n>', `consumers updated at the same time (1 to 32)`, String(CONCURRENCY_DEFAULT));
  if (runbook === 'propagate-wallet') {
    cmd.option('--refresh-all', 'update every consumer, even those already working with the primary (default: they are tested as they are and left alone)', false);
  } else {
    cmd
      .option('--to <peer>', 'remote (the cross-region standby) or local (the same-region standby)', 'remote')
      .option('--max-lag <seconds>', `refuse (switchover) or warn (failover) when the standby's apply lag is above this`, runbook === 'failover-adb' ? '300' : '60');
  }
  return gateOptions(cmd, runbook)
    .option('--started-by <name>', 'your name as recorded in the run (default $ORB_USER or the OS user)');
}

/** The gate options, each saying which gates it governs (client/adb-input.ts makes it so). */
function gateOptions(cmd: Command, runbook: AdbRunbook): Command {
  const approvers = 'who may approve or reject every gate of the run: group:<name> of the estate, or members of its groups';
  cmd.option('--approvers <list>', `${approvers} (default group:dbas)`, collect);
  if (runbook === 'propagate-wallet') {
    return cmd
      .option('--required-approvals <n>', 'distinct approvals each consumer gate needs (1 to 20)')
      .option('--allow-self-approval', 'let the person who started the run approve its consumer gates', false)
      .addOption(new Option('--gate-timeout <duration>').hideHelp())
      .addOption(new Option('--on-gate-timeout <action>').hideHelp());
  }
  const gate = runbook === 'switchover-adb' ? 'switchover' : 'failover';
  const min = FAILOVER_MIN_APPROVALS;
  const approvals = runbook === 'failover-adb' ? `at least ${min}, never the initiator; default ${min}` : '1 to 20; default 1';
  cmd
    .option('--required-approvals <n>', `distinct approvals the ${gate} gate needs (${approvals}); a consumer gate needs 1`)
    .option('--gate-timeout <duration>', `how long the ${gate} gate waits (default: forever); consumer gates never time out`)
    .option('--on-gate-timeout <action>', 
      `reject|wait when the ${gate} gate times out (default reject: the run ends, nothing changed)`);
  if (runbook === 'failover-adb') return cmd.addOption(new Option('--allow-self-approval').hideHelp());
  const self = 'let the person who started the run approve its gates (the switchover gate and consumer gates)';
  return cmd.option('--allow-self-approval', self, false);
}

const AFTER_HELP = [
  '',
  'Consumers are the estate\'s autonomousDatabases.<name>.consumers: OIC connections (wallet attachment',
  'and WALLETPASSWORD, then the connection test, then the active integrations using it are reactivated),',
  'Vault secrets (a new version holding the wallet) and TNS_ADMIN directories (files replaced atomically,',
  'then a connection reading the database role). A consumer that fails after its retries is restored',
  'and the run waits at gate consumer-<name>: orb approve <id> --gate consumer-<name> --choice retry|skip',
  '(switchover-adb also: switch-back); orb reject at that gate skips the consumer. The wallet and its',
  'password never enter Temporal: see README.',
].join('\n');

function buildInput(runbook: AdbRunbook, o: AdbOptions, estate: EstateConfig) {
  if (runbook === 'propagate-wallet') return buildPropagateInput(o, estate);
  return buildRoleChangeInput(runbook === 'switchover-adb' ? 'switchover' : 'failover', o, estate);
}

export function addAdbCommands(start: Command, plan: Command, ctx: AdbCommandContext): void {
  for (const runbook of ['switchover-adb', 'failover-adb', 'propagate-wallet'] as const) {
    adbOptions(start.command(runbook).description(DESCRIPTIONS[runbook]), runbook)
      .option('--wait', 'wait for the run to end, printing progress', false)
      .option('--json', 'print JSON', false)
      .addHelpText('after', `${AFTER_HELP}\nThe workflow id is ${runbook}:<DATABASE>; one run per database at a time (a second start exits 4).`)
      .action((o: AdbOptions & { wait: boolean; json: boolean }) => startAction(runbook, o, ctx));
    adbOptions(plan.command(runbook).description(`what ${runbook} would do: read-only preflight on a worker, the OCI call, gates, every consumer's steps`), runbook)
      .option('--json', 'print JSON', false)
      .addHelpText('after', '\nExit codes: 0 the run would proceed, 1 preflight fails, 2 bad input, 3 no server or no worker.')
      .action((o: AdbOptions & { json: boolean }) => planAction(runbook, o, ctx));
  }
}

async function startAction(runbook: AdbRunbook, o: AdbOptions & { wait: boolean; json: boolean }, ctx: AdbCommandContext): Promise<void> {
  const input = buildInput(runbook, o, ctx.estateOf().estate);
  const s = ctx.settings();
  const tq = defaultTaskQueue();
  await ctx.withClient(async (client) => {
    const started = await startAdbRun(client, s, runbook, input, tq);
    const ui = workflowUiUrl(s.namespace, started.workflowId);
    if (o.json && !o.wait) return ctx.out(JSON.stringify({ ...started, namespace: s.namespace, taskQueue: tq, uiUrl: ui, input }, null, 2));
    if (!o.json) {
      const id = shellArg(started.workflowId);
      ctx.out(`started ${started.workflowId}`);
      ctx.out(`  web UI:  ${ui}`);
      ctx.out(`  status:  orb status ${id}`);
      const g = 'roleChange' in input.gates ? input.gates.roleChange : null;
      if (g) {
        const gate = runbook === 'switchover-adb' ? 'switchover' : 'failover';
        ctx.out(`  gate ${gate}: ${g.requiredApprovals} approval(s) from ${g.approvers.filter((a) => g.allowInitiator || a !== input.startedBy).join(', ')}`);
        ctx.out(`    orb approve ${id} --gate ${gate} --by <name>`);
      }
      if (!(await hasWorkerPolling(client, s, tq).catch(() => true))) ctx.out(`  warning: no worker is polling task queue ${tq}: start orb worker (or orb dev)`);
    }
    if (o.wait) await waitAndShow(client, s, started, o.json, ctx);
  }, s);
}

async function planAction(runbook: AdbRunbook, o: AdbOptions & { json: boolean }, ctx: AdbCommandContext): Promise<void> {
  const input = buildInput(runbook, o, ctx.estateOf().estate);
  const s = ctx.settings();
  const tq = defaultTaskQueue();
  const result = await ctx.withClient(async (client) => {
    if (!(await hasWorkerPolling(client, s, tq).catch(() => true))) {
      throw new CliError(`no worker is polling task queue ${tq}: a plan runs preflight on a worker (start orb worker, or orb dev)`, EXIT.UNREACHABLE);
    }
    return planAdbRun(client, s, runbook, input, tq);
  }, s);
  ctx.out(o.json ? JSON.stringify({ input, plan: result }, null, 2) : renderAdbPlan(result));
  ctx.setExit(result.wouldRun ? EXIT.OK : EXIT.RUNBOOK_FAILED);
}

