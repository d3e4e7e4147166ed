/**
 * Who may approve comes from configuration: every approver a run names must be a member of one of
 * the estate's approver groups. `orb start` resolves and checks that before it starts a run; this
 * check runs inside the run (and in its plan), on the worker that holds the estate, so a run
 * started around the CLI (the Web UI, `temporal workflow start`) cannot name its own approvers.
 */
import type { EstateConfig } from '../common/estate-config';
import type { CheckResult, GatePolicy } from '../common/runbook-types';

export function approverCheck(estate: EstateConfig, gates: Record<string, GatePolicy | null>): CheckResult {
  const members = new Set(Object.values(estate.approvers.groups).flat().map((m) => m.trim()));
  const strangers = Object.entries(gates).flatMap(([gate, g]) => (g ? g.approvers.filter((a) => !members.has(a)).map((a) => `${a} (gate ${gate})`) : []));
  if (strangers.length) {
    const groups = Object.keys(estate.approvers.groups).map((g) => `group:${g}`).join(', ') || 'none';
    return {
      check: 'gate approvers',
      outcome: 'fail',
      reason: `${[...new Set(strangers)].join(', ')} ${strangers.length > 1 ? 'are' : 'is'} in no approver group of the estate (${groups}): approvers come from configuration`,
    };
  }
  return { check: 'gate approvers', outcome: 'pass', reason: 'every approver named by the run is in an approver group of the estate' };
}

export function gateApproverActivities(estate: EstateConfig) {
  return {
    /** Read-only: the run's approvers against the estate's approver groups. */
    async checkApprovers(p: { gates: Record<string, GatePolicy | null> }): Promise<CheckResult> {
      return approverCheck(estate, p.gates);
    },
  };
}
