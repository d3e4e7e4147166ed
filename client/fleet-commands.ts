/**
 * `orb start fleet relocate-pdb` and `orb plan fleet relocate-pdb`: which PDBs, read by a worker in the source
 * CDBs (the findFleetTargets workflow, read-only), then one child input per PDB built exactly as `orb start
 * relocate-pdb` builds it, and the fleet run (workflows/fleet.ts) or its plan: the waves and, per child, the
 * target, the link, the gates and the workflow id. No plan workflow runs per child: `orb plan relocate-pdb`
 * checks one PDB in depth.
 */
import { randomUUID } from 'node:crypto';
import type { Command } from 'commander';
import type { Client } from '@temporalio/client';
import { WorkflowExecutionAlreadyStartedError, WorkflowFailedError } from '@temporalio/client';
import { taskQueue as defaultTaskQueue, workflowUiUrl, type TemporalSettings } from './connection';
import type { RunbookCommandContext } from './command-context';
import { waitAndShow } from './wait-run';
import { hasWorkerPolling, mapTemporalError, relocateSummary, type StartedRun } from './runbooks';
import { CliError, EXIT, NotFoundError } from './errors';
import { table } from './render';
import { formatDuration } from '../common/duration';
import { buildFleetRelocateInput, fleetTargetQuery, fleetWorkflowId, type FleetRelocateOptions } from './fleet-input';
import { FLEET_RUNBOOKS } from '../common/fleet-runbooks';
import { FLEET_RUNBOOK, FLEET_WORKFLOW_TYPE, type FleetInput } from '../common/fleet-types';
import type { FleetTargetQuery, FleetTargets } from '../common/fleet-targets';
import type { GatePolicy, RelocatePdbInput } from '../common/runbook-types';
import { OrbAwaitingApproval, OrbRunbook, OrbStage, OrbTargetCdb } from '../common/search-attributes';

const collect = (v: string, prev: string[] = []) => [...prev, v];
/** Children listed by `orb plan fleet` (all of them with --json). */
const PLAN_ROWS_MAX = 50;

function fleetOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--from <cdbs>', 'the CDB(s) the PDBs are in now, comma-separated or repeated', collect)
    .requiredOption('--to <cdb>', 'the CDB every PDB goes to')
    .option('--pdbs <list>', 'the PDBs, comma-separated or repeated (each must be open READ WRITE in one of --from)', collect)
    .option('--pattern <like>', "or: every PDB open READ WRITE in --from whose name is LIKE this (e.g. 'FL%')")
    .option('--concurrency <n>', 'children running at once, at most (1 to 100)', '5')
    .option('--stop-after-failures <n>', 'after this many children failed or compensated, start no new one (running ones finish)', '1')
    .option('--wave-size <n>', 'run the children in waves of this many, with a gate between two waves')
    .option('--no-wave-gate', 'no gate between waves (the next wave starts once the last one ended)')
    .option('--availability <mode>', 'normal|max, for every child', 'normal')
    .option('--drain-timeout <duration>', 'how long each child\'s services drain before its cutover (at most 24h)', '5m')
    .option('--on-drain-timeout <action>', 'disconnect|ask|abort when sessions remain after the drain timeout', 'ask')
    .option('--gate-before-copy', 'each child asks for approval before its copy', false)
    .option('--no-cutover-gate', 'the children do not ask for approval before their cutover (on by default)')
    .option('--keep-tombstone-gate', 'AVAILABILITY MAX: each child asks before dropping its tombstone', false)
    .option('--approvers <list>', 'who may approve the children\'s gates and the wave gates (default group:dbas)', collect)
    .option('--required-approvals <n>', 'distinct approvals each gate needs (1 to 20)', '1')
    .option('--gate-timeout <duration>', 'how long a gate waits (default: forever)')
    .option('--on-gate-timeout <action>', 'reject|wait when a gate times out (default reject)')
    .option('--allow-self-approval', 'let the person who started the fleet approve its gates', false)
    .option('--started-by <name>', 'your name as recorded in the runs (default $ORB_USER or the OS user)');
}

