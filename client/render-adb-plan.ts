import type { AdbPlan } from '../workflows/plan-adb';
import { formatDuration } from '../common/duration';
import type { GatePolicy } from '../common/runbook-types';
import { table } from './render';
import { testReachesDatabase } from '../common/consumer-steps';

function approvalsOf(g: GatePolicy): string {
  const timeout = g.timeoutMs === null ? '' : `; times out after ${formatDuration(g.timeoutMs)} (${g.onTimeout})`;
  const who = `${g.approvers.join(', ')}${g.allowInitiator ? '' : ' (not the initiator)'}`;
  return `${g.requiredApprovals} approval(s) from ${who}${timeout}`;
}

/** `orb plan switchover-adb | failover-adb | propagate-wallet` as a person reads it. */
export function renderAdbPlan(p: AdbPlan): string {
  const out: string[] = [];
  out.push(`Plan: ${p.runbook} of ${p.database} — ${p.wouldRun ? 'the run would proceed' : 'PREFLIGHT FAILS: the run would stop there, changing nothing'}`);
  out.push('', 'Checks (read-only, on a worker)');
  out.push(table(['CHECK', 'OUTCOME', 'REASON'], p.checks.map((c) => [c.check, c.outcome, c.reason])));
  if (p.pair) {
    out.push('', 'Autonomous Data Guard');
    out.push(table(['OCID', 'REGION', 'ROLE', 'STATE', 'LAG'], p.pair.members.map((m) => [m.id, m.region, m.role, m.lifecycleState, m.lagSeconds === null ? '' : `${m.lagSeconds} s`])));
    if (p.pair.localStandby) out.push(`  local standby: ${p.pair.localStandby.lifecycleState}, lag ${p.pair.localStandby.lagSeconds ?? '?'} s`);
  }
  let n = 1;
  const step = (text: string) => out.push(`  ${n++}. ${text}`);
  out.push('', 'Steps');
  const wait = p.runbook === 'propagate-wallet' ? '; started by an OCI event it waits for the holder, up to 6 h' : '';
  step(`fence: hold ${p.fence} until the run ends (one runbook per database at a time: another holding it ends this run, nothing changed${wait})`);
  step('preflight (read-only): the pair, every consumer\'s current configuration, the approvers');
  for (const g of p.gates.filter((x) => x.name !== 'consumer-<name>')) {
    step(`gate "${g.name}": ${approvalsOf(g.policy)}`);
  }
  if (p.call) {
    step(`${p.call.operation}: ${p.call.method} ${p.call.path} in ${p.call.region} (opc-retry-token: one per run and step)`);
    step('follow the work request until SUCCEEDED (percentComplete in the heartbeat)');
    step(`verify: ${p.call.newPrimaryId} is PRIMARY and AVAILABLE`);
  }
  const checked = p.consumers.filter((c) => testReachesDatabase(c.kind)).map((c) => c.name);
  if (p.leaveCurrent && checked.length) {
    step(`test ${checked.join(', ')} as they are (one attempt each, read-only): those that already work with the primary are left alone` +
      ' (--refresh-all updates them too); a Vault secret\'s test does not reach the database, so it is always updated');
  }
  step('generateAutonomousDatabaseWallet on the primary (type SINGLE); the zip rests on the worker host, never in Temporal');
  if (p.consumers.length) step(`every consumer, ${p.concurrency} at a time:`);
  else if (p.checks.some((c) => c.check.startsWith('consumer '))) step('no consumer: preflight could read none (see the checks)');
  else step(`no consumers: ${p.database} has none in the estate, so the wallet goes to nobody`);
  for (const c of p.consumers) {
    out.push(`     ${c.name}: ${c.label} — holds now: ${c.current}`);
    for (const s of c.steps) out.push(`       - ${s}`);
  }
  const g = p.gates.find((x) => x.name === 'consumer-<name>');
  if (g && p.consumers.length) {
    const choices = g.when.replace(/^only when a consumer fails after its retries \(restored first\): /, '');
    const gate = `gate "consumer-<name>" (${approvalsOf(g.policy)})`;
    out.push(`  A consumer failing after its retries is restored, then ${gate}: ${choices}.`);
  }
  step("forget the run's wallet and saved configurations on the worker");
  return out.join('\n');
}
