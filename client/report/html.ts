import { sanitize } from '../../common/untrusted-text';

/**
 * HTML text from untrusted strings: everything a run's status or history holds is escaped before it reaches the
 * page, and control or formatting characters (a BEL, a bidirectional override) become U+FFFD.
 */
export function esc(v: unknown): string {
  return sanitize(String(v)).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Milliseconds as "1 h 02 min", "4 min 05 s", "12 s", "350 ms". */
export function span(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}
