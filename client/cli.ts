/**
 * The `orb` command line. Every command validates its input before it contacts
 * anything; exit codes are stable (see EXIT_CODES_HELP).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { estatePath, loadEstate, type EstateConfig } from '../common/estate-config';
import { InputError } from '../common/input-error';
import { parseMetricsAddress } from '../common/metrics-address';
import { userName } from '../common/identifiers';
import type { RelocatePdbInput } from '../common/runbook-types';
import { formatDuration } from '../common/duration';
import { connectClient, taskQueue as defaultTaskQueue, temporalSettings, workflowUiUrl, type TemporalSettings } from './connection';
import { CliError, EXIT, errorMessage } from './errors';
import { buildRelocateInput, defaultStartedBy, type RelocateOptions } from './relocate-input';
import { CANCEL_DESCRIPTION, CANCEL_HELP, DECISION_HELP, REJECT_NO_CHOICE } from './command-help';
import { approvalSignalSchema, type ApprovalPayload } from '../common/approval-schema';
import { firstRule } from '../common/validation';
import { renderRetrying, renderStatus, retryingSummary, runFollower, shellArg, table } from './render';
import { renderPlan } from './render-plan';
import { eventsCommand } from './events/events-command';
import { addAdbCommands } from './adb-commands';
import { addReportCommand } from './report/report-command';
import { addRacCommands } from './rac-commands';
import { addFleetCommands } from './fleet-commands';
import { addClientReadinessCommand } from './client-readiness-command';
import { addCheckCommands } from './readiness-command';
import {
  cancelOutcome,
  cancelRun,
  getRunStatus,
  hasWorkerPolling,
  planRelocation,
  listRuns,
  relocateSummary,
  runExitCode,
  sendDecision,
  startRelocation,
  waitForRun,
  type RunStatus,
} from './runbooks';
import type { Client } from '@temporalio/client';

export const EXIT_CODES_HELP = `
Exit codes:
  0  success (for status/start --wait/demo: the run is running or completed)
  1  the runbook failed, was compensated, rejected or cancelled (or an unexpected error);
     for plan: preflight fails, so a run would stop there
  2  bad input: an option or argument breaks a rule (named in the message), an approval
     the gate refused; nothing was started or changed
  3  cannot reach Temporal or the lab (or no Temporal CLI/worker to run with)
  4  not found (no such workflow / not running) or already running (same PDB and source)

Environment:
  TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY, TEMPORAL_TLS*, TEMPORAL_PROFILE,
  TEMPORAL_CONFIG_FILE   standard Temporal client settings (default 127.0.0.1:7233, default)
  ORB_TASK_QUEUE         task queue (default orb)
  ORB_ESTATE             estate file (default ./orb.estate.json, else the lab's demo estate)
  ORB_UI_URL             Temporal Web UI base URL (default http://127.0.0.1:8233)
  ORB_LAB_URL            lab URL for the embedded demo estate (default http://127.0.0.1:7480)
  ORB_USER               your name as recorded in runs (default: the OS user)
  ORB_TEMPORAL_CLI       temporal CLI used by \`orb dev\` (else PATH, else built and cached)
  ORB_LOG_LEVEL, ORB_LOG_FORMAT (json|pretty)   worker logging
`;

function version(): string {
  try {
    return (JSON.parse(readFileSync(path.resolve(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

function intOption(field: string, min: number, max: number) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) {
      throw new InputError(field, `must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
    }
    const n = Number(value);
    if (n < min || n > max) throw new InputError(field, `must be from ${min} to ${max} (got ${n})`);
    return n;
  };
}

function numberOption(field: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || n < min || n > max) throw new InputError(field, `${JSON.stringify(value)} is not a number from ${min} to ${max}`);
    return n;
  };
}

const metricsOption = (v: string): string => parseMetricsAddress(v);

/** `orb dev --metrics`: the worker's endpoint, on a port none of orb dev's other servers takes. */
type DevPorts = { port: number; uiPort: number; labPort: number; sshPort: number };
function devMetricsCheck(o: DevPorts & { metrics?: string; worker: boolean; lab: boolean }): void {
  if (!o.metrics) return;
  if (!o.worker) throw new InputError('--metrics', "serves the worker's metrics: it needs the worker (drop --no-worker)");
  const port = Number(o.metrics.slice(o.metrics.lastIndexOf(':') + 1));
  if ([o.port, o.uiPort, ...(o.lab ? [o.labPort, o.sshPort] : [])].includes(port)) {
    throw new InputError('--metrics', `its port must differ from --port, --ui-port, --lab-port and --ssh-port (got ${port})`);
  }
}

