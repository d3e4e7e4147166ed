/**
 * `orb report <id>`: one self-contained HTML page for a run (no script, no external resource): what it was,
 * how it ended, its stages on a timeline, the sessions per instance it watched, approvals, consumers,
 * compensation and notes. Every string from the run is escaped.
 */
import { READINESS_COLUMNS, readinessRows } from '../readiness-rows';
import type { RunbookStatus } from '../../common/runbook-types';
import type { RunStatus } from '../runbooks';
import { esc, span } from './html';
import { sessionChart } from './session-chart';
import { stageTimeline } from './stage-timeline';
import type { Audit } from './audit-types';
import { auditSection } from './render-audit';

const CSS = `body{font:14px/1.45 system-ui,sans-serif;margin:24px auto;max-width:960px;color:#222}
h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:28px 0 8px;border-bottom:1px solid #ddd}
.muted{color:#777}.none{color:#777;font-style:italic}table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eee;vertical-align:top}th{background:#f6f6f6}
svg{width:100%;height:auto;font-size:11px}svg text{fill:#444}.grid{stroke:#eee}
.legend{margin-top:4px}.key{margin-right:14px}.key i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:-1px}
.state{display:inline-block;padding:2px 8px;border-radius:10px;color:#fff;font-weight:600}
.completed{background:#2ca02c}.failed{background:#d62728}.compensated{background:#ff7f0e}.running,.waiting-approval{background:#1f77b4}
td.detail{max-width:520px;overflow-wrap:anywhere}h3{font-size:14px;margin:18px 0 6px}
pre{font-size:12px;white-space:pre-wrap;overflow-wrap:anywhere;background:#f6f6f6;padding:8px}`;

function table(head: string[], rows: unknown[][]): string {
  if (!rows.length) return '<p class="none">None.</p>';
  const th = head.map((h) => `<th>${esc(h)}</th>`).join('');
  const tr = rows.map((r) => `<tr>${r.map((c, i) => `<td${i === r.length - 1 ? ' class="detail"' : ''}>${esc(c ?? '')}</td>`).join('')}</tr>`);
  return `<table><thead><tr>${th}</tr></thead><tbody>${tr.join('')}</tbody></table>`;
}

const time = (iso: string | undefined) => (iso ? iso.replace('T', ' ').slice(0, 19) : '');

function stagesTable(s: RunbookStatus): string {
  return table(['stage', 'outcome', 'started (UTC)', 'took', 'detail'], s.stages.map((st) => [
    st.name, st.outcome, time(st.startedAt).slice(11), st.endedAt ? span(Date.parse(st.endedAt) - Date.parse(st.startedAt)) : '', st.detail ?? '',
  ]));
}

function sections(s: RunbookStatus, endMs: number): string[] {
  const startMs = s.stages.length ? Date.parse(s.stages[0]!.startedAt) : endMs;
  const out = [
    '<h2>Stages</h2>', stageTimeline(s.stages, endMs), stagesTable(s),
    '<h2>Sessions per instance</h2>', sessionChart(s.sessions, startMs, endMs),
    '<h2>Approvals</h2>', table(['at (UTC)', 'decision', 'gate', 'by', 'result'], s.approvals.map((a) => [
      time(a.at), a.decision, a.gate, a.by, a.refusedBecause ? `refused: ${a.refusedBecause}` : `accepted${a.choice ? ` (${a.choice})` : ''}`])),
  ];
  if (s.readiness?.length) out.push('<h2>Services (client readiness)</h2>', table(READINESS_COLUMNS.map((c) => c.toLowerCase()), readinessRows(s.readiness)));
  if (s.consumers?.length) {
    out.push('<h2>Consumers</h2>', table(['consumer', 'kind', 'state', 'wallet', 'test / error'], s.consumers.map((c) => [
      c.label, c.kind, c.state, c.walletAfter ?? c.walletBefore ?? '', c.error ?? c.test ?? ''])));
  }
  if (s.compensation.length) {
    out.push('<h2>Compensation</h2>', table(['at (UTC)', 'step', 'outcome', 'detail'], s.compensation.map((c) => [time(c.at), c.step, c.outcome, c.detail ?? ''])));
  }
  if (s.notes.length) out.push('<h2>Notes</h2>', `<ul>${s.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  return out;
}

/** The page; with the run's audit (from its history, audit-read.ts) it ends with the "Audit" section. */
export function renderReport(r: RunStatus, generatedAt = new Date(), audit?: Audit): string {
  const s = r.status;
  const endMs = r.closeTime ? Date.parse(r.closeTime) : generatedAt.getTime();
  const head = `<h1>${esc(r.workflowId)}</h1><div class="muted">${esc(s?.runbook ?? '')} · started by ${esc(s?.startedBy ?? '?')} · ` +
    `${esc(time(r.startTime))} UTC${r.closeTime ? ` → ${esc(time(r.closeTime))} UTC` : ' (still running)'} · workflow ${esc(r.executionStatus)}</div>`;
  const state = s ? `<p><span class="state ${esc(s.state)}">${esc(s.state)}</span> ${esc(s.reason ?? '')}</p>` : `<p>${esc(r.note ?? 'no status')}</p>`;
  const body = (s ? sections(s, endMs).join('\n') : '') + (audit ? auditSection(audit) : '');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
    `<title>${esc(r.workflowId)} — orb report</title><style>${CSS}</style></head><body>${head}${state}${body}` +
    `<p class="muted">Written by orb report at ${esc(generatedAt.toISOString())}.</p></body></html>`;
}
