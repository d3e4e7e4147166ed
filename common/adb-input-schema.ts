/**
 * The inputs of switchover-adb, failover-adb and propagate-wallet: one schema each, used by the
 * CLI on the input it built (naming the option) and by the workflow on whatever it was started
 * with (naming the field). Pure (zod only): safe in workflow code.
 */
import { z } from 'zod';
import type { FailoverAdbInput, PropagateWalletInput, SwitchoverAdbInput } from './adb-types';
import { oracleIdentifierSchema, userNameSchema } from './identifiers';
import { gatePolicySchema, reachableGates } from './relocate-input-schema';
import { problemLines, type FieldName } from './validation';
import { kindOf } from './untrusted-text';
import { undecodableProblem } from './undecodable-payload';

export const CONCURRENCY_MAX = 32;
export const CONSUMERS_MAX = 200;
export const MAX_LAG_MAX_S = 86_400;

const consumerNameSchema = z
  .string({ error: 'must be a consumer name (a string)' })
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, 'must be a consumer name: a letter, then letters, digits, "_" or "-", at most 40 characters');

const base = {
  database: oracleIdentifierSchema(),
  consumers: z.array(consumerNameSchema).min(1, 'must name at least one consumer (or leave it out for all)').max(CONSUMERS_MAX).optional(),
  concurrency: z
    .number({ error: `must be a whole number from 1 to ${CONCURRENCY_MAX}` })
    .int(`must be a whole number from 1 to ${CONCURRENCY_MAX}`)
    .min(1, `must be a whole number from 1 to ${CONCURRENCY_MAX}`)
    .max(CONCURRENCY_MAX, `must be a whole number from 1 to ${CONCURRENCY_MAX}`),
  startedBy: userNameSchema,
};

const roleChangeSchema = z
  .strictObject(
    {
      ...base,
      to: z.enum(['local', 'remote'], { error: 'must be "local" or "remote"' }),
      maxLagSeconds: z
        .number({ error: 'must be a number of seconds' })
        .min(0, 'must be >= 0')
        .max(MAX_LAG_MAX_S, `must be at most ${MAX_LAG_MAX_S}`),
      gates: z.strictObject({ roleChange: gatePolicySchema, consumer: gatePolicySchema }),
    },
    { error: (i) => (i.code === 'invalid_type' && !i.path?.length ? `must be an input object, not ${kindOf(i.input)}` : undefined) },
  )
  .superRefine((i, ctx) => reachableGates(i.gates, i.startedBy, ctx));

/** A failover is unplanned and may lose data: its gate needs at least this many people, never the initiator. */
export const FAILOVER_MIN_APPROVALS = 2;

/** The failover's four eyes, kept by the workflow whoever started it (the CLI refuses the same earlier, naming its options). */
const failoverSchema = roleChangeSchema.superRefine((i, ctx) => {
  const g = i.gates.roleChange;
  if (g.requiredApprovals < FAILOVER_MIN_APPROVALS) {
    ctx.addIssue({ code: 'custom', path: ['gates', 'roleChange', 'requiredApprovals'], message: `must be at least ${FAILOVER_MIN_APPROVALS} for a failover (it may lose data)` });
  }
  if (g.allowInitiator) {
    ctx.addIssue({ code: 'custom', path: ['gates', 'roleChange', 'allowInitiator'], message: 'must be false for a failover: someone other than the initiator approves it' });
  }
});

const triggerSchema = z.discriminatedUnion(
  'kind',
  [
    z.strictObject({ kind: z.literal('manual') }),
    z.strictObject({ kind: z.literal('role-change'), workflowId: z.string().min(1).max(300) }),
    z.strictObject({
      kind: z.literal('event'),
      eventId: z.string().min(1).max(128).regex(/^[A-Za-z0-9._:-]+$/, 'must be an event id (letters, digits, . _ : -)'),
      eventType: z.string().min(1).max(200).regex(/^[A-Za-z0-9._-]+$/, 'must be an event type'),
      eventTime: z.string().max(64).regex(/^\d{4}-\d\d-\d\dT[0-9:.]+(Z|[+-]\d\d:\d\d)$/, 'must be an ISO 8601 time'),
    }),
  ],
  { error: 'must be {"kind": "manual"}, {"kind": "role-change", ...} or {"kind": "event", ...}' },
);

const propagateSchema = z
  .strictObject(
    {
      ...base,
      trigger: triggerSchema,
      gates: z.strictObject({ consumer: gatePolicySchema }),
      refreshAll: z.boolean({ error: 'must be true or false' }).optional(),
    },
    { error: (i) => (i.code === 'invalid_type' && !i.path?.length ? `must be an input object, not ${kindOf(i.input)}` : undefined) },
  )
  .superRefine((i, ctx) => reachableGates(i.gates, i.startedBy, ctx));

export type Parsed<T> = { ok: true; input: T } | { ok: false; problems: string[] };

function parseWith<T>(schema: z.ZodType, raw: unknown, name?: FieldName): Parsed<T> {
  const undecodable = undecodableProblem(raw);
  if (undecodable) return { ok: false, problems: [`(input): ${undecodable}`] };
  const r = schema.safeParse(raw);
  return r.success ? { ok: true, input: r.data as T } : { ok: false, problems: problemLines(r.error, name) };
}

export const parseSwitchoverInput = (raw: unknown, name?: FieldName) => parseWith<SwitchoverAdbInput>(roleChangeSchema, raw, name);
export const parseFailoverInput = (raw: unknown, name?: FieldName) => parseWith<FailoverAdbInput>(failoverSchema, raw, name);
export const parsePropagateInput = (raw: unknown, name?: FieldName) => parseWith<PropagateWalletInput>(propagateSchema, raw, name);

/** The database a run is about (search attribute OrbDatabase), only if it keeps its rule. */
export function adbIdentity(raw: unknown): { database?: string } {
  const o = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const r = Object.prototype.hasOwnProperty.call(o, 'database') ? oracleIdentifierSchema().safeParse(o.database) : null;
  return r?.success ? { database: r.data } : {};
}

export type _RoleChangeMatches = z.infer<typeof roleChangeSchema> extends SwitchoverAdbInput ? true : never;
export type _PropagateMatches = z.infer<typeof propagateSchema> extends PropagateWalletInput ? true : never;
