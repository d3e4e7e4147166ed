/**
 * Turns `orb start relocate-pdb` options into a RelocatePdbInput, validating every
 * field before any workflow starts. Every refusal is an InputError naming the option
 * and the rule it breaks. The input holds names and policies only: no credential ever
 * enters it (the estate's secret references stay on the worker side).
 */
import os from 'node:os';
import type { EstateConfig } from '../common/estate-config';
import { requireCdb } from '../common/estate-config';
import { parseDuration } from '../common/duration';
import { dbLinkName, pdbName, userName } from '../common/identifiers';
import { InputError } from '../common/input-error';
import { DRAIN_TIMEOUT_MAX_MS, GATE_TIMEOUT_MAX_MS, relocatePdbInputSchema, requiredApprovalsSchema } from '../common/relocate-input-schema';
import type { GatePolicy, OnDrainTimeout, RelocatePdbInput } from '../common/runbook-types';
import { checked, firstRule } from '../common/validation';

export { DRAIN_TIMEOUT_MAX_MS, GATE_TIMEOUT_MAX_MS, userName };

/** Options as commander hands them over (strings, booleans, repeated lists). */
export interface RelocateOptions {
  pdb?: unknown;
  from?: unknown;
  to?: unknown;
  availability?: unknown;
  drainTimeout?: unknown;
  onDrainTimeout?: unknown;
  dbLink?: unknown;
  /** --gate-before-copy (off by default) */
  gateBeforeCopy?: boolean;
  /** --no-cutover-gate sets this to false (on by default) */
  cutoverGate?: boolean;
  /** --approvers, repeatable and comma-separated: names and group:<name> */
  approvers?: unknown;
  requiredApprovals?: unknown;
  gateTimeout?: unknown;
  onGateTimeout?: unknown;
  allowSelfApproval?: boolean;
  /** --upgrade: into a higher major release (open UPGRADE, gate, reopen) */
  upgrade?: boolean;
  /** --keep-tombstone-gate: AVAILABILITY MAX only */
  keepTombstoneGate?: boolean;
  startedBy?: unknown;
}

export const DRAIN_TIMEOUT_DEFAULT = '5m';
export const DEFAULT_APPROVER_GROUP = 'dbas';

export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined || value === null) return fallback;
  const v = typeof value === 'string' ? value.trim().toLowerCase() : value;
  const hit = allowed.find((a) => a === v);
  if (!hit) throw new InputError(field, `${JSON.stringify(value)} is not allowed: use one of ${allowed.join(', ')}`);
  return hit;
}

export function durationWithin(field: string, value: unknown, maxMs: number, maxText: string): number {
  const ms = parseDuration(field, value);
  if (ms <= 0) throw new InputError(field, `must be greater than zero (got ${JSON.stringify(value)})`);
  if (ms > maxMs) throw new InputError(field, `must be at most ${maxText} (got ${JSON.stringify(value)})`);
  return ms;
}

export function listOf(value: unknown): string[] {
  const items = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return items.flatMap((v) => String(v).split(',')).map((s) => s.trim()).filter((s) => s.length > 0);
}

export function describeGroups(groups: Record<string, string[]>): string {
  const names = Object.keys(groups);
  if (!names.length) return 'the estate defines no approver groups (add approvers.groups to the estate file)';
  return `the estate defines ${names.map((g) => `group:${g} (${groups[g]!.join(', ') || 'no members'})`).join(', ')}`;
}

/**
 * Resolves names and group:<name> entries to a de-duplicated list of user names. Who may
 * approve comes from configuration: a group must be one of the estate's approver groups,
 * and a name must belong to at least one of them. Anything else is refused.
 */
export function resolveApprovers(field: string, value: unknown, estate: EstateConfig): string[] {
  const groups = estate.approvers.groups;
  const members = new Set(Object.values(groups).flat().map((m) => m.trim()));
  const out: string[] = [];
  for (const entry of listOf(value)) {
    if (entry.toLowerCase().startsWith('group:')) {
      const name = entry.slice('group:'.length);
      const groupMembers = groups[name];
      if (!groupMembers) {
        throw new InputError(field, `unknown approver group ${JSON.stringify(name)}: ${describeGroups(groups)}`);
      }
      if (groupMembers.length === 0) throw new InputError(field, `approver group ${JSON.stringify(name)} has no members`);
      for (const m of groupMembers) out.push(userName(`${field} (group:${name})`, m));
    } else {
      const name = userName(field, entry);
      if (!members.has(name)) {
        throw new InputError(
          field,
          `${JSON.stringify(name)} is not in any approver group of the estate: approvers come from configuration, so name group:<name> or a member of one; ${describeGroups(groups)}`,
        );
      }
      out.push(name);
    }
  }
  return [...new Set(out)];
}

