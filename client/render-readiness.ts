/**
 * Plain-text rendering of `orb check readiness`: a table of services, then for each service that
 * is not ready (or has suggestions) its findings and the exact call that would fix it, with its
 * undo. Names read from the CDB are shown sanitized, one line each.
 */
import { describeStatement } from '../activities/oracle/statements';
import {
  PROFILE_NAMES,
  type Finding,
  type ReadinessReport,
  type ServiceChange,
  type ServiceReadiness,
} from '../common/readiness';
import { keptLine } from '../common/untrusted-text';
import { shellArg, table } from './render';

const line = (s: string) => keptLine(s, 2000);

function sessionsCell(r: ServiceReadiness): string {
  if (!r.sessions) return '-';
  const failed = r.sessions.failedOver ? `, ${r.sessions.failedOver} failed over` : '';
  return `${r.sessions.withFailover}/${r.sessions.total}${failed}`;
}

function readyCell(r: ServiceReadiness): string {
  const warnings = r.findings.filter((f) => f.severity === 'warning').length;
  return `${r.ready ? 'yes' : 'NO'}${r.ready && warnings ? ` (${warnings} suggestion${warnings === 1 ? '' : 's'})` : ''}`;
}

function findingLines(f: Finding): string[] {
  return [
    `    ${f.severity.padEnd(7)}  ${f.rule}: ${line(f.actual)}, expected ${line(f.expected)}`,
    `             why: ${line(f.why)}`,
  ];
}

/** The call as an operator would type or run it: srvctl with shell-quoted arguments, or the PL/SQL with its binds. */
export function changeText(c: ServiceChange): string {
  if (c.srvctl) return `srvctl ${c.srvctl.map(shellArg).join(' ')}`;
  return c.statement ? line(describeStatement(c.statement)) : '-';
}

function fixLines(r: ServiceReadiness): string[] {
  const fix = r.fix;
  if (!fix) return [];
  if (fix.via === 'use-another-service' || fix.via === 'refused') return [`    fix:  ${line(fix.why)}`];
  const unset = fix.undo.approximate;
  const approx = unset.length ? [`    (not set before: ${unset.join(', ')} restored to Oracle's default or off value)`] : [];
  return [`    fix:  ${changeText(fix.apply)}`, `    undo: ${changeText(fix.undo)}`, ...approx];
}

function serviceSection(r: ServiceReadiness): string[] {
  const state = r.ready ? 'ready, with suggestions' : 'NOT READY';
  return ['', `${line(r.service)} (${line(r.pdb)}): ${state}`, ...r.findings.flatMap(findingLines), ...fixLines(r)];
}

export function renderReadiness(rep: ReadinessReport): string {
  const ready = rep.services.filter((s) => s.ready).length;
  const how =
    rep.management.kind === 'srvctl'
      ? `${rep.cdb} is Clusterware-managed: services change with srvctl modify service -db ${rep.management.db}`
      : `${rep.cdb} is not Clusterware-managed: services change with DBMS_SERVICE.MODIFY_SERVICE in their PDB`;
  const out = [
    `Readiness of ${rep.cdb} for ${PROFILE_NAMES[rep.profile]}: ${ready} of ${rep.services.length} service(s) ready`,
    `  ${how}`,
    ...rep.notes.map((n) => `  note: ${line(n)}`),
  ];
  if (rep.services.length === 0) return out.join('\n');
  const rows = rep.services.map((r) => [
    r.pdb,
    r.service,
    r.protection,
    readyCell(r),
    sessionsCell(r),
    r.acchkProtectedCallsPercent === null ? '-' : `${r.acchkProtectedCallsPercent}%`,
    r.runningOn.join(',') || 'not running',
  ]);
  const headers = ['PDB', 'SERVICE', 'PROTECTION', 'READY', 'SESSIONS WITH FAILOVER', 'ACCHK', 'RUNNING ON'];
  out.push('', table(headers, rows.map((c) => c.map(line))));
  for (const r of rep.services) if (r.findings.length) out.push(...serviceSection(r));
  return out.join('\n');
}
