/**
 * What the sessions and ACCHK say about a service, beside its configuration: how many connected
 * sessions carry failover settings (GV$SESSION), and what share of calls Application Continuity
 * protected (DBA_ACCHK_STATISTICS_SUMMARY). Pure: safe in workflow code.
 */
import type { AcchkServiceStats, FailoverSessionCount } from '../../activities/oracle/port';
import { norm } from './rules';
import type { Finding, Protection, SessionSummary } from './types';

const sameName = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();

export function summariseSessions(rows: readonly FailoverSessionCount[], service: string): SessionSummary {
  const summary: SessionSummary = { total: 0, withFailover: 0, failedOver: 0, byFailoverType: {} };
  for (const r of rows) {
    if (!sameName(r.service, service)) continue;
    const type = norm(r.failoverType) ?? 'NONE';
    summary.total += r.count;
    if (type !== 'NONE') summary.withFailover += r.count;
    if (r.failedOver) summary.failedOver += r.count;
    summary.byFailoverType[type] = (summary.byFailoverType[type] ?? 0) + r.count;
  }
  return summary;
}

/**
 * Sessions connected without failover on a service configured with it. A session keeps the
 * failover settings it connected with (Net Services Administrator's Guide, "Verifying Transparent
 * Application Failover": V$SESSION FAILOVER_TYPE, FAILOVER_METHOD, FAILED_OVER); that the column
 * shows TRANSACTION / AUTO for AC / TAC sessions is UNVERIFIED here.
 */
export function sessionFinding(summary: SessionSummary | null, protection: Protection): Finding | null {
  if (!summary || protection === 'none' || summary.withFailover >= summary.total) return null;
  const without = summary.total - summary.withFailover;
  return {
    rule: 'sessions-unprotected',
    attribute: null,
    severity: 'warning',
    actual: `${without} of ${summary.total} connected session(s) without failover`,
    expected: "every session with the service's failover settings",
    why:
      'sessions connected before the service was changed, or through a client that ignores the settings, are not ' +
      'protected until they reconnect',
  };
}

/** Share of user calls protected, in percent with one decimal: by call counts, else by requests; null: no statistics. */
export function acchkPercent(rows: readonly AcchkServiceStats[], service: string): number | null {
  const mine = rows.filter((r) => sameName(r.service, service));
  const calls = mine.reduce((n, r) => n + (r.userCalls ?? 0), 0);
  if (calls > 0) return round1((100 * mine.reduce((n, r) => n + (r.protectedCalls ?? 0), 0)) / calls);
  const weighted = mine.filter((r) => r.protectedCallsPercent !== null && r.totalRequests > 0);
  const requests = weighted.reduce((n, r) => n + r.totalRequests, 0);
  if (requests === 0) return null;
  return round1(weighted.reduce((n, r) => n + r.protectedCallsPercent! * r.totalRequests, 0) / requests);
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

/** ACCHK measured calls replay would not cover ([OPS]: DBA_ACCHK_EVENTS says why). */
export function acchkFinding(percent: number | null): Finding | null {
  if (percent === null || percent >= 100) return null;
  return {
    rule: 'acchk-protection',
    attribute: null,
    severity: 'warning',
    actual: `${percent}% of calls protected (ACCHK)`,
    expected: '100%',
    why:
      'calls outside protection are not replayed after a failover; DBA_ACCHK_EVENTS names why (DISABLED, NEVER ENABLED, ' +
      'NOT ENABLING, REPLAY FAILED) [OPS]',
  };
}