export function addFleetCommands(start: Command, plan: Command, ctx: RunbookCommandContext): void {
  fleetOptions(plan.command('fleet').description('plan a fleet: one child run per target').command('relocate-pdb')
    .description('the waves and, per child, the PDB, source, link, gates and workflow id of a fleet of relocations ' +
      '(no per-child preflight: orb plan relocate-pdb does that)'))
    .option('--json', 'print JSON (every child input)', false)
    .addHelpText('after', '\nExit codes: 0 the fleet could start, 2 bad input (a PDB not found, a bad option), 3 no server or no worker.')
    .action((o: FleetRelocateOptions & { json: boolean }) => planFleet(o, ctx));
  const startFleetCmd = start.command('fleet').description('start a fleet: one child run per target, a concurrency limit, waves and a stop rule');
  fleetOptions(startFleetCmd.command('relocate-pdb')
    .description('relocate many PDBs into one CDB: one ordinary relocate-pdb run per PDB, at most --concurrency at once'))
    .option('--wait', 'wait for the fleet to end, printing its progress', false)
    .option('--json', 'print JSON', false)
    .addHelpText('after', '\nEach child is the run `orb start relocate-pdb --pdb <PDB> --from <its CDB>` with the same options would\n' +
      'start (workflow id relocate-pdb:<SOURCE>:<PDB>, its own gates: approve them with orb approve <child id>).\n' +
      'orb status <fleet id> shows the counts, the children running and the gate each waits at, and the failures.')
    .action((o: FleetRelocateOptions & { wait: boolean; json: boolean }) => startFleet(o, ctx));
}

/** The PDBs the fleet takes, read by a worker. */
async function findTargets(client: Client, s: TemporalSettings, query: FleetTargetQuery): Promise<FleetTargets> {
  const tq = defaultTaskQueue();
  if (!(await hasWorkerPolling(client, s, tq).catch(() => true))) {
    const why = `no worker is polling task queue ${tq}: a worker reads which PDBs the source CDBs hold (start orb worker, or orb dev)`;
    throw new CliError(why, EXIT.UNREACHABLE);
  }
  try {
    const workflowId = `plan:fleet-targets:${randomUUID().slice(0, 8)}`;
    return await client.workflow.execute('findFleetTargets', { taskQueue: tq, workflowId, args: [query], workflowExecutionTimeout: '5m' });
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      throw new CliError(`the source CDBs could not be read: ${err.cause?.message ?? err.message}`, EXIT.UNREACHABLE);
    }
    mapTemporalError(err, s);
  }
}

function fleetTarget(input: FleetInput): string {
  return (input.children[0] as RelocatePdbInput).targetCdb;
}

async function planFleet(o: FleetRelocateOptions & { json: boolean }, ctx: RunbookCommandContext): Promise<void> {
  const query = fleetTargetQuery(o, ctx.estateOf().estate); // every rule checked before Temporal is contacted
  const s = ctx.settings();
  const found = await ctx.withClient((client) => findTargets(client, s, query), s);
  const input = buildFleetRelocateInput(o, ctx.estateOf().estate, found);
  const workflowIds = input.children.map((c) => FLEET_RUNBOOKS[input.runbook].workflowId(c));
  if (o.json) ctx.out(JSON.stringify({ input, workflowIds }, null, 2));
  else ctx.out(renderFleetPlan(input));
  ctx.setExit(EXIT.OK);
}

