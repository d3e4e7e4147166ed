/**
 * `orb plan switchover-adb | failover-adb | propagate-wallet`: the same read-only preflight the
 * runbook runs (workflows/shared/adb-stages.ts readEstate), and from it the OCI call the role
 * change would send (common/role-change-call.ts, the builder the run uses), the gates, and each
 * consumer with the steps orb would take on it. Changes nothing.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { ConsumerPlan, PairFacts, RoleChangeCallFacts, RoleChangeKind } from '../common/adb-types';
import type { CheckResult, GatePolicy } from '../common/runbook-types';
import { parseFailoverInput, parsePropagateInput, parseSwitchoverInput } from '../common/adb-input-schema';
import { readEstate } from './shared/adb-stages';
import { databaseLockId } from './fence-lock';

export interface AdbPlan {
  runbook: 'switchover-adb' | 'failover-adb' | 'propagate-wallet';
  database: string;
  /** The fence the run holds until it ends (workflows/fence-lock.ts) */
  fence: string;
  /** propagate-wallet without refreshAll: consumers that already work with the primary are left alone */
  leaveCurrent: boolean;
  wouldRun: boolean;
  checks: CheckResult[];
  pair: PairFacts | null;
  /** The role change's OCI call (null for propagate-wallet, or when preflight fails) */
  call: RoleChangeCallFacts | null;
  gates: { name: string; policy: GatePolicy; when: string }[];
  consumers: ConsumerPlan[];
  concurrency: number;
}

export async function planAdbRunbook(runbook: AdbPlan['runbook'], raw: unknown): Promise<AdbPlan> {
  const parse = runbook === 'switchover-adb' ? parseSwitchoverInput : runbook === 'failover-adb' ? parseFailoverInput : parsePropagateInput;
  const parsed = parse(raw);
  if (!parsed.ok) throw ApplicationFailure.nonRetryable(`invalid ${runbook} input, nothing was planned: ${parsed.problems.join('; ')}`, 'InvalidInput');
  const input = parsed.input;
  const kind: RoleChangeKind | null = runbook === 'switchover-adb' ? 'switchover' : runbook === 'failover-adb' ? 'failover' : null;
  const roleChange = kind && 'to' in input ? { kind, to: input.to, maxLagSeconds: input.maxLagSeconds } : undefined;
  const r = await readEstate({ database: input.database, only: input.consumers, concurrency: input.concurrency, gates: { ...input.gates }, ...(roleChange ? { roleChange } : {}) });
  const gates: AdbPlan['gates'] = [];
  if ('roleChange' in input.gates) gates.push({ name: kind!, policy: input.gates.roleChange, when: `before the ${kind}` });
  const choices = kind === 'switchover' ? 'retry, skip or switch-back' : 'retry or skip';
  gates.push({ name: 'consumer-<name>', policy: input.gates.consumer, when: `only when a consumer fails after its retries (restored first): ${choices}` });
  return {
    runbook,
    database: input.database,
    fence: databaseLockId(input.database),
    leaveCurrent: runbook === 'propagate-wallet' && !('refreshAll' in input && input.refreshAll),
    wouldRun: !r.checks.some((c) => c.outcome === 'fail'),
    checks: r.checks,
    pair: r.pair,
    call: r.call,
    gates,
    consumers: r.consumers,
    concurrency: input.concurrency,
  };
}
