/**
 * Runbook: relocate a PDB to another CDB (Oracle Multitenant Administrator's Guide,
 * "Relocating a PDB"), as a DBA would run it:
 *
 *   fence the target → preflight → save state → [approve copy] → copy (CREATE PLUGGABLE
 *   DATABASE ... RELOCATE) → [approve cutover] → drain services → open on the target
 *   → [upgrade: open UPGRADE, approve once upgraded, reopen] → verify → start services
 *   → save state on the target → [approve tombstone drop] → drop tombstone (AVAILABILITY MAX)
 *
 * Before the open every change is undone on a permanent failure, a rejection at a gate or
 * a cancellation: the target copy is dropped, the source is left open READ WRITE and the
 * services the runbook stopped are started again. After the open there is no automatic undo:
 * a failure waits at an operator gate to retry the stage or stop, and says why.
 */
import { ApplicationFailure, CancellationScope, isCancellation, log, proxyActivities, sleep, type ActivityOptions } from '@temporalio/workflow';
import type { OrbActivities } from '../activities';
import type { GatePolicy, RelocatePdbInput, RelocatePdbResult } from '../common/runbook-types';
import { parseRelocateInput, relocateIdentity } from '../common/relocate-input-schema';
import { ApprovalGates } from './shared/approval-gates';
import { checkGateApprovers } from './shared/approver-check';
import { allSettledOrFirstError } from './shared/settled';
import { Compensations } from './shared/compensations';
import { causeMessage, causeType } from './shared/failure-text';
import { startRunbook } from './shared/runbook-start';
import { dbSteps, copySteps, undoSteps, progressSteps, longSteps, srvctlSteps } from './shared/activity-options';
import { takeTargetFence, whileFenced } from './shared/fence';
import { summarize } from './shared/check-summary';
import { servicesToDrain } from '../common/drainable';
import { drainSessions, type DrainSteps } from './shared/drain';
import { readinessStage } from './shared/readiness-stage';
import { srvctlSummary } from './shared/srvctl-summary';
import { relocationStart, relocationStops } from '../common/srvctl/relocation-commands';
import { describeStatement, statements } from '../activities/oracle/statements';

/** Activities with a summary the Web UI's timeline shows: what the step does, in the DBA's words or its statement. */
const act = (options: ActivityOptions, summary: string) => proxyActivities<OrbActivities>({ ...options, summary });
/** `[CDB2] ALTER PLUGGABLE DATABASE ...`: a statement as a summary, and where it runs. */
const sql = (cdb: string, s: Parameters<typeof describeStatement>[0]) => `[${cdb}] ${describeStatement(s)}`;

export const RELOCATE_PDB = 'relocate-pdb';

/** The cluster-wide disconnect of one session (statements.disconnectSession), as the run's texts name it. */
const DISCONNECT_EACH = "ALTER SYSTEM DISCONNECT SESSION '<sid>,<serial#>,@<inst_id>' POST_TRANSACTION";

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

