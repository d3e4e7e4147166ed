/** The stages of a run as a timeline (a Gantt row per stage), inline SVG. */
import type { StageRecord } from '../../common/runbook-types';
import { esc, span } from './html';

const W = 900;
const ROW = 22;
const LABEL = 190;
const COLOUR: Record<string, string> = { succeeded: '#2ca02c', failed: '#d62728', running: '#1f77b4', skipped: '#bbbbbb' };

export function stageTimeline(stages: StageRecord[], endMs: number): string {
  if (!stages.length) return '<p class="none">No stage started.</p>';
  const starts = stages.map((s) => Date.parse(s.startedAt));
  const ends = stages.map((s) => (s.endedAt ? Date.parse(s.endedAt) : endMs));
  const t0 = Math.min(...starts);
  const t1 = Math.max(...ends, t0 + 1);
  const x = (t: number) => LABEL + ((t - t0) / (t1 - t0)) * (W - LABEL - 90);
  const rows = stages.map((s, i) => {
    const y = i * ROW + 4;
    const from = x(starts[i]!);
    const width = Math.max(2, x(ends[i]!) - from);
    const took = span(ends[i]! - starts[i]!);
    const tip = `${s.name}: ${s.outcome}, ${took}${s.detail ? ` — ${s.detail}` : ''}`;
    return `<text x="${LABEL - 8}" y="${y + 14}" text-anchor="end">${esc(s.name)}</text>` +
      `<rect x="${from.toFixed(1)}" y="${y}" width="${width.toFixed(1)}" height="${ROW - 6}" rx="3" fill="${COLOUR[s.outcome] ?? '#999'}">` +
      `<title>${esc(tip.slice(0, 600))}</title></rect>` +
      `<text x="${(from + width + 4).toFixed(1)}" y="${y + 14}" class="muted">${esc(took)}</text>`;
  });
  const h = stages.length * ROW + 8;
  return `<svg viewBox="0 0 ${W} ${h}" role="img" aria-label="stages over time">${rows.join('')}</svg>`;
}
