/** Plain-text rendering of runbook status for the terminal. */
import { formatDuration } from '../common/duration';
import { sanitize } from '../common/untrusted-text';
import type { RunbookStatus } from '../common/runbook-types';
import type { RetryingActivity } from './retrying';
import { perInstanceText, type StepProgress } from './heartbeat-progress';
import { READINESS_COLUMNS, readinessRows } from './readiness-rows';
import { fleetProgressLine, renderFleet } from './render-fleet';
import type { RunStatus } from './runbooks';

/** Longest cell a table prints: text from outside (a refused signal) must not stretch or break the table. */
const CELL_MAX = 400;

/**
 * A cell on one line: line breaks and tabs shown as ↵ and a space, any other control or bidi character as U+FFFD
 * (a workflow id started around orb may carry a terminal escape), clipped at CELL_MAX.
 */
function cell(c: string): string {
  const one = sanitize(c.replace(/\r?\n|\r/g, '↵').replace(/\t/g, ' '));
  return one.length > CELL_MAX ? `${one.slice(0, CELL_MAX)}…` : one;
}

/** Widest name (gate, person) a column shows: a refused signal's name may be 80 characters of anything. */
export const NAME_COLUMN_MAX = 32;

/** A name clipped for a column: at most NAME_COLUMN_MAX characters, the cut marked with "…". */
export function narrow(name: string, max = NAME_COLUMN_MAX): string {
  const chars = [...name];
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : name;
}

