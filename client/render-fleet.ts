/** A fleet's aggregate as `orb status` and `orb start fleet --wait` show it (the status's `fleet`, workflows/fleet.ts). */
import type { FleetStatus } from '../common/fleet-types';
import { table } from './render';

export function fleetCounts(f: FleetStatus): string {
  const c = f.counts;
  return `${c.running} running (${c.waitingApproval} at a gate), ${c.completed} completed, ${c.failed} failed, ` +
    `${c.compensated} compensated, ${c.pending} pending, ${c.notStarted} not started`;
}

export function renderFleet(f: FleetStatus): string[] {
  const head = `Fleet: ${f.total} ${f.runbook} runs, ${f.concurrency} at a time, wave ${f.wave} of ${f.waves.length}`;
  const out = ['', `${head} (sizes ${f.waves.join(', ')})`];
  out.push(`  ${fleetCounts(f)}`);
  const continued = f.runs > 1 ? `; continued as new ${f.runs - 1} time(s)` : '';
  out.push(`  most running at once: ${f.peakRunning}; stop rule: no new run after ${f.stopAfterFailures} failure(s)${continued}`);
  if (f.stopped) out.push(`  no new run starts: ${f.stopped}`);
  if (f.running.length) {
    out.push('', 'Running children (orb status <id>; approve a child\'s gate with orb approve <id>)');
    out.push(table(['WORKFLOW ID', 'TARGET', 'WAITING AT GATE'], f.running.map((r) => [r.workflowId, r.target, r.gate ?? ''])));
  }
  if (f.failures.length) {
    const some = f.failures.length < f.counts.failed + f.counts.compensated ? ` (the first ${f.failures.length})` : '';
    out.push('', `Children that did not complete${some}`);
    out.push(table(['WORKFLOW ID', 'STATE', 'TARGET', 'WHY'], f.failures.map((x) => [x.workflowId, x.state, x.target, x.reason])));
  }
  return out;
}

/** What changed in a fleet between two statuses (for --wait), or null. */
export function fleetProgressLine(prev: FleetStatus | undefined, cur: FleetStatus | undefined): string | null {
  if (!cur) return null;
  const a = prev ? fleetCounts(prev) : '';
  const b = fleetCounts(cur);
  return a === b ? null : `fleet: ${b}`;
}
