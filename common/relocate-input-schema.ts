import { z } from 'zod';
import type { RelocatePdbInput } from './runbook-types';

/**
 * The shape of a relocate-pdb workflow input, checked again by the workflow itself: a run
 * started from the Web UI or `temporal workflow start` bypasses orb's CLI validation, and a
 * malformed input must end the run at once with a message naming the field, not loop on
 * workflow-task failures. Pure (zod only): safe in workflow code.
 */
const name = z.string().regex(/^[A-Za-z][A-Za-z0-9_$#]{0,127}$/, 'must be an Oracle identifier (a letter, then letters, digits, _ $ #)');
const gatePolicy = z
  .object({
    approvers: z.array(z.string().min(1)),
    requiredApprovals: z.number().int().min(1),
    timeoutMs: z.number().int().positive().nullable(),
    onTimeout: z.enum(['reject', 'wait']),
    allowInitiator: z.boolean(),
  })
  .strict();

export const relocatePdbInputSchema = z
  .object({
    pdb: z.string().regex(/^[A-Za-z][A-Za-z0-9_]{0,29}$/, 'must be a PDB name: a letter, then letters, digits or _, at most 30'),
    sourceCdb: name,
    targetCdb: name,
    dbLink: z.string().regex(/^[A-Za-z][A-Za-z0-9_$#]*(\.[A-Za-z][A-Za-z0-9_$#]*)*$/, 'must be a database link name').max(128),
    availability: z.enum(['NORMAL', 'MAX']),
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
    startedBy: z.string().min(1),
  })
  .strict()
  .refine((i) => i.sourceCdb.toUpperCase() !== i.targetCdb.toUpperCase(), { message: 'must differ from sourceCdb', path: ['targetCdb'] });

/** Returns null when the input is well-formed, else one line per problem: "field.path: rule". */
export function relocateInputProblems(input: unknown): string | null {
  const r = relocatePdbInputSchema.safeParse(input);
  if (r.success) return null;
  return r.error.issues.map((i) => `${i.path.join('.') || '(input)'}: ${i.message}`).join('; ');
}

// Compile-time check that the schema and the type agree.
export type _SchemaMatches = z.infer<typeof relocatePdbInputSchema> extends RelocatePdbInput ? true : never;
