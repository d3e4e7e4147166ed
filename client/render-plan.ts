/** Plain-text rendering of `orb plan`: preflight, then each stage with its statements, gates and undo. */
import type { RelocationPlan } from '../activities/relocation-plan';
import { table } from './render';

const KIND: Record<string, string> = {
  statement: 'run', command: 'run', read: 'read', gate: 'gate', wait: 'watch', note: 'note',
};

export function renderPlan(p: RelocationPlan): string {
  const n = (o: string) => p.preflight.filter((c) => c.outcome === o).length;
  const out = [
    `Plan: ${p.title}`,
    `  workflow id when started: ${p.workflowId}`,
    '',
    `Preflight (read-only, done now): ${n('pass')} passed, ${n('warn')} warnings, ${n('fail')} failed` +
      (p.wouldRun ? ' — the run would proceed' : ' — the run would stop at preflight, changing nothing'),
  ];
  const notPassed = p.preflight.filter((c) => c.outcome !== 'pass');
  if (notPassed.length) out.push(table(['CHECK', 'OUTCOME', 'REASON'], notPassed.map((c) => [c.check, c.outcome, c.reason])));
  out.push('', 'Stages (statements exactly as they would be sent; binds after --)');
  p.stages.forEach((s, i) => {
    out.push('', `${String(i + 1).padStart(2)}. ${s.name}${s.skipped ? `  (skipped: ${s.skipped})` : ` — ${s.purpose}`}`);
    for (const step of s.steps) {
      const where = step.cdb ? `[${step.cdb}] ` : '';
      const runs = step.kind === 'statement' || step.kind === 'command';
      out.push(`      ${KIND[step.kind]!.padEnd(5)}  ${runs ? where : ''}${step.text}`);
      if (step.when) out.push(`             only if ${step.when}`);
    }
    if (!s.skipped && s.onFailure) out.push(`      on failure: ${s.onFailure}`);
  });
  return out.join('\n');
}