export function renderFleetPlan(input: FleetInput): string {
  const book = FLEET_RUNBOOKS[input.runbook];
  const waves = input.waves ?? [input.children.length];
  const first = input.children[0] as RelocatePdbInput;
  const policy = (p: GatePolicy | null) => (p ? `(${p.requiredApprovals} of ${p.approvers.join(', ')})` : 'off');
  const gates = Object.entries(book.gates(first)).map(([g, p]) => `${g} ${policy(p)}`);
  const out = [
    `Fleet of ${input.children.length} ${input.runbook} runs into ${fleetTarget(input)}, ${input.concurrency} at a time, ` +
      `started by ${input.startedBy}`,
    `  ${waves.length === 1 ? 'one wave of' : `${waves.length} waves of`} ${waves.join(', ')} run(s)${input.waveGate ? ` — gate before each wave after the first ${policy(input.waveGate)}` : ''}`,
    `  stop rule: after ${input.stopAfterFailures} failed or compensated child run(s), no new one starts; the running ones finish`,
    `  each child: ${gates.join(', ')}; drain ${formatDuration(first.drain.timeoutMs)} then ${first.drain.onTimeout}; ` +
      `AVAILABILITY ${first.availability}`,
    '',
  ];
  let n = 0;
  const rows: string[][] = [];
  waves.forEach((size, w) => {
    for (let k = 0; k < size; k++, n++) {
      if (rows.length < PLAN_ROWS_MAX) {
        const c = input.children[n] as RelocatePdbInput;
        rows.push([String(w + 1), c.pdb, c.sourceCdb, c.targetCdb, c.dbLink, book.workflowId(c)]);
      }
    }
  });
  out.push(table(['WAVE', 'PDB', 'FROM', 'TO', 'LINK', 'WORKFLOW ID'], rows));
  if (input.children.length > rows.length) out.push(`  ... and ${input.children.length - rows.length} more (--json lists every child)`);
  out.push('', 'Preflight of one child in depth: orb plan relocate-pdb --pdb <PDB> --from <CDB> --to <CDB>');
  return out.join('\n');
}

async function startFleet(o: FleetRelocateOptions & { wait: boolean; json: boolean }, ctx: RunbookCommandContext): Promise<void> {
  const query = fleetTargetQuery(o, ctx.estateOf().estate); // every rule checked before Temporal is contacted
  const s = ctx.settings();
  await ctx.withClient(async (client) => {
    const input = buildFleetRelocateInput(o, ctx.estateOf().estate, await findTargets(client, s, query));
    const target = fleetTarget(input);
    const workflowId = fleetWorkflowId(input.runbook, target);
    const tq = defaultTaskQueue();
    let started: StartedRun;
    try {
      const h = await client.workflow.start(FLEET_WORKFLOW_TYPE, {
        taskQueue: tq,
        workflowId,
        args: [input],
        workflowIdConflictPolicy: 'FAIL',
        typedSearchAttributes: [
          { key: OrbRunbook, value: FLEET_RUNBOOK },
          { key: OrbTargetCdb, value: target },
          { key: OrbStage, value: 'wave-1' },
          { key: OrbAwaitingApproval, value: false },
        ],
        staticSummary: `Fleet: ${input.children.length} relocate-pdb runs into ${target}, ${input.concurrency} at a time`,
      });
      started = { workflowId, runId: h.firstExecutionRunId };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) throw new NotFoundError(`fleet ${workflowId} is already running`);
      mapTemporalError(err, s, workflowId);
    }
    const ui = workflowUiUrl(s.namespace, workflowId);
    if (o.json && !o.wait) {
      return ctx.out(JSON.stringify({ ...started, namespace: s.namespace, taskQueue: tq, uiUrl: ui, input }, null, 2));
    }
    if (!o.json) {
      const waves = input.waves ? `, waves ${input.waves.join(', ')}` : '';
      ctx.out(`started fleet ${workflowId}: ${input.children.length} runs, ${input.concurrency} at a time${waves}`);
      ctx.out(`  first: ${relocateSummary(input.children[0] as RelocatePdbInput)}`);
      ctx.out(`  orb status ${workflowId}\n  web UI: ${ui}`);
    }
    if (o.wait) await waitAndShow(client, s, started, o.json, ctx);
  }, s);
}