export function approvalCount(field: string, value: unknown): number {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  return checked(field, requiredApprovalsSchema, /^\d{1,6}$/.test(text) ? Number(text) : text);
}

const INPUT_OPTIONS: Record<string, string> = {
  pdb: '--pdb',
  sourceCdb: '--from',
  targetCdb: '--to',
  dbLink: '--db-link',
  availability: '--availability',
  startedBy: '--started-by',
};
const GATE_OPTIONS: Record<string, string> = {
  approvers: '--approvers',
  requiredApprovals: '--required-approvals',
  timeoutMs: '--gate-timeout',
  onTimeout: '--on-gate-timeout',
  allowInitiator: '--allow-self-approval',
};

/** The option an input field comes from, for the workflow's own checks run on what the CLI built. */
function optionOf(path: readonly PropertyKey[]): string {
  const [top, sub, leaf] = path.map(String);
  if (top === 'drain') return sub === 'onTimeout' ? '--on-drain-timeout' : '--drain-timeout';
  if (top === 'gates') {
    return GATE_OPTIONS[leaf ?? ''] ?? '--approvers';
  }
  return INPUT_OPTIONS[top ?? ''] ?? 'input';
}

/**
 * The built input through the very schema the workflow checks its input with: what orb starts,
 * the workflow accepts. A refusal names the option the field came from.
 */
function asWorkflowWillSee(input: RelocatePdbInput): RelocatePdbInput {
  const r = relocatePdbInputSchema.safeParse(input);
  if (!r.success) throw new InputError(optionOf(r.error.issues[0]!.path), firstRule(r.error));
  return r.data;
}

export function defaultStartedBy(env: NodeJS.ProcessEnv = process.env): string {
  if (env.ORB_USER) return env.ORB_USER;
  try {
    return os.userInfo().username;
  } catch {
    return env.USER ?? env.USERNAME ?? 'unknown';
  }
}

/** The gate options every runbook with approval gates takes (--approvers, --required-approvals, ...). */
export interface GateOptions {
  approvers?: unknown;
  requiredApprovals?: unknown;
  gateTimeout?: unknown;
  onGateTimeout?: unknown;
  allowSelfApproval?: boolean;
}

/**
 * The run's gate policy from its options, and the operator's (the same people, never timing out: nobody deciding
 * must not stop or undo anything by itself). Every run has an operator gate, so every run needs approvers, by
 * default from the estate's group "dbas".
 */
export function gatePoliciesOf(opts: GateOptions, estate: EstateConfig, startedBy: string): { policy: GatePolicy; operator: GatePolicy } {
  // Every run has an operator gate (drain timeout 'ask', recovery after a failure past the
  // open), so every run needs approvers, from the estate's approver groups.
  let approvers: string[];
  if (opts.approvers !== undefined && listOf(opts.approvers).length > 0) {
    approvers = resolveApprovers('--approvers', opts.approvers, estate);
  } else if (estate.approvers.groups[DEFAULT_APPROVER_GROUP]?.length) {
    approvers = resolveApprovers('--approvers (default group:dbas)', `group:${DEFAULT_APPROVER_GROUP}`, estate);
  } else {
    throw new InputError(
      '--approvers',
      `is required: the estate has no "${DEFAULT_APPROVER_GROUP}" approver group to default to (name group:<name> or members of the estate's approver groups; ${describeGroups(estate.approvers.groups)})`,
    );
  }

  const allowInitiator = opts.allowSelfApproval === true;
  const requiredApprovals = opts.requiredApprovals === undefined ? 1 : approvalCount('--required-approvals', opts.requiredApprovals);
  const eligible = approvers.filter((a) => allowInitiator || a !== startedBy);
  if (eligible.length < requiredApprovals) {
    throw new InputError(
      '--required-approvals',
      `${requiredApprovals} approval(s) needed but only ${eligible.length} approver(s) can give one (${eligible.join(', ') || 'none'})` +
        (allowInitiator || !approvers.includes(startedBy) ? '' : `; ${startedBy} started the run and may not self-approve without --allow-self-approval`),
    );
  }

  let timeoutMs: number | null = null;
  if (opts.gateTimeout !== undefined) timeoutMs = durationWithin('--gate-timeout', opts.gateTimeout, GATE_TIMEOUT_MAX_MS, '30d');
  const onTimeout = oneOf<'reject' | 'wait'>('--on-gate-timeout', opts.onGateTimeout, ['reject', 'wait'], 'reject');
  if (opts.onGateTimeout !== undefined && timeoutMs === null) {
    throw new InputError('--on-gate-timeout', 'needs --gate-timeout (without a timeout, gates wait until someone decides)');
  }

  const policy: GatePolicy = { approvers, requiredApprovals, timeoutMs, onTimeout, allowInitiator };
  // The operator gate decides when the run cannot go on by itself (drain timed out with
  // 'ask', a failure after the PDB was opened). The same people decide it as the cutover,
  // under the same self-approval rule and count; it never times out (nobody deciding must
  // not stop or undo anything by itself).
  const operator: GatePolicy = { approvers: [...approvers], requiredApprovals, timeoutMs: null, onTimeout: 'wait', allowInitiator };

  return { policy, operator };
}