/** The options of a relocation, shared by `orb start relocate-pdb` and `orb plan relocate-pdb`. */
function relocateOptions(cmd: Command): Command {
  return cmd
    .requiredOption('--pdb <name>', 'PDB to relocate')
    .requiredOption('--from <cdb>', 'CDB the PDB is in now')
    .requiredOption('--to <cdb>', 'CDB to relocate it to')
    .option('--availability <mode>', 'normal|max (MAX keeps a tombstone forwarding connections)', 'normal')
    .option('--drain-timeout <duration>', 'how long services drain before cutover (e.g. 90s, 5m; at most 24h)', '5m')
    .option('--on-drain-timeout <action>', 'disconnect|ask|abort when sessions remain after the drain timeout', 'ask')
    .option('--db-link <name>', 'database link in the target CDB to the source (default: from the estate)')
    .option('--gate-before-copy', 'ask for approval before the copy starts', false)
    .option('--no-cutover-gate', 'do not ask for approval before cutover (on by default)')
    .option('--keep-tombstone-gate', 'AVAILABILITY MAX: ask for approval before dropping the tombstone', false)
    .option('--upgrade', 'into a higher major release: open the PDB UPGRADE, wait at gate "upgrade" while you upgrade it (dbupgrade), then open it', false)
    .option('--approvers <list>', 'who may approve every gate of the run: group:<name> of the estate, or members of its groups; comma-separated or repeated (default group:dbas)', collect)
    .option('--required-approvals <n>', 'distinct approvals each gate needs (1 to 20)', '1')
    .option('--gate-timeout <duration>', 'how long a gate waits (default: forever)')
    .option('--on-gate-timeout <action>', 'reject|wait when a gate times out (default reject)')
    .option('--allow-self-approval', 'let the person who started the run approve it', false)
    .option('--started-by <name>', 'your name as recorded in the run (default $ORB_USER or the OS user)');
}

function collect(value: string, prev: string[] = []): string[] {
  return [...prev, value];
}

const WORKFLOW_ID_MAX = 1000;

function workflowIdArg(value: unknown): string {
  const example = 'such as relocate-pdb:CDB1:SALES (see orb list)';
  if (typeof value === 'string' && value.length > WORKFLOW_ID_MAX) {
    const rule = `must be at most ${WORKFLOW_ID_MAX} characters (got ${value.length}): a workflow id ${example}`;
    throw new InputError('<workflow-id>', rule);
  }
  if (typeof value !== 'string' || value.trim() === '' || /[\u0000-\u001f]/.test(value)) {
    throw new InputError('<workflow-id>', `must be a non-empty workflow id without control characters, ${example}`);
  }
  return value.trim();
}

/**
 * The approve/reject payload from --gate, --by and --comment, through the schema the workflow
 * checks every approval with: what orb sends, the workflow accepts. A refusal names the option.
 */
export function decisionPayload(o: { gate?: unknown; by?: unknown; comment?: unknown; choice?: unknown }): ApprovalPayload {
  const r = approvalSignalSchema.safeParse({
    gate: o.gate,
    by: o.by,
    ...(o.comment !== undefined ? { comment: o.comment } : {}),
    ...(o.choice !== undefined ? { choice: o.choice } : {}),
  });
  if (!r.success) throw new InputError(`--${String(r.error.issues[0]!.path[0] ?? 'gate')}`, firstRule(r.error));
  return r.data;
}

interface Io {
  out: (line: string) => void;
  err: (line: string) => void;
}

