/**
 * The stages of the Autonomous Database runbooks, written once and composed by switchover-adb,
 * failover-adb and propagate-wallet: preflight, the gate before a role change, the role change
 * (request, work request, roles), and wallet propagation to every consumer.
 */
import { ApplicationFailure, CancellationScope, isCancellation, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { OrbActivities } from '../../activities';
import type {
  ConsumerKind, ConsumerPlan, ConsumerStatus, PairFacts, RoleChangeCallFacts, RoleChangeKind, StandbyChoice, WalletRef,
} from '../../common/adb-types';
import type { CheckResult, GatePolicy } from '../../common/runbook-types';
import { consumerSteps, testReachesDatabase } from '../../common/consumer-steps';
import { roleChangeMark } from '../../common/role-change-call';
import type { ApprovalGates } from './approval-gates';
import type { RunbookJournal } from './runbook-journal';
import { causeMessage, causeType } from './failure-text';
import { summarize } from './check-summary';
import { cloudSteps, consumerCheckSteps, dbSteps, settleSteps, walletHostSteps, workRequestSteps } from './activity-options';
import { consumerRows, WalletFanOut, type FanOutResult } from './wallet-fan-out';

const act = (options: ActivityOptions, summary: string) => proxyActivities<OrbActivities>({ ...options, summary });
const short = (sha: string) => `${sha.slice(0, 12)}…`;

export interface AdbPreflight {
  consumers: ConsumerPlan[];
  pair: PairFacts | null;
  call: RoleChangeCallFacts | null;
  checks: CheckResult[];
}

/** fn over items, at most `n` at a time; the promises in the items' order. */
function limited<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R>[] {
  let running: Promise<unknown>[] = [];
  return items.map((item, i) => {
    const wait = i >= n ? running[i - n]! : Promise.resolve();
    const p = wait.then(() => fn(item), () => fn(item));
    running = [...running, p];
    return p;
  });
}

/** Read-only checks of the pair and of every consumer (reachable, its configuration readable). */
export async function readEstate(a: {
  database: string;
  only?: string[];
  gates: Record<string, GatePolicy | null>;
  roleChange?: { kind: RoleChangeKind; to: StandbyChoice; maxLagSeconds: number };
  /** Consumers read at the same time (the run's concurrency: a real OIC or Vault may throttle) */
  concurrency?: number;
}): Promise<AdbPreflight> {
  const { consumers } = await act(cloudSteps, `list the consumers of ${a.database}'s wallet`).consumersOf({ database: a.database, only: a.only });
  const [approvers, roles, ...inspected] = await Promise.all([
    act(dbSteps, "check the run's approvers against the estate's approver groups").checkApprovers({ gates: a.gates }),
    a.roleChange
      ? act(cloudSteps, `preflight (read-only): ${a.database}'s Autonomous Data Guard pair`).preflightRoleChange({ database: a.database, ...a.roleChange })
      : act(cloudSteps, `read ${a.database}'s Autonomous Data Guard pair`).preflightRoleChange({ database: a.database, kind: 'switchover', to: 'remote', maxLagSeconds: 86_400 })
          .then((r) => ({ ...r, checks: r.pair.primary ? [] : r.checks.filter((c) => c.check === 'primary') })),
    ...limited(consumers, a.concurrency ?? 4, (c) =>
      act(cloudSteps, `read the configuration of consumer ${c.name} (read-only)`).inspectConsumer({ database: a.database, consumer: c.name })
        .then((r) => ({ ok: true as const, name: c.name, ...r }))
        .catch((err) => ({ ok: false as const, name: c.name, kind: c.kind, error: causeMessage(err) })),
    ),
  ]);
  const plans: ConsumerPlan[] = [];
  const checks: CheckResult[] = [approvers, ...roles.checks];
  for (const r of inspected) {
    if (!r.ok) {
      checks.push({ check: `consumer ${r.name}`, outcome: 'fail', reason: `cannot read its configuration: ${r.error}` });
      continue;
    }
    const current = r.current.startsWith(`${r.label}: `) ? r.current.slice(r.label.length + 2) : r.current;
    checks.push({ check: `consumer ${r.name}`, outcome: 'pass', reason: `${r.label}: ${current}` });
    plans.push({ name: r.name, kind: r.kind as ConsumerKind, label: r.label, current, walletSha256: r.walletSha256, steps: consumerSteps(r.kind as ConsumerKind) });
  }
  return { consumers: plans, pair: roles.pair, call: a.roleChange ? roles.call : null, checks };
}

/** The preflight stage: records the checks; a failed check ends the run before anything changed. */
export async function preflightStage(journal: RunbookJournal, a: Parameters<typeof readEstate>[0]): Promise<AdbPreflight> {
  journal.begin('preflight');
  const r = await readEstate(a).catch((err) => {
    if (isCancellation(err)) endCancelled(journal, err, 'Nothing was changed');
    journal.end('failed', causeMessage(err));
    // A database or consumer the estate does not have (only the worker's estate knows): the input is wrong.
    const invalid = causeType(err) === 'InvalidInput';
    const reason = `${invalid ? 'invalid input' : 'preflight failed'}, nothing was changed: ${causeMessage(err)}`;
    journal.finish('failed', reason);
    throw ApplicationFailure.nonRetryable(reason, invalid ? 'InvalidInput' : 'PreflightFailed', journal.status);
  });
  journal.preflight(r.checks);
  const failed = r.checks.filter((c) => c.outcome === 'fail');
  journal.end(failed.length ? 'failed' : 'succeeded', summarize(r.checks));
  if (failed.length) {
    const reason = `preflight failed, nothing was changed: ${failed.map((c) => `${c.check}: ${c.reason}`).join('; ')}`;
    journal.finish('failed', reason);
    throw ApplicationFailure.nonRetryable(reason, 'PreflightFailed', journal.status);
  }
  return r;
}

/** A gate before a change; anything but an approval ends the run with nothing changed. */
export async function approvalStage(journal: RunbookJournal, gates: ApprovalGates, name: string, question: string, policy: GatePolicy): Promise<void> {
  journal.begin(`approve-${name}`);
  const d = await gates.wait(name, question, policy).catch((err) => {
    if (isCancellation(err)) endCancelled(journal, err, 'Nothing was changed');
    journal.end('failed', causeMessage(err));
    throw err;
  });
  if (d.decision === 'approved') return journal.end('succeeded', `approved by ${d.by.join(', ')}`);
  const why = d.decision === 'rejected' ? `rejected at gate "${name}" by ${d.by}${d.comment ? `: ${d.comment}` : ''}` : `gate "${name}" timed out`;
  journal.end('failed', why);
  const reason = `${why}. Nothing was changed: there was nothing to undo`;
  journal.finish('compensated', reason);
  throw ApplicationFailure.nonRetryable(reason, 'GateRejected', journal.status);
}

/** The role change: the request (once per run and step), its work request, then the roles as OCI reports them. */
export async function roleChangeStages(
  journal: RunbookJournal,
  a: { database: string; kind: RoleChangeKind; to: StandbyChoice; call: RoleChangeCallFacts; since: string | null; step: string },
): Promise<PairFacts> {
  const where = `${a.call.operation} on ${a.call.autonomousDatabaseId} (${a.call.region})${a.call.peerDbId ? ` peerDbId ${a.call.peerDbId}` : ''}`;
  const started = await journal.stage(a.step, () => act(cloudSteps, `${a.kind}: ${where}`).changeRole(a),
    (r) => (r.workRequestId ? `work request ${r.workRequestId}` : 'already done by an earlier attempt of this run'));
  if (started.workRequestId) {
    const wr = { database: a.database, workRequestId: started.workRequestId, region: started.region };
    await journal.stage(`${a.step}-work-request`, () => act(workRequestSteps, `follow work request ${wr.workRequestId} (percentComplete in the heartbeat)`).awaitWorkRequest(wr),
      (r) => `${r.status} ${r.percentComplete}%`);
  }
  const v = await journal.stage(`${a.step}-verify-roles`, () =>
    act(settleSteps, `verify: ${a.call.newPrimaryId} is PRIMARY and AVAILABLE`).verifyRoles({ database: a.database, newPrimaryId: a.call.newPrimaryId, to: a.to }),
  (r) => r.summary);
  return v.pair;
}

export interface Propagation {
  result: FanOutResult;
  wallet: WalletRef;
  fan: WalletFanOut;
  rows: ConsumerStatus[];
}

/**
 * Which consumers need the wallet: each whose test reaches the database is tested as it is (one attempt, read-only);
 * those that pass are `current` and left alone (an event about a role change orb already handled, a local
 * switchover that kept the connection strings). Returns every consumer's row and the ones to update.
 */
export async function checkConsumersStage(
  journal: RunbookJournal,
  a: { database: string; consumers: ConsumerPlan[]; concurrency: number },
): Promise<{ rows: ConsumerStatus[]; stale: ConsumerPlan[] }> {
  const rows = consumerRows(a.consumers);
  journal.trackConsumers(rows);
  const stale = await journal.stage('check-consumers', async () => {
    const works = await Promise.all(limited(a.consumers, a.concurrency, async (c) => !testReachesDatabase(c.kind) ? false :
      act(consumerCheckSteps, `does ${c.label} already work with the current primary? (read-only)`).testConsumer({ database: a.database, consumer: c.name })
        .then((t) => {
          const row = rows.find((r) => r.name === c.name)!;
          Object.assign(row, { state: 'current', test: t.detail, walletAfter: row.walletBefore });
          return true;
        }, () => false)));
    return a.consumers.filter((_, i) => !works[i]);
  }, (s) => `${rows.length - s.length} of ${rows.length} already work with the current primary${s.length ? `; to update: ${s.map((c) => c.name).join(', ')}` : ''}`);
  return { rows, stale };
}

/** Wallet propagation: the primary's wallet, then every consumer (wallet-fan-out.ts). The wallet is forgotten at the end. */
export async function propagationStages(
  journal: RunbookJournal,
  gates: ApprovalGates,
  a: {
    database: string; consumers: ConsumerPlan[]; concurrency: number; gate: GatePolicy; canSwitchBack: boolean; expectPrimaryId?: string;
    /** The status rows, when an earlier stage made them (checkConsumersStage): `consumers` are the ones to update */
    rows?: ConsumerStatus[];
  },
  whileHeld: (p: Propagation) => Promise<void> = async () => undefined,
): Promise<Propagation> {
  const rows = a.rows ?? consumerRows(a.consumers);
  journal.trackConsumers(rows);
  const wallet = await journal.stage('generate-wallet', () =>
    act(cloudSteps, `generate the wallet of ${a.database}'s primary (generateAutonomousDatabaseWallet)`).generateWallet({ database: a.database, expectPrimaryId: a.expectPrimaryId }),
  (w) => `wallet ${short(w.zipSha256)} of ${w.dbName} (${w.adbId}, ${w.region}), resting on the worker of queue ${w.queue}`);
  const fan = new WalletFanOut(journal, gates, rows);
  try {
    const result = await journal.stage('propagate', () => fan.run({ ...a }, wallet), (r) =>
      r.outcome === 'switch-back' ? `switch back chosen by ${r.by.join(', ')}` : `${a.consumers.length - r.skipped.length} of ${a.consumers.length} consumers updated${r.skipped.length ? `; skipped: ${r.skipped.join(', ')}` : ''}`);
    const p = { result, wallet, fan, rows };
    await whileHeld(p);
    return p;
  } finally {
    await CancellationScope.nonCancellable(() =>
      act(walletHostSteps(wallet.queue), "forget this run's wallet and saved configurations on the worker").forgetWallets().catch((err) => {
        journal.note(`could not delete this run's wallet files on the worker (${causeMessage(err)}): any worker deletes them after a day`);
      }),
    );
  }
}

/**
 * Ends a run an operator cancelled (`orb cancel`, the Web UI): the stage and the run say so and what had changed;
 * the cancellation goes on, so the workflow ends CANCELLED. Nothing is undone: see `orb cancel --help`.
 */
export function endCancelled(journal: RunbookJournal, err: unknown, changed: string): never {
  if (journal.status.state === 'running' || journal.status.state === 'waiting-approval') {
    const stage = journal.status.stage;
    if (journal.status.stages.at(-1)?.outcome === 'running') journal.end('failed', 'cancelled by an operator');
    journal.finish('failed', `cancelled by an operator at stage ${stage}. ${changed}`);
  }
  throw err;
}

/** Ends a run that failed after preflight, saying what had changed; the status travels with the failure. */
export function endFailed(journal: RunbookJournal, err: unknown, changed: string): never {
  if (isCancellation(err)) endCancelled(journal, err, changed);
  if (err instanceof ApplicationFailure && journal.status.state !== 'running' && journal.status.state !== 'waiting-approval') throw err;
  const reason = `${causeMessage(err).replace(/\.\s*$/, '')}. ${changed}`;
  journal.finish('failed', reason);
  throw ApplicationFailure.nonRetryable(reason, 'RunbookFailed', journal.status);
}

/**
 * What a run whose role change is made leaves behind when its propagation fails: which consumers
 * hold the new primary's wallet, which still hold the old one, and what to run once the cause is fixed.
 */
export function afterRoleChange(journal: RunbookJournal, database: string, changed: string): string {
  const rows = journal.status.consumers ?? [];
  const holdsNew = (r: ConsumerStatus) => r.state === 'current' || r.state === 'updated' || r.state === 'tested' || r.state === 'reactivated' || (r.state === 'failed' && /^reactivate:/.test(r.error ?? ''));
  const moved = rows.filter(holdsNew).map((r) => r.name);
  const left = rows.filter((r) => !holdsNew(r)).map((r) => r.name);
  const held = moved.length ? `${moved.join(', ')} hold the new primary's wallet` : "no consumer holds the new primary's wallet yet";
  const todo = left.length ? `; ${left.join(', ')} still hold the old one: once the cause is fixed, run propagate-wallet for ${database}` : '';
  return `${changed}; ${held}${todo}`;
}

/** "3 of 4 consumers hold wallet 3f2a…; skipped: vault-wallet" */
export function propagationSummary(p: Propagation): string {
  const done = p.rows.filter((r) => r.state === 'tested' || r.state === 'reactivated').map((r) => r.name);
  const current = p.rows.filter((r) => r.state === 'current').map((r) => r.name);
  const other = p.rows.filter((r) => !['tested', 'reactivated', 'current'].includes(r.state)).map((r) => `${r.name} (${r.state})`);
  return `${done.length} of ${p.rows.length} consumers hold wallet ${short(p.wallet.zipSha256)} of ${p.wallet.adbId} and passed their test` +
    (current.length ? `; already working with the primary, left alone: ${current.join(', ')}` : '') +
    (other.length ? `; NOT updated: ${other.join(', ')}` : '');
}

/**
 * Switch back (a planned switchover whose consumers cannot take the new wallet): every consumer
 * updated so far gets back what it held, then the roles are switched back (a new request, its own
 * retry token) and verified.
 */
export async function switchBackStages(
  journal: RunbookJournal,
  a: { database: string; to: StandbyChoice; p: Propagation; oldPrimaryId: string },
): Promise<void> {
  const failed = await journal.stage('restore-consumers', () => a.p.fan.restoreAll(a.database, a.p.wallet),
    (f) => (f.length ? `could not restore: ${f.join('; ')}` : 'every consumer holds what it held before'));
  if (failed.length) throw ApplicationFailure.nonRetryable(`switch back stopped: consumers could not be restored: ${failed.join('; ')}`, 'CompensationIncomplete');
  const back = await act(cloudSteps, `read ${a.database}'s pair for the switch back`).preflightRoleChange({ database: a.database, kind: 'switchover', to: a.to, maxLagSeconds: 86_400 });
  if (!back.call || back.call.newPrimaryId !== a.oldPrimaryId) {
    throw ApplicationFailure.nonRetryable(`cannot switch back: ${back.summary}; ${back.checks.filter((c) => c.outcome === 'fail').map((c) => c.reason).join('; ')}`, 'SwitchBackImpossible');
  }
  const since = roleChangeMark(back.pair, back.call, a.to);
  await roleChangeStages(journal, { database: a.database, kind: 'switchover', to: a.to, call: back.call, since, step: 'switch-back' });
  const settled = await journal.stage('settle-consumers', () => a.p.fan.settleRestored(a.database), (r) => [
    r.unreactivated.length ? `integrations not reactivated: ${r.unreactivated.join('; ')}` : 'integrations reactivated with the restored connections',
    r.untested.length ? `failing their test against the old primary: ${r.untested.join('; ')}` : 'every restored consumer passed its test',
  ].join('; '));
  if (settled.unreactivated.length) {
    throw ApplicationFailure.nonRetryable(
      `switched back, but integrations still run with the new primary's wallet: ${settled.unreactivated.join('; ')}: reactivate them in OIC`, 'CompensationIncomplete');
  }
  if (settled.untested.length) journal.note(`after the switch back, failing their test against the old primary: ${settled.untested.join('; ')}`);
}
