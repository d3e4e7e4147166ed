/**
 * What a run or an activity is about, as its log lines say it (`target`): `SALES@CDB1->CDB2` for a
 * relocation, `SALES@CDB1` for a PDB in a CDB, `RACCDB` for a database or an Autonomous Database.
 * Built from names orb already validated (search attributes, activity inputs); a value that is not
 * a plain identifier is shown as `?`, so a log line never carries what a sender made up.
 */
import { defaultPayloadConverter, type Headers, type Payload } from '@temporalio/common';
export interface TargetFields {
  pdb?: unknown;
  cdb?: unknown;
  sourceCdb?: unknown;
  targetCdb?: unknown;
  database?: unknown;
}

function name(v: unknown): string | undefined {
  if (v === undefined || v === null || v === '') return undefined;
  return typeof v === 'string' && /^[A-Za-z0-9_$#.-]{1,128}$/.test(v) ? v : '?';
}

export function logTarget(f: TargetFields): string | undefined {
  const pdb = name(f.pdb);
  const source = name(f.sourceCdb);
  const target = name(f.targetCdb);
  const where = name(f.cdb) ?? name(f.database);
  if (pdb && source && target) return `${pdb}@${source}->${target}`;
  const home = source ?? where;
  if (pdb) return home ? `${pdb}@${home}` : pdb;
  return home ?? target;
}

/** A runbook's name from its workflow type (relocatePdb → relocate-pdb), as the runbooks name themselves. */
export function runbookOfWorkflowType(workflowType: string | undefined): string | undefined {
  if (!workflowType || !/^[A-Za-z][A-Za-z0-9]{0,63}$/.test(workflowType)) return undefined;
  return workflowType.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * The activity header that carries the run's runbook and target from the workflow to its
 * activities' log lines (workflows/log-interceptors.ts → worker/log-attributes.ts).
 */
export const RUN_HEADER = 'orb-run';

export interface RunLogAttributes {
  runbook?: string;
  target?: string;
}

export function runHeader(a: RunLogAttributes): Payload {
  return defaultPayloadConverter.toPayload(a);
}

/** The run's attributes from an activity's headers; nothing when absent or not what orb sends. */
export function readRunHeader(headers: Headers | undefined): RunLogAttributes {
  const p = headers?.[RUN_HEADER];
  if (!p) return {};
  try {
    const v = defaultPayloadConverter.fromPayload<RunLogAttributes>(p);
    const ok = (s: unknown) => (typeof s === 'string' && /^[A-Za-z0-9_$#.@>?-]{1,300}$/.test(s) ? s : undefined);
    const runbook = ok(v?.runbook);
    const target = ok(v?.target);
    return { ...(runbook ? { runbook } : {}), ...(target ? { target } : {}) };
  } catch {
    return {};
  }
}