export function buildProgram(io: Io, setExit: (code: number) => void): Command {
  const program = new Command();
  const estateOf = (): { estate: EstateConfig; isDefault: boolean } => {
    const file = program.opts<{ estate?: string }>().estate;
    const p = estatePath(file);
    return { estate: loadEstate(file), isDefault: p === null };
  };
  const settings = (): TemporalSettings => temporalSettings();
  /** Runs fn with a connected client, closing the connection afterwards. */
  const withClient = async <T>(fn: (client: Client, s: TemporalSettings) => Promise<T>, s: TemporalSettings = settings()): Promise<T> => {
    const { client, connection } = await connectClient(s);
    try {
      return await fn(client, s);
    } finally {
      await connection.close().catch(() => undefined);
    }
  };
  const json = (v: unknown) => io.out(JSON.stringify(v, null, 2));

  program
    .name('orb')
    .description('Runbooks for Oracle Database operations, run as durable Temporal workflows.')
    .version(version(), '-V, --version')
    .option('--estate <file>', 'estate file (CDBs, links, approvers); default $ORB_ESTATE, ./orb.estate.json, else the lab demo estate')
    .showHelpAfterError('(run with --help for usage)')
    .addHelpText('after', EXIT_CODES_HELP)
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });

  // ---- dev ----------------------------------------------------------------------------
  program
    .command('dev')
    .description('run a local Temporal dev server, the lab and a worker in the foreground (Ctrl-C stops all; state is kept)')
    .option('--port <port>', 'Temporal frontend gRPC port', intOption('--port', 1, 65535), 7233)
    .option('--ui-port <port>', 'Temporal Web UI port', intOption('--ui-port', 1, 65535), 8233)
    .option('--ip <ip>', 'address the server, the UI and the lab bind to', '127.0.0.1')
    .option('--state-dir <dir>', 'where temporal.db, temporal.log and lab-state.json live', '.orb')
    .option('--lab-port <port>', 'lab HTTP port', intOption('--lab-port', 1, 65535), 7480)
    .option('--ssh-port <port>', "lab SSH port (srvctl on the lab's RAC nodes; 0 = any free port, see GET <lab>/ssh)", intOption('--ssh-port', 0, 65535), 0)
    .addOption(new Option('--seed <name>', 'lab seed used when the lab has no state yet').choices(['demo', 'test']).default('demo'))
    .option('--speed <factor>', 'lab clock: simulated seconds per real second', numberOption('--speed', 0.01, 10000))
    .option('--fleet-pdbs <n>', 'a fleet of n more PDBs FL0001.. on FLEET1..FLEET3 (links to CDB2) when the seed is built', intOption('--fleet-pdbs', 0, 5000), 0)
    .option('--no-lab', 'do not start the lab (real databases only)')
    .option('--no-worker', 'do not run a worker here: run `orb worker` separately (e.g. to kill and restart it)')
    .option('--metrics <host:port>', "serve the worker's Prometheus metrics at http://<host:port>/metrics (default: off)", metricsOption)
    .addOption(new Option('--ready-file <file>', 'write a JSON file once everything is up (for scripts)').hideHelp())
    .addHelpText(
      'after',
      '\nCtrl-C, SIGTERM and SIGHUP (closing the terminal) stop the worker, the lab and the Temporal server.\n' +
        'The server runs under a small guard process that stops it as soon as orb dev is gone, even after\n' +
        'kill -9. orb dev records the server in <state-dir>/temporal-server.json; if an earlier orb dev left\n' +
        'its server running there, the next orb dev stops it (and says so) and starts a new one on the same\n' +
        'database: workflows and the lab\'s estate are kept. Anything else listening on the ports is refused\n' +
        '(exit 4), and so is a second orb dev on a state directory another running orb dev uses.',
    )
    .action(async (o: { port: number; uiPort: number; ip: string; stateDir: string; labPort: number; sshPort: number; seed: string; speed?: number; lab: boolean; worker: boolean; metrics?: string; readyFile?: string; fleetPdbs: number }) => {
      const { estate, isDefault } = estateOf();
      const s = settings();
      if (o.port === o.uiPort || (o.lab && (o.labPort === o.port || o.labPort === o.uiPort))) {
        throw new InputError('--port/--ui-port/--lab-port', `must be three different ports (got ${o.port}, ${o.uiPort}, ${o.labPort})`);
      }
      if (o.lab && [o.port, o.uiPort, o.labPort].includes(o.sshPort)) {
        throw new InputError('--ssh-port', `must differ from --port, --ui-port and --lab-port (got ${o.sshPort})`);
      }
      devMetricsCheck(o);
      const { runDev } = await import('./dev');
      setExit(
        await runDev({
          ip: o.ip,
          port: o.port,
          uiPort: o.uiPort,
          stateDir: o.stateDir,
          lab: o.lab,
          worker: o.worker,
          metrics: o.metrics,
          labPort: o.labPort,
          sshPort: o.sshPort,
          seed: o.seed,
          speed: o.speed,
          fleetPdbs: o.fleetPdbs,
          namespace: s.namespace,
          taskQueue: defaultTaskQueue(),
          estate,
          estateIsDefault: isDefault,
          readyFile: o.readyFile,
          out: io.out,
        }),
      );
    });

  // ---- worker -------------------------------------------------------------------------
  program
    .command('worker')
    .description('run a worker for orb\'s workflows and activities (Ctrl-C stops it gracefully)')
    .option('--task-queue <name>', 'task queue (default $ORB_TASK_QUEUE or orb)')
    .option('--metrics <host:port>', "serve Prometheus metrics (the SDK's, orb's) at http://<host:port>/metrics (default: off)", metricsOption)
    .action(async (o: { taskQueue?: string; metrics?: string }) => {
      const { estate } = estateOf();
      const s = settings();
      const { runWorker } = await import('../worker/worker');
      const metrics = o.metrics ? { metrics: o.metrics } : {};
      await runWorker({ estate, settings: s, taskQueue: o.taskQueue ?? defaultTaskQueue(), ...metrics });
    });

  // ---- lab ----------------------------------------------------------------------------
  program
    .command('lab')
    .description('serve the lab (a simulated Oracle estate) in the foreground')
    .option('--host <ip>', 'address to bind', '127.0.0.1')
    .option('--port <port>', 'HTTP port', intOption('--port', 1, 65535), 7480)
    .option('--state-file <file>', 'where the lab keeps its estate', '.orb/lab-state.json')
    .addOption(new Option('--seed <name>', 'seed estate when the state file is new (or with --reset)').choices(['demo', 'test']).default('demo'))
    .option('--speed <factor>', 'simulated seconds per real second', numberOption('--speed', 0.01, 10000))
    .option('--reset', 'discard the state file and start from the seed', false)
    .option('--fleet-pdbs <n>', 'a fleet of n more PDBs FL0001.. on FLEET1..FLEET3 (links to CDB2) when the seed is built (see --reset)', intOption('--fleet-pdbs', 0, 5000), 0)
    .option('--ssh-port <port>', "SSH port (srvctl on the lab's RAC nodes; 0 = any free port, see GET <lab>/ssh)", intOption('--ssh-port', 0, 65535), 0)
    .action(async (o: { host: string; port: number; stateFile: string; seed: string; speed?: number; reset: boolean; sshPort: number; fleetPdbs: number }) => {
      const { runLab } = await import('./dev');
      setExit(await runLab(o, io.out));
    });

  // ---- start relocate-pdb ------------------------------------------------------------
  const start = program.command('start');
  relocateOptions(start
    .command('relocate-pdb')
    .description('relocate a PDB to another CDB (CREATE PLUGGABLE DATABASE ... RELOCATE), with approval gates'))
    .option('--wait', 'wait for the run to end, printing progress (stages, gates, each new attempt of a step being retried)', false)
    .option('--json', 'print JSON', false)
    .addHelpText(
      'after',
      '\nThe workflow id is relocate-pdb:<SOURCE>:<PDB>: one relocation of a PDB from a CDB runs at a time\n' +
        '(a second start exits 4), and none into a target while another run moves a PDB of the same name\n' +
        'into it (exits 4 too). Secrets never enter the workflow input: the worker reads them.',
    )
    .action(async (o: RelocateOptions & { wait: boolean; json: boolean }) => {
      const { estate } = estateOf();
      const input = buildRelocateInput(o, estate); // every rule checked before Temporal is contacted
      const s = settings();
      const tq = defaultTaskQueue();
      await withClient(async (client) => {
        const started = await startRelocation(client, s, input, tq);
        const ui = workflowUiUrl(s.namespace, started.workflowId);
        const polling = await hasWorkerPolling(client, s, tq).catch(() => true);
        if (o.json && !o.wait) {
          json({ workflowId: started.workflowId, runId: started.runId, namespace: s.namespace, taskQueue: tq, uiUrl: ui, input });
          return;
        }
        if (!o.json) printStarted(io, started.workflowId, ui, input, polling, tq);
        if (!o.wait) return;
        const follow = runFollower(io.out);
        const final = await waitForRun(client, s, started.workflowId, (r) => (o.json ? undefined : follow(r)));
        if (o.json) json({ workflowId: started.workflowId, runId: started.runId, namespace: s.namespace, uiUrl: ui, input, final });
        else io.out(`\n${renderRun(final, s)}`);
        setExit(runExitCode(final));
      }, s);
    });

  // ---- plan relocate-pdb ---------------------------------------------------------------
  const plan = program.command('plan');
  relocateOptions(plan
    .command('relocate-pdb')
    .description('preflight read-only, then every statement, gate and undo step a relocation with these options would run'))
    .option('--json', 'print JSON', false)
    .addHelpText(
      'after',
      '\nTakes the same options as `orb start relocate-pdb`. A worker runs preflight (read-only: it has the\n' +
        'credentials) and builds the plan from the same code that issues the statements at run time.\n' +
        'Exit codes: 0 the run would proceed, 1 preflight fails (the run would stop there, changing nothing),\n' +
        '2 bad input (nothing contacted), 3 no server, no worker, or the worker could not read the estate.',
    )
    .action(async (o: RelocateOptions & { json: boolean }) => {
      const { estate } = estateOf();
      const input = buildRelocateInput(o, estate);
      const s = settings();
      const tq = defaultTaskQueue();
      const result = await withClient(async (client) => {
        if (!(await hasWorkerPolling(client, s, tq).catch(() => true))) {
          throw new CliError(`no worker is polling task queue ${tq}: a plan runs preflight on a worker (start orb worker, or orb dev)`, EXIT.UNREACHABLE);
        }
        return planRelocation(client, s, input, tq);
      }, s);
      if (o.json) json({ input, plan: result });
      else io.out(renderPlan(result));
      setExit(result.wouldRun ? EXIT.OK : EXIT.RUNBOOK_FAILED);
    });

  addAdbCommands(start, plan, { estateOf, settings, withClient, out: io.out, setExit, renderRun });
  addRacCommands(start, plan, { estateOf, settings, withClient, out: io.out, setExit, renderRun });
  addFleetCommands(start, plan, { estateOf, settings, withClient, out: io.out, setExit, renderRun });
  addClientReadinessCommand(start, { estateOf, settings, withClient, out: io.out, setExit, renderRun });
  addReportCommand(program, { withClient, workflowIdArg, out: io.out });
  addCheckCommands(program, { estateOf, settings, withClient, out: io.out, setExit });

  // ---- status -------------------------------------------------------------------------
  program
    .command('status')
    .description('show a run: stages, progress, a step being retried (attempt, next attempt, last error), the open gate and who may approve it, approvals, compensation')
    .argument('<workflow-id>', 'e.g. relocate-pdb:CDB1:SALES (see orb list)')
    .option('--json', 'print JSON', false)
    .action(async (id: string, o: { json: boolean }) => {
      const workflowId = workflowIdArg(id);
      const r = await withClient((client, s) => getRunStatus(client, s, workflowId));
      if (o.json) json(r);
      else io.out(renderRun(r, settings()));
      setExit(runExitCode(r));
    });

  // ---- list ---------------------------------------------------------------------------
  program
    .command('list')
    .description('list orb runs (newest first) with their stage (and a step being retried) and whether they wait for approval')
    .option('--running', 'only running ones', false)
    .option('--limit <n>', 'at most this many', intOption('--limit', 1, 1000), 50)
    .option('--json', 'print JSON', false)
    .action(async (o: { running: boolean; limit: number; json: boolean }) => {
      const runs = await withClient((client, s) => listRuns(client, s, { limit: o.limit, all: !o.running }));
      if (o.json) return json(runs);
      if (!runs.length) return io.out(o.running ? 'no orb run is running' : 'no orb runs yet (start one with orb start relocate-pdb, or orb demo)');
      io.out(
        table(
          ['WORKFLOW ID', 'WHAT', 'STATUS', 'STAGE', 'AWAITING APPROVAL', 'STARTED (UTC)', 'CLOSED (UTC)'],
          runs.map((r) => [
            r.workflowId,
            r.pdb ? `${r.pdb}: ${r.sourceCdb ?? '?'} → ${r.targetCdb ?? '?'}` : r.database ? `${r.runbook ?? '?'} ${r.database}` : '-',
            r.executionStatus,
            [r.stage ?? '-', retryingSummary(r.retrying)].filter(Boolean).join(', '),
            r.awaitingApproval === null ? '-' : r.awaitingApproval ? 'yes' : 'no',
            r.startTime.slice(0, 19).replace('T', ' '),
            r.closeTime ? r.closeTime.slice(0, 19).replace('T', ' ') : '-',
          ]),
          '',
        ),
      );
    });

  // ---- approve / reject ----------------------------------------------------------------
  for (const decision of ['approve', 'reject'] as const) {
    const cmd = program
      .command(decision)
      .description(DECISION_HELP[decision].description)
      .argument('<workflow-id>', 'e.g. relocate-pdb:CDB1:SALES or switchover-adb:SALESATP')
      .requiredOption('--gate <name>', 'the gate (orb status shows the open one)')
      .option('--by <name>', 'who decides, as recorded in the run (default $ORB_USER or the OS user)')
      .option('--comment <text>', 'why (recorded in the run; at most 2000 characters, no control characters)');
    if (decision === 'approve') {
      const choice = 'at a gate that offers choices (orb status shows them), e.g. retry, skip, switch-back; default the first';
      cmd.option('--choice <choice>', choice);
    } else {
      cmd.addOption(new Option('--choice <choice>').hideHelp());
    }
    cmd
      .option('--json', 'print JSON', false)
      .addHelpText('after', DECISION_HELP[decision].after)
      .action(async (id: string, o: { gate: string; by?: string; comment?: string; choice?: string; json: boolean }) => {
        const workflowId = workflowIdArg(id);
        if (decision === 'reject' && o.choice !== undefined) throw new InputError('--choice', REJECT_NO_CHOICE);
        const by = o.by ?? userName('--by (default $ORB_USER or the OS user)', defaultStartedBy());
        const payload = decisionPayload({ ...o, by });
        const { gate } = payload;
        const res = await withClient((client, s) => sendDecision(client, s, workflowId, decision, payload));
        if (o.json) json({ workflowId, decision, gate, by, ...res });
        else if (res.record?.refusedBecause) io.err(`orb: ${decision} of gate "${gate}" by ${by} was REFUSED by the run: ${res.record.refusedBecause}`);
        else if (res.record) io.out(`${decision === 'approve' ? 'approved' : 'rejected'}: gate "${gate}" of ${workflowId} by ${by}`);
        else io.out(`${decision} signal sent to ${workflowId} (gate "${gate}", by ${by}); ${res.note ?? ''}`);
        if (res.record?.refusedBecause) setExit(EXIT.BAD_INPUT);
      });
  }

  // ---- cancel -------------------------------------------------------------------------
  program
    .command('cancel')
    .description(CANCEL_DESCRIPTION)
    .argument('<workflow-id>', 'e.g. relocate-pdb:CDB1:SALES or switchover-adb:SALESATP')
    .option('--wait', 'wait for the run to end; exit 0 only if it ended cancelled or compensated (see below), 1 otherwise', false)
    .option('--json', 'print JSON', false)
    .addHelpText('after', CANCEL_HELP)
    .action(async (id: string, o: { wait: boolean; json: boolean }) => {
      const workflowId = workflowIdArg(id);
      await withClient(async (client, s) => {
        const plan = await cancelRun(client, s, workflowId);
        if (!o.wait) {
          if (o.json) json({ workflowId, cancelRequested: true, effect: plan.effect, stage: plan.stage, message: plan.message });
          else io.out(plan.message);
          return;
        }
        if (!o.json) io.out(`${plan.message}\nwaiting for the run to end...`);
        const final = await waitForRun(client, s, workflowId, () => undefined);
        const outcome = cancelOutcome(final);
        if (o.json) json({ workflowId, cancelRequested: true, effect: plan.effect, stage: plan.stage, cancelled: outcome.cancelled, message: outcome.message, final });
        else {
          io.out(renderRun(final, s));
          (outcome.exitCode === EXIT.OK ? io.out : io.err)(`${outcome.exitCode === EXIT.OK ? '' : 'orb: '}${outcome.message}`);
        }
        setExit(outcome.exitCode);
      });
    });

  // ---- demo ---------------------------------------------------------------------------
  program
    .command('demo')
    .description('relocate a PDB on the lab end to end: start, approve as a second user, show the result (needs orb dev)')
    .option('--pdb <name>', 'PDB to relocate', 'SALES')
    .option('--from <cdb>', 'source CDB (default: where the PDB is open now)')
    .option('--to <cdb>', 'target CDB (default: the other CDB with a link to the source)')
    .option('--availability <mode>', 'normal|max', 'normal')
    .option('--drain-timeout <duration>', 'drain timeout (sessions left are then disconnected)', '20s')
    .option('--as <name>', 'who starts the run', process.env.ORB_USER ?? 'alice')
    .option('--approver <name>', 'who approves the gates (default bob, or another approver)')
    .option('--json', 'print JSON at the end instead of tables', false)
    .action(async (o: { pdb: string; from?: string; to?: string; availability: string; drainTimeout: string; as: string; approver?: string; json: boolean }) => {
      const { estate } = estateOf();
      const s = settings();
      const { runDemo } = await import('./demo');
      let conn: { close(): Promise<void> } | null = null;
      try {
        setExit(
          await runDemo(
            { pdb: o.pdb, from: o.from, to: o.to, availability: o.availability, drainTimeout: o.drainTimeout, initiator: o.as, approver: o.approver, json: o.json },
            estate,
            async () => {
              const c = await connectClient(s);
              conn = c.connection;
              return { client: c.client, settings: s };
            },
            defaultTaskQueue(),
            io.out,
          ),
        );
      } finally {
        await (conn as { close(): Promise<void> } | null)?.close().catch(() => undefined);
      }
    });

  program.addCommand(eventsCommand({ estateOf, settings, taskQueue: defaultTaskQueue, out: io.out }).copyInheritedSettings(program));

  // The runbooks each command offers, as registered above: the one-line help never falls behind.
  const names = (c: Command) => c.commands.map((x) => x.name()).join(', ');
  start.description(`start a runbook: ${names(start)} (see orb start <runbook> --help)`);
  plan.description(`show what a runbook would do, without changing anything: ${names(plan)} (see orb plan <runbook> --help)`);
  return program;
}

