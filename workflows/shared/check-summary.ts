import type { CheckResult } from '../../common/runbook-types';

/** "8 passed, 0 warnings, 0 failed": how a preflight stage ends, in every runbook. */
export function summarize(checks: CheckResult[]): string {
  const n = (o: CheckResult['outcome']) => checks.filter((c) => c.outcome === o).length;
  return `${n('pass')} passed, ${n('warn')} warnings, ${n('fail')} failed`;
}
