/**
 * Runbook: failover of an Autonomous Database to its Autonomous Data Guard standby, when the
 * primary is lost or cannot be switched over (unplanned; it may lose the transactions the standby
 * had not applied, up to its apply lag), then the new primary's wallet to every consumer:
 *
 *   preflight (the peer is a Data Guard standby; the lag it would lose) → [approve failover: at
 *   least two people, never the initiator] → failover (one request per run) → its work request →
 *   verify the new primary → generate its wallet → every consumer: keep → update → test → (OIC)
 *   reactivate
 *
 * There is no switch back: a consumer that fails is restored and waits at its gate (retry or skip).
 */
import type { FailoverAdbInput } from '../common/adb-types';
import { adbIdentity, parseFailoverInput } from '../common/adb-input-schema';
import { roleChangeMark } from '../common/role-change-call';
import { ApprovalGates } from './shared/approval-gates';
import { takeDatabaseFence, whileFenced } from './shared/fence';
import type { RunbookJournal } from './shared/runbook-journal';
import { startRunbook } from './shared/runbook-start';
import { afterRoleChange, approvalStage, endFailed, preflightStage, propagationStages, propagationSummary, roleChangeStages } from './shared/adb-stages';
import type { AdbRunbookResult } from './propagate-wallet';

export const FAILOVER_ADB = 'failover-adb';

export async function failoverAdb(raw: FailoverAdbInput): Promise<AdbRunbookResult> {
  const { input, journal } = startRunbook(FAILOVER_ADB, raw, parseFailoverInput(raw), adbIdentity(raw));
  const { database, to } = input;
  journal.describe(`FAIL OVER ${database} to its ${to === 'remote' ? 'cross-region' : 'local'} standby, then propagate the wallet; started by ${input.startedBy}`);
  return whileFenced(journal, () => takeDatabaseFence(input.database), () => failover(input, journal));
}

async function failover(input: FailoverAdbInput, journal: RunbookJournal): Promise<AdbRunbookResult> {
  const gates = new ApprovalGates(journal, input.startedBy);
  const { database, to } = input;
  const { consumers, pair, call } = await preflightStage(journal, {
    database, only: input.consumers, concurrency: input.concurrency, gates: { ...input.gates }, roleChange: { kind: 'failover', to, maxLagSeconds: input.maxLagSeconds },
  });
  const lag = to === 'remote' ? pair!.remoteStandby?.lagSeconds : pair!.localStandby?.lagSeconds;

  await approvalStage(journal, gates, 'failover',
    `FAIL OVER ${database}: ${call!.newPrimaryId} (${call!.region}) becomes primary. Transactions the standby had not applied are lost ` +
    `(apply lag ${lag ?? 'unknown'} s). Then ${consumers.length} consumer(s) get the new wallet. There is no way back but a new role change.`,
    input.gates.roleChange);

  await roleChangeStages(journal, { database, kind: 'failover', to, call: call!, since: roleChangeMark(pair!, call!, to), step: 'failover' })
    .catch((err) => endFailed(journal, err,
      `Check ${database}'s roles in the OCI Console before anything else; no consumer was changed: if the roles did change, run propagate-wallet for ${database}`));

  const propagation = await propagationStages(journal, gates, {
    database, consumers, concurrency: input.concurrency, gate: input.gates.consumer, canSwitchBack: false, expectPrimaryId: call!.newPrimaryId,
  }).catch((err) => endFailed(journal, err, afterRoleChange(journal, database, `${database} has failed over`)));

  journal.finish('completed', `${database}: ${call!.newPrimaryId} is primary after a failover. ${propagationSummary(propagation)}`);
  return { outcome: 'completed', status: journal.status };
}