function printStarted(io: Io, workflowId: string, ui: string, input: RelocatePdbInput, polling: boolean, tq: string): void {
  const id = shellArg(workflowId);
  io.out(`started ${workflowId}`);
  io.out(`  ${relocateSummary(input)} over ${input.dbLink}, started by ${input.startedBy}`);
  io.out(`  web UI:  ${ui}`);
  io.out(`  status:  orb status ${id}`);
  const gates: [string, RelocatePdbInput['gates']['cutover']][] = [
    ['copy', input.gates.beforeCopy],
    ['cutover', input.gates.cutover],
    ...(input.upgrade ? ([['upgrade', input.gates.operator]] as [string, RelocatePdbInput['gates']['cutover']][]) : []),
    ['drop-tombstone', input.gates.dropTombstone],
  ];
  for (const [name, g] of gates) {
    if (!g) continue;
    const who = g.approvers.filter((a) => g.allowInitiator || a !== input.startedBy);
    io.out(
      `  gate ${name}: ${g.requiredApprovals} approval(s) from ${who.join(', ')}${g.timeoutMs !== null ? `; times out after ${formatDuration(g.timeoutMs)} (${g.onTimeout})` : ''}`,
    );
    io.out(`    orb approve ${id} --gate ${name} --by <name>`);
    io.out(`    orb reject  ${id} --gate ${name} --by <name> --comment "why"`);
  }
  io.out(`  cancel:  orb cancel ${id}`);
  if (!polling) io.out(`  warning: no worker is polling task queue ${tq}: the run waits until one starts (orb worker, or orb dev)`);
}

