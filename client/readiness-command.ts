/**
 * `orb check readiness --cdb X [--pdb P] [--service S] [--profile ac|tac|taf] [--json]`: a worker
 * reads the services (read-only) and the checkReadiness workflow judges them; this prints, per
 * service, ready or not, the findings, and the srvctl or DBMS_SERVICE call that would fix it.
 */
import { randomUUID } from 'node:crypto';
import { Option, type Command } from 'commander';
import { WorkflowFailedError, type Client } from '@temporalio/client';
import { requireCdb, type EstateConfig } from '../common/estate-config';
import { InputError } from '../common/input-error';
import {
  DEFAULT_PROFILE,
  parseReadinessInput,
  PROFILES,
  type ReadinessCheckInput,
  type ReadinessReport,
} from '../common/readiness';
import { taskQueue as defaultTaskQueue, type TemporalSettings } from './connection';
import { CliError, EXIT, NotFoundError } from './errors';
import { renderReadiness } from './render-readiness';
import { hasWorkerPolling, mapTemporalError } from './runbooks';

export const CHECK_READINESS_WORKFLOW_TYPE = 'checkReadiness';

export interface CheckCommandContext {
  estateOf(): { estate: EstateConfig };
  settings(): TemporalSettings;
  withClient<T>(fn: (client: Client, s: TemporalSettings) => Promise<T>, s?: TemporalSettings): Promise<T>;
  out(line: string): void;
  setExit(code: number): void;
}

interface ReadinessOptions {
  cdb: string;
  pdb?: string;
  service?: string;
  profile: string;
  json: boolean;
}

const AFTER_HELP = [
  '',
  'Profiles: ac (Application Continuity: failover type TRANSACTION, commit_outcome, failover_restore',
  'LEVEL1), tac (Transparent Application Continuity: AUTO, commit_outcome, failover_restore AUTO), taf',
  '(SELECT or SESSION, method BASIC). Every profile also needs FAN (-notification TRUE), a drain timeout',
  'and a stop option that ends what is left after it; the PDB\'s default service is never drainable.',
  'Sessions: how many connected sessions carry failover settings (GV$SESSION); ACCHK: the protected',
  'share of calls where DBMS_APP_CONT_ADMIN.ACCHK_SET(TRUE) collected statistics (19.11+).',
  'Nothing is changed: the fixes are printed (srvctl modify service on a CDB the estate marks',
  '"clusterware": true, else DBMS_SERVICE.MODIFY_SERVICE with bound values), each with its undo.',
  'Exit codes: 0 every service is ready, 1 some service is not, 2 bad input, 3 no server, no worker or',
  'the CDB could not be read, 4 no such PDB or service.',
].join('\n');

/** The input, checked by the schema the workflow uses, naming the option a problem comes from. */
export function buildReadinessInput(o: ReadinessOptions, estate: EstateConfig): ReadinessCheckInput {
  const cdb = requireCdb(estate, '--cdb', o.cdb);
  const raw = {
    cdb,
    profile: o.profile,
    ...(o.pdb !== undefined ? { pdb: o.pdb } : {}),
    ...(o.service !== undefined ? { service: o.service } : {}),
  };
  const parsed = parseReadinessInput(raw, (path) => `--${String(path[0] ?? 'cdb')}`);
  if (!parsed.ok) {
    const [first] = parsed.problems;
    const at = first!.indexOf(': ');
    throw new InputError(first!.slice(0, at), first!.slice(at + 2));
  }
  return parsed.input;
}

function failureOf(err: WorkflowFailedError): { type?: string; message: string } {
  let e = err.cause as { type?: string; message: string; cause?: unknown } | undefined;
  while (e && !e.type && e.cause) e = e.cause as typeof e;
  return { type: e?.type, message: e?.message ?? err.message };
}

async function runCheck(client: Client, s: TemporalSettings, input: ReadinessCheckInput, tq: string): Promise<ReadinessReport> {
  if (!(await hasWorkerPolling(client, s, tq).catch(() => true))) {
    const why = `no worker is polling task queue ${tq}: a readiness check reads the CDB on a worker (start orb worker, or orb dev)`;
    throw new CliError(why, EXIT.UNREACHABLE);
  }
  const what = `${input.service ?? 'the services'} in ${input.pdb ?? 'every PDB'} of ${input.cdb} (${input.profile})`;
  const workflowId = `check-readiness:${input.cdb}:${randomUUID().slice(0, 8)}`;
  try {
    return await client.workflow.execute(CHECK_READINESS_WORKFLOW_TYPE, {
      taskQueue: tq,
      workflowId,
      args: [input],
      workflowExecutionTimeout: '10m',
      staticSummary: `Readiness check of ${what}`,
    });
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      const f = failureOf(err);
      if (f.type === 'NotFound') throw new NotFoundError(f.message);
      throw new CliError(`the readiness check could not be made: ${f.message}`, EXIT.UNREACHABLE);
    }
    mapTemporalError(err, s, workflowId);
  }
}

export function addCheckCommands(program: Command, ctx: CheckCommandContext): void {
  const check = program
    .command('check')
    .description('read-only checks of the estate (see orb check <what> --help): readiness');
  check
    .command('readiness')
    .description("judge a CDB's services by Oracle's rules for AC, TAC or TAF, FAN and draining; print what would fix them")
    .requiredOption('--cdb <name>', 'the CDB, by its name in the estate')
    .option('--pdb <name>', 'only this PDB (default: every PDB of the CDB)')
    .option('--service <name>', 'only this service')
    .addOption(
      new Option('--profile <profile>', 'what the services should be ready for').choices([...PROFILES]).default(DEFAULT_PROFILE),
    )
    .option('--json', 'print JSON', false)
    .addHelpText('after', AFTER_HELP)
    .action(async (o: ReadinessOptions) => {
      const input = buildReadinessInput(o, ctx.estateOf().estate); // every rule checked before Temporal is contacted
      const s = ctx.settings();
      const report = await ctx.withClient((client) => runCheck(client, s, input, defaultTaskQueue()), s);
      ctx.out(o.json ? JSON.stringify({ input, report }, null, 2) : renderReadiness(report));
      ctx.setExit(report.ready ? EXIT.OK : EXIT.RUNBOOK_FAILED);
    });
}
