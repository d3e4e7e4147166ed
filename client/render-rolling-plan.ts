import type { RollingPlan } from '../workflows/plan-rolling-maintenance';
import { table } from './render';

/** What a step without command lines is, and what a maintenance command's failure leads to. */
function stepNote(stage: string, lines: number): string {
  if (stage.startsWith('approve-maintenance-')) return ': gate — do the maintenance, then approve (reject puts the instance back)';
  if (stage.startsWith('maintenance-')) return ': the maintenance command, on the node over SSH (a failure waits at gate recover-' + stage + ')';
  return lines ? '' : ': nothing to send';
}

/** `orb plan rolling-maintenance` as a person reads it. */
export function renderRollingPlan(p: RollingPlan): string {
  const out = [`Plan: rolling-maintenance of ${p.cdb} (${p.facts.db}) — ${p.wouldRun ? 'the run would proceed' : 'PREFLIGHT FAILS: the run would stop there, changing nothing'}`];
  out.push('', 'Checks (srvctl, read-only)', table(['CHECK', 'OUTCOME', 'REASON'], p.checks.map((c) => [c.check, c.outcome, c.reason])));
  out.push('', 'Instances', table(['INSTANCE', 'NODE', 'RUNNING'], p.facts.instances.map((i) => [i.name, i.node, i.running ? 'yes' : 'no'])));
  out.push('', 'Services', table(['SERVICE', 'PDB', 'PREFERRED', 'AVAILABLE', 'RUNNING ON'], p.facts.services.map((s) =>
    [s.name, s.pdb ?? '', s.preferred.join(',') || '-', s.available.join(',') || '-', s.runningOn.join(',') || '-'])));
  for (const t of p.turns) {
    out.push('', `Instance ${t.instance}: ${t.moves.map((m) => (m.how === 'relocate' ? `${m.service} → ${m.to}` : `${m.service} stops here`)).join(', ') || 'no service runs here'}`);
    for (const s of t.steps) {
      out.push(`  ${s.stage}${stepNote(s.stage, s.lines.length)}`);
      for (const l of s.lines) out.push(`    ${l}`);
    }
    out.push(`  rebalance-${t.instance}: watch the pools come back onto ${t.instance} (GV$SESSION)`);
  }
  if (p.turns.length) out.push('', 'Each turn reads srvctl again first: services come back from where they are then.');
  return out.join('\n');
}
