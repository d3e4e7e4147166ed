/**
 * Turns `orb start switchover-adb | failover-adb | propagate-wallet` options (and `orb events`'
 * events) into the runbooks' inputs, validating every field before anything starts; each refusal
 * names the option and its rule. The input holds names and policies only, never a secret.
 */
import type { EstateConfig } from '../common/estate-config';
import { requireAdb } from '../common/estate-config';
import { userName } from '../common/identifiers';
import { InputError } from '../common/input-error';
import type { GatePolicy } from '../common/runbook-types';
import type { PropagateWalletInput, PropagationTrigger, RoleChangeInput, RoleChangeKind, StandbyChoice } from '../common/adb-types';
import { CONCURRENCY_MAX, MAX_LAG_MAX_S, parseFailoverInput, parsePropagateInput, parseSwitchoverInput } from '../common/adb-input-schema';
import {
  approvalCount, DEFAULT_APPROVER_GROUP, defaultStartedBy, describeGroups, durationWithin, GATE_TIMEOUT_MAX_MS, listOf, oneOf, resolveApprovers,
} from './relocate-input';

export interface AdbOptions {
  database?: unknown;
  consumers?: unknown;
  concurrency?: unknown;
  to?: unknown;
  maxLag?: unknown;
  approvers?: unknown;
  requiredApprovals?: unknown;
  gateTimeout?: unknown;
  onGateTimeout?: unknown;
  allowSelfApproval?: boolean;
  startedBy?: unknown;
}

export const CONCURRENCY_DEFAULT = 4;
/** A failover is unplanned and may lose data: its gate needs at least this many people, never the initiator. */
export const FAILOVER_MIN_APPROVALS = 2;

function wholeNumber(field: string, value: unknown, min: number, max: number, fallback: number): number {
  if (value === undefined) return fallback;
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const n = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
  if (!(n >= min && n <= max)) throw new InputError(field, `must be a whole number from ${min} to ${max} (got ${JSON.stringify(value)})`);
  return n;
}

function approversOf(opts: AdbOptions, estate: EstateConfig): string[] {
  if (opts.approvers !== undefined && listOf(opts.approvers).length > 0) return resolveApprovers('--approvers', opts.approvers, estate);
  if (estate.approvers.groups[DEFAULT_APPROVER_GROUP]?.length) {
    return resolveApprovers('--approvers (default group:dbas)', `group:${DEFAULT_APPROVER_GROUP}`, estate);
  }
  throw new InputError('--approvers', `is required: the estate has no "${DEFAULT_APPROVER_GROUP}" approver group to default to (${describeGroups(estate.approvers.groups)})`);
}

/** The gate before the role change (and, with 1 approval and no timeout, the consumers' gates). */
function gatePolicies(opts: AdbOptions, estate: EstateConfig, startedBy: string, kind: RoleChangeKind | null): { roleChange: GatePolicy; consumer: GatePolicy } {
  const approvers = approversOf(opts, estate);
  const failover = kind === 'failover';
  if (failover && opts.allowSelfApproval) throw new InputError('--allow-self-approval', 'is refused for a failover: someone other than the initiator must approve it');
  const allowInitiator = opts.allowSelfApproval === true;
  const fallback = failover ? FAILOVER_MIN_APPROVALS : 1;
  const requiredApprovals = opts.requiredApprovals === undefined ? fallback : approvalCount('--required-approvals', opts.requiredApprovals);
  if (failover && requiredApprovals < FAILOVER_MIN_APPROVALS) {
    throw new InputError('--required-approvals', `must be at least ${FAILOVER_MIN_APPROVALS} for a failover (it may lose data; got ${requiredApprovals})`);
  }
  const eligible = approvers.filter((a) => allowInitiator || a !== startedBy);
  if (eligible.length < requiredApprovals) {
    throw new InputError('--required-approvals', `${requiredApprovals} approval(s) needed but only ${eligible.length} approver(s) other than ${startedBy} can give one (${eligible.join(', ') || 'none'})`);
  }
  let timeoutMs: number | null = null;
  if (opts.gateTimeout !== undefined) timeoutMs = durationWithin('--gate-timeout', opts.gateTimeout, GATE_TIMEOUT_MAX_MS, '30d');
  const onTimeout = oneOf<'reject' | 'wait'>('--on-gate-timeout', opts.onGateTimeout, ['reject', 'wait'], 'reject');
  if (opts.onGateTimeout !== undefined && timeoutMs === null) throw new InputError('--on-gate-timeout', 'needs --gate-timeout');
  return {
    roleChange: { approvers, requiredApprovals, timeoutMs, onTimeout, allowInitiator },
    // A consumer's gate never times out: nobody deciding must not skip or switch back by itself.
    consumer: { approvers: [...approvers], requiredApprovals: 1, timeoutMs: null, onTimeout: 'wait', allowInitiator },
  };
}

function common(opts: AdbOptions, estate: EstateConfig, env: NodeJS.ProcessEnv) {
  if (opts.database === undefined) throw new InputError('--database', `is required (an Autonomous Database of the estate: ${Object.keys(estate.autonomousDatabases).join(', ') || 'none'})`);
  const database = requireAdb(estate, '--database', opts.database);
  const names = opts.consumers === undefined ? [] : listOf(opts.consumers);
  const known = Object.keys(estate.autonomousDatabases[database]!.consumers);
  for (const n of names) if (!known.includes(n)) throw new InputError('--consumers', `${database} has no consumer ${JSON.stringify(n)} (it has: ${known.join(', ') || 'none'})`);
  const concurrency = wholeNumber('--concurrency', opts.concurrency, 1, CONCURRENCY_MAX, CONCURRENCY_DEFAULT);
  const startedBy = userName('--started-by', opts.startedBy ?? defaultStartedBy(env));
  return { database, concurrency, startedBy, ...(names.length ? { consumers: [...new Set(names)] } : {}) };
}

function checkedBy<T>(parse: (raw: unknown) => { ok: true; input: T } | { ok: false; problems: string[] }, input: unknown): T {
  const r = parse(input);
  if (!r.ok) throw new InputError('input', r.problems.join('; '));
  return r.input;
}

export function buildRoleChangeInput(kind: RoleChangeKind, opts: AdbOptions, estate: EstateConfig, env: NodeJS.ProcessEnv = process.env): RoleChangeInput {
  const base = common(opts, estate, env);
  const to = oneOf<StandbyChoice>('--to', opts.to, ['remote', 'local'], 'remote');
  const lagDefault = kind === 'failover' ? 300 : 60;
  const maxLagSeconds = wholeNumber('--max-lag', opts.maxLag, 0, MAX_LAG_MAX_S, lagDefault);
  const input = { ...base, to, maxLagSeconds, gates: gatePolicies(opts, estate, base.startedBy, kind) };
  return checkedBy(kind === 'switchover' ? parseSwitchoverInput : parseFailoverInput, input);
}

export function buildPropagateInput(opts: AdbOptions, estate: EstateConfig, trigger: PropagationTrigger = { kind: 'manual' }, env: NodeJS.ProcessEnv = process.env): PropagateWalletInput {
  const base = common(opts, estate, env);
  const { consumer } = gatePolicies(opts, estate, base.startedBy, null);
  return checkedBy(parsePropagateInput, { ...base, trigger, gates: { consumer } });
}
