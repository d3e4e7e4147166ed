/**
 * The input of the client-readiness runbook (`orb start client-readiness`): what to judge (as `orb check
 * readiness`), whether to fix it, and the gate that approves the fix. One schema for the CLI (naming its options)
 * and the workflow (naming the field), whoever started it. Pure (zod only): safe in workflow code.
 */
import { z } from 'zod';
import type { GatePolicy } from '../runbook-types';
import { cdbNameSchema, pdbNameSchema, serviceNameSchema, userNameSchema } from '../identifiers';
import { gatePolicySchema, reachableGates } from '../relocate-input-schema';
import { problemLines, type FieldName } from '../validation';
import { kindOf } from '../untrusted-text';
import { undecodableProblem } from '../undecodable-payload';
import { DEFAULT_PROFILE, PROFILES, type Profile } from './profiles';

export interface ClientReadinessInput {
  cdb: string;
  pdb?: string;
  service?: string;
  profile: Profile;
  /** Apply the fixes (after the `fix` gate); false: report only */
  fix: boolean;
  gates: { fix: GatePolicy };
  startedBy: string;
}

const schema = z
  .strictObject(
    {
      cdb: cdbNameSchema,
      pdb: pdbNameSchema.optional(),
      service: serviceNameSchema.optional(),
      profile: z.enum(PROFILES, { error: `must be one of ${PROFILES.join(', ')}` }).default(DEFAULT_PROFILE),
      fix: z.boolean({ error: 'must be true or false' }),
      gates: z.strictObject({ fix: gatePolicySchema }),
      startedBy: userNameSchema,
    },
    { error: (i) => (i.code === 'invalid_type' && !i.path?.length ? `must be a client-readiness input object, not ${kindOf(i.input)}` : undefined) },
  )
  .superRefine((i, ctx) => reachableGates(i.gates, i.startedBy, ctx));

export type ParsedClientReadiness = { ok: true; input: ClientReadinessInput } | { ok: false; problems: string[] };

export function parseClientReadinessInput(raw: unknown, name?: FieldName): ParsedClientReadiness {
  const undecodable = undecodableProblem(raw);
  if (undecodable) return { ok: false, problems: [`(input): ${undecodable}`] };
  const r = schema.safeParse(raw);
  return r.success ? { ok: true, input: r.data as ClientReadinessInput } : { ok: false, problems: problemLines(r.error, name) };
}

/** The CDB and PDB a run is about (search attributes), each only if it keeps its rule. */
export function clientReadinessIdentity(raw: unknown): { database?: string; pdb?: string } {
  const o = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const own = (k: string) => Object.prototype.hasOwnProperty.call(o, k);
  const cdb = own('cdb') ? cdbNameSchema.safeParse(o.cdb) : null;
  const pdb = own('pdb') ? pdbNameSchema.safeParse(o.pdb) : null;
  return { ...(cdb?.success ? { database: cdb.data } : {}), ...(pdb?.success ? { pdb: pdb.data } : {}) };
}

export type _ClientReadinessMatches = z.infer<typeof schema> extends ClientReadinessInput ? true : never;
