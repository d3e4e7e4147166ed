/**
 * The "Audit" section of the HTML report: who started the run and with what, every approve / reject sent to it,
 * every call it issued (bounded: the first and last ones of a huge run, saying how many were left out) and its
 * child runs. Every string is escaped; the options are shown as JSON text.
 */
import { esc } from './html';
import type { Audit, AuditCall } from './audit-types';

/** Calls shown at each end of a long run; the JSON audit has them all. */
export const CALLS_SHOWN = 150;

const time = (iso: string | null) => (iso ? iso.replace('T', ' ').slice(0, 23) : '');

function rows(cells: unknown[][]): string {
  const cell = (c: unknown, last: boolean) => `<td${last ? ' class="detail"' : ''}>${esc(c ?? '')}</td>`;
  return cells.map((r) => `<tr>${r.map((c, i) => cell(c, i === r.length - 1)).join('')}</tr>`).join('');
}

function table(head: string[], body: string, empty: string): string {
  if (!body) return `<p class="none">${esc(empty)}</p>`;
  return `<table><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table>`;
}

function callRow(c: AuditCall): unknown[] {
  const outcome = c.error ? `${c.outcome}: ${c.error.code ?? c.error.type ?? ''} ${c.error.message}`.trim() : c.outcome;
  return [time(c.at), c.endedAt ? time(c.endedAt).slice(11) : '', c.kind + (c.undo ? ' (undo)' : ''), c.attempts, c.what, outcome];
}

/** The first and last `shown` calls, with a row saying how many were left out between them. */
export function callsTable(calls: AuditCall[], shown = CALLS_SHOWN): string {
  const head = ['at (UTC)', 'ended', 'kind', 'attempts', 'what', 'outcome'];
  if (calls.length <= 2 * shown) return table(head, rows(calls.map(callRow)), 'No call was issued.');
  const gap = `<tr><td colspan="6" class="none">${calls.length - 2 * shown} call(s) left out here; orb report --json lists them all</td></tr>`;
  return table(head, rows(calls.slice(0, shown).map(callRow)) + gap + rows(calls.slice(-shown).map(callRow)), '');
}

export function auditSection(a: Audit): string {
  const who = `<p>Started ${esc(time(a.startedAt))} UTC by <b>${esc(a.startedBy ?? '?')}</b> ` +
    `(client identity ${esc(a.identity ?? '?')}), workflow ${esc(a.workflowType)} run ${esc(a.runId)}; ` +
    `final state <b>${esc(a.final.state)}</b>${a.final.reason ? ` — ${esc(a.final.reason)}` : ''} (from the ${esc(a.final.source)}).</p>`;
  const options = `<details><summary>Options as given</summary><pre>${esc(JSON.stringify(a.options, null, 2))}</pre></details>`;
  const gates = table(['at (UTC)', 'gate', 'decision', 'by', 'via', 'result', 'comment'], rows(a.gates.map((g) => [
    time(g.at), g.gate, g.decision + (g.choice ? ` (${g.choice})` : ''), g.by, `${g.via} from ${g.identity ?? '?'}`,
    g.refusedBecause ? `refused: ${g.refusedBecause}` : g.result, g.comment ?? ''])), 'No approval or rejection was sent.');
  const children = a.children.length
    ? '<h3>Child runs</h3>' + table(['started (UTC)', 'workflow id', 'type', 'outcome'], rows(a.children.map((c) => [
      time(c.at), c.workflowId, c.workflowType, c.outcome])), '')
    : '';
  const cut = a.history.truncated ? `<p class="none">The history had more than ${a.history.events} events; the rest is not shown.</p>` : '';
  return ['<h2>Audit</h2>', who, options, '<h3>Approvals and rejections sent</h3>', gates,
    `<h3>Calls (${a.calls.length})</h3>`, callsTable(a.calls), children, cut].join('\n');
}
