/**
 * Runbook: planned switchover of an Autonomous Database to its Autonomous Data Guard standby
 * (OCI documentation, "Autonomous Data Guard: switchover"), then the new primary's wallet to every
 * consumer of the database:
 *
 *   preflight (the peer is a Data Guard standby, lag within bounds, both AVAILABLE/STANDBY, every
 *   consumer reachable and readable) → [approve switchover] → switchover (one request per run) →
 *   its work request → verify both roles → generate the new primary's wallet → every consumer:
 *   keep → update → test → (OIC) reactivate
 *
 * A consumer that fails is restored and waits at its gate: retry, skip, or switch back — which
 * restores every consumer updated so far and switches the roles back to where they were.
 */
import { ApplicationFailure } from '@temporalio/workflow';
import type { SwitchoverAdbInput } from '../common/adb-types';
import { adbIdentity, parseSwitchoverInput } from '../common/adb-input-schema';
import { ApprovalGates } from './shared/approval-gates';
import { takeDatabaseFence, whileFenced } from './shared/fence';
import type { RunbookJournal } from './shared/runbook-journal';
import { startRunbook } from './shared/runbook-start';
import {
  afterRoleChange, approvalStage, endFailed, preflightStage, propagationStages, propagationSummary, roleChangeStages, switchBackStages,
} from './shared/adb-stages';
import type { AdbRunbookResult } from './propagate-wallet';
import { roleChangeMark } from '../common/role-change-call';

export const SWITCHOVER_ADB = 'switchover-adb';

export async function switchoverAdb(raw: SwitchoverAdbInput): Promise<AdbRunbookResult> {
  const { input, journal } = startRunbook(SWITCHOVER_ADB, raw, parseSwitchoverInput(raw), adbIdentity(raw));
  const { database, to } = input;
  journal.describe(`Switch ${database} over to its ${to === 'remote' ? 'cross-region' : 'local'} standby, then propagate the wallet; started by ${input.startedBy}`);
  return whileFenced(journal, () => takeDatabaseFence(database), () => switchover(input, journal));
}

async function switchover(input: SwitchoverAdbInput, journal: RunbookJournal): Promise<AdbRunbookResult> {
  const gates = new ApprovalGates(journal, input.startedBy);
  const { database, to } = input;
  const { consumers, pair, call } = await preflightStage(journal, {
    database, only: input.consumers, concurrency: input.concurrency, gates: { ...input.gates }, roleChange: { kind: 'switchover', to, maxLagSeconds: input.maxLagSeconds },
  });
  const oldPrimary = pair!.primary!;

  await approvalStage(journal, gates, 'switchover',
    `Switch ${database} over: ${call!.newPrimaryId} (${call!.region}) becomes primary, ${oldPrimary.id} (${oldPrimary.region}) standby; ` +
    `then ${consumers.length} consumer(s) get the new wallet?`, input.gates.roleChange);

  await roleChangeStages(journal, { database, kind: 'switchover', to, call: call!, since: roleChangeMark(pair!, call!, to), step: 'switchover' })
    .catch((err) => endFailed(journal, err,
      `Check ${database}'s roles in the OCI Console before anything else; no consumer was changed: if the roles did change, run propagate-wallet for ${database}`));

  const propagation = await propagationStages(journal, gates, {
    database, consumers, concurrency: input.concurrency, gate: input.gates.consumer, canSwitchBack: true, expectPrimaryId: call!.newPrimaryId,
  }, async (p) => {
    if (p.result.outcome === 'switch-back') await switchBackStages(journal, { database, to, p, oldPrimaryId: oldPrimary.id });
  }).catch((err) => endFailed(journal, err, afterRoleChange(journal, database, `${database} is switched over`)));

  if (propagation.result.outcome === 'switch-back') {
    const summary = `switched back by ${propagation.result.by.join(', ')}: ${oldPrimary.id} is primary again and every consumer holds what it held before`;
    journal.finish('compensated', summary);
    throw ApplicationFailure.nonRetryable(summary, 'RunbookCompensated', journal.status);
  }
  journal.finish('completed', `${database}: ${call!.newPrimaryId} is primary. ${propagationSummary(propagation)}`);
  return { outcome: 'completed', status: journal.status };
}
