import { condition, defineSignal, setHandler } from '@temporalio/workflow';
import type { ApprovalRecord, ApprovalSignal, GatePolicy, OpenGate } from '../../common/runbook-types';
import { SIGNAL_APPROVE, SIGNAL_REJECT } from '../../common/runbook-types';
import type { RunbookJournal } from './runbook-journal';

export const approveSignal = defineSignal<[ApprovalSignal]>(SIGNAL_APPROVE);
export const rejectSignal = defineSignal<[ApprovalSignal]>(SIGNAL_REJECT);

export type GateDecision =
  | { decision: 'approved'; by: string[] }
  | { decision: 'rejected'; by: string; comment?: string }
  | { decision: 'timed-out' };

/**
 * Approval gates, shared by every runbook. One gate is open at a time. A signal for a
 * gate that is not open, from someone the policy does not name, from the initiator when
 * self-approval is off, or a second approval from the same person, changes nothing and is
 * recorded with the reason (visible in the status query and in history).
 */
export class ApprovalGates {
  private open: { gate: OpenGate; policy: GatePolicy; rejection?: { by: string; comment?: string } } | null = null;

  constructor(
    private readonly journal: RunbookJournal,
    private readonly initiator: string,
  ) {
    setHandler(approveSignal, (s) => this.onSignal('approve', s));
    setHandler(rejectSignal, (s) => this.onSignal('reject', s));
  }

  private refuse(decision: ApprovalRecord['decision'], s: ApprovalSignal, reason: string): void {
    this.journal.approval({ ...this.clean(s), decision, at: new Date().toISOString(), refusedBecause: reason });
  }

  private clean(s: ApprovalSignal): ApprovalSignal {
    // Signals come from outside: keep only the fields we know, as strings.
    return {
      gate: String(s?.gate ?? ''),
      by: String(s?.by ?? '').trim(),
      ...(s?.comment !== undefined ? { comment: String(s.comment) } : {}),
    };
  }

  private onSignal(decision: 'approve' | 'reject', raw: ApprovalSignal): void {
    const s = this.clean(raw);
    if (!s.by) return this.refuse(decision, s, 'the signal does not say who sent it ("by" is empty)');
    if (!this.open) return this.refuse(decision, s, `no gate is open (gate "${s.gate}" was named)`);
    const { gate, policy } = this.open;
    if (s.gate !== gate.name) return this.refuse(decision, s, `gate "${s.gate}" is not open; the open gate is "${gate.name}"`);
    const named = policy.approvers.length === 0 || policy.approvers.includes(s.by);
    const isInitiator = s.by === this.initiator;
    if (decision === 'reject') {
      // Anyone who may approve may reject; the initiator may always stop their own run.
      if (!named && !isInitiator) return this.refuse(decision, s, `${s.by} is not an approver of gate "${gate.name}" (approvers: ${policy.approvers.join(', ')})`);
      this.journal.approval({ ...s, decision, at: new Date().toISOString() });
      this.open.rejection = { by: s.by, comment: s.comment };
      return;
    }
    if (!named) return this.refuse(decision, s, `${s.by} is not an approver of gate "${gate.name}" (approvers: ${policy.approvers.join(', ')})`);
    if (isInitiator && !policy.allowInitiator) return this.refuse(decision, s, `${s.by} started this runbook and the gate's policy does not allow self-approval`);
    if (gate.approvedBy.includes(s.by)) return this.refuse(decision, s, `${s.by} has already approved gate "${gate.name}"; approvals must come from ${policy.requiredApprovals} distinct people`);
    gate.approvedBy.push(s.by);
    this.journal.approval({ ...s, decision, at: new Date().toISOString() });
    this.journal.gateOpened(gate);
  }

  /**
   * Opens a gate and waits for its decision. On timeout the policy decides: 'reject' returns
   * timed-out (the caller compensates), 'wait' keeps waiting.
   */
  async wait(name: string, question: string, policy: GatePolicy): Promise<GateDecision> {
    const openedAt = new Date();
    const gate: OpenGate = {
      name,
      question,
      // Who may actually approve: the initiator is left out unless the policy allows self-approval.
      approvers: policy.allowInitiator ? policy.approvers : policy.approvers.filter((a) => a !== this.initiator),
      requiredApprovals: policy.requiredApprovals,
      approvedBy: [],
      openedAt: openedAt.toISOString(),
      timeoutAt: policy.timeoutMs !== null ? new Date(openedAt.getTime() + policy.timeoutMs).toISOString() : null,
    };
    const slot: { gate: OpenGate; policy: GatePolicy; rejection?: { by: string; comment?: string } } = { gate, policy };
    this.open = slot;
    this.journal.gateOpened(gate);
    const decided = () => slot.rejection !== undefined || gate.approvedBy.length >= policy.requiredApprovals;
    try {
      if (policy.timeoutMs !== null) {
        const inTime = await condition(decided, policy.timeoutMs);
        if (!inTime && policy.onTimeout === 'reject') return { decision: 'timed-out' };
        if (!inTime) gate.timeoutAt = null;
      }
      await condition(decided);
      const rejection = slot.rejection;
      if (rejection) return { decision: 'rejected', by: rejection.by, comment: rejection.comment };
      return { decision: 'approved', by: [...gate.approvedBy] };
    } finally {
      this.open = null;
      this.journal.gateOpened(null);
    }
  }
}
