/**
 * The input of the rolling-maintenance runbook, one schema for the CLI (naming its options) and the workflow
 * (naming the field), whoever started it. Pure (zod only): safe in workflow code.
 */
import { z } from 'zod';
import type { GatePolicy, OnDrainTimeout } from '../runbook-types';
import { cdbNameSchema, userNameSchema } from '../identifiers';
import { drainSchema, gatePolicySchema, reachableGates } from '../relocate-input-schema';
import { instanceNameSchema } from '../srvctl/names';
import { maintenanceNameSchema } from './maintenance-command';
import { problemLines, type FieldName } from '../validation';
import { kindOf } from '../untrusted-text';
import { undecodableProblem } from '../undecodable-payload';

export const REBALANCE_TIMEOUT_MAX_MS = 6 * 3_600_000;

export interface RollingMaintenanceInput {
  cdb: string;
  /** The instances, in the order they go; default: every instance, in srvctl's order */
  instances?: string[];
  drain: { timeoutMs: number; onTimeout: OnDrainTimeout; pollMs: number };
  /** The estate's maintenance command (cdbs.<cdb>.maintenance.<name>) run on each stopped instance's node, instead of the gate */
  maintenance?: string;
  /** How long to wait for the pools to rebalance onto an instance that came back (then note it and go on) */
  rebalanceTimeoutMs: number;
  gates: {
    /** Before the first instance leaves (null: none) */
    start: GatePolicy | null;
    /** Per instance, once it is stopped: "do the maintenance, approve when done" (unused with a maintenance command) */
    maintenance: GatePolicy;
    /** After a failure past an instance's maintenance, and on a drain timeout with policy "ask" */
    operator: GatePolicy;
  };
  startedBy: string;
}

const schema = z
  .strictObject(
    {
      cdb: cdbNameSchema,
      instances: z.array(instanceNameSchema).min(1, 'must name at least one instance (or leave it out for all)').max(64).optional(),
      drain: drainSchema,
      maintenance: maintenanceNameSchema.optional(),
      rebalanceTimeoutMs: z.number({ error: 'must be milliseconds' }).int().min(0).max(REBALANCE_TIMEOUT_MAX_MS, 'must be at most 6h'),
      gates: z.strictObject({ start: gatePolicySchema.nullable(), maintenance: gatePolicySchema, operator: gatePolicySchema }),
      startedBy: userNameSchema,
    },
    { error: (i) => (i.code === 'invalid_type' && !i.path?.length ? `must be a rolling-maintenance input object, not ${kindOf(i.input)}` : undefined) },
  )
  .refine((i) => !i.instances || new Set(i.instances.map((x) => x.toUpperCase())).size === i.instances.length, {
    message: 'must not name an instance twice', path: ['instances'],
  })
  .superRefine((i, ctx) => reachableGates(i.gates, i.startedBy, ctx));

export type ParsedRolling = { ok: true; input: RollingMaintenanceInput } | { ok: false; problems: string[] };

export function parseRollingInput(raw: unknown, name?: FieldName): ParsedRolling {
  const undecodable = undecodableProblem(raw);
  if (undecodable) return { ok: false, problems: [`(input): ${undecodable}`] };
  const r = schema.safeParse(raw);
  return r.success ? { ok: true, input: r.data as RollingMaintenanceInput } : { ok: false, problems: problemLines(r.error, name) };
}

/** The CDB a run is about (search attribute OrbDatabase), only if it keeps its rule. */
export function rollingIdentity(raw: unknown): { database?: string } {
  const o = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const r = Object.prototype.hasOwnProperty.call(o, 'cdb') ? cdbNameSchema.safeParse(o.cdb) : null;
  return r?.success ? { database: r.data } : {};
}

export type _RollingMatches = z.infer<typeof schema> extends RollingMaintenanceInput ? true : never;
