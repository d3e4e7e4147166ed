/**
 * The sessions-per-instance chart of a run (RunbookStatus.sessions) as inline SVG: one line per instance over
 * the run's time, the picture of Oracle's planned-maintenance figure (50:50 → 100:0 → 50:50).
 */
import type { SessionSeries } from '../../common/runbook-types';
import { esc } from './html';

const W = 900;
const H = 260;
const PAD = { left: 48, right: 16, top: 16, bottom: 36 };
const COLOURS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

function medianStep(times: number[]): number {
  const steps = times.slice(1).map((t, k) => t - times[k]!).sort((a, b) => a - b);
  return steps.length ? steps[Math.floor(steps.length / 2)]! : 0;
}

function splitAt<T extends { t: number }>(points: T[], gap: number): T[][] {
  const out: T[][] = [];
  for (const p of points) {
    const last = out.at(-1);
    if (last && p.t - last.at(-1)!.t <= gap) last.push(p);
    else out.push([p]);
  }
  return out;
}

export function sessionChart(series: SessionSeries | undefined, fromMs: number, toMs: number): string {
  if (!series || series.points.length === 0) return '<p class="none">No sessions were watched in this run.</p>';
  const times = series.points.map(([t]) => Date.parse(t));
  const t0 = Math.min(fromMs, ...times);
  const t1 = Math.max(toMs, ...times, t0 + 1);
  const max = Math.max(1, ...series.points.flatMap(([, v]) => v));
  const x = (t: number) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (n: number) => H - PAD.bottom - (n / max) * (H - PAD.top - PAD.bottom);
  // Sessions are sampled while a watch runs and once at a few stage ends: a solid line is broken across the gaps.
  const gap = Math.max(5_000, 3 * medianStep(times));
  const segments = splitAt(series.points.map((p, k) => ({ p, t: times[k]! })), gap);
  const at = (q: { p: (typeof series.points)[number]; t: number }, i: number) => `${x(q.t).toFixed(1)},${y(q.p[1][i] ?? 0).toFixed(1)}`;
  const lines = series.instances.flatMap((inst, i) => segments.map((seg, k) => {
    const pts = seg.map((q) => at(q, i)).join(' ');
    const colour = COLOURS[i % COLOURS.length]!;
    const shape = seg.length === 1 ? `<circle cx="${pts.split(',')[0]}" cy="${pts.split(',')[1]}" r="2.5" fill="${colour}"/>` : '';
    // Between two readings far apart nothing was watched: a thin dashed line joins them, not a measured one.
    const prev = k > 0 ? segments[k - 1]!.at(-1)! : null;
    const bridge = prev ? `<polyline fill="none" stroke="${colour}" stroke-width="1" stroke-dasharray="4 4" points="${at(prev, i)} ${at(seg[0]!, i)}"/>` : '';
    return `${bridge}${shape}<polyline fill="none" stroke="${colour}" stroke-width="2" points="${pts}"><title>${esc(inst)}</title></polyline>`;
  }));
  const legend = series.instances.map((inst, i) =>
    `<span class="key"><i style="background:${COLOURS[i % COLOURS.length]}"></i>${esc(inst)}</span>`).join('');
  const ticks = [0, 0.5, 1].map((f) => Math.round(max * f));
  const yAxis = ticks.map((n) => `<text x="${PAD.left - 6}" y="${y(n) + 4}" text-anchor="end">${n}</text>` +
    `<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${y(n)}" y2="${y(n)}" class="grid"/>`).join('');
  const anchors = ['start', 'middle', 'end'];
  const xAxis = [t0, (t0 + t1) / 2, t1].map((t, i) =>
    `<text x="${x(t)}" y="${H - 12}" text-anchor="${anchors[i]}">${esc(new Date(t).toISOString().slice(11, 19))}</text>`).join('');
  const yMid = (PAD.top + H - PAD.bottom) / 2;
  const yLabel = `<text x="12" y="${yMid}" text-anchor="middle" transform="rotate(-90 12 ${yMid})">sessions</text>`;
  return `<svg viewBox="0 0 ${W} ${H}" role="img" aria-label="user sessions per instance over time">${yLabel}${yAxis}${xAxis}${lines.join('')}</svg>` +
    `<div class="legend">${legend} <span class="muted">user sessions (GV$SESSION) per instance, UTC; dashed: between two readings</span></div>`;
}
