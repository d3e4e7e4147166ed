/**
 * One SSH exec request against the lab (lab/ssh/ssh-server.ts → Lab.srvctl): the command line is
 * read (anything but srvctl refused, exit 127), srvctl's arguments parsed, the command run on the
 * cluster model, and its answer given once simulated time has done what the command waits for
 * (a drain, a shutdown, a startup). Mutating commands land in the oplog (op "srvctl", args
 * { command, options, line }), refused ones too; refused command lines as op "exec" under cdb SSH.
 * Faults armed on the command (lab/rac/srvctl-faults.ts) fail or hang it, before or after its work.
 */
import { advanceState } from '../advance';
import type { SimContext } from '../estate';
import type { LabFault, LabOplogEntry, LabState } from '../model';
import { clusterCdbs, dbResource, svcResource } from './cluster';
import { faultLines, takeSrvctlFault } from './srvctl-faults';
import { readCommandLine } from './srvctl/command-line';
import { prepareSrvctl, runSrvctl } from './srvctl/execute';
import type { SrvctlCommand } from './srvctl/parse';
import type { ClusterCdb } from './srvctl/run-context';
import { msg, SrvctlError } from './srvctl/srvctl-messages';
import { callMaintain, LAB_MAINTAIN_PROGRAM } from './maintain-program';

export interface SrvctlAnswer {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export type WaitEnd = 'done' | 'closed' | 'reset';

/** What the Lab lends a srvctl call. */
export interface SrvctlHooks {
  advance(): SimContext;
  state(): LabState;
  logEntry(cdb: string, op: string, args: unknown, nowMs: number): LabOplogEntry;
  save(): void;
  now(): number;
  /**
   * Resolves 'done' once pred holds (checked as simulated time advances), 'closed' when `closed` resolves first
   * (only with pred null: a hang), 'reset' on lab reset / close.
   */
  waitFor(pred: ((state: LabState) => boolean) | null, closed: Promise<void>): Promise<WaitEnd>;
}

const clip = (line: string) => (line.length > 500 ? `${line.slice(0, 500)}...` : line);
const text = (lines: string[]) => (lines.length ? `${lines.join('\n')}\n` : '');
const ok = (out: string[]): SrvctlAnswer => ({ stdout: text(out), stderr: '', exitCode: 0 });
const fail = (e: SrvctlError): SrvctlAnswer => ({ stdout: text(e.lines), stderr: '', exitCode: e.exitCode });

export function srvctlPrograms(state: LabState): string[] {
  return clusterCdbs(state).flatMap((c) => [`${c.cluster.oracleHome}/bin/srvctl`, `${c.cluster.gridHome}/bin/srvctl`]);
}

/** Every program the lab's nodes run: srvctl under each home, and the maintenance program (lab/rac/maintain-program.ts). */
function programs(state: LabState): string[] {
  return [...srvctlPrograms(state), LAB_MAINTAIN_PROGRAM];
}

/** An SSH request the lab refuses (a command line that is not srvctl, a shell, a pty, env...): recorded in the oplog. */
export function recordRefusal(h: SrvctlHooks, op: string, args: unknown, reason: string): void {
  const e = h.logEntry('SSH', op, args, h.advance().nowMs);
  e.outcome = 'error';
  e.error = { code: 'LAB-403', message: `LAB-403: refused: ${reason}` };
  h.save();
}

function objectsOf(c: SrvctlCommand): string[] {
  const o = c.options;
  const names = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]) : typeof v === 'string' ? [v] : []);
  return ['service', 'instance', 'oldinst', 'newinst', 'node'].flatMap((k) => names(o[k]));
}

/** The resource and node a fault's error lines name. */
function faultTarget(cdb: ClusterCdb, c: SrvctlCommand): { res: string; node: string } {
  const names = objectsOf(c);
  const inst = cdb.cluster.instances.find((i) => names.includes(i.name)) ?? cdb.cluster.instances[0]!;
  const svc = c.noun === 'service' ? names.find((n) => !cdb.cluster.instances.some((i) => i.name === n)) : undefined;
  return { res: svc ? svcResource(cdb.cluster, svc) : dbResource(cdb.cluster), node: inst.node };
}

type EntryError = SrvctlError | { code: string; message: string };

function finish(h: SrvctlHooks, entry: LabOplogEntry | null, error: EntryError | null, fault?: LabFault): void {
  if (entry) {
    entry.outcome = error ? 'error' : 'ok';
    if (error) entry.error = error instanceof SrvctlError ? { code: error.code, message: error.message } : error;
    if (fault) entry.faultId = fault.id;
    entry.endedAt = new Date(h.now()).toISOString();
  }
  h.save();
}

async function hang(h: SrvctlHooks, entry: LabOplogEntry | null, fault: LabFault, closed: Promise<void>): Promise<SrvctlAnswer> {
  const end = await h.waitFor(null, closed);
  const until = end === 'reset' ? 'lab was reset' : 'client closed the channel';
  const message = `LAB-408: srvctl hung (injected fault #${fault.id}) until the ${until}`;
  finish(h, entry, { code: 'LAB-408', message }, fault);
  return { stdout: '', stderr: '', exitCode: 1 };
}

function faultError(cdb: ClusterCdb, c: SrvctlCommand, fault: LabFault): SrvctlError {
  const { res, node } = faultTarget(cdb, c);
  return new SrvctlError(faultLines(fault, c.verb, res, node));
}

export async function callSrvctl(h: SrvctlHooks, line: string, meta: { user: string; closed: Promise<void> }): Promise<SrvctlAnswer> {
  const ctx = h.advance();
  const cl = readCommandLine(line, programs(h.state()));
  if (!cl.ok) {
    recordRefusal(h, 'exec', { command: clip(line), user: meta.user }, cl.reason);
    return { stdout: '', stderr: cl.stderr, exitCode: cl.exitCode };
  }
  if (cl.program === LAB_MAINTAIN_PROGRAM) return callMaintain(h, cl.args, line, meta.closed);
  const prep = prepareSrvctl(h.state(), cl.args);
  if (prep.kind === 'answer') return ok(prep.out);
  if (prep.kind === 'refused') {
    if (prep.mutating) finish(h, h.logEntry(prep.db ?? 'SRVCTL', 'srvctl', { command: prep.key, line: clip(line) }, ctx.nowMs), prep.error);
    return fail(prep.error);
  }
  const { command, cdb } = prep;
  const args = { command: command.key, options: command.options, line: clip(line) };
  const entry = command.spec.mutating && cdb ? h.logEntry(cdb.name, 'srvctl', args, ctx.nowMs) : null;
  const fault = entry && cdb ? takeSrvctlFault(h.state(), command.key, cdb.name, objectsOf(command)) : null;
  try {
    if (fault && fault.when === 'before') {
      if (fault.hang) return await hang(h, entry, fault, meta.closed);
      throw faultError(cdb!, command, fault);
    }
    const outcome = runSrvctl(ctx, command, cdb);
    advanceState(ctx);
    h.save();
    const never = new Promise<void>(() => undefined);
    if (outcome.until && (await h.waitFor(outcome.until, never)) === 'reset') throw new SrvctlError(msg.crsDown());
    if (fault && fault.when === 'after') {
      if (fault.hang) return await hang(h, entry, fault, meta.closed);
      throw faultError(cdb!, command, fault);
    }
    finish(h, entry, null, fault ?? undefined);
    return ok(outcome.out);
  } catch (e) {
    if (!(e instanceof SrvctlError)) throw e;
    finish(h, entry, e, fault ?? undefined);
    return fail(e);
  }
}