export function renderRun(r: RunStatus, s: TemporalSettings): string {
  const ui = workflowUiUrl(s.namespace, r.workflowId);
  if (r.status) {
    const note = r.note ?? (r.source === 'query' ? undefined : `read from the workflow's ${r.source === 'result' ? 'result' : 'failure'} in history`);
    return renderStatus(r.status, { workflowId: r.workflowId, executionStatus: r.executionStatus, uiUrl: ui, note, retrying: r.retrying, working: r.working });
  }
  return [
    `${r.workflowId}`,
    `  workflow: ${r.executionStatus}   stage: ${r.stage ?? '-'}   awaiting approval: ${r.awaitingApproval === null ? '-' : r.awaitingApproval ? 'yes' : 'no'}`,
    `  started ${r.startTime}${r.closeTime ? `, closed ${r.closeTime}` : ''}`,
    ...renderRetrying(r.retrying),
    `  web UI: ${ui}`,
    ...(r.failure ? [`  failure: ${r.failure}`] : []),
    ...(r.note ? [`  note: ${r.note}`] : []),
  ].join('\n');
}

/** Runs the CLI; resolves to the exit code. */
export async function main(argv: string[] = process.argv, io: Io = { out: (l) => process.stdout.write(`${l}\n`), err: (l) => process.stderr.write(`${l}\n`) }): Promise<number> {
  let code: number = EXIT.OK;
  const program = buildProgram(io, (c) => (code = c));
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander already printed its message (or the help / version).
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return EXIT.OK;
      if (err.code === 'commander.help') return err.exitCode === 0 ? EXIT.OK : EXIT.BAD_INPUT;
      return EXIT.BAD_INPUT;
    }
    if (err instanceof InputError) {
      io.err(`orb: ${err.message}`);
      return EXIT.BAD_INPUT;
    }
    if (err instanceof CliError) {
      io.err(`orb: ${err.message}`);
      return err.exitCode;
    }
    io.err(`orb: ${errorMessage(err)}`);
    if (process.env.ORB_DEBUG && err instanceof Error && err.stack) io.err(err.stack);
    return EXIT.RUNBOOK_FAILED;
  }
}

/**
 * Resolves once everything written to `stream` so far has reached the OS (or the stream has
 * failed, e.g. EPIPE when the reader went away). A pipe takes 64 KiB at a time: the rest waits
 * in the stream, and exiting before it is written would cut the output there.
 */
export function flushed(stream: NodeJS.WritableStream & { destroyed?: boolean; writable?: boolean }): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writable === false) return resolve();
    stream.write('', () => resolve());
  });
}

/** `orb` itself (bin/orb): runs the CLI, lets stdout and stderr drain, exits with the CLI's code. */
export async function runAndExit(argv: string[] = process.argv): Promise<never> {
  // A reader that goes away early (orb list --json | head) is not an error of orb's.
  for (const s of [process.stdout, process.stderr]) s.on('error', () => undefined);
  const code = await main(argv);
  await Promise.all([flushed(process.stdout), flushed(process.stderr)]);
  process.exit(code);
}

if (require.main === module) void runAndExit();