export function table(headers: string[], rawRows: string[][], indent = '  '): string {
  const rows = rawRows.map((r) => r.map((c) => cell(c ?? '')));
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    indent +
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** HH:MM:SS of an ISO time (UTC), or '-' */
export function clock(iso: string | undefined | null): string {
  if (!iso) return '-';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toISOString().slice(11, 19);
}

function took(start: string, end?: string): string {
  if (!end) return '';
  const ms = new Date(end).getTime() - new Date(start).getTime();
  return Number.isFinite(ms) && ms >= 0 ? formatDuration(ms) : '';
}

/** " (retry)": the choice an approval made; a rejection chooses nothing, whatever its sender wrote. */
function chosen(a: { decision: string; choice?: string }): string {
  return a.decision === 'approve' && a.choice ? ` (${a.choice})` : '';
}

function quote(s: string | undefined): string {
  return s ? ` "${s}"` : '';
}

export interface RenderContext {
  workflowId: string;
  /** Temporal's execution status (RUNNING, COMPLETED, FAILED, ...) when known */
  executionStatus?: string;
  uiUrl?: string;
  /** Set when the status came from history/visibility rather than a live query */
  note?: string;
  /** Activities Temporal is retrying */
  retrying?: RetryingActivity[];
  /** What the steps under way report (an OCI work request's progress) */
  working?: StepProgress[];
}

/** "attempt 3 of 20" (or "attempt 3" with no limit) */
function attempts(a: RetryingActivity): string {
  return `attempt ${a.attempt}${a.maximumAttempts ? ` of ${a.maximumAttempts}` : ''}`;
}

/** When the attempt after the failure happens: "next attempt at 05:46:12 UTC (in 4s)", "running since ..." */
function nextAttempt(a: RetryingActivity, now: number): string {
  if (a.state === 'running') return `running since ${clock(a.lastStartedAt)} UTC${a.lastWorker ? ` on ${a.lastWorker}` : ''}`;
  if (a.state === 'waiting' && a.nextAttemptAt) {
    const ms = new Date(a.nextAttemptAt).getTime() - now;
    return `next attempt at ${clock(a.nextAttemptAt)} UTC (${ms > 0 ? `in ${formatDuration(Math.ceil(ms / 1000) * 1000)}` : 'due now'})`;
  }
  return a.state === 'waiting' ? 'waiting for a worker' : a.state;
}

function errorText(a: RetryingActivity, max = 400): string {
  const e = a.lastError;
  if (!e) return 'none recorded';
  const text = e.message.length > max ? `${e.message.slice(0, max)}…` : e.message;
  const when = a.lastAttemptEndedAt ? `at ${clock(a.lastAttemptEndedAt)} UTC` : '';
  const about = [e.code, when].filter(Boolean).join(', ');
  return `${about ? `(${about}) ` : ''}${text}`;
}

/** Two lines per activity Temporal is retrying: which, which attempt, when the next is, and the last error. */
export function renderRetrying(list: readonly RetryingActivity[], indent = '  ', now = Date.now()): string[] {
  return list.flatMap((a) => [
    `${indent}retrying: ${a.stage ? `stage ${a.stage}, ` : ''}activity ${a.activity}: ${attempts(a)}, ${nextAttempt(a, now)}`,
    `${indent}  last error ${errorText(a)}`,
  ]);
}

/** Short form for orb list: "retrying (attempt 3 of 20, ORA-03113)" */
export function retryingSummary(list: readonly RetryingActivity[] | null): string {
  if (!list?.length) return '';
  return list.map((a) => `retrying (${attempts(a)}${a.lastError?.code ? `, ${a.lastError.code}` : ''})`).join(', ');
}

/** A progress line for each new attempt of an activity that failed (orb start --wait), or null. */
export function retryProgressLine(prev: readonly RetryingActivity[], cur: readonly RetryingActivity[]): string | null {
  const fresh = cur.filter((a) => !prev.some((p) => p.activity === a.activity && p.attempt === a.attempt));
  if (!fresh.length) return null;
  const now = Date.now();
  return fresh.map((a) => `${a.activity} retrying: ${attempts(a)}, ${nextAttempt(a, now)}; last error ${errorText(a, 200)}`).join('; ');
}

export function renderStatus(s: RunbookStatus, ctx: RenderContext): string {
  const out: string[] = [];
  out.push(`${ctx.workflowId}  (${s.runbook}, started by ${s.startedBy})`);
  out.push(`  state: ${s.state}   stage: ${s.stage}${ctx.executionStatus ? `   workflow: ${ctx.executionStatus}` : ''}`);
  out.push(...renderRetrying(ctx.retrying ?? []));
  for (const w of ctx.working ?? []) {
    out.push(`  in progress: ${w.percent === null ? '' : `${bar(w.percent)} `}${w.detail} (${w.activity})`);
    if (w.perInstance) out.push(`    sessions per instance: ${perInstanceText(w.perInstance)}`);
  }
  if (ctx.uiUrl) out.push(`  web UI: ${ctx.uiUrl}`);
  if (ctx.note) out.push(`  note: ${ctx.note}`);
  if (s.reason) out.push(`  reason: ${s.reason}`);
  for (const n of s.notes ?? []) out.push(`  note: ${n}`);
  if (s.progress) {
    const left = s.progress.timeRemainingSeconds !== null ? `, about ${formatDuration(s.progress.timeRemainingSeconds * 1000)} left` : '';
    const pct = s.progress.percent > 0 ? `${bar(s.progress.percent)} ${s.progress.percent.toFixed(0)}%${left} — ` : '';
    out.push(`  progress: ${pct}${s.progress.detail}${pct ? '' : left}`);
  }

  if (s.stages.length) {
    out.push('', 'Stages');
    out.push(
      table(
        ['STAGE', 'OUTCOME', 'STARTED', 'ENDED', 'TOOK', 'DETAIL'],
        s.stages.map((st) => [st.name, st.outcome, clock(st.startedAt), st.outcome === 'skipped' ? '' : clock(st.endedAt), st.outcome === 'skipped' ? '' : took(st.startedAt, st.endedAt), st.detail ?? '']),
      ),
    );
  }

  if (s.openGate) {
    const g = s.openGate;
    out.push('', `Open gate "${g.name}": ${g.question}`);
    out.push(`  may approve: ${g.approvers.join(', ') || 'anyone'}${s.startedBy && g.approvers.includes(s.startedBy) ? ` (${s.startedBy} started the run; self-approval depends on the gate's policy)` : ''}`);
    out.push(`  approvals: ${g.approvedBy.length}/${g.requiredApprovals}${g.approvedBy.length ? ` (${g.approvedBy.join(', ')})` : ''}`);
    out.push(`  opened ${clock(g.openedAt)} UTC${g.timeoutAt ? `, times out ${clock(g.timeoutAt)} UTC` : ', no timeout'}`);
    const choose = g.choices ? ` --choice ${g.choices.join('|')}` : '';
    out.push(`  orb approve ${shellArg(ctx.workflowId)} --gate ${shellArg(g.name)}${choose} --by <name> [--comment "..."]`);
    out.push(`  orb reject  ${shellArg(ctx.workflowId)} --gate ${shellArg(g.name)} --by <name> --comment "why"`);
  }

  if (s.fleet) out.push(...renderFleet(s.fleet));
  if (s.readiness?.length) out.push('', 'Services (client readiness)', table(READINESS_COLUMNS, readinessRows(s.readiness)));
  if (s.consumers?.length) {
    out.push('', 'Consumers');
    out.push(
      table(
        ['CONSUMER', 'KIND', 'STATE', 'WALLET', 'TEST / ERROR'],
        s.consumers.map((c) => [
          `${c.name} (${c.label})`,
          c.kind,
          c.state,
          c.walletAfter ?? c.walletBefore ?? '',
          [c.error, c.test, c.reactivated?.length ? `reactivated ${c.reactivated.join(', ')}` : ''].filter(Boolean).join('; '),
        ]),
      ),
    );
  }

  if (s.approvals.length) {
    out.push('', 'Approvals');
    out.push(
      table(
        ['AT', 'DECISION', 'GATE', 'BY', 'RESULT'],
        s.approvals.map((a) => [
          clock(a.at),
          a.decision,
          narrow(a.gate),
          narrow(a.by),
          a.refusedBecause ? `REFUSED: ${a.refusedBecause}` : `accepted${chosen(a)}${quote(a.comment)}`,
        ]),
      ),
    );
  }

  const notPassed = s.preflight.filter((c) => c.outcome !== 'pass');
  if (s.preflight.length) {
    const n = (o: string) => s.preflight.filter((c) => c.outcome === o).length;
    out.push('', `Checks: ${n('pass')} passed, ${n('warn')} warnings, ${n('fail')} failed`);
    if (notPassed.length) out.push(table(['CHECK', 'OUTCOME', 'REASON'], notPassed.map((c) => [c.check, c.outcome, c.reason])));
  }

  if (s.compensation.length) {
    out.push('', 'Compensation');
    out.push(table(['AT', 'STEP', 'OUTCOME', 'DETAIL'], s.compensation.map((c) => [clock(c.at), c.step, c.outcome, c.detail ?? ''])));
  }
  return out.join('\n');
}

export function bar(percent: number, width = 20): string {
  const p = Math.max(0, Math.min(100, percent));
  const full = Math.round((p / 100) * width);
  return `[${'#'.repeat(full)}${'.'.repeat(width - full)}]`;
}

/** Quotes a value for copy-pasting into a POSIX shell, only when needed. */
export function shellArg(s: string): string {
  return /^[A-Za-z0-9_./:@=+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A line for each step whose reported progress moved (a new status, or the next tenth), or null. */
export function workingProgressLine(prev: readonly StepProgress[], cur: readonly StepProgress[]): string | null {
  const key = (w: StepProgress) => `${w.activity} ${w.detail.replace(/ \d+%$/, '')} ${w.percent === null ? '-' : Math.floor(w.percent / 10)}`;
  const seen = new Set(prev.map(key));
  const moved = cur.filter((w) => !seen.has(key(w)));
  return moved.length ? moved.map((w) => w.detail + (w.perInstance ? ` (${perInstanceText(w.perInstance)})` : '')).join('; ') : null;
}

/** What `--wait` prints for each new reading of a run: what changed in its status, its retries, its steps' progress. */
export function runFollower(out: (line: string) => void): (r: RunStatus) => void {
  let prev: RunStatus | null = null;
  return (r) => {
    const lines = [
      r.status ? progressLine(prev?.status ?? null, r.status) : null,
      retryProgressLine(prev?.retrying ?? [], r.retrying),
      workingProgressLine(prev?.working ?? [], r.working ?? []),
    ];
    for (const line of lines) if (line) out(`  ${new Date().toISOString().slice(11, 19)}  ${line}`);
    prev = { ...r, status: r.status ?? prev?.status ?? null };
  };
}

/** One line describing what changed between two statuses (for --wait and demo progress). */
export function progressLine(prev: RunbookStatus | null, cur: RunbookStatus): string | null {
  const parts: string[] = [];
  if (!prev || prev.stage !== cur.stage || prev.state !== cur.state) parts.push(`stage ${cur.stage} (${cur.state})`);
  if (cur.openGate && (!prev?.openGate || prev.openGate.name !== cur.openGate.name || prev.openGate.approvedBy.length !== cur.openGate.approvedBy.length)) {
    parts.push(`gate "${cur.openGate.name}" open: ${cur.openGate.approvedBy.length}/${cur.openGate.requiredApprovals} approvals, approvers ${cur.openGate.approvers.join(', ')}`);
  }
  if (cur.progress && (!prev?.progress || Math.floor(prev.progress.percent / 10) !== Math.floor(cur.progress.percent / 10) || prev.progress.detail !== cur.progress.detail)) {
    parts.push(cur.progress.percent > 0 ? `${bar(cur.progress.percent)} ${cur.progress.percent.toFixed(0)}% ${cur.progress.detail}` : cur.progress.detail);
  }
  const newApprovals = cur.approvals.slice(prev?.approvals.length ?? 0);
  for (const a of newApprovals) parts.push(`${a.decision} ${a.gate} by ${a.by}${a.refusedBecause ? ` REFUSED: ${a.refusedBecause}` : ''}`);
  const fleet = fleetProgressLine(prev?.fleet, cur.fleet);
  if (fleet) parts.push(fleet);
  const newComp = cur.compensation.slice(prev?.compensation.length ?? 0);
  for (const c of newComp) parts.push(`compensation: ${c.step}: ${c.outcome}`);
  for (const c of cur.consumers ?? []) {
    const before = prev?.consumers?.find((p) => p.name === c.name);
    if (before?.state !== c.state) parts.push(`consumer ${c.name}: ${c.state}${c.state === 'failed' || c.state === 'restored' ? ` (${c.error ?? ''})` : ''}`);
  }
  return parts.length ? parts.join('; ') : null;
}
