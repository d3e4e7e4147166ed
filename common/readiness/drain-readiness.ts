/**
 * The `readiness` stage of a runbook that drains: each service about to be drained judged under every profile
 * (AC, TAC, TAF); one that is ready under none is a warning (its clients will see the drain), never a refusal:
 * the operator decides, `orb check readiness` / `orb start client-readiness --fix` say what to change.
 * Pure: safe in workflow code.
 */
import type { CheckResult } from '../runbook-types';
import { assessReadiness } from './assess';
import { PROFILE_NAMES, type Profile } from './profiles';
import type { ReadinessFacts } from './types';

export function drainReadinessChecks(facts: ReadinessFacts, services: string[]): CheckResult[] {
  const reports = (Object.keys(PROFILE_NAMES) as Profile[]).map((p) => assessReadiness(facts, p));
  return services.map((svc): CheckResult => {
    const judged = reports.flatMap((r) => r.services.filter((s) => s.service.toUpperCase() === svc.toUpperCase()));
    const ready = judged.filter((s) => s.ready).map((s) => s.profile.toUpperCase());
    if (!judged.length) return { check: `readiness ${svc}`, outcome: 'warn', reason: `${svc} could not be judged (its PDB is not open, or it is not in CDB_SERVICES)` };
    if (ready.length) return { check: `readiness ${svc}`, outcome: 'pass', reason: `ready for ${ready.join(', ')}: its clients can ride the drain` };
    const missing = judged.find((s) => s.profile === 'tac')?.findings.filter((f) => f.severity === 'error').map((f) => f.rule).slice(0, 4) ?? [];
    return { check: `readiness ${svc}`, outcome: 'warn', reason: `not ready for AC, TAC or TAF (${missing.join(', ') || 'see orb check readiness'}): its clients will see the drain` };
  });
}
