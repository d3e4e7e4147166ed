/**
 * The input of a readiness check: one schema for `orb check readiness` (naming the option) and
 * the checkReadiness workflow (naming the field), however it was started. Pure: safe in workflow code.
 */
import { z } from 'zod';
import { cdbNameSchema, pdbNameSchema, serviceNameSchema } from '../identifiers';
import { undecodableProblem } from '../undecodable-payload';
import { kindOf } from '../untrusted-text';
import { problemLines, type FieldName } from '../validation';
import { DEFAULT_PROFILE, PROFILES, type Profile } from './profiles';

export interface ReadinessCheckInput {
  /** The CDB, by its estate name */
  cdb: string;
  /** Only this PDB (default: every PDB of the CDB) */
  pdb?: string;
  /** Only this service */
  service?: string;
  /** What the services should be ready for (default tac) */
  profile: Profile;
}

export const readinessCheckInputSchema = z.strictObject(
  {
    cdb: cdbNameSchema,
    pdb: pdbNameSchema.optional(),
    service: serviceNameSchema.optional(),
    profile: z.enum(PROFILES, { error: `must be one of ${PROFILES.join(', ')}` }).default(DEFAULT_PROFILE),
  },
  {
    error: (i) =>
      i.code === 'invalid_type' && !i.path?.length ? `must be a readiness check input object, not ${kindOf(i.input)}` : undefined,
  },
);

export type ParsedReadinessInput = { ok: true; input: ReadinessCheckInput } | { ok: false; problems: string[] };

/** The input in canonical form (upper-case PDB name, the default profile), or one line per problem: "field: rule". */
export function parseReadinessInput(raw: unknown, name?: FieldName): ParsedReadinessInput {
  const undecodable = undecodableProblem(raw);
  if (undecodable) return { ok: false, problems: [`(input): ${undecodable}`] };
  const r = readinessCheckInputSchema.safeParse(raw);
  return r.success ? { ok: true, input: r.data } : { ok: false, problems: problemLines(r.error, name) };
}
