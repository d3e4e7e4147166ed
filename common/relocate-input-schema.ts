/**
 * The relocate-pdb input: one schema, used by `orb start relocate-pdb` on the input it built
 * from its options (naming the option in its errors) and by the workflow on whatever input it
 * was started with (naming the field): a run started from the Web UI or `temporal workflow
 * start` gets the same checks, and a malformed input ends the run at once instead of looping on
 * workflow-task failures. The names follow the rules of identifiers.ts. Pure (zod only): safe in
 * workflow code.
 */
import { z } from 'zod';
import type { RelocatePdbInput } from './runbook-types';
import { cdbNameSchema, dbLinkNameSchema, pdbNameSchema, userNameSchema } from './identifiers';
import { problemLines, type FieldName } from './validation';
import { kindOf } from './untrusted-text';
import { undecodableProblem } from './undecodable-payload';

export const DRAIN_TIMEOUT_MAX_MS = 24 * 3_600_000;
export const GATE_TIMEOUT_MAX_MS = 30 * 24 * 3_600_000;
/** Names a gate's policy may list (the input, the status and every gate record stay small). */
export const APPROVERS_MAX = 100;
/** Distinct approvals a gate may require. */
export const REQUIRED_APPROVALS_MAX = 20;
const POLL_MAX_MS = 3_600_000;

const wholeMs = (what: string, max: number, maxText: string) =>
  z
    .number({ error: `must be ${what} in milliseconds (a number)` })
    .int(`must be a whole number of milliseconds`)
    .positive('must be greater than zero')
    .max(max, `must be at most ${maxText}`);

export const requiredApprovalsSchema = z
  .number({ error: `must be a whole number from 1 to ${REQUIRED_APPROVALS_MAX}` })
  .int(`must be a whole number from 1 to ${REQUIRED_APPROVALS_MAX}`)
  .min(1, `must be a whole number from 1 to ${REQUIRED_APPROVALS_MAX}`)
  .max(REQUIRED_APPROVALS_MAX, `must be a whole number from 1 to ${REQUIRED_APPROVALS_MAX}`);

export const approversSchema = z
  .array(userNameSchema, { error: 'must be a list of user names' })
  .min(1, 'must name at least one approver')
  .max(APPROVERS_MAX, `must name at most ${APPROVERS_MAX} approvers`);

export const gatePolicySchema = z.strictObject({
  approvers: approversSchema,
  requiredApprovals: requiredApprovalsSchema,
  timeoutMs: wholeMs('a gate timeout', GATE_TIMEOUT_MAX_MS, '30 days').nullable(),
  onTimeout: z.enum(['reject', 'wait']),
  allowInitiator: z.boolean(),
});

/** How services drain: the timeout, what to do with sessions left then, how often sessions are counted. */
export const drainSchema = z.strictObject({
  timeoutMs: wholeMs('the drain timeout', DRAIN_TIMEOUT_MAX_MS, '24h'),
  onTimeout: z.enum(['disconnect', 'ask', 'abort']),
  pollMs: z.number().int().min(100).max(POLL_MAX_MS),
});

/** A gate that nobody may approve would wait forever: each gate needs enough approvers other than the initiator. */
export function reachableGates(gates: Record<string, z.infer<typeof gatePolicySchema> | null>, startedBy: string, ctx: z.RefinementCtx): void {
  for (const [name, g] of Object.entries(gates)) {
    if (!g) continue;
    const eligible = new Set(g.approvers.filter((a) => g.allowInitiator || a !== startedBy)).size;
    if (eligible < g.requiredApprovals) {
      ctx.addIssue({
        code: 'custom',
        path: ['gates', name, 'requiredApprovals'],
        message: `needs ${g.requiredApprovals} distinct approvals but only ${eligible} approver(s) other than the initiator are named`,
      });
    }
  }
}

export const relocatePdbInputSchema = z
  .strictObject(
    {
      pdb: pdbNameSchema,
      sourceCdb: cdbNameSchema,
      targetCdb: cdbNameSchema,
      dbLink: dbLinkNameSchema,
      availability: z.enum(['NORMAL', 'MAX']),
      upgrade: z.boolean().optional(),
      drain: drainSchema,
      gates: z.strictObject({
        beforeCopy: gatePolicySchema.nullable(),
        cutover: gatePolicySchema.nullable(),
        dropTombstone: gatePolicySchema.nullable(),
        operator: gatePolicySchema,
      }),
      startedBy: userNameSchema,
    },
    { error: (i) => (i.code === 'invalid_type' && !i.path?.length ? `must be a relocate-pdb input object, not ${kindOf(i.input)}` : undefined) },
  )
  .refine((i) => i.sourceCdb.toUpperCase() !== i.targetCdb.toUpperCase(), { message: 'must differ from sourceCdb', path: ['targetCdb'] })
  .superRefine((i, ctx) => reachableGates(i.gates, i.startedBy, ctx));

export type ParsedRelocateInput = { ok: true; input: RelocatePdbInput } | { ok: false; problems: string[] };

/** The input in canonical form (upper-case PDB and link names), or one line per problem: "field: rule". */
export function parseRelocateInput(raw: unknown, name?: FieldName): ParsedRelocateInput {
  const undecodable = undecodableProblem(raw);
  if (undecodable) return { ok: false, problems: [`(input): ${undecodable}`] };
  const r = relocatePdbInputSchema.safeParse(raw);
  return r.success ? { ok: true, input: r.data } : { ok: false, problems: problemLines(r.error, name) };
}

/** The fields that identify a relocation (search attributes), each only if it keeps its own rule. */
export function relocateIdentity(raw: unknown): { pdb?: string; sourceCdb?: string; targetCdb?: string } {
  const o = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const field = <S extends z.ZodType<string>>(k: string, s: S) => {
    const r = Object.prototype.hasOwnProperty.call(o, k) ? s.safeParse(o[k]) : null;
    return r?.success ? { [k]: r.data } : {};
  };
  return { ...field('pdb', pdbNameSchema), ...field('sourceCdb', cdbNameSchema), ...field('targetCdb', cdbNameSchema) };
}

// Compile-time check that the schema and the type agree.
export type _SchemaMatches = z.infer<typeof relocatePdbInputSchema> extends RelocatePdbInput ? true : never;
