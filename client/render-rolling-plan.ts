import type { RollingPlan } from '../workflows/plan-rolling-maintenance';
import { table } from './render';
import { formatDuration } from '../common/duration';
import type { GatePolicy } from '../common/runbook-types';

/** What a step without command lines is, and what a maintenance command's failure leads to. */
function stepNote(stage: string, lines: number): string {
  if (stage.startsWith('approve-maintenance-'))
    return ': gate — do the maintenance, then approve (reject puts the instance back)';
  if (stage.startsWith('maintenance-'))
    return ': the maintenance command, on the node over SSH (a failure waits at gate recover-' + stage + ')';
  return lines ? '' : ': nothing to send';
}

const whoOf = (starter: string) => (g: GatePolicy) => {
  const may = g.allowInitiator ? g.approvers : g.approvers.filter((a) => a !== starter);
  const timeout = g.timeoutMs ? `, times out after ${formatDuration(g.timeoutMs)}: ${g.onTimeout}` : '';
  return `${g.requiredApprovals} of ${may.join(', ')}${timeout}`;
};

/** Every gate the run may open, when, and who may approve it. */
function gateRows(p: RollingPlan): string[][] {
  const who = whoOf(p.startedBy);
  const rows: string[][] = [];
  if (p.gates.start) rows.push(['start', 'before the first instance leaves', who(p.gates.start)]);
  if (!p.maintenance)
    rows.push([
      'maintenance-<instance>',
      'each instance, once stopped: do the maintenance, then approve',
      who(p.gates.maintenance),
    ]);
  else
    rows.push([
      'recover-maintenance-<instance>',
      `only if the maintenance command ${p.maintenance} fails: run it again, or put the instance back`,
      who(p.gates.operator),
    ]);
  const drain = `only if sessions remain after the drain timeout (${formatDuration(p.drain.timeoutMs)})`;
  if (p.drain.onTimeout === 'ask')
    rows.push([
      'drain-timeout-<instance>',
      `${drain}: disconnect them after their transaction, or put back`,
      who(p.gates.operator),
    ]);
  else
    rows.push([
      '(none)',
      `${drain}: ${p.drain.onTimeout === 'abort' ? 'the instance is put back and the run stops' : 'disconnected after their transaction'}`,
      '-',
    ]);
  rows.push([
    'recover-<stage>',
    'only if a start or a service return fails after the maintenance: retry, or stop',
    who(p.gates.operator),
  ]);
  return rows;
}

const PREFLIGHT_FAILS = 'PREFLIGHT FAILS: the run would stop there, changing nothing';

/** `orb plan rolling-maintenance` as a person reads it. */
export function renderRollingPlan(p: RollingPlan): string {
  const out = [
    `Plan: rolling-maintenance of ${p.cdb} (${p.facts.db}) — ${p.wouldRun ? 'the run would proceed' : PREFLIGHT_FAILS}`,
  ];
  out.push(
    '',
    'Checks (srvctl, read-only)',
    table(
      ['CHECK', 'OUTCOME', 'REASON'],
      p.checks.map((c) => [c.check, c.outcome, c.reason]),
    ),
  );
  if (p.readiness.length) {
    out.push(
      '',
      'Client readiness of the services that will drain (warnings only: orb check readiness)',
      table(
        ['SERVICE', 'OUTCOME', 'REASON'],
        p.readiness.map((c) => [c.check.replace(/^readiness /, ''), c.outcome, c.reason]),
      ),
    );
  }
  out.push('', 'Gates', table(['GATE', 'WHEN', 'WHO MAY APPROVE'], gateRows(p)));
  out.push(
    '',
    'Instances',
    table(
      ['INSTANCE', 'NODE', 'RUNNING'],
      p.facts.instances.map((i) => [i.name, i.node, i.running ? 'yes' : 'no']),
    ),
  );
  out.push(
    '',
    'Services',
    table(
      ['SERVICE', 'PDB', 'PREFERRED', 'AVAILABLE', 'RUNNING ON'],
      p.facts.services.map((s) => [
        s.name,
        s.pdb ?? '',
        s.preferred.join(',') || '-',
        s.available.join(',') || '-',
        s.runningOn.join(',') || '-',
      ]),
    ),
  );
  for (const t of p.turns) {
    out.push(
      '',
      `Instance ${t.instance}: ${t.moves.map((m) => (m.how === 'relocate' ? `${m.service} → ${m.to}` : `${m.service} stops here`)).join(', ') || 'no service runs here'}`,
    );
    for (const s of t.steps) {
      out.push(`  ${s.stage}${stepNote(s.stage, s.lines.length)}`);
      for (const l of s.lines) out.push(`    ${l}`);
    }
    out.push(`  rebalance-${t.instance}: watch the pools come back onto ${t.instance} (GV$SESSION)`);
  }
  if (p.turns.length) out.push('', 'Each turn reads srvctl again first: services come back from where they are then.');
  return out.join('\n');
}