export async function relocatePdb(raw: RelocatePdbInput): Promise<RelocatePdbResult> {
  // Whoever started the run, the input is checked here (and canonicalised) before anything else.
  const { input, journal } = startRunbook(RELOCATE_PDB, raw, parseRelocateInput(raw), relocateIdentity(raw));
  const gates = new ApprovalGates(journal, input.startedBy);
  const undoLog = new Compensations(journal);
  const { pdb, sourceCdb, targetCdb, dbLink, availability } = input;
  const upgrade = input.upgrade === true;
  journal.describe(`Relocate ${pdb}: ${sourceCdb} → ${targetCdb} (AVAILABILITY ${availability}${upgrade ? ', with upgrade' : ''}) over ${dbLink}, started by ${input.startedBy}`);
  const ref = { pdb, sourceCdb, targetCdb, dbLink, availability, upgrade };
  const long = (summary: string) => act(longSteps(input.drain.timeoutMs), summary);

  let stoppedServices: string[] = [];
  let disconnected: { sessions: number; approvedBy?: string; how: string } | null = null;
  /** Stages past the point of no return not done yet: what an operator who stops the run has left to do. */
  const remaining = ['open', ...(upgrade ? ['upgrade', 'reopen'] : []), 'verify', 'start-services', 'save-state-target', ...(availability === 'MAX' ? ['drop-tombstone'] : [])];

  // Only one run at a time moves a PDB of this name into this target, however it was started.
  return whileFenced(journal, () => takeTargetFence(targetCdb, pdb), relocate);

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

  async function relocate(): Promise<RelocatePdbResult> {
    // ---- Before the open: every change is undone on failure ------------------------------
    try {
      journal.begin('preflight');
      const checks = await Promise.all([
        checkGateApprovers(input.gates),
        act(dbSteps, `preflight (read-only): ${sourceCdb} and ${targetCdb}, ${pdb}, link ${dbLink}, services`).preflightRelocation(ref),
      ]).then(([approvers, rest]) => [approvers, ...rest]).catch((err) => {
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

      // The client readiness of the services that will drain: a warning, never a refusal.
      await readinessStage(journal, { cdb: sourceCdb, pdb }, await servicesOfPdb());

      await journal.stage('save-state', () => act(dbSteps, sql(sourceCdb, statements.savePdbState(pdb))).savePdbState({ cdb: sourceCdb, pdb }));

      if (input.gates.beforeCopy) {
        await journal.stage('approve-copy', () =>
          approval('copy', `Copy ${pdb} from ${sourceCdb} to ${targetCdb} (CREATE PLUGGABLE DATABASE ... RELOCATE AVAILABILITY ${availability})?`, input.gates.beforeCopy!),
        (by) => `approved by ${by.join(', ')}`);
      } else journal.skip('approve-copy', 'no gate before the copy was asked for');

      // From here the target may hold a copy: undo drops it (never while it is open, never
      // unless the source is intact) and makes sure the source is open READ WRITE.
      undoLog.add({
        step: `make sure ${pdb} is open READ WRITE in ${sourceCdb}`,
        run: () => act(undoSteps, `undo: ${sql(sourceCdb, statements.openPdb(pdb))} unless open`).ensurePdbOpen({ cdb: sourceCdb, pdb }),
      });
      // A copy stage refused because someone else is creating the PDB (ForeignCopy) created
      // nothing of this run's: what is in the target is theirs, and the drop is not done.
      let foreign: string | null = null;
      undoLog.add({
        step: `drop the copy of ${pdb} in ${targetCdb}`,
        run: () => {
          if (foreign) throw ApplicationFailure.nonRetryable(`this run created nothing in ${targetCdb}: ${foreign}`, 'NotOurCopy');
          return act(undoSteps, `undo: ${sql(targetCdb, statements.dropPdb(pdb))} (only a copy never opened)`).dropRelocatedCopy({ pdb, sourceCdb, targetCdb });
        },
      });

      await journal.stage('copy', async () => {
        const copying = `copy: [${targetCdb}] CREATE PLUGGABLE DATABASE ${pdb} FROM ${pdb}@${dbLink} ... RELOCATE AVAILABILITY ${availability}`;
        const running = act(copySteps, copying).copyPdb(ref).catch((err) => {
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
            const p = await act(progressSteps, `read the copy's progress in ${targetCdb} (GV$SESSION_LONGOPS)`).readCopyProgress({ cdb: targetCdb, pdb, sourceCdb }).catch(() => null);
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
        (by) => `approved by ${by.join(', ')}`);
      } else journal.skip('approve-cutover', 'the cutover gate was turned off');

      stoppedServices = await journal.stage('drain', () => drain(), (s) =>
        (s.length ? `stopped ${s.join(', ')}` : 'no running service to drain') +
        (disconnected ? `; ${disconnected.sessions} session(s) still there after the drain timeout were disconnected after their transaction (${disconnected.how})${disconnected.approvedBy ? `, approved by ${disconnected.approvedBy}` : ''}` : ''),
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
    return CancellationScope.nonCancellable(async () => {
      const openMode = upgrade ? 'UPGRADE' : 'READ WRITE';
      await recoverable('open', () => long(sql(targetCdb, statements.openPdb(pdb, openMode))).openPdb({ cdb: targetCdb, pdb, mode: openMode }), true);
      undoLog.clear();
      if (upgrade) {
        const d = await journal.stage('upgrade', () => gates.wait('upgrade', upgradeQuestion(), { ...input.gates.operator, timeoutMs: null, onTimeout: 'wait' }),
          (x) => (x.decision === 'approved' ? `upgraded, said ${x.by.join(', ')}` : x.decision === 'rejected' ? `rejected by ${x.by}` : 'timed out'));
        if (d.decision !== 'approved') return stopAfterOpen('upgrade', `the upgrade was not confirmed (${d.decision === 'rejected' ? `rejected by ${d.by}` : 'timed out'})`);
        remaining.splice(remaining.indexOf('upgrade'), 1);
        await recoverable('reopen', () => long(`${sql(targetCdb, statements.closePdb(pdb))}; then ${statements.openPdb(pdb).sql}`).reopenAfterUpgrade({ cdb: targetCdb, pdb }));
      }
      const verification = await recoverable('verify', async () => {
        const checks = await act(dbSteps, `verify (read-only): ${pdb} in ${targetCdb} and ${sourceCdb}, PDB_PLUG_IN_VIOLATIONS`).verifyRelocation(ref);
        const failed = checks.filter((c) => c.outcome === 'fail');
        if (failed.length) throw ApplicationFailure.nonRetryable(`verification failed: ${failed.map((c) => `${c.check}: ${c.reason}`).join('; ')}`, 'VerificationFailed');
        return checks;
      });
      journal.preflight([...journal.status.preflight, ...verification.map((c) => ({ ...c, check: `verify: ${c.check}` }))]);
      await recoverable('start-services', () =>
        act(dbSteps, stoppedServices.length ? `[${targetCdb}] DBMS_SERVICE.START_SERVICE ${stoppedServices.join(', ')} in ${pdb}` : 'no service to start')
          .startServices({ cdb: targetCdb, pdb, services: stoppedServices }));
      await recoverable('save-state-target', () => act(dbSteps, sql(targetCdb, statements.savePdbState(pdb))).savePdbState({ cdb: targetCdb, pdb }));

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
        if (drop) await recoverable('drop-tombstone', () => act(dbSteps, sql(sourceCdb, statements.dropPdb(pdb))).dropTombstone({ cdb: sourceCdb, pdb }));
      } else journal.skip('drop-tombstone', 'AVAILABILITY NORMAL leaves no tombstone');

      journal.finish('completed', `${pdb} is open READ WRITE in ${targetCdb}${stoppedServices.length ? ` with ${stoppedServices.join(', ')}` : ''}. Back it up: it cannot be recovered in ${targetCdb} until it is.`);
      return { outcome: 'completed' as const, status: journal.status };
    });
  }

  /**
   * Stops the services, watches the session count, and applies the drain-timeout policy: with DBMS_SERVICE on a
   * single-instance source, with srvctl on every instance of a Clusterware-managed one (serviceManagementOf).
   */
  async function drain(): Promise<string[]> {
    const services = await servicesOfPdb();
    if (!services.length) return [];
    const { srvctlDb } = await act(dbSteps, `who stops ${sourceCdb}'s services: srvctl or DBMS_SERVICE (estate file)`)
      .serviceManagementOf({ cdb: sourceCdb });
    const steps = srvctlDb === null ? dbmsServiceSteps(services) : clusterwareSteps(srvctlDb, services);
    const ask = (question: string) => approval('drain-timeout', question, input.gates.operator);
    const drained = await drainSessions(journal, steps, input.drain, ask);
    disconnected = drained.disconnected && { ...drained.disconnected, how: steps.disconnectHow };
    return services;
  }

  /** The running services of the PDB in the source but its default one: what the drain stops (CDB_SERVICES). */
  async function servicesOfPdb(): Promise<string[]> {
    return servicesToDrain(await act(dbSteps, `list ${pdb}'s services in ${sourceCdb} (CDB_SERVICES)`).listPdbServices({ cdb: sourceCdb, pdb }));
  }

  /** The drain with DBMS_SERVICE (a single-instance source): one undo step per service, so a failed undo names it. */
  function dbmsServiceSteps(services: string[]): DrainSteps {
    for (const svc of services) {
      undoLog.add({
        step: `start service ${svc} of ${pdb} again in ${sourceCdb}`,
        run: () => act(undoSteps, `undo: [${sourceCdb}] DBMS_SERVICE.START_SERVICE ${svc} in ${pdb}`).restoreSourceServices({ cdb: sourceCdb, pdb, services: [svc] }),
      });
    }
    const listed = services.join(', ');
    return {
      what: listed,
      stop: (drainTimeoutSeconds) =>
        long(`[${sourceCdb}] DBMS_SERVICE.STOP_SERVICE ${listed} in ${pdb}: STOP_OPTION_NONE, drain_timeout ${drainTimeoutSeconds}s`)
          .stopServices({ cdb: sourceCdb, pdb, services, drainTimeoutSeconds }),
      awaitGone: (deadlineMs) => watchGone(services, deadlineMs),
      disconnect: () =>
        long(`[${sourceCdb}] DBMS_SERVICE.DISCONNECT_SESSION(${services.join(' | ')}, DBMS_SERVICE.POST_TRANSACTION)`)
          .disconnectServiceSessions({ cdb: sourceCdb, pdb, services, option: 'POST_TRANSACTION' }),
      disconnectHow: 'DBMS_SERVICE.DISCONNECT_SESSION POST_TRANSACTION',
    };
  }

  /**
   * The drain on a Clusterware-managed source (srvctl db `db`): each service stopped on every instance without
   * -force, one srvctl command per service, all at once (srvctl answers when its drain is over); sessions left at
   * the timeout disconnected on whatever instance they are (ALTER SYSTEM DISCONNECT SESSION, from GV$SESSION). The
   * undo opens the source if need be and starts each service again with srvctl, on its preferred instances.
   */
  function clusterwareSteps(db: string, services: string[]): DrainSteps {
    for (const svc of services) {
      const start = relocationStart(db, svc);
      undoLog.add({
        step: `start service ${svc} of ${pdb} again in ${sourceCdb} (srvctl)`,
        run: async () => {
          await act(undoSteps, `undo: ${sql(sourceCdb, statements.openPdb(pdb))} unless open`).ensurePdbOpen({ cdb: sourceCdb, pdb });
          const what = `start ${svc} again on its preferred instances`;
          const r = await act(srvctlSteps(), `undo: ${srvctlSummary(start, what)}`).runSrvctl({ cdb: sourceCdb, command: start, what });
          return `${svc}: ${r.outcome === 'already-done' ? 'already running' : 'started'} (${r.commandLine})`;
        },
      });
    }
    const listed = services.join(', ');
    return {
      what: listed,
      stop: (drainS) =>
        allSettledOrFirstError(relocationStops(db, services, drainS).map((c) => {
          const what = `stop ${c.kind === 'stop-service' ? c.service : listed} on every instance of ${sourceCdb} (drain ${drainS} s, no -force)`;
          return act(srvctlSteps(input.drain.timeoutMs), srvctlSummary(c, what)).runSrvctl({ cdb: sourceCdb, command: c, what });
        })),
      awaitGone: (deadlineMs) => watchGone(services, deadlineMs),
      disconnect: () =>
        long(`[${sourceCdb}] ${DISCONNECT_EACH} for each session left on ${listed} (GV$SESSION)`)
          .disconnectSessionsEverywhere({ cdb: sourceCdb, pdb, services }),
      disconnectHow: `${DISCONNECT_EACH}, on every instance`,
    };
  }

  function watchGone(services: string[], deadlineMs: number) {
    return long(`watch the sessions on ${services.join(', ')} in ${sourceCdb} leave (GV$SESSION, heartbeating what is left)`)
      .awaitSessionsGone({ cdb: sourceCdb, pdb, services, deadlineMs, pollMs: input.drain.pollMs });
  }

  function upgradeQuestion(): string {
    return (
      `${pdb} is open UPGRADE in ${targetCdb}; the source in ${sourceCdb} is closed. Upgrade it now in ${targetCdb} ` +
      `(as the oracle user: $ORACLE_HOME/bin/dbupgrade -c ${pdb}, or AutoUpgrade), then approve: orb closes it and opens it ` +
      'READ WRITE. Reject to stop here and leave it open UPGRADE.'
    );
  }

  /**
   * Ends the run after the open, at an operator's word: nothing is undone, and the reason says
   * exactly what is still to do, per object, from where the estate stands now.
   */
  async function stopAfterOpen(stage: string, why: string): Promise<never> {
    let servicesDown = stoppedServices;
    if (remaining.includes('start-services') && stoppedServices.length) {
      const now = await act(dbSteps, `list ${pdb}'s services in ${targetCdb} (CDB_SERVICES)`).listPdbServices({ cdb: targetCdb, pdb }).catch(() => null);
      if (now) servicesDown = stoppedServices.filter((svc) => !now.find((s) => s.name === svc)?.runningOn.length);
    }
    const todo = remaining.flatMap((r) => leftToDo(r, servicesDown));
    const reason = `${why}; ${stage === 'open' ? `the open in ${targetCdb} had succeeded, so ` : ''}the estate is left as it is. ` +
      (todo.length ? `Still to do by hand: ${todo.map((t, i) => `(${i + 1}) ${t}`).join('; ')}` : 'Nothing is left to do by hand.');
    journal.finish('failed', reason);
    throw ApplicationFailure.nonRetryable(reason, 'StoppedByOperator', journal.status);
  }

  /** What a stage not done leaves to do by hand, one entry per object, with the statement that does it. */
  function leftToDo(stage: string, servicesDown: string[]): string[] {
    switch (stage) {
      case 'open':
        return [`open ${pdb} in ${targetCdb}: ${statements.openPdb(pdb, upgrade ? 'UPGRADE' : 'READ WRITE').sql}`];
      case 'upgrade':
        return [`upgrade ${pdb} in ${targetCdb} (dbupgrade -c ${pdb}, or AutoUpgrade)`];
      case 'reopen':
        return [`close ${pdb} in ${targetCdb} and open it READ WRITE: ${statements.closePdb(pdb).sql}; ${statements.openPdb(pdb).sql}`];
      case 'verify':
        return [`check ${pdb} in ${targetCdb}: open READ WRITE, no pending PDB_PLUG_IN_VIOLATIONS`];
      case 'start-services':
        return servicesDown.map((svc) => `start service ${svc} of ${pdb} in ${targetCdb}: DBMS_SERVICE.START_SERVICE('${svc}') in ${pdb}`);
      case 'save-state-target':
        return [`save the open state of ${pdb} in ${targetCdb}: ${statements.savePdbState(pdb).sql}`];
      case 'drop-tombstone':
        return [`drop the RELOCATED tombstone ${pdb} in ${sourceCdb} once every client connects to ${targetCdb}: ${statements.dropPdb(pdb).sql}`];
      default:
        return [stage];
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
            const states = await act(dbSteps, `read ${pdb} in ${sourceCdb} and ${targetCdb} (CDB_PDBS, V$PDBS)`).readPdbStates({ pdb, sourceCdb, targetCdb });
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
          return stopAfterOpen(stage, stopped);
        }
      }
    }
  }
}

