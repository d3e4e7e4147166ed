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
import { CONCURRENCY_MAX, FAILOVER_MIN_APPROVALS, MAX_LAG_MAX_S, parseFailoverInput, parsePropagateInput, parseSwitchoverInput } from '../common/adb-input-schema';
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
  /** propagate-wallet: update every consumer, even those that already work with the primary */
  refreshAll?: boolean;
}

export const CONCURRENCY_DEFAULT = 4;
export { FAILOVER_MIN_APPROVALS };

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

/** What the gate options govern, per runbook (adb-commands.ts says the same in each option's help). */
const NO_CONSUMER_TIMEOUT = "propagate-wallet's only gates are its consumer gates, which never time out " +
  '(a timeout would skip a consumer nobody decided on); leave it out';

function gateTimeout(opts: AdbOptions): Pick<GatePolicy, 'timeoutMs' | 'onTimeout'> {
  let timeoutMs: number | null = null;
  if (opts.gateTimeout !== undefined) timeoutMs = durationWithin('--gate-timeout', opts.gateTimeout, GATE_TIMEOUT_MAX_MS, '30d');
  const onTimeout = oneOf<'reject' | 'wait'>('--on-gate-timeout', opts.onGateTimeout, ['reject', 'wait'], 'reject');
  if (opts.onGateTimeout !== undefined && timeoutMs === null) throw new InputError('--on-gate-timeout', 'needs --gate-timeout');
  return { timeoutMs, onTimeout };
}

function requiredApprovalsOf(opts: AdbOptions, failover: boolean): number {
  const fallback = failover ? FAILOVER_MIN_APPROVALS : 1;
  const n = opts.requiredApprovals === undefined ? fallback : approvalCount('--required-approvals', opts.requiredApprovals);
  if (failover && n < FAILOVER_MIN_APPROVALS) {
    const rule = `must be at least ${FAILOVER_MIN_APPROVALS} for a failover (it may lose data; got ${n})`;
    throw new InputError('--required-approvals', rule);
  }
  return n;
}

function reachable(approvers: string[], n: number, startedBy: string, allowInitiator: boolean): void {
  const eligible = approvers.filter((a) => allowInitiator || a !== startedBy);
  if (eligible.length < n) {
    const who = eligible.join(', ') || 'none';
    const rule = `${n} approval(s) needed but only ${eligible.length} approver(s) other than ${startedBy} can give one (${who})`;
    throw new InputError('--required-approvals', rule);
  }
}

/**
 * A role change's gates: --approvers and --allow-self-approval govern every gate; --required-approvals,
 * --gate-timeout and --on-gate-timeout the role change gate only. A consumer gate needs one approval and
 * never times out: nobody deciding must not skip or switch back by itself.
 */
function roleChangeGates(
  opts: AdbOptions, estate: EstateConfig, startedBy: string, kind: RoleChangeKind,
): { roleChange: GatePolicy; consumer: GatePolicy } {
  const failover = kind === 'failover';
  if (failover && opts.allowSelfApproval) {
    throw new InputError('--allow-self-approval', 'is refused for a failover: someone other than the initiator must approve it');
  }
  const approvers = approversOf(opts, estate);
  const allowInitiator = opts.allowSelfApproval === true;
  const requiredApprovals = requiredApprovalsOf(opts, failover);
  reachable(approvers, requiredApprovals, startedBy, allowInitiator);
  return {
    roleChange: { approvers, requiredApprovals, ...gateTimeout(opts), allowInitiator },
    consumer: { approvers: [...approvers], requiredApprovals: 1, timeoutMs: null, onTimeout: 'wait', allowInitiator },
  };
}

/** propagate-wallet's gates, the consumer gates: every gate option but the timeout governs them. */
function consumerGate(opts: AdbOptions, estate: EstateConfig, startedBy: string): GatePolicy {
  if (opts.gateTimeout !== undefined) throw new InputError('--gate-timeout', `is not taken: ${NO_CONSUMER_TIMEOUT}`);
  if (opts.onGateTimeout !== undefined) throw new InputError('--on-gate-timeout', `is not taken: ${NO_CONSUMER_TIMEOUT}`);
  const approvers = approversOf(opts, estate);
  const allowInitiator = opts.allowSelfApproval === true;
  const requiredApprovals = requiredApprovalsOf(opts, false);
  reachable(approvers, requiredApprovals, startedBy, allowInitiator);
  return { approvers, requiredApprovals, timeoutMs: null, onTimeout: 'wait', allowInitiator };
}

function consumersOf(opts: AdbOptions, database: string, estate: EstateConfig): string[] {
  if (opts.consumers === undefined) return [];
  const names = listOf(opts.consumers);
  const known = Object.keys(estate.autonomousDatabases[database]!.consumers);
  const theirs = `it has: ${known.join(', ') || 'none'}`;
  if (!names.length) {
    throw new InputError('--consumers', `must name at least one consumer; leave it out for all of ${database}'s (${theirs})`);
  }
  const unknown = names.find((n) => !known.includes(n));
  if (unknown !== undefined) throw new InputError('--consumers', `${database} has no consumer ${JSON.stringify(unknown)} (${theirs})`);
  return names;
}

function common(opts: AdbOptions, estate: EstateConfig, env: NodeJS.ProcessEnv) {
  if (opts.database === undefined) throw new InputError('--database', `is required (an Autonomous Database of the estate: ${Object.keys(estate.autonomousDatabases).join(', ') || 'none'})`);
  const database = requireAdb(estate, '--database', opts.database);
  const names = consumersOf(opts, database, estate);
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
  const input = { ...base, to, maxLagSeconds, gates: roleChangeGates(opts, estate, base.startedBy, kind) };
  return checkedBy(kind === 'switchover' ? parseSwitchoverInput : parseFailoverInput, input);
}

export function buildPropagateInput(opts: AdbOptions, estate: EstateConfig, trigger: PropagationTrigger = { kind: 'manual' }, env: NodeJS.ProcessEnv = process.env): PropagateWalletInput {
  const base = common(opts, estate, env);
  const consumer = consumerGate(opts, estate, base.startedBy);
  return checkedBy(parsePropagateInput, { ...base, trigger, gates: { consumer }, ...(opts.refreshAll ? { refreshAll: true } : {}) });
}
