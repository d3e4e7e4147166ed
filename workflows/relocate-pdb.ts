/**
 * Runbook: relocate a PDB to another CDB (Oracle Multitenant Administrator's Guide,
 * "Relocating a PDB"), as a DBA would run it:
 *
 *   preflight → save state → [approve copy] → copy (CREATE PLUGGABLE DATABASE ... RELOCATE)
 *   → [approve cutover] → drain services → open on the target → verify → start services
 *   → save state on the target → [approve tombstone drop] → drop tombstone (AVAILABILITY MAX)
 *
 * Before the open every change is undone on a permanent failure, a rejection at a gate or
 * a cancellation: the target copy is dropped, the source is left open READ WRITE and the
 * services the runbook stopped are started again. After the open there is no automatic undo:
 * a failure waits at an operator gate to retry the stage or stop, and says why.
 */
import { ApplicationFailure, CancellationScope, isCancellation, log, proxyActivities, sleep } from '@temporalio/workflow';
import type { OrbActivities } from '../activities';
import type { CheckResult, GatePolicy, RelocatePdbInput, RelocatePdbResult } from '../common/runbook-types';
import { relocateInputProblems } from '../common/relocate-input-schema';
import { ApprovalGates } from './shared/approval-gates';
import { Compensations } from './shared/compensations';
import { causeMessage, causeType } from './shared/failure-text';
import { RunbookJournal } from './shared/runbook-journal';
import { dbSteps, copySteps, undoSteps, progressSteps, longSteps } from './shared/activity-options';

const db = proxyActivities<OrbActivities>(dbSteps);
const copy = proxyActivities<OrbActivities>(copySteps);
const undo = proxyActivities<OrbActivities>(undoSteps);
const progress = proxyActivities<OrbActivities>(progressSteps);

export const RELOCATE_PDB = 'relocate-pdb';

/** How the copy stage ended, as the status says it. */
const COPY_OUTCOME = {
  copied: 'copied',
  'already-copied': 'the copy had already finished (an earlier attempt of this step)',
  'joined-running-copy': 'joined the copy an earlier attempt had started (no second CREATE)',
} as const;

/**
 * How often the copy's progress is read into the status while CREATE ... RELOCATE runs:
 * every 5 s for the first two minutes, then at least once a minute and never more often than
 * 1/150 of the time the copy has taken so far. The number of reads grows with the logarithm
 * of the copy's length (about 600 for three days), each about ten history events, well below
 * Temporal's limit of 51,200 events per run.
 */
function copyProgressInterval(reads: number, elapsedMs: number): number {
  return reads < 24 ? 5_000 : Math.max(60_000, Math.ceil(elapsedMs / 150));
}

/** The session count is read at most 200 times per watch, whatever the drain timeout. */
function watchInterval(pollMs: number, timeoutMs: number): number {
  return Math.max(pollMs, Math.ceil(timeoutMs / 200));
}

/**
 * Waits until `p` settles or `ms` pass, whichever is first, leaving no timer behind (a
 * forgotten timer would fire later and add history). A cancellation of the run still
 * interrupts the wait.
 */
async function settledOr(p: Promise<unknown>, ms: number, summary: string): Promise<void> {
  const scope = new CancellationScope();
  const timer = scope.run(() => sleep(ms, { summary }));
  timer.catch(() => undefined);
  try {
    await Promise.race([p.then(() => undefined, () => undefined), timer]);
  } finally {
    scope.cancel();
  }
}

