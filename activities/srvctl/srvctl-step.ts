/**
 * Runs one srvctl command the way every activity does, as activities/oci/oci-step.ts does for OCI:
 * success and "already done" are values; a transient failure becomes a retryable ApplicationFailure
 * (Temporal's retry policy backs off), a permanent one a non-retryable failure. Either way the
 * failure's type is the deciding code (PRCC-1014, CRS-2974, ECONNREFUSED, SshHostKeyChanged, ...)
 * and its message names the step, the code, what it means, what to do, and what srvctl said.
 * InputErrors pass through (the activities' error boundary ends the step on them).
 */
import { ApplicationFailure } from '@temporalio/common';
import { InputError } from '../../common/input-error';
import type { SrvctlCommand } from '../../common/srvctl/commands';
import { SrvctlOutputError } from '../../common/srvctl/output-error';
import { classifySrvctlFailure, type ClassifiedSrvctlError } from '../../common/srvctl/srvctl-errors';
import { classifySshFailure } from '../../common/srvctl/ssh-failures';
import type { SrvctlExecOptions, SrvctlExecutor, SrvctlResult } from './srvctl-executor';
import { errorCodeLabel } from '../../common/metric-labels';
import { recordCall } from '../call-metrics';

export type SrvctlOutcome =
  | { outcome: 'done'; result: SrvctlResult }
  /** srvctl said the object already was in the state asked for (code: the message that said so) */
  | { outcome: 'already-done'; code: string; result: SrvctlResult };

interface FailureContext {
  node?: string;
  commandLine?: string;
  exitCode?: number | null;
}

/** The ApplicationFailure for a classified srvctl or SSH failure. */
export function srvctlFailure(c: ClassifiedSrvctlError, what: string, ctx: FailureContext = {}): ApplicationFailure {
  const where = ctx.node ? ` on ${ctx.node}` : '';
  const said = !c.message ? '' : ctx.exitCode !== undefined ? ` srvctl said: ${c.message}` : ` (${c.message})`;
  const message = `${what}${where}: ${c.code}: ${c.explanation} ${c.action}${said}`;
  const details = { code: c.code, kind: c.kind, codes: c.codes, explanation: c.explanation, action: c.action, ...ctx };
  return ApplicationFailure.create({ message, type: c.code, nonRetryable: c.kind !== 'transient', details: [details] });
}

/**
 * Runs `cmd`: exit status 0 is 'done'; a failure srvctl explains as "already so" for this command
 * is 'already-done'; anything else throws the classified ApplicationFailure.
 */
export async function srvctlStep(
  executor: SrvctlExecutor,
  cmd: SrvctlCommand,
  what: string,
  opts?: SrvctlExecOptions,
): Promise<SrvctlOutcome> {
  // orb_srvctl_* metrics: the command kind, and ok, the "already so" code or the failure's code.
  const started = Date.now();
  let code = 'ok';
  try {
    const outcome = await runSrvctl(executor, cmd, what, opts);
    if (outcome.outcome === 'already-done') code = errorCodeLabel(outcome.code);
    return outcome;
  } catch (err) {
    const type = err instanceof ApplicationFailure ? err.type : err instanceof InputError ? 'InputError' : undefined;
    code = errorCodeLabel(type);
    throw err;
  } finally {
    recordCall('srvctl', cmd.kind, code, (Date.now() - started) / 1000);
  }
}

async function runSrvctl(
  executor: SrvctlExecutor,
  cmd: SrvctlCommand,
  what: string,
  opts?: SrvctlExecOptions,
): Promise<SrvctlOutcome> {
  let result: SrvctlResult;
  try {
    result = await executor.run(cmd, opts);
  } catch (err) {
    if (err instanceof InputError || err instanceof ApplicationFailure) throw err;
    throw srvctlFailure(classifySshFailure(err), what);
  }
  if (result.exitCode === 0) return { outcome: 'done', result };
  const c = classifySrvctlFailure(result, cmd.kind);
  if (c.kind === 'already-done') return { outcome: 'already-done', code: c.code, result };
  throw srvctlFailure(c, what, { node: result.node, commandLine: result.commandLine, exitCode: result.exitCode });
}

/**
 * Runs a reading command (status, config) and parses its output; output srvctl prints in a form
 * orb cannot read ends the step (non-retryable, type SrvctlOutput).
 */
export async function srvctlQuery<T>(
  executor: SrvctlExecutor,
  cmd: SrvctlCommand,
  what: string,
  parse: (stdout: string) => T,
  opts?: SrvctlExecOptions,
): Promise<T> {
  const { result } = await srvctlStep(executor, cmd, what, opts);
  try {
    return parse(result.stdout);
  } catch (e) {
    if (!(e instanceof SrvctlOutputError)) throw e;
    throw ApplicationFailure.create({
      message: `${what} on ${result.node}: ${e.message}`,
      type: 'SrvctlOutput',
      nonRetryable: true,
      details: [{ node: result.node, commandLine: result.commandLine }],
    });
  }
}
