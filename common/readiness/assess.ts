/**
 * Client readiness of services: their attributes judged by Oracle's rules for the chosen profile,
 * what the connected sessions and ACCHK show, and what to change. The one entry point the
 * workflow, the CLI's tests and later the readiness stages of draining runbooks use.
 * Pure and deterministic: safe in workflow code.
 */
import type { AcchkServiceStats, FailoverSessionCount, ServiceInfo } from '../../activities/oracle/port';
import { InputError } from '../input-error';
import { buildFix, useAnotherService } from './fix';
import { acchkFinding, acchkPercent, sessionFinding, summariseSessions } from './observed';
import type { Profile } from './profiles';
import { judgeAttributes, protectionOf } from './rules';
import type {
  Finding,
  Management,
  ReadinessFacts,
  ReadinessReport,
  RefusedFix,
  ServiceFix,
  ServiceReadiness,
  SessionSummary,
} from './types';

export interface ServiceFacts {
  service: ServiceInfo;
  /** GV$SESSION counts of the service's PDB (rows of other services are ignored); absent: not read */
  sessions?: readonly FailoverSessionCount[];
  /** ACCHK statistics of the PDB; absent or no row for the service: none */
  acchk?: readonly AcchkServiceStats[];
}

/**
 * The PDB's default service: applications on it cannot be drained. An error when sessions use it
 * (or nobody counted them), a warning when none do.
 */
function defaultServiceFinding(s: ServiceInfo, sessions: SessionSummary | null): Finding {
  const used = sessions === null ? null : sessions.total;
  return {
    rule: 'default-service',
    attribute: null,
    severity: used === 0 ? 'warning' : 'error',
    actual: `the default service of ${s.pdb}${used === null ? '' : ` (${used} session(s) connected)`}`,
    expected: 'applications on a service of their own',
    why: 'the default service (named after the PDB) cannot be drained, relocated or failed over [OPS]',
  };
}

/** The fix, or why orb refuses to render one (a name from the CDB that breaks orb's rules is never sent anywhere). */
function fixOrRefusal(s: ServiceInfo, findings: readonly Finding[], m: Management): ServiceFix | RefusedFix | null {
  try {
    return buildFix(s, findings, m);
  } catch (err) {
    if (!(err instanceof InputError)) throw err;
    return { via: 'refused', why: `no fix rendered: ${err.message}` };
  }
}

export function assessService(facts: ServiceFacts, profile: Profile, management: Management): ServiceReadiness {
  const s = facts.service;
  const sessions = facts.sessions ? summariseSessions(facts.sessions, s.name) : null;
  const percent = facts.acchk ? acchkPercent(facts.acchk, s.name) : null;
  const protection = protectionOf(s);
  const base = {
    pdb: s.pdb,
    service: s.name,
    profile,
    protection,
    runningOn: [...s.runningOn],
    sessions,
    acchkProtectedCallsPercent: percent,
  };
  if (s.isDefault) {
    const finding = defaultServiceFinding(s, sessions);
    return { ...base, ready: finding.severity !== 'error', findings: [finding], fix: useAnotherService(s) };
  }
  const observed = [sessionFinding(sessions, protection), acchkFinding(percent)].filter((f): f is Finding => f !== null);
  const findings = [...judgeAttributes(s, profile), ...observed];
  return {
    ...base,
    ready: !findings.some((f) => f.severity === 'error'),
    findings,
    fix: fixOrRefusal(s, findings, management),
  };
}

/**
 * A service asked to be judged for TAF that is already ready for Application Continuity or TAC is ready: TAF's
 * fix would downgrade it (FAILOVER_TYPE AUTO or TRANSACTION back to SELECT). Its judgement for that profile, or null.
 */
function supersedingReadiness(facts: ServiceFacts, profile: Profile, m: Management): ServiceReadiness | null {
  if (profile !== 'taf') return null;
  for (const stronger of ['tac', 'ac'] as const) {
    const r = assessService(facts, stronger, m);
    if (r.ready) return r;
  }
  return null;
}

/**
 * Every service the worker read, judged, by PDB and then service name (as CDB_SERVICES is ordered);
 * PDBs that are not open are noted (CDB_SERVICES shows open PDBs only).
 */
export function assessReadiness(facts: ReadinessFacts, profile: Profile): ReadinessReport {
  const services: ServiceReadiness[] = [];
  const notes: string[] = [];
  for (const p of facts.pdbs) {
    if (p.openMode === null || p.openMode === 'MOUNTED') {
      notes.push(`${p.pdb} is not open (${p.openMode ?? 'no open mode'}): its services cannot be read`);
      continue;
    }
    if (p.services.length === 0) notes.push(`${p.pdb} has no service to judge`);
    const byName = [...p.services].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const service of byName) {
      const facts1 = { service, sessions: p.sessions, acchk: p.acchk };
      const judged = assessService(facts1, profile, facts.management);
      const better = judged.ready ? null : supersedingReadiness(facts1, profile, facts.management);
      if (better) notes.push(`${service.name} is ready for ${better.profile.toUpperCase()}, which supersedes ${profile.toUpperCase()}: judged as such, nothing to change`);
      services.push(better ?? judged);
    }
  }
  return { cdb: facts.cdb, profile, management: facts.management, services, notes, ready: services.every((s) => s.ready) };
}