export async function relocatePdb(input: RelocatePdbInput): Promise<RelocatePdbResult> {
  const problems = relocateInputProblems(input);
  if (problems) throw ApplicationFailure.nonRetryable(`invalid relocate-pdb input, nothing was done: ${problems}`, 'InvalidInput');

  const journal = new RunbookJournal(RELOCATE_PDB, input.startedBy);
  const gates = new ApprovalGates(journal, input.startedBy);
  const undoLog = new Compensations(journal);
  const { pdb, sourceCdb, targetCdb, dbLink, availability } = input;
  const ref = { pdb, sourceCdb, targetCdb, dbLink, availability };
  const long = proxyActivities<OrbActivities>(longSteps(input.drain.timeoutMs));

  /** Opens a gate; anything but an approval ends the run (compensating before the open). Returns the approvers. */
  async function approval(name: string, question: string, policy: GatePolicy): Promise<string[]> {
    const d = await gates.wait(name, question, policy);
    if (d.decision === 'approved') return d.by;
    const why = d.decision === 'rejected'
      ? `rejected at gate "${name}" by ${d.by}${d.comment ? `: ${d.comment}` : ''}`
      : `gate "${name}" timed out without ${policy.requiredApprovals} approval(s)`;
    throw ApplicationFailure.nonRetryable(why, 'GateRejected');
  }

  /** Runs the undo steps and ends the run, saying what was restored and what was not. */
  async function compensateAndEnd(reason: string, cancelled: unknown = null): Promise<never> {
    journal.begin('compensate');
    const { failed, refused } = await undoLog.run();
    journal.end(failed.length ? 'failed' : 'succeeded', [...failed.map((f) => `left to do by hand: ${f}`), ...refused].join('; ') || undefined);
    const summary = failed.length
      ? `${reason}. Compensation could not finish: ${failed.join('; ')} — see the status for what is left to do by hand`
      : refused.length
        ? `${reason}. Compensation stopped where undoing would have been unsafe: ${refused.join('; ')}`
        : `${reason}. Compensated: ${pdb} is open in ${sourceCdb} with its services, nothing is left in ${targetCdb}`;
    const ok = !failed.length && !refused.length;
    journal.finish(ok ? 'compensated' : 'failed', summary);
    if (cancelled) throw cancelled;
    throw ApplicationFailure.nonRetryable(summary, ok ? 'RunbookCompensated' : 'CompensationIncomplete', journal.status);
  }

  // ---- Before the open: every change is undone on failure ------------------------------
  let stoppedServices: string[] = [];
  let disconnected: { sessions: number; approvedBy?: string } | null = null;
  try {
    journal.begin('preflight');
    const checks = await db.preflightRelocation(ref).catch((err) => {
      journal.end('failed', causeMessage(err));
      throw err;
    });
    journal.preflight(checks);
    const failed = checks.filter((c) => c.outcome === 'fail');
    journal.end(failed.length ? 'failed' : 'succeeded', summarize(checks));
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
    // A copy stage refused because someone else is creating the PDB (ForeignCopy) created
    // nothing of this run's: what is in the target is theirs, and the drop is not done.
    let foreign: string | null = null;
    undoLog.add({
      step: `drop the copy of ${pdb} in ${targetCdb}`,
      run: () => {
        if (foreign) throw ApplicationFailure.nonRetryable(`this run created nothing in ${targetCdb}: ${foreign}`, 'NotOurCopy');
        return undo.dropRelocatedCopy({ pdb, sourceCdb, targetCdb });
      },
    });

    await journal.stage('copy', async () => {
      const running = copy.copyPdb(ref).catch((err) => {
        if (causeType(err) === 'ForeignCopy') foreign = causeMessage(err);
        throw err;
      });
      let done = false;
      running.then(() => (done = true), () => (done = true));
      const started = Date.now();
      try {
        for (let reads = 0; !done; reads++) {
          await settledOr(running, copyProgressInterval(reads, Date.now() - started), 'next read of the copy progress');
          if (done) break;
          const p = await progress.readCopyProgress({ cdb: targetCdb, pdb, sourceCdb }).catch(() => null);
          if (p && !done) journal.progress(p);
        }
      } catch (err) {
        // Cancelled while copying: the copy activity is cancelled too; wait until it has
        // stopped (or finished its CREATE) so that compensation sees the estate as it will stay.
        if (isCancellation(err)) await CancellationScope.nonCancellable(() => running.catch(() => undefined));
        throw err;
      }
      const r = await running;
      journal.progress({ percent: 100, timeRemainingSeconds: 0, detail: 'copy complete' });
      return r;
    }, (r) => `${COPY_OUTCOME[r.outcome]}${r.droppedUnusable ? ' (dropped an UNUSABLE leftover first)' : ''}`);

    if (input.gates.cutover) {
      await journal.stage('approve-cutover', () =>
        approval('cutover', `Cut over: drain ${pdb}'s services in ${sourceCdb} and open ${pdb} in ${targetCdb}?`, input.gates.cutover!),
      );
    } else journal.skip('approve-cutover', 'the cutover gate was turned off');

    stoppedServices = await journal.stage('drain', () => drain(), (s) =>
      (s.length ? `stopped ${s.join(', ')}` : 'no running service to drain') +
      (disconnected ? `; ${disconnected.sessions} session(s) still there after the drain timeout were disconnected after their transaction (POST_TRANSACTION)${disconnected.approvedBy ? `, approved by ${disconnected.approvedBy}` : ''}` : ''),
    );
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
    return compensateAndEnd(reason, isCancellation(err) ? err : null);
  }

  // ---- The open and after: no automatic undo, an operator decides -----------------------
  // A cancellation from here on is recorded, not acted upon: undoing would mean moving the
  // PDB back, which is a new relocation, not a compensation.
  CancellationScope.current().cancelRequested.catch(() => {
    journal.note(`cancel requested during ${journal.status.stage}: after the open there is no automatic undo; the run goes on (reject at a recover-* gate to stop it)`);
  });
  const remaining = ['open', 'verify', 'start-services', 'save-state-target', ...(availability === 'MAX' ? ['drop-tombstone'] : [])];
  return CancellationScope.nonCancellable(async () => {
    await recoverable('open', () => long.openPdb({ cdb: targetCdb, pdb }), true);
    undoLog.clear();
    const verification = await recoverable('verify', async () => {
      const checks = await db.verifyRelocation(ref);
      const failed = checks.filter((c) => c.outcome === 'fail');
      if (failed.length) throw ApplicationFailure.nonRetryable(`verification failed: ${failed.map((c) => `${c.check}: ${c.reason}`).join('; ')}`, 'VerificationFailed');
      return checks;
    });
    journal.preflight([...journal.status.preflight, ...verification.map((c) => ({ ...c, check: `verify: ${c.check}` }))]);
    await recoverable('start-services', () => db.startServices({ cdb: targetCdb, pdb, services: stoppedServices }));
    await recoverable('save-state-target', () => db.savePdbState({ cdb: targetCdb, pdb }));

    if (availability === 'MAX') {
      let drop = true;
      if (input.gates.dropTombstone) {
        const policy = input.gates.dropTombstone;
        const d = await journal.stage('approve-drop-tombstone', () =>
          gates.wait('drop-tombstone', `Drop the RELOCATED tombstone of ${pdb} in ${sourceCdb}? Do it once every client connects to ${targetCdb} directly.`, policy),
          (x) => (x.decision === 'approved' ? `approved by ${x.by.join(', ')}` : x.decision === 'rejected' ? `rejected by ${x.by}: the tombstone is kept` : 'timed out: the tombstone is kept'),
        );
        drop = d.decision === 'approved';
        if (!drop) {
          journal.skip('drop-tombstone', d.decision === 'rejected' ? `kept: rejected by ${d.by}` : 'kept: the gate timed out');
          if (remaining.includes('drop-tombstone')) remaining.splice(remaining.indexOf('drop-tombstone'), 1);
        }
      }
      if (drop) await recoverable('drop-tombstone', () => db.dropTombstone({ cdb: sourceCdb, pdb }));
    } else journal.skip('drop-tombstone', 'AVAILABILITY NORMAL leaves no tombstone');

    journal.finish('completed', `${pdb} is open READ WRITE in ${targetCdb}${stoppedServices.length ? ` with ${stoppedServices.join(', ')}` : ''}. Back it up: it cannot be recovered in ${targetCdb} until it is.`);
    return { outcome: 'completed' as const, status: journal.status };
  });

  /** Stops the services, watches the session count, and applies the drain-timeout policy. */
  async function drain(): Promise<string[]> {
    const services = (await db.listPdbServices({ cdb: sourceCdb, pdb })).filter((s) => !s.isDefault && s.runningOn.length > 0).map((s) => s.name);
    if (!services.length) return [];
    undoLog.add({
      step: `start ${services.join(', ')} again in ${sourceCdb}`,
      run: () => undo.restoreSourceServices({ cdb: sourceCdb, pdb, services }),
    });
    // The drain timeout counts from the stop: STOP_SERVICE itself may wait for sessions.
    const deadline = Date.now() + input.drain.timeoutMs;
    await long.stopServices({ cdb: sourceCdb, pdb, services, drainTimeoutSeconds: Math.ceil(input.drain.timeoutMs / 1000) });
    if (await watch(services, deadline)) return services;

    const left = await db.countServiceSessions({ cdb: sourceCdb, pdb, services });
    const what = `${left.total} session(s) still on ${Object.entries(left.perService).filter(([, n]) => n > 0).map(([s, n]) => `${s} (${n})`).join(', ')} after the drain timeout`;
    if (input.drain.onTimeout === 'abort') throw ApplicationFailure.nonRetryable(`${what}; the runbook was told to abort`, 'DrainTimeout');
    let approvedBy: string | undefined;
    if (input.drain.onTimeout === 'ask') {
      approvedBy = (await approval('drain-timeout', `${what}. Approve to disconnect them after their current transaction (DBMS_SERVICE.POST_TRANSACTION); reject to abort and restore.`, input.gates.operator)).join(', ');
    }
    journal.note(`drain timeout: disconnecting ${left.total} session(s) on ${services.join(', ')} after their current transaction${approvedBy ? ` (approved by ${approvedBy})` : ''}`);
    disconnected = { sessions: left.total, ...(approvedBy ? { approvedBy } : {}) };
    await long.disconnectServiceSessions({ cdb: sourceCdb, pdb, services, option: 'POST_TRANSACTION' });
    if (await watch(services, Date.now() + input.drain.timeoutMs)) return services;
    throw ApplicationFailure.nonRetryable(`sessions remained on ${services.join(', ')} even after DISCONNECT_SESSION POST_TRANSACTION`, 'DrainTimeout');
  }

  /** Reads the session count until zero (true) or the deadline (false). */
  async function watch(services: string[], deadline: number): Promise<boolean> {
    const every = watchInterval(input.drain.pollMs, input.drain.timeoutMs);
    let first: number | null = null;
    for (;;) {
      const c = await db.countServiceSessions({ cdb: sourceCdb, pdb, services });
      first ??= c.total;
      const remainingMs = Math.max(0, deadline - Date.now());
      journal.progress({
        percent: first > 0 ? (100 * (first - c.total)) / first : 100,
        timeRemainingSeconds: Math.round(remainingMs / 1000),
        detail: `${c.total} session(s) left on ${services.join(', ')}`,
      });
      if (c.total === 0) return true;
      if (remainingMs <= 0) return false;
      await sleep(Math.min(every, remainingMs), { summary: `next session count on ${services.join(', ')}` });
    }
  }

  /**
   * A stage past the point of no return: on a permanent failure it waits at an operator
   * gate ("recover-<stage>"): approve retries the stage, reject stops the run. For the open
   * itself, reject reads both CDBs first: if the PDB did not open in the target, the source is
   * restored; if it did, the run is past the point of no return and stops as it is.
   */
  async function recoverable<T>(stage: string, fn: () => Promise<T>, openStage = false): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        const r = await journal.stage(attempt === 1 ? stage : `${stage} (retry ${attempt - 1})`, fn);
        if (remaining.includes(stage)) remaining.splice(remaining.indexOf(stage), 1);
        return r;
      } catch (err) {
        const why = causeMessage(err);
        let question = `Stage ${stage} failed: ${why}. There is no automatic undo at this point. Approve to retry ${stage}; reject to stop${openStage ? ' (the source is restored if the PDB did not open in the target)' : ' and leave the estate as it is'}.`;
        for (;;) {
          const d = await gates.wait(`recover-${stage}`, question, { ...input.gates.operator, timeoutMs: null, onTimeout: 'wait' });
          if (d.decision === 'approved') break;
          const by = d.decision === 'rejected' ? d.by : 'timeout';
          const stopped = `${stage} failed (${why}) and ${by} chose to stop`;
          if (openStage) {
            const states = await db.readPdbStates({ pdb, sourceCdb, targetCdb });
            const targetOpen = states.target?.openMode === 'READ WRITE' || states.target?.openMode === 'READ ONLY';
            if (!targetOpen && states.source?.status === 'NORMAL') return compensateAndEnd(stopped);
            if (!targetOpen) {
              // The first OPEN closed the source before failing: the PDB is open nowhere, and
              // only opening it in the target brings it back. Stopping here is not allowed.
              journal.note(`${by} asked to stop, but ${pdb} is open nowhere (${sourceCdb}: ${states.source?.status ?? 'absent'}; ${targetCdb}: ${states.target?.status ?? 'absent'}/${states.target?.openMode ?? '-'}); only retrying the open restores service`);
              question = `Stage open failed: ${why}. ${pdb} is open in no CDB now: the source in ${sourceCdb} is ${states.source?.status ?? 'gone'}. Stopping is not possible; fix the cause and approve to retry the open in ${targetCdb}.`;
              continue;
            }
          }
          const reason = `${stopped}; the open in ${targetCdb} had succeeded, so the estate is left as it is. Still to do by hand: ${remaining.join(', ')}${stoppedServices.length && remaining.includes('start-services') ? ` (services ${stoppedServices.join(', ')} are stopped)` : ''}`;
          journal.finish('failed', reason);
          throw ApplicationFailure.nonRetryable(reason, 'StoppedByOperator', journal.status);
        }
      }
    }
  }
}

function summarize(checks: CheckResult[]): string {
  const n = (o: CheckResult['outcome']) => checks.filter((c) => c.outcome === o).length;
  return `${n('pass')} passed, ${n('warn')} warnings, ${n('fail')} failed`;
}
