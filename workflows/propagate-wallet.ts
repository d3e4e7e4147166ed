/**
 * Runbook: propagate an Autonomous Database's wallet to every consumer, for a role change that
 * happened outside orb (an automatic failover at midnight, a switchover in the Console):
 *
 *   fence (one run per database) → preflight (find the current primary; every consumer reachable, its
 *   configuration readable) → check the consumers (those already working with the primary are left alone)
 *   → generate the primary's wallet → for every other consumer, in parallel: keep → update → test
 *   → (OIC) reactivate → done; a consumer that fails is restored and waits at its gate
 *
 * Started by `orb start propagate-wallet`, or by `orb events` for an OCI role-change event (one
 * run per event id).
 */
import type { PropagateWalletInput } from '../common/adb-types';
import type { RunbookStatus } from '../common/runbook-types';
import { adbIdentity, parsePropagateInput } from '../common/adb-input-schema';
import { ApprovalGates } from './shared/approval-gates';
import { takeDatabaseFence, whileFenced } from './shared/fence';
import type { RunbookJournal } from './shared/runbook-journal';
import { startRunbook } from './shared/runbook-start';
import { checkConsumersStage, endFailed, preflightStage, propagationStages, propagationSummary } from './shared/adb-stages';

export const PROPAGATE_WALLET = 'propagate-wallet';

export interface AdbRunbookResult {
  outcome: 'completed';
  status: RunbookStatus;
}

export async function propagateWallet(raw: PropagateWalletInput): Promise<AdbRunbookResult> {
  const { input, journal } = startRunbook(PROPAGATE_WALLET, raw, parsePropagateInput(raw), adbIdentity(raw));
  const t = input.trigger;
  const why = t.kind === 'event' ? `OCI event ${t.eventType} ${t.eventId}` : t.kind === 'role-change' ? `role change ${t.workflowId}` : 'started by hand';
  journal.describe(`Propagate the wallet of ${input.database}'s primary to its consumers (${why}), started by ${input.startedBy}`);
  // A run started by an event waits for a role change or propagation in progress on the database (an orb switchover
  // emits the very event), then reads the estate afresh; one started by hand is refused at once.
  const wait = t.kind === 'event' ? { maxMs: 6 * 3_600_000, everyMs: 60_000 } : undefined;
  return whileFenced(journal, () => takeDatabaseFence(input.database), () => propagate(input, journal), wait);
}

async function propagate(input: PropagateWalletInput, journal: RunbookJournal): Promise<AdbRunbookResult> {
  const gates = new ApprovalGates(journal, input.startedBy);
  const { consumers, pair } = await preflightStage(journal, { database: input.database, only: input.consumers, concurrency: input.concurrency, gates: { ...input.gates } });

  const { rows, stale } = input.refreshAll
    ? { rows: undefined, stale: consumers }
    : await checkConsumersStage(journal, { database: input.database, consumers, concurrency: input.concurrency });
  if (!stale.length) {
    journal.finish('completed', `every consumer (${consumers.length}) already works with ${pair?.primary?.id ?? 'the primary'}: nothing to change`);
    return { outcome: 'completed', status: journal.status };
  }
  const propagation = await propagationStages(journal, gates, {
    database: input.database,
    consumers: stale,
    rows,
    concurrency: input.concurrency,
    gate: input.gates.consumer,
    canSwitchBack: false,
    expectPrimaryId: pair?.primary?.id,
  }).catch((err) => endFailed(journal, err, 'Consumers already updated keep the new wallet; the status lists each one'));

  journal.finish('completed', propagationSummary(propagation));
  return { outcome: 'completed', status: journal.status };
}
