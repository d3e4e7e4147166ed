/**
 * Runbook: client readiness of a CDB's services, and with `fix` their repair:
 *
 *   read + judge (as `orb check readiness`: common/readiness) → without fix: the report, as a durable run
 *   → with fix and something to change: fence (one fix of the CDB's services at a time)
 *   → [gate "fix": every change, as the exact srvctl / DBMS_SERVICE call] → each service's fix (its undo
 *   registered first) → re-read and verify every fixed service is now ready
 *
 * A failure, a rejection or a verification that finds a service still not ready puts back, in reverse order,
 * what was applied (each fix's undo: the attributes as they were read). Sessions already connected keep the
 * settings they connected with: they are protected once they reconnect (the report says so).
 */
import { ApplicationFailure, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { OrbActivities } from '../activities';
import { assessReadiness, type ReadinessReport, type ServiceFix, type ServiceReadiness } from '../common/readiness';
import { clientReadinessIdentity, parseClientReadinessInput, type ClientReadinessInput } from '../common/readiness/client-readiness-input';
import type { RunbookStatus, ServiceFixStatus } from '../common/runbook-types';
import { describeStatement } from '../activities/oracle/statements';
import { ApprovalGates } from './shared/approval-gates';
import { checkGateApprovers } from './shared/approver-check';
import { approvalStage } from './shared/approval-stage';
import { Compensations } from './shared/compensations';
import { takeServicesFence, whileFenced } from './shared/fence';
import { startRunbook } from './shared/runbook-start';
import type { RunbookJournal } from './shared/runbook-journal';
import { causeMessage } from './shared/failure-text';
import { dbSteps, undoSteps } from './shared/activity-options';

export const CLIENT_READINESS = 'client-readiness';

export interface ClientReadinessResult {
  outcome: 'completed';
  /** As read before anything changed */
  before: ReadinessReport;
  /** As read after the fixes (absent: nothing was applied) */
  after?: ReadinessReport;
  status: RunbookStatus;
}

type Fixable = ServiceReadiness & { fix: ServiceFix };

const act = (options: ActivityOptions, summary: string) => proxyActivities<OrbActivities>({ ...options, summary });
const isFixable = (s: ServiceReadiness): s is Fixable => s.fix?.via === 'srvctl' || s.fix?.via === 'dbms_service';
const errorsOf = (s: ServiceReadiness) => s.findings.filter((f) => f.severity === 'error').map((f) => f.rule);
const judged = (s: ServiceReadiness) => ({ ready: s.ready, protection: s.protection, errors: errorsOf(s) });
const key = (s: { pdb: string; service: string }) => `${s.pdb}/${s.service}`.toUpperCase();

/** The exact call a fix makes, as the gate and the status show it. */
export function callOf(change: ServiceFix['apply']): string {
  if (change.srvctl) return `srvctl ${change.srvctl.join(' ')}`;
  return change.statement ? describeStatement(change.statement) : '(nothing)';
}

export async function clientReadiness(raw: ClientReadinessInput): Promise<ClientReadinessResult> {
  const { input, journal } = startRunbook(CLIENT_READINESS, raw, parseClientReadinessInput(raw), clientReadinessIdentity(raw));
  const scope = `${input.service ?? 'every service'} of ${input.pdb ?? 'every PDB'} in ${input.cdb}`;
  journal.describe(`Client readiness (${input.profile}) of ${scope}${input.fix ? ', fixed' : ', report only'}; started by ${input.startedBy}`);
  const run = new ClientReadiness(input, journal);
  if (!input.fix) return run.reportOnly();
  return whileFenced(journal, () => takeServicesFence(input.cdb), () => run.fixAll());
}

class ClientReadiness {
  private readonly gates: ApprovalGates;

  constructor(private readonly input: ClientReadinessInput, private readonly journal: RunbookJournal) {
    this.gates = new ApprovalGates(journal, input.startedBy);
  }

  private async read(): Promise<ReadinessReport> {
    const { cdb, pdb, service, profile } = this.input;
    const facts = await act(dbSteps, `readiness (read-only): services of ${pdb ?? 'every PDB'} in ${cdb}`)
      .readServiceReadiness({ cdb, ...(pdb ? { pdb } : {}), ...(service ? { service } : {}) });
    const report = assessReadiness(facts, profile);
    this.journal.status.readiness ??= report.services.map((s) => this.row(s));
    return report;
  }

  private row(s: ServiceReadiness): ServiceFixStatus {
    const fix = isFixable(s) ? 'planned' : s.ready ? 'none' : 'not-fixable';
    return { pdb: s.pdb, service: s.service, before: judged(s), fix, ...(isFixable(s) ? { call: callOf(s.fix.apply) } : {}) };
  }

  private rowOf(s: { pdb: string; service: string }): ServiceFixStatus {
    return this.journal.status.readiness!.find((r) => key(r) === key(s))!;
  }

  private judge(): Promise<ReadinessReport> {
    return this.journal.stage('read', () => this.read(), (r) =>
      `${r.services.filter((s) => s.ready).length} of ${r.services.length} service(s) ready for ${r.profile}; ` +
      `${r.services.filter(isFixable).length} to fix${r.notes.length ? `; ${r.notes.join('; ')}` : ''}`);
  }

  async reportOnly(): Promise<ClientReadinessResult> {
    const before = await this.judge().catch((err) => this.fail(`reading the services failed, nothing was changed: ${causeMessage(err)}`));
    const fixes = before.services.filter(isFixable);
    const tail = fixes.length ? `; ${fixes.length} fix(es) planned, not applied (start with --fix to apply them)` : '';
    this.journal.finish('completed', `${this.summary(before)}${tail}`);
    return { outcome: 'completed', before, status: this.journal.status };
  }

  async fixAll(): Promise<ClientReadinessResult> {
    const before = await this.judge().catch((err) => this.fail(`reading the services failed, nothing was changed: ${causeMessage(err)}`));
    const fixes = before.services.filter(isFixable);
    if (fixes.length === 0) {
      this.journal.finish('completed', `${this.summary(before)}; nothing to change`);
      return { outcome: 'completed', before, status: this.journal.status };
    }
    const approvers = await checkGateApprovers(this.input.gates);
    this.journal.preflight([approvers]);
    if (approvers.outcome === 'fail') return this.fail(`nothing was changed: ${approvers.check}: ${approvers.reason}`, 'PreflightFailed');
    await this.approve(fixes);
    const undo = new Compensations(this.journal);
    try {
      for (const s of fixes) await this.apply(s, undo);
      const after = await this.journal.stage('verify', () => this.read(), (r) => this.verified(r, fixes));
      const still = fixes.filter((s) => !after.services.find((a) => key(a) === key(s))?.ready);
      for (const a of after.services) {
        const row = this.journal.status.readiness!.find((r) => key(r) === key(a));
        if (row) row.after = judged(a);
      }
      if (still.length) throw ApplicationFailure.nonRetryable(`verify found ${still.map((s) => s.service).join(', ')} still not ready`, 'NotReady');
      this.journal.finish('completed', `${fixes.length} service(s) fixed and now ready for ${before.profile}; ${this.summary(after)}` +
        '. Sessions connected before keep their old settings until they reconnect');
      return { outcome: 'completed', before, after, status: this.journal.status };
    } catch (err) {
      return this.compensate(undo, err);
    }
  }

  /** The fix gate: every change as the exact call; a rejection or a timeout changes nothing. */
  private async approve(fixes: Fixable[]): Promise<void> {
    const calls = fixes.map((s) => `${s.service} (${s.pdb}): ${callOf(s.fix.apply)}`);
    const question = `Apply ${fixes.length} fix(es) to ${this.input.cdb} for ${this.input.profile}?\n${calls.join('\n')}`;
    await approvalStage(this.journal, this.gates, 'fix', question, this.input.gates.fix).catch((err) => {
      this.journal.finish('compensated', `${causeMessage(err)}. Nothing was changed`);
      throw ApplicationFailure.nonRetryable(this.journal.status.reason!, 'GateRejected', this.journal.status);
    });
  }

  /** One service's fix, its undo registered first (a fix whose call went out but whose answer was lost is put back too). */
  private async apply(s: Fixable, undo: Compensations): Promise<void> {
    const call = { cdb: this.input.cdb, pdb: s.pdb, service: s.service };
    const row = this.rowOf(s);
    undo.add({
      step: `put ${s.service}'s attributes back: ${callOf(s.fix.undo)}`,
      run: async () => {
        const r = await act(undoSteps, `undo: ${s.service}'s attributes back`)
          .undoServiceFix({ ...call, fix: { via: s.fix.via, changes: s.fix.undo.changes, approximate: s.fix.undo.approximate } });
        row.fix = 'undone';
        const approx = s.fix.undo.approximate.length ? ` (${s.fix.undo.approximate.join(', ')} were not set: restored to the default)` : '';
        return `${r.outcome}${approx}`;
      },
    });
    const r = await this.journal.stage(`fix-${s.service}`, () => act(dbSteps, `fix ${s.service} (${s.fix.via})`)
      .applyServiceFix({ ...call, fix: { via: s.fix.via, changes: s.fix.apply.changes } }), (x) => `${x.outcome}: ${x.call ?? row.call}`);
    row.fix = r.outcome === 'done' ? 'applied' : 'already-done';
  }

  private verified(r: ReadinessReport, fixes: Fixable[]): string {
    const still = fixes.filter((s) => !r.services.find((a) => key(a) === key(s))?.ready).map((s) => s.service);
    return still.length ? `still not ready: ${still.join(', ')}` : `${fixes.length} fixed service(s) ready for ${r.profile}`;
  }

  private summary(r: ReadinessReport): string {
    return `${r.services.filter((s) => s.ready).length} of ${r.services.length} service(s) of ${r.cdb} ready for ${r.profile}`;
  }

  private async compensate(undo: Compensations, err: unknown): Promise<never> {
    const why = causeMessage(err);
    const { failed } = await undo.run();
    if (failed.length) {
      this.journal.finish('failed', `${why}. Putting the attributes back failed: ${failed.join('; ')}`);
      throw ApplicationFailure.nonRetryable(this.journal.status.reason!, 'CompensationIncomplete', this.journal.status);
    }
    this.journal.finish('compensated', `${why}. Every attribute changed was put back as it was read`);
    throw ApplicationFailure.nonRetryable(this.journal.status.reason!, 'RunbookCompensated', this.journal.status);
  }

  private fail(reason: string, type = 'ReadFailed'): never {
    this.journal.finish('failed', reason);
    throw ApplicationFailure.nonRetryable(reason, type, this.journal.status);
  }
}
