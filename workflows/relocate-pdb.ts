/**
 * Runbook: relocate a PDB to another CDB (Oracle Multitenant Administrator's Guide,
 * "Relocating a PDB"), as a DBA would run it:
 *
 *   preflight → save state → [approve copy] → copy (CREATE PLUGGABLE DATABASE ... RELOCATE)
 *   → [approve cutover] → drain services → open on the target → verify → start services
 *   → [approve tombstone drop] → drop tombstone (AVAILABILITY MAX)
 *
 * Before the open every change is undone on a permanent failure, a rejection at a gate or
 * a cancellation: the target copy is dropped, the source is left open READ WRITE and the
 * services the runbook stopped are started again. After the open there is no automatic undo:
 * a failure waits at an operator gate to retry the stage or stop, and says why.
 */
import { ApplicationFailure, CancellationScope, isCancellation, log, proxyActivities, sleep } from '@temporalio/workflow';
import type { OrbActivities } from '../activities';
import type { CheckResult, GatePolicy, RelocatePdbInput, RelocatePdbResult } from '../common/runbook-types';
import { ApprovalGates } from './shared/approval-gates';
import { Compensations, causeMessage } from './shared/compensations';
import { RunbookJournal } from './shared/runbook-journal';
import { dbSteps, copySteps, undoSteps, progressSteps } from './shared/activity-options';

const db = proxyActivities<OrbActivities>(dbSteps);
const copy = proxyActivities<OrbActivities>(copySteps);
const undo = proxyActivities<OrbActivities>(undoSteps);
const progress = proxyActivities<OrbActivities>(progressSteps);

export const RELOCATE_PDB = 'relocate-pdb';

/** How often the copy's progress is read into the status while CREATE ... RELOCATE runs. */
const COPY_PROGRESS_EVERY = '5s';

