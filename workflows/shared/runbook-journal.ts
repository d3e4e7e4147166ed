import { defineQuery, setHandler, upsertSearchAttributes, workflowInfo, setCurrentDetails } from '@temporalio/workflow';
import type {
  ApprovalRecord,
  CheckResult,
  CompensationRecord,
  OpenGate,
  ProgressRecord,
  RunbookStatus,
  StageRecord,
} from '../../common/runbook-types';
import type { ConsumerStatus } from '../../common/adb-types';
import { QUERY_STATUS, SESSION_POINTS_MAX } from '../../common/runbook-types';
import { OrbAwaitingApproval, OrbStage } from '../../common/search-attributes';
import { causeMessage } from './failure-text';
import { COMMENT_MAX, GATE_NAME_MAX, REFUSED_KEPT } from '../../common/approval-schema';
import { clippedLength } from '../../common/untrusted-text';
import { runEnded, runStarted, stageEnded } from './run-metrics';
import { tellFleetParent } from './fleet-signal';
import type { FleetStatus } from '../../common/fleet-types';

export const statusQuery = defineQuery<RunbookStatus>(QUERY_STATUS);

/** Instances kept in a run's session series. */
const INSTANCES_MAX = 16;

/** Text in markdown as it is: markdown's own characters escaped (names like SALES_ATP_ORDERS or CDB1_LINK stay whole). */
const md = (v: string) => v.replace(/[\\`*_<>[\]|~#]/g, (c) => `\\${c}`).replace(/--/g, '-\\-'); // "--choice", not "–choice"
/** Markdown cells hold one line. */
const cell = (v: string | undefined) => md((v ?? '').replace(/[\r\n]+/g, ' ').slice(0, 160));

/** The consumers of a wallet propagation as a markdown table for the Web UI's details. */
function consumerTable(list: ConsumerStatus[] | undefined): string {
  if (!list?.length) return '';
  const rows = list.map((c) => `| ${cell(c.name)} | ${cell(c.kind)} | ${c.state} | ${cell(c.walletAfter ?? c.walletBefore)} | ${cell(c.error ?? c.test)} |`);
  return `\n\n| consumer | kind | state | wallet | test / error |\n|---|---|---|---|---|\n${rows.join('\n')}`;
}

/** A fleet's counts in one line, for the Web UI's details. */
function fleetLine(f: FleetStatus): string {
  const c = f.counts;
  return `${f.total} ${md(f.runbook)} runs, wave ${f.wave} of ${f.waves.length}: ${c.running} running (${c.waitingApproval} at a gate), ` +
    `${c.completed} completed, ${c.failed} failed, ${c.compensated} compensated, ${c.pending} pending, ${c.notStarted} not started` +
    (f.stopped ? `. No new run starts: ${md(f.stopped)}` : '');
}

/**
 * Refused approvals kept in the status (the oldest go first; every signal stays in the history).
 * With every kept string clipped, a refused record is at most REFUSED_RECORD_MAX_BYTES, so what
 * anyone sends adds at most MAX_REFUSED_KEPT x that (about 130 KB) to the status, which travels
 * in query answers and in the run's result or failure: far below Temporal's payload limits
 * (warning at 512 KB, error at 2 MB), whatever is sent.
 */
export const MAX_REFUSED_KEPT = 50;
/** Longest reason kept for a refusal, in characters. */
export const REFUSAL_REASON_MAX = 400;
/** UTF-8 bytes per kept character, at worst: no kept string holds anything JSON escapes as \uXXXX. */
const WORST_BYTES_PER_CHAR = 3;
const RECORD_OVERHEAD_BYTES = 120; // field names, quotes, the timestamp and the decision
const REFUSED_KEPT_CHARS = [REFUSED_KEPT.gate, REFUSED_KEPT.by, REFUSED_KEPT.comment, REFUSAL_REASON_MAX]
  .map(clippedLength)
  .reduce((a, b) => a + b, 0);
export const REFUSED_RECORD_MAX_BYTES = WORST_BYTES_PER_CHAR * REFUSED_KEPT_CHARS + RECORD_OVERHEAD_BYTES;
/** An accepted record: gate and user names are ASCII by their rules, the comment at most COMMENT_MAX characters. */
export const ACCEPTED_RECORD_MAX_BYTES = GATE_NAME_MAX + 64 + WORST_BYTES_PER_CHAR * COMMENT_MAX + RECORD_OVERHEAD_BYTES;

function now(): string {
  // Workflow time (deterministic): Date in workflow code is the SDK's replay-safe clock.
  return new Date().toISOString();
}

/**
 * The runbook's journal: stages with their start, end and outcome, progress, the open gate,
 * approvals, preflight checks and compensation steps. It answers the `status` query, keeps the
 * OrbStage / OrbAwaitingApproval search attributes and the UI's "current details" in step.
 * Written once, used by every runbook.
 */
/** A status with nothing recorded yet (a journal's start; the fence's answer to the status query). */
export function newStatus(runbook: string, startedBy: string, stage = 'starting', state: RunbookStatus['state'] = 'running'): RunbookStatus {
  return { runbook, stage, state, startedBy, stages: [], progress: null, openGate: null, approvals: [], preflight: [], compensation: [], notes: [] };
}

export class RunbookJournal {
  readonly status: RunbookStatus;

  constructor(runbook: string, startedBy: string) {
    this.status = newStatus(runbook, startedBy);
    setHandler(statusQuery, () => this.status);
    runStarted(runbook);
  }

  /** The run's end was counted (orb_runs_ended_total counts a run once, whatever calls finish). */
  private counted = false;

  private current(): StageRecord | undefined {
    const running = this.status.stages.filter((s) => s.outcome === 'running');
    return running[running.length - 1];
  }

  /** What the run does, in one line (e.g. "Relocate SALES: CDB1 → CDB2 (AVAILABILITY NORMAL)"), shown first in the Web UI's details. */
  private headline: string | null = null;

  describe(headline: string): void {
    this.headline = headline;
    this.publish();
  }

  private publish(): void {
    const s = this.status;
    // Who may approve comes before the question: the Web UI's panel cuts what does not fit.
    const gate = s.openGate
      ? `\n\n**Waiting at gate \`${s.openGate.name}\`**, may approve: ${md(s.openGate.approvers.join(', ')) || 'anyone'} ` +
        `(${s.openGate.approvedBy.length} of ${s.openGate.requiredApprovals} so far)\n\n${md(s.openGate.question)}`
      : '';
    const progress = s.progress ? `\n\n${s.progress.percent.toFixed(0)}% ${md(s.progress.detail)}` : '';
    const what = this.headline ? `**${md(this.headline)}**\n\n` : `**${md(s.runbook)}**: `;
    const fleet = s.fleet ? `\n\n${fleetLine(s.fleet)}` : '';
    setCurrentDetails(`${what}Stage \`${s.stage}\` (${s.state})${gate}${progress}${fleet}${consumerTable(s.consumers)}`);
  }

  /** Runs one stage, recording its outcome. A stage that throws is recorded as failed. */
  async stage<T>(name: string, fn: () => Promise<T>, describe?: (r: T) => string): Promise<T> {
    this.begin(name);
    try {
      const r = await fn();
      this.end('succeeded', describe?.(r));
      return r;
    } catch (err) {
      this.end('failed', causeMessage(err));
      throw err;
    }
  }

  begin(name: string): void {
    this.status.stage = name;
    this.status.stages.push({ name, startedAt: now(), outcome: 'running' });
    this.status.progress = null;
    if (workflowInfo().typedSearchAttributes.get(OrbStage) !== name) {
      upsertSearchAttributes([{ key: OrbStage, value: name }]);
    }
    this.publish();
  }

  end(outcome: StageRecord['outcome'], detail?: string): void {
    const s = this.current();
    if (!s) return;
    s.outcome = outcome;
    s.endedAt = now();
    if (detail) s.detail = detail;
    stageEnded(this.status.runbook, s.name, outcome, s.startedAt);
    this.publish();
  }

  skip(name: string, why: string): void {
    const t = now();
    this.status.stages.push({ name, startedAt: t, endedAt: t, outcome: 'skipped', detail: why });
  }

  /**
   * Sessions per instance a watch saw ([epoch ms, per instance]), added to the run's series: at most
   * INSTANCES_MAX instances and SESSION_POINTS_MAX points (every other point dropped when full), so the
   * status stays small however long the run.
   */
  sessions(samples: [number, Record<string, number>][]): void {
    const series = (this.status.sessions ??= { instances: [], points: [] });
    for (const [at, perInstance] of samples) {
      for (const name of Object.keys(perInstance)) {
        if (!series.instances.includes(name) && series.instances.length < INSTANCES_MAX) series.instances.push(name.slice(0, 64));
      }
      series.points.push([new Date(at).toISOString(), series.instances.map((i) => perInstance[i] ?? 0)]);
      if (series.points.length > SESSION_POINTS_MAX) series.points = series.points.filter((_, k, all) => k % 2 === 0 || k === all.length - 1);
    }
    // Points taken before an instance was first seen have one column fewer: pad them.
    for (const p of series.points) while (p[1].length < series.instances.length) p[1].push(0);
  }

  /** A remark for the operator (e.g. a cancel request that could not be honoured). */
  note(text: string): void {
    this.status.notes.push(`${now()} ${text}`);
    this.publish();
  }

  progress(p: ProgressRecord | null): void {
    this.status.progress = p;
    this.publish();
  }

  /** Wallet propagation: the consumers' table (the objects are updated in place; call touch() after). */
  trackConsumers(list: ConsumerStatus[]): void {
    this.status.consumers = list;
    this.publish();
  }

  /** A fleet's aggregate of its children (workflows/fleet.ts). */
  fleet(f: FleetStatus): void {
    this.status.fleet = f;
    this.publish();
  }

  /** Something shown in the Web UI's details changed (a consumer's state). */
  touch(): void {
    this.publish();
  }

  preflight(checks: CheckResult[]): void {
    this.status.preflight = checks;
  }

  gateOpened(gate: OpenGate | null): void {
    if (gate && this.status.openGate?.name !== gate.name) this.status.progress = null; // a gate is not progress
    if ((gate?.name ?? null) !== (this.status.openGate?.name ?? null)) tellFleetParent(gate?.name ?? null);
    this.status.openGate = gate;
    this.status.state = gate ? 'waiting-approval' : 'running';
    upsertSearchAttributes([{ key: OrbAwaitingApproval, value: gate !== null }]);
    this.publish();
  }

  approval(record: ApprovalRecord): void {
    // Refused signals are kept, but not without bound: the status travels in results and queries.
    const refused = this.status.approvals.filter((a) => a.refusedBecause);
    if (record.refusedBecause && refused.length >= MAX_REFUSED_KEPT) {
      this.status.approvals.splice(this.status.approvals.indexOf(refused[0]!), 1);
    }
    this.status.approvals.push(record);
  }

  compensation(record: Omit<CompensationRecord, 'at'>): void {
    this.status.compensation.push({ ...record, at: now() });
  }

  finish(state: RunbookStatus['state'], reason?: string): void {
    // "failed at preflight", "compensated at drain": the list in the Web UI says where it ended.
    const last = this.status.stages.filter((s) => s.name !== 'compensate' && s.outcome !== 'skipped').pop()?.name;
    const where = state !== 'completed' && last ? `${state} at ${last}` : state;
    this.status.state = state;
    this.status.stage = where;
    this.status.openGate = null;
    if (reason) this.status.reason = reason;
    if (!this.counted) runEnded(this.status.runbook, state);
    this.counted = true;
    upsertSearchAttributes([
      { key: OrbStage, value: where },
      { key: OrbAwaitingApproval, value: false },
    ]);
    this.publish();
  }
}
