/**
 * Wallet propagation, written once for every runbook that ends with it (propagate-wallet,
 * switchover-adb, failover-adb): every consumer of the database in parallel, at most
 * `concurrency` at a time, each one
 *
 *   keep its current configuration (for undo) → update → test → (OIC) reactivate the active
 *   integrations that use the connection
 *
 * A consumer whose update or test still fails after its retries is restored to what it held and
 * the run waits at gate `consumer-<name>`: approve with choice retry (the default), skip, or —
 * when the caller allows it (a planned switchover) — switch-back; a rejection skips it. One gate
 * is open at a time; the other consumers go on meanwhile.
 */
import { isCancellation, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { OrbActivities } from '../../activities';
import type { ConsumerPlan, ConsumerStatus, SavedRef, WalletRef } from '../../common/adb-types';
import type { GatePolicy } from '../../common/runbook-types';
import type { ApprovalGates } from './approval-gates';
import type { RunbookJournal } from './runbook-journal';
import { causeMessage } from './failure-text';
import { cloudSteps, consumerTestSteps, walletHostSteps } from './activity-options';

const act = (options: ActivityOptions, summary: string) => proxyActivities<OrbActivities>({ ...options, summary });

export interface FanOut {
  database: string;
  consumers: ConsumerPlan[];
  concurrency: number;
  gate: GatePolicy;
  /** Offer "switch-back" at a consumer's gate (a planned switchover) */
  canSwitchBack: boolean;
}

export type FanOutResult =
  | { outcome: 'done'; skipped: string[] }
  | { outcome: 'switch-back'; by: string[] };

/** The status rows of the consumers, all pending. */
export function consumerRows(plans: ConsumerPlan[]): ConsumerStatus[] {
  return plans.map((p) => ({ name: p.name, kind: p.kind, label: p.label, state: 'pending', ...(p.walletSha256 ? { walletBefore: short(p.walletSha256) } : {}) }));
}

const short = (sha: string) => `${sha.slice(0, 12)}…`;

export class WalletFanOut {
  /** What each consumer held before orb changed it, by name: what a switch back restores. */
  readonly saved = new Map<string, SavedRef>();
  private switchBack: string[] | null = null;
  private gateTurn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly journal: RunbookJournal,
    private readonly gates: ApprovalGates,
    private readonly rows: ConsumerStatus[],
  ) {}

  async run(f: FanOut, wallet: WalletRef): Promise<FanOutResult> {
    const queue = [...f.consumers];
    const lane = async () => {
      while (queue.length && !this.switchBack) await this.one(f, wallet, queue.shift()!);
    };
    await Promise.all(Array.from({ length: Math.min(f.concurrency, queue.length) }, lane));
    if (this.switchBack) return { outcome: 'switch-back', by: this.switchBack };
    return { outcome: 'done', skipped: this.rows.filter((r) => r.state === 'skipped').map((r) => r.name) };
  }

  /** OIC consumers whose integrations run with the wallet a switch back took away: reactivated after it. */
  private readonly reactivateAfterSwitchBack = new Set<string>();

  /** Puts back every consumer orb changed (switch back): what each held before the run. */
  async restoreAll(database: string, wallet: WalletRef): Promise<string[]> {
    const failed: string[] = [];
    for (const row of this.rows) {
      const saved = this.saved.get(row.name);
      if (!saved || row.state === 'pending' || row.state === 'restored') continue;
      if (row.state === 'reactivated' || (row.state === 'failed' && /^reactivate:/.test(row.error ?? ''))) this.reactivateAfterSwitchBack.add(row.name);
      try {
        await act(walletHostSteps(wallet.queue), `restore ${row.label}`).restoreConsumer({ database, consumer: row.name, saved });
        this.set(row, { state: 'restored', walletAfter: row.walletBefore, test: undefined });
      } catch (err) {
        failed.push(`${row.name}: ${causeMessage(err)}`);
        this.set(row, { state: 'failed', error: `restore failed: ${causeMessage(err)}` });
      }
    }
    return failed;
  }

  /**
   * After the roles are switched back: the integrations reactivated that had been reactivated with the new
   * wallet (what the switch back must undo: `unreactivated` lists where it failed), and every restored consumer
   * tested against the old primary again (`untested`: a consumer may have failed its test before the run too).
   */
  async settleRestored(database: string): Promise<{ unreactivated: string[]; untested: string[] }> {
    const unreactivated: string[] = [];
    const untested: string[] = [];
    for (const row of this.rows.filter((r) => r.state === 'restored')) {
      const args = { database, consumer: row.name };
      if (this.reactivateAfterSwitchBack.has(row.name)) {
        try {
          const ids = await act(cloudSteps, `reactivate the integrations using ${row.label}`).reactivateConsumer(args);
          this.set(row, { reactivated: ids });
        } catch (err) {
          unreactivated.push(`${row.name}: ${causeMessage(err)}`);
          this.set(row, { error: `reactivation after the switch back failed: ${causeMessage(err)}` });
          continue;
        }
      }
      try {
        const t = await act(consumerTestSteps, `test ${row.label} after the switch back`).testConsumer(args);
        this.set(row, { test: t.detail });
      } catch (err) {
        untested.push(`${row.name}: ${causeMessage(err)}`);
        this.set(row, { test: `FAILED after the switch back: ${causeMessage(err)}` });
      }
    }
    return { unreactivated, untested };
  }

  private set(row: ConsumerStatus, change: Partial<ConsumerStatus>): void {
    Object.assign(row, change);
    this.journal.touch();
  }

  private async one(f: FanOut, wallet: WalletRef, plan: ConsumerPlan): Promise<void> {
    const row = this.rows.find((r) => r.name === plan.name)!;
    const args = { database: f.database, consumer: plan.name };
    const host = (summary: string) => act(walletHostSteps(wallet.queue), summary);
    for (;;) {
      let stage: 'read' | 'update' | 'test' | 'reactivate' = 'read';
      try {
        if (!this.saved.has(plan.name)) this.saved.set(plan.name, await host(`keep the configuration of ${plan.label}`).readConsumer(args));
        stage = 'update';
        await host(`update ${plan.label} with wallet ${short(wallet.zipSha256)}`).updateConsumer({ ...args, wallet });
        this.set(row, { state: 'updated', walletAfter: short(wallet.zipSha256), error: undefined });
        stage = 'test';
        const t = await act(consumerTestSteps, `test ${plan.label}`).testConsumer({ ...args, wallet });
        this.set(row, { state: 'tested', test: t.detail });
        if (plan.kind !== 'oic') return;
        stage = 'reactivate';
        const ids = await act(cloudSteps, `reactivate the integrations using ${plan.label}`).reactivateConsumer(args);
        this.set(row, { state: 'reactivated', reactivated: ids });
        return;
      } catch (err) {
        if (this.switchBack) return;
        if (isCancellation(err)) {
          // No restore: it would be cancelled too. An update cut short may or may not have been made.
          const what = stage === 'read' ? 'unchanged' : stage === 'update' ? 'it may hold either wallet: check it' : 'it holds the new wallet';
          this.set(row, { state: 'failed', error: `${stage}: cancelled by an operator; ${what}` });
          throw err;
        }
        this.set(row, { state: 'failed', error: `${stage}: ${causeMessage(err)}` });
        // A failed update or test leaves the consumer as it was; a failed reactivation keeps the new wallet
        // (the connection is right, its integrations are not yet): retrying or skipping is the choice.
        if ((stage === 'update' || stage === 'test') && this.saved.has(plan.name)) await this.restoreOne(f, wallet, row);
        const choice = await this.ask(f, row, stage);
        if (choice === 'retry') continue;
        return;
      }
    }
  }

  private async restoreOne(f: FanOut, wallet: WalletRef, row: ConsumerStatus): Promise<void> {
    try {
      const saved = this.saved.get(row.name)!;
      await act(walletHostSteps(wallet.queue), `restore ${row.label}`).restoreConsumer({ database: f.database, consumer: row.name, saved });
      this.set(row, { state: 'restored', walletAfter: row.walletBefore, test: undefined });
    } catch (err) {
      this.set(row, { error: `${row.error ?? ''}; restore failed too: ${causeMessage(err)}` });
    }
  }

  /** One consumer's gate (one gate open at a time). Returns what to do with the consumer. */
  private ask(f: FanOut, row: ConsumerStatus, stage: string): Promise<'retry' | 'skip'> {
    const turn = this.gateTurn.then(async () => {
      if (this.switchBack) return 'skip' as const;
      const choices = ['retry', 'skip', ...(f.canSwitchBack ? ['switch-back'] : [])];
      const restored = row.state === 'restored' ? ' It was restored to what it held before.' : '';
      // row.error is "<stage>: <why>"
      const failure = (row.error ?? stage).replace(/\.\s*$/, '');
      const question = `${row.label} failed at ${failure}.${restored} Approve with --choice ${choices.join(' | ')} (reject = skip)`;
      const d = await this.gates.wait(`consumer-${row.name}`, question, f.gate, choices);
      if (d.decision === 'approved' && d.choice === 'switch-back') {
        this.switchBack = d.by;
        return 'skip' as const;
      }
      if (d.decision === 'approved' && (d.choice ?? 'retry') === 'retry') return 'retry' as const;
      const why = d.decision === 'approved' ? `skipped by ${d.by.join(', ')}` : d.decision === 'rejected' ? `skipped: rejected by ${d.by}` : 'skipped: the gate timed out';
      this.set(row, { state: 'skipped', error: `${row.error ?? ''} (${why})` });
      return 'skip' as const;
    });
    this.gateTurn = turn.catch(() => undefined);
    return turn;
  }
}