export function buildRelocateInput(opts: RelocateOptions, estate: EstateConfig, env: NodeJS.ProcessEnv = process.env): RelocatePdbInput {
  if (opts.pdb === undefined) throw new InputError('--pdb', 'is required (the PDB to relocate)');
  if (opts.from === undefined) throw new InputError('--from', 'is required (the CDB the PDB is in now)');
  if (opts.to === undefined) throw new InputError('--to', 'is required (the CDB to relocate the PDB to)');
  const pdb = pdbName('--pdb', opts.pdb);
  const sourceCdb = requireCdb(estate, '--from', opts.from);
  const targetCdb = requireCdb(estate, '--to', opts.to);
  if (sourceCdb === targetCdb) throw new InputError('--to', `must differ from --from (both are ${sourceCdb}): a PDB cannot be relocated into the CDB it is in`);

  const availability = oneOf('--availability', opts.availability, ['normal', 'max'] as const, 'normal').toUpperCase() as 'NORMAL' | 'MAX';

  const drainTimeoutMs = durationWithin('--drain-timeout', opts.drainTimeout ?? DRAIN_TIMEOUT_DEFAULT, DRAIN_TIMEOUT_MAX_MS, '24h');
  const onDrainTimeout = oneOf<OnDrainTimeout>('--on-drain-timeout', opts.onDrainTimeout, ['disconnect', 'ask', 'abort'], 'ask');

  let dbLink: string;
  if (opts.dbLink !== undefined) {
    dbLink = dbLinkName('--db-link', opts.dbLink);
  } else {
    const configured = estate.cdbs[targetCdb]!.dbLinks[sourceCdb];
    if (!configured) {
      throw new InputError(
        '--db-link',
        `is required: the estate names no database link in ${targetCdb} to ${sourceCdb} (set cdbs.${targetCdb}.dbLinks.${sourceCdb} in the estate file, or pass --db-link)`,
      );
    }
    dbLink = dbLinkName(`estate cdbs.${targetCdb}.dbLinks.${sourceCdb}`, configured);
  }

  const startedBy = userName('--started-by', opts.startedBy ?? defaultStartedBy(env));

  // Gates.
  const beforeCopy = opts.gateBeforeCopy === true;
  const cutover = opts.cutoverGate !== false;
  if (opts.keepTombstoneGate === true && availability !== 'MAX') {
    throw new InputError('--keep-tombstone-gate', 'applies only to --availability max (NORMAL relocation leaves no tombstone)');
  }
  const dropTombstone = opts.keepTombstoneGate === true;

  const { policy, operator } = gatePoliciesOf(opts, estate, startedBy);

  return asWorkflowWillSee({
    pdb,
    sourceCdb,
    targetCdb,
    dbLink,
    availability,
    ...(opts.upgrade === true ? { upgrade: true } : {}),
    drain: {
      timeoutMs: drainTimeoutMs,
      onTimeout: onDrainTimeout,
      pollMs: Math.min(5000, Math.max(500, Math.floor(drainTimeoutMs / 10))),
    },
    gates: {
      beforeCopy: beforeCopy ? { ...policy } : null,
      cutover: cutover ? { ...policy } : null,
      dropTombstone: dropTombstone ? { ...policy } : null,
      operator,
    },
    startedBy,
  });
}
