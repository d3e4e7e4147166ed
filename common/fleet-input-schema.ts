/**
 * The fleet input: one schema for `orb start fleet` (on the input it built) and the fleet workflow (on whatever
 * it was started with). Each child's input is checked by its runbook's own schema (common/fleet-runbooks.ts),
 * its problems named children.<n>.<field>. Pure (zod only): safe in workflow code.
 */
import { z } from 'zod';
import { userNameSchema } from './identifiers';
import { gatePolicySchema } from './relocate-input-schema';
import { problemLines, type FieldName, dottedPath } from './validation';
import { kindOf } from './untrusted-text';
import { undecodableProblem } from './undecodable-payload';
import { FLEET_RUNBOOKS } from './fleet-runbooks';
import {
  FLEET_CHILDREN_MAX, FLEET_CHILDREN_PER_RUN, FLEET_CONCURRENCY_MAX, FLEET_FAILURES_KEPT, FLEET_RUNBOOK_NAMES, type FleetInput,
} from './fleet-types';

/** The input travels in every continue-as-new: it stays well under Temporal's 2 MB payload limit. */
export const FLEET_INPUT_MAX_CHARS = 1_500_000;

const count = (min: number, max: number) =>
  z
    .number({ error: `must be a whole number from ${min} to ${max}` })
    .int(`must be a whole number from ${min} to ${max}`)
    .min(min, `must be a whole number from ${min} to ${max}`)
    .max(max, `must be a whole number from ${min} to ${max}`);

const text = (max: number) => z.string().max(max, `must be at most ${max} characters`);

const progressSchema = z.strictObject({
  started: count(0, FLEET_CHILDREN_MAX),
  completed: count(0, FLEET_CHILDREN_MAX),
  failed: count(0, FLEET_CHILDREN_MAX),
  compensated: count(0, FLEET_CHILDREN_MAX),
  failures: z
    .array(z.strictObject({ workflowId: text(300), target: text(300), state: z.enum(['failed', 'compensated']), reason: text(2000) }))
    .max(FLEET_FAILURES_KEPT, `must hold at most ${FLEET_FAILURES_KEPT} failures`),
  wave: count(0, FLEET_CHILDREN_MAX),
  peakRunning: count(0, FLEET_CONCURRENCY_MAX),
  runs: count(1, 1_000_000),
  stopped: text(2000).nullable(),
});

export const fleetInputSchema = z
  .strictObject(
    {
      runbook: z.enum(FLEET_RUNBOOK_NAMES, { error: `must be one of ${FLEET_RUNBOOK_NAMES.join(', ')}` }),
      children: z
        .array(z.unknown(), { error: 'must be a list of child inputs' })
        .min(1, 'must hold at least one child input')
        .max(FLEET_CHILDREN_MAX, `must hold at most ${FLEET_CHILDREN_MAX} child inputs (split a bigger fleet)`),
      concurrency: count(1, FLEET_CONCURRENCY_MAX),
      waves: z.array(count(1, FLEET_CHILDREN_MAX), { error: 'must be a list of wave sizes' }).max(FLEET_CHILDREN_MAX).nullable(),
      waveGate: gatePolicySchema.nullable(),
      stopAfterFailures: count(1, FLEET_CHILDREN_MAX),
      startedBy: userNameSchema,
      childrenPerRun: count(1, FLEET_CHILDREN_PER_RUN).optional(),
      progress: progressSchema.optional(),
    },
    { error: (i) => (i.code === 'invalid_type' && !i.path?.length ? `must be a fleet input object, not ${kindOf(i.input)}` : undefined) },
  )
  .superRefine((i, ctx) => {
    if (i.waves && i.waves.reduce((a, b) => a + b, 0) !== i.children.length) {
      ctx.addIssue({ code: 'custom', path: ['waves'], message: `must add up to the number of children (${i.children.length})` });
    }
    const g = i.waveGate;
    if (g && new Set(g.approvers.filter((a) => g.allowInitiator || a !== i.startedBy)).size < g.requiredApprovals) {
      const message = `needs ${g.requiredApprovals} distinct approvals but fewer approvers other than the initiator are named`;
      ctx.addIssue({ code: 'custom', path: ['waveGate', 'requiredApprovals'], message });
    }
    if (i.progress && i.progress.started > i.children.length) {
      const message = `must be at most the number of children (${i.children.length})`;
      ctx.addIssue({ code: 'custom', path: ['progress', 'started'], message });
    }
  });

export type ParsedFleetInput = { ok: true; input: FleetInput } | { ok: false; problems: string[] };

/** Problems listed at most; a fleet of thousands of bad children says the first few. */
const CHILD_PROBLEMS_MAX = 5;

/**
 * The fleet input with each child in its runbook's canonical form, or one line per problem: "field: rule"
 * (children.3.pdb: ...). Two children with the same workflow id (the same PDB from the same CDB) are refused.
 */
export function parseFleetInput(raw: unknown, name: FieldName = dottedPath): ParsedFleetInput {
  const undecodable = undecodableProblem(raw);
  if (undecodable) return { ok: false, problems: [`(input): ${undecodable}`] };
  const r = fleetInputSchema.safeParse(raw);
  if (!r.success) return { ok: false, problems: problemLines(r.error, name) };
  if (JSON.stringify(raw).length > FLEET_INPUT_MAX_CHARS) {
    const rule = `the input must be at most ${FLEET_INPUT_MAX_CHARS} characters as JSON (split the fleet)`;
    return { ok: false, problems: [`${name(['children'])}: ${rule}`] };
  }
  const book = FLEET_RUNBOOKS[r.data.runbook];
  const problems: string[] = [];
  const children: unknown[] = [];
  const ids = new Map<string, number>();
  r.data.children.forEach((c, n) => {
    if (problems.length >= CHILD_PROBLEMS_MAX) return;
    const p = book.parse(c, (path) => name(['children', n, ...path]));
    if (!p.ok) return void problems.push(...p.problems.slice(0, CHILD_PROBLEMS_MAX - problems.length));
    const id = book.workflowId(p.input);
    const seen = ids.get(id);
    if (seen !== undefined) {
      problems.push(`${name(['children', n])}: runs as ${id}, like children.${seen}: a target may appear once in a fleet`);
    }
    ids.set(id, n);
    children.push(p.input);
  });
  return problems.length ? { ok: false, problems } : { ok: true, input: { ...r.data, children } };
}
