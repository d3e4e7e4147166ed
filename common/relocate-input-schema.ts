import { z } from 'zod';
import type { RelocatePdbInput } from './runbook-types';

/**
 * The shape of a relocate-pdb workflow input, checked again by the workflow itself: a run
 * started from the Web UI or `temporal workflow start` bypasses orb's CLI validation, and a
 * malformed input must end the run at once with a message naming the field, not loop on
 * workflow-task failures. Pure (zod only): safe in workflow code.
 */
const name = z.string().regex(/^[A-Za-z][A-Za-z0-9_$#]{0,127}$/, 'must be an Oracle identifier (a letter, then letters, digits, _ $ #)');
const userName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/, 'must be a user name: letters, digits, . _ @ -, no spaces');
const gatePolicy = z
  .object({
    approvers: z.array(userName).min(1, 'must name at least one approver'),
    requiredApprovals: z.number().int().min(1),
    timeoutMs: z.number().int().positive().nullable(),
    onTimeout: z.enum(['reject', 'wait']),
    allowInitiator: z.boolean(),
  })
  .strict();

export const relocatePdbInputSchema = z
  .object({
    pdb: z.string().regex(/^[A-Z][A-Z0-9_]{0,29}$/, 'must be a PDB name in upper case (as Oracle stores it): a letter, then letters, digits or _, at most 30'),
    sourceCdb: name,
    targetCdb: name,
    dbLink: z.string().regex(/^[A-Za-z][A-Za-z0-9_$#]*(\.[A-Za-z][A-Za-z0-9_$#]*)*$/, 'must be a database link name').max(128),
    availability: z.enum(['NORMAL', 'MAX']),
    upgrade: z.boolean().optional(),
    drain: z
      .object({
        timeoutMs: z.number().int().positive().max(24 * 3600_000),
        onTimeout: z.enum(['disconnect', 'ask', 'abort']),
        pollMs: z.number().int().min(100),
      })
      .strict(),
    gates: z
      .object({
        beforeCopy: gatePolicy.nullable(),
        cutover: gatePolicy.nullable(),
        dropTombstone: gatePolicy.nullable(),
        operator: gatePolicy,
      })
      .strict(),
    startedBy: userName,
  })
  .strict()
  .refine((i) => i.sourceCdb.toUpperCase() !== i.targetCdb.toUpperCase(), { message: 'must differ from sourceCdb', path: ['targetCdb'] })
  .superRefine((i, ctx) => {
    // A gate that nobody may approve would wait forever.
    for (const [name, g] of Object.entries(i.gates)) {
      if (!g) continue;
      const eligible = g.approvers.filter((a) => g.allowInitiator || a !== i.startedBy);
      if (new Set(eligible).size < g.requiredApprovals) {
        ctx.addIssue({ code: 'custom', path: ['gates', name, 'requiredApprovals'], message: `needs ${g.requiredApprovals} distinct approvals but only ${new Set(eligible).size} approver(s) other than the initiator are named` });
      }
    }
  });

/** Returns null when the input is well-formed, else one line per problem: "field.path: rule". */
export function relocateInputProblems(input: unknown): string | null {
  const r = relocatePdbInputSchema.safeParse(input);
  if (r.success) return null;
  return r.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
}

// Compile-time check that the schema and the type agree.
export type _SchemaMatches = z.infer<typeof relocatePdbInputSchema> extends RelocatePdbInput ? true : never;