export async function relocatePdb(input: RelocatePdbInput): Promise<RelocatePdbResult> {
  const journal = new RunbookJournal(RELOCATE_PDB, input.startedBy);
  const gates = new ApprovalGates(journal, input.startedBy);
  const undoLog = new Compensations(journal);
  const { pdb, sourceCdb, targetCdb, dbLink, availability } = input;
  const ref = { pdb, sourceCdb, targetCdb, dbLink, availability };

  /** Opens a gate; anything but an approval ends the run (compensating before the open). */
  async function approval(name: string, question: string, policy: GatePolicy): Promise<void> {
    const d = await gates.wait(name, question, policy);
    if (d.decision === 'approved') return;
    const why = d.decision === 'rejected'
      ? `rejected at gate "${name}" by ${d.by}${d.comment ? `: ${d.comment}` : ''}`
      : `gate "${name}" timed out without ${policy.requiredApprovals} approval(s)`;
    throw ApplicationFailure.nonRetryable(why, 'GateRejected');
  }

  // ---- Before the open: every change is undone on failure ------------------------------
  let stoppedServices: string[] = [];
  try {
    const checks = await journal.stage('preflight', () => db.preflightRelocation(ref), summarize);
    journal.preflight(checks);
    const failed = checks.filter((c) => c.outcome === 'fail');
    if (failed.length) {
      const reason = `preflight failed, nothing was changed: ${failed.map((c) => `${c.check}: ${c.reason}`).join('; ')}`;
      journal.finish('failed', reason);
      throw ApplicationFailure.nonRetryable(reason, 'PreflightFailed', journal.status);
    }

    await journal.stage('save-state', () => db.savePdbState({ cdb: sourceCdb, pdb }));

    if (input.gates.beforeCopy) {
      await journal.stage('approve-copy', () =>
        approval('copy', `Copy ${pdb} from ${sourceCdb} to ${targetCdb} (CREATE PLUGGABLE DATABASE ... RELOCATE AVAILABILITY ${availability})?`, input.gates.beforeCopy!),
      );
    } else journal.skip('approve-copy', 'no gate before the copy was asked for');

    // From here the target may hold a copy: undo drops it (never while it is open, never
    // unless the source is intact) and makes sure the source is open READ WRITE.
    undoLog.add({ step: `make sure ${pdb} is open READ WRITE in ${sourceCdb}`, run: () => undo.ensurePdbOpen({ cdb: sourceCdb, pdb }) });
    undoLog.add({ step: `drop the copy of ${pdb} in ${targetCdb}`, run: () => undo.dropRelocatedCopy({ pdb, sourceCdb, targetCdb }) });

    await journal.stage('copy', async () => {
      const running = copy.copyPdb(ref);
      let done = false;
      running.then(() => (done = true), () => (done = true));
      while (!done) {
        await Promise.race([running.catch(() => undefined), sleep(COPY_PROGRESS_EVERY)]);
        if (done) break;
        const p = await progress.readCopyProgress({ cdb: targetCdb, pdb }).catch(() => null);
        if (p && !done) journal.progress(p);
      }
      const r = await running;
      journal.progress({ percent: 100, timeRemainingSeconds: 0, detail: 'copy complete' });
      return r;
    }, (r) => `${r.outcome}${r.droppedUnusable ? ' (dropped an UNUSABLE leftover first)' : ''}`);

    if (input.gates.cutover) {
      await journal.stage('approve-cutover', () =>
        approval('cutover', `Cut over: drain ${pdb}'s services in ${sourceCdb} and open ${pdb} in ${targetCdb}?`, input.gates.cutover!),
      );
    } else journal.skip('approve-cutover', 'the cutover gate was turned off');

    stoppedServices = await journal.stage('drain', () => drain(), (s) => (s.length ? `stopped ${s.join(', ')}` : 'no running service to drain'));
  } catch (err) {
    if (journal.status.state === 'failed') throw err; // preflight: nothing to undo
    const reason = isCancellation(err) ? 'cancelled by an operator' : causeMessage(err);
    if (undoLog.pending.length === 0) {
      const summary = `${reason}. Nothing had been changed in the estate, so there was nothing to undo`;
      journal.finish('failed', summary);
      if (isCancellation(err)) throw err;
      throw ApplicationFailure.nonRetryable(summary, 'RunbookFailed', journal.status);
    }
    log.warn('relocation failed before the open; compensating', { reason });
    journal.begin('compensate');
    const failedSteps = await undoLog.run();
    journal.end(failedSteps.length ? 'failed' : 'succeeded', failedSteps.length ? `left to do by hand: ${failedSteps.join('; ')}` : undefined);
    const summary = failedSteps.length
      ? `${reason}. Compensation could not finish: ${failedSteps.join('; ')} — see the status for what is left to do by hand`
      : `${reason}. Compensated: ${pdb} is open in ${sourceCdb} with its services, nothing is left in ${targetCdb}`;
    journal.finish(failedSteps.length ? 'failed' : 'compensated', summary);
    if (isCancellation(err)) throw err;
    throw ApplicationFailure.nonRetryable(summary, failedSteps.length ? 'CompensationIncomplete' : 'RunbookCompensated', journal.status);
  }

  // ---- The open and after: no automatic undo, an operator decides -----------------------
  return CancellationScope.nonCancellable(async () => {
    await recoverable('open', () => db.openPdb({ cdb: targetCdb, pdb }), true);
    undoLog.clear();
    const verification = await recoverable('verify', async () => {
      const checks = await db.verifyRelocation(ref);
      const failed = checks.filter((c) => c.outcome === 'fail');
      if (failed.length) throw ApplicationFailure.nonRetryable(`verification failed: ${failed.map((c) => `${c.check}: ${c.reason}`).join('; ')}`, 'VerificationFailed');
      return checks;
    });
    journal.preflight([...journal.status.preflight, ...verification.map((c) => ({ ...c, check: `verify: ${c.check}` }))]);
    await recoverable('start-services', () => db.startServices({ cdb: targetCdb, pdb, services: stoppedServices }));

    if (availability === 'MAX') {
      let drop = true;
      if (input.gates.dropTombstone) {
        const d = await gates.wait('drop-tombstone', `Drop the RELOCATED tombstone of ${pdb} in ${sourceCdb}? Do it once every client connects to ${targetCdb} directly.`, input.gates.dropTombstone);
        drop = d.decision === 'approved';
        if (!drop) journal.skip('drop-tombstone', d.decision === 'rejected' ? `kept: rejected by ${d.by}` : 'kept: the gate timed out');
      }
      if (drop) await recoverable('drop-tombstone', () => db.dropTombstone({ cdb: sourceCdb, pdb }));
    } else journal.skip('drop-tombstone', 'AVAILABILITY NORMAL leaves no tombstone');

    journal.finish('completed', `${pdb} is open READ WRITE in ${targetCdb}${stoppedServices.length ? ` with ${stoppedServices.join(', ')}` : ''}. Back it up: it cannot be recovered in ${targetCdb} until it is.`);
    return { outcome: 'completed', status: journal.status };
  });

  /** Stops the services, watches the session count, and applies the drain-timeout policy. */
  async function drain(): Promise<string[]> {
    const services = (await db.listPdbServices({ cdb: sourceCdb, pdb })).filter((s) => !s.isDefault && s.runningOn.length > 0).map((s) => s.name);
    if (!services.length) return [];
    undoLog.add({ step: `start ${services.join(', ')} again in ${sourceCdb}`, run: () => undo.startServices({ cdb: sourceCdb, pdb, services }).then((s) => (s.length ? `started ${s.join(', ')}` : 'already running')) });
    await db.stopServices({ cdb: sourceCdb, pdb, services, drainTimeoutSeconds: Math.ceil(input.drain.timeoutMs / 1000) });
    if (await watch(services, input.drain.timeoutMs)) return services;

    const left = await db.countServiceSessions({ cdb: sourceCdb, pdb, services });
    const what = `${left.total} session(s) still on ${Object.entries(left.perService).filter(([, n]) => n > 0).map(([s, n]) => `${s} (${n})`).join(', ')} after the drain timeout`;
    if (input.drain.onTimeout === 'abort') throw ApplicationFailure.nonRetryable(`${what}; the runbook was told to abort`, 'DrainTimeout');
    if (input.drain.onTimeout === 'ask') {
      await approval('drain-timeout', `${what}. Approve to disconnect them after their current transaction (DBMS_SERVICE.POST_TRANSACTION); reject to abort and restore.`, input.gates.operator);
    }
    await db.disconnectServiceSessions({ cdb: sourceCdb, pdb, services, option: 'POST_TRANSACTION' });
    if (await watch(services, input.drain.timeoutMs)) return services;
    throw ApplicationFailure.nonRetryable(`sessions remained on ${services.join(', ')} even after DISCONNECT_SESSION POST_TRANSACTION`, 'DrainTimeout');
  }

  /** Reads the session count every pollMs until zero (true) or the time is up (false). */
  async function watch(services: string[], timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const c = await db.countServiceSessions({ cdb: sourceCdb, pdb, services });
      const remaining = Math.max(0, deadline - Date.now());
      journal.progress({ percent: 0, timeRemainingSeconds: Math.round(remaining / 1000), detail: `${c.total} session(s) left on ${services.join(', ')}` });
      if (c.total === 0) return true;
      if (remaining <= 0) return false;
      await sleep(Math.min(input.drain.pollMs, remaining));
    }
  }

  /**
   * A stage past the point of no return: on a permanent failure it waits at an operator
   * gate ("recover-<stage>"): approve retries the stage, reject stops the run. For the open
   * itself, reject still runs the registered undo steps, which check the estate first.
   */
  async function recoverable<T>(stage: string, fn: () => Promise<T>, undoOnReject = false): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await journal.stage(attempt === 1 ? stage : `${stage} (retry ${attempt - 1})`, fn);
      } catch (err) {
        const why = causeMessage(err);
        const d = await gates.wait(
          `recover-${stage}`,
          `Stage ${stage} failed: ${why}. There is no automatic undo at this point. Approve to retry ${stage}; reject to stop${undoOnReject ? ' and restore the source' : ' and leave the estate as it is'}.`,
          { ...input.gates.operator, timeoutMs: null, onTimeout: 'wait' },
        );
        if (d.decision === 'approved') continue;
        const by = d.decision === 'rejected' ? d.by : 'timeout';
        if (undoOnReject) {
          journal.begin('compensate');
          const failedSteps = await undoLog.run();
          journal.end(failedSteps.length ? 'failed' : 'succeeded');
          const reason = `${stage} failed (${why}) and ${by} chose to stop; ${failedSteps.length ? `left to do by hand: ${failedSteps.join('; ')}` : `${pdb} is open in ${sourceCdb} again`}`;
          journal.finish(failedSteps.length ? 'failed' : 'compensated', reason);
          throw ApplicationFailure.nonRetryable(reason, failedSteps.length ? 'CompensationIncomplete' : 'RunbookCompensated', journal.status);
        }
        const reason = `${stage} failed (${why}) and ${by} chose to stop; the estate is left as it is: ${pdb} is open in ${targetCdb}`;
        journal.finish('failed', reason);
        throw ApplicationFailure.nonRetryable(reason, 'StoppedByOperator', journal.status);
      }
    }
  }
}

function summarize(checks: CheckResult[]): string {
  const n = (o: CheckResult['outcome']) => checks.filter((c) => c.outcome === o).length;
  return `${n('pass')} passed, ${n('warn')} warnings, ${n('fail')} failed`;
}
