/** A client-readiness run's services (status.readiness) as table rows, for `orb status` and `orb report`. */
import type { ServiceFixStatus } from '../common/runbook-types';
import { keptLine } from '../common/untrusted-text';

const judged = (j: { ready: boolean; protection: string; errors: string[] }) =>
  `${j.ready ? 'ready' : 'NOT ready'} (${keptLine(j.protection, 40)})${j.errors.length ? `: ${j.errors.length} to fix` : ''}`;

export const READINESS_COLUMNS = ['SERVICE', 'BEFORE', 'FIX', 'AFTER', 'CALL'];

/** Service, its judgement before, what was done, its judgement after, the exact call: one line each. */
export function readinessRows(rows: readonly ServiceFixStatus[]): string[][] {
  return rows.map((r) => [
    keptLine(`${r.service} (${r.pdb})`, 140),
    judged(r.before),
    r.fix,
    r.after ? judged(r.after) : '',
    keptLine(r.call ?? '', 400),
  ]);
}
