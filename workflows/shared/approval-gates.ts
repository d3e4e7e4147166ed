import { ApplicationFailure, CancellationScope, condition, defineSignal, defineUpdate, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { parseApproval, refusedFields, type ApprovalPayload } from '../../common/approval-schema';
import type { ApprovalRecord, GatePolicy, OpenGate } from '../../common/runbook-types';
import { SIGNAL_APPROVE, SIGNAL_REJECT } from '../../common/runbook-types';
import { clip } from '../../common/untrusted-text';
import { REFUSAL_REASON_MAX, type RunbookJournal } from './runbook-journal';
import { gateClosed } from './run-metrics';

// The payload is whatever the sender sent (orb, the temporal CLI, the Web UI): checked, never trusted.
export const approveSignal = defineSignal<[unknown]>(SIGNAL_APPROVE);
export const rejectSignal = defineSignal<[unknown]>(SIGNAL_REJECT);
// The same decisions as Updates (what `orb approve` / `orb reject` send): a validator refuses a
// malformed payload before anything is written to the history, and the sender gets the record.
export const approveUpdate = defineUpdate<ApprovalRecord, [unknown]>(SIGNAL_APPROVE);
export const rejectUpdate = defineUpdate<ApprovalRecord, [unknown]>(SIGNAL_REJECT);

export type GateDecision =
  | { decision: 'approved'; by: string[]; choice?: string }
  | { decision: 'rejected'; by: string; comment?: string }
  | { decision: 'timed-out' };

type Decision = ApprovalRecord['decision'];
type Slot = { gate: OpenGate; policy: GatePolicy; rejection?: { by: string; comment?: string } };

/**
 * Approval gates, shared by every runbook. One gate is open at a time. A signal that is not a
 * well-formed {gate, by, comment} (any type, size or shape: see common/approval-schema.ts), for
 * a gate that is not open, from someone the policy does not name, from the initiator when
 * self-approval is off, a second approval from the same person, or anything after the gate was
 * decided (rejected, or given its approvals), changes nothing and is recorded with the reason
 * (visible in the status query and in history). The handler never throws: nothing anyone sends
 * can fail a workflow task. Decisions come as signals (the temporal CLI, the Web UI) or as
 * Updates of the same names (orb approve / orb reject), whose validator refuses a malformed
 * payload before it reaches the history and whose answer is the record.
 */
export class ApprovalGates {
  private open: Slot | null = null;

  constructor(
    private readonly journal: RunbookJournal,
    private readonly initiator: string,
  ) {
    setHandler(approveSignal, (raw) => void this.decide('approve', raw));
    setHandler(rejectSignal, (raw) => void this.decide('reject', raw));
    setHandler(approveUpdate, (raw) => this.decide('approve', raw), { validator: (raw) => validate('approve', raw) });
    setHandler(rejectUpdate, (raw) => this.decide('reject', raw), { validator: (raw) => validate('reject', raw) });
  }

  private refuse(decision: Decision, fields: ReturnType<typeof refusedFields>, reason: string): ApprovalRecord {
    const record = { ...fields, decision, at: new Date().toISOString(), refusedBecause: clip(reason, REFUSAL_REASON_MAX) };
    this.journal.approval(record);
    return record;
  }

  private accept(decision: Decision, s: ApprovalPayload): ApprovalRecord {
    const comment = s.comment !== undefined ? { comment: s.comment } : {};
    const choice = s.choice !== undefined ? { choice: s.choice } : {};
    const record = { gate: s.gate, by: s.by, ...comment, ...choice, decision, at: new Date().toISOString() };
    this.journal.approval(record);
    return record;
  }

  /** Applies a decision, whatever was sent, and returns what was recorded. Never throws. */
  private decide(decision: Decision, raw: unknown): ApprovalRecord {
    try {
      const p = parseApproval(raw);
      if (!p.ok) return this.refuse(decision, refusedFields(raw), `not a valid ${decision} signal: ${p.problems}`);
      const why = this.policyRefusal(decision, p.signal);
      if (why) return this.refuse(decision, refusedFields(p.signal), why);
      return this.apply(decision, p.signal);
    } catch (err) {
      // A bug here must not fail workflow tasks over and over: record it, change nothing.
      return this.refuse(decision, refusedFields(raw), `could not be processed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Why the open gate's policy refuses this decision, or null. */
  private policyRefusal(decision: Decision, s: ApprovalPayload): string | null {
    if (!this.open) return `no gate is open (gate "${s.gate}" was named)`;
    const { gate, policy, rejection } = this.open;
    if (s.gate !== gate.name) return `gate "${s.gate}" is not open; the open gate is "${gate.name}"`;
    if (rejection) return `gate "${gate.name}" has already been rejected by ${rejection.by}`;
    const needed = policy.requiredApprovals;
    if (gate.approvedBy.length >= needed) return `gate "${gate.name}" already has the ${needed} approval(s) it needs`;
    const named = policy.approvers.length === 0 || policy.approvers.includes(s.by);
    const notApprover = `${s.by} is not an approver of gate "${gate.name}" (approvers: ${policy.approvers.join(', ')})`;
    // Anyone who may approve may reject; the initiator may always stop their own run.
    if (decision === 'reject' && s.choice !== undefined) return `a rejection makes no choice (got "${s.choice}"): approve with the choice instead`;
    if (decision === 'reject') return named || s.by === this.initiator ? null : notApprover;
    if (!named) return notApprover;
    if (s.by === this.initiator && !policy.allowInitiator) {
      return `${s.by} started this runbook and the gate's policy does not allow self-approval`;
    }
    if (gate.approvedBy.includes(s.by)) {
      return `${s.by} has already approved gate "${gate.name}"; approvals must come from ${needed} distinct people`;
    }
    return choiceRefusal(gate, s.choice);
  }

  private apply(decision: Decision, s: ApprovalPayload): ApprovalRecord {
    const slot = this.open!;
    const record = this.accept(decision, s);
    if (decision === 'reject') {
      slot.rejection = { by: s.by, ...(s.comment !== undefined ? { comment: s.comment } : {}) };
      return record;
    }
    slot.gate.approvedBy.push(s.by);
    if (slot.gate.choices) slot.gate.chosen = s.choice ?? slot.gate.chosen ?? slot.gate.choices[0];
    this.journal.gateOpened(slot.gate);
    return record;
  }

  /**
   * Opens a gate and waits for its decision. On timeout the policy decides: 'reject' returns
   * timed-out (the caller compensates), 'wait' keeps waiting.
   */
  async wait(name: string, question: string, policy: GatePolicy, choices?: string[]): Promise<GateDecision> {
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
      ...(choices?.length ? { choices } : {}),
    };
    const slot: Slot = { gate, policy };
    this.open = slot;
    this.journal.gateOpened(gate);
    const decided = condition(() => slot.rejection !== undefined || gate.approvedBy.length >= policy.requiredApprovals);
    const marker = gateMarker(gate, workflowInfo().workflowId);
    let decision: GateDecision['decision'] | 'cancelled' = 'cancelled';
    try {
      const d = await this.decision(slot, decided, marker);
      decision = d.decision;
      return d;
    } finally {
      this.open = null;
      this.journal.gateOpened(null);
      gateClosed(this.journal.status.runbook, name, decision, openedAt);
    }
  }

  /** Waits for the open gate's decision, or its timeout when the policy rejects on timeout. */
  private async decision(slot: Slot, decided: Promise<void>, marker: string): Promise<GateDecision> {
    const { gate, policy } = slot;
    if (policy.timeoutMs !== null) {
      const inTime = await decidedOrTimer(decided, policy.timeoutMs, marker);
      if (!inTime && policy.onTimeout === 'reject') return { decision: 'timed-out' };
      if (!inTime) gate.timeoutAt = null;
    }
    while (!(await decidedOrTimer(decided, GATE_MARKER_MS, marker)));
    const rejection = slot.rejection;
    if (rejection) return { decision: 'rejected', by: rejection.by, comment: rejection.comment };
    return { decision: 'approved', by: [...gate.approvedBy], ...(gate.chosen ? { choice: gate.chosen } : {}) };
  }
}

/** Why a choice does not fit the open gate (none offered, not one it offers, not the one earlier approvals made), or null. */
function choiceRefusal(gate: OpenGate, choice: string | undefined): string | null {
  if (!gate.choices) return choice === undefined ? null : `gate "${gate.name}" offers no choice (got "${choice}")`;
  const picked = choice ?? gate.choices[0]!;
  if (!gate.choices.includes(picked)) return `gate "${gate.name}" offers ${gate.choices.join(', ')}; "${picked}" is not one of them`;
  if (gate.chosen && gate.chosen !== picked) return `gate "${gate.name}" was approved with "${gate.chosen}" so far; approvals must agree`;
  return null;
}

/** How long one marker timer of a gate without a timeout lasts; a new one follows until the gate is decided. */
const GATE_MARKER_MS = 30 * 24 * 3600_000;

/**
 * The summary of the timer a waiting gate keeps pending: the Web UI's timeline shows it at the
 * top, so whoever opens the run sees the gate, who may decide it and how, without a click.
 */
function gateMarker(g: OpenGate, workflowId: string): string {
  const who = g.approvers.length > 8 ? `${g.approvers.slice(0, 8).join(', ')} and ${g.approvers.length - 8} more` : g.approvers.join(', ');
  const timeout = g.timeoutAt ? `times out ${g.timeoutAt.slice(0, 16).replace('T', ' ')} UTC` : 'no timeout: this marker is renewed every 30 days';
  const choose = g.choices ? ` --choice ${g.choices.join('|')}` : '';
  return `WAITING at gate "${g.name}": ${g.requiredApprovals} approval(s) from ${who || 'anyone'} — orb approve ${workflowId} --gate ${g.name}${choose} --by <name> (${timeout})`;
}

/**
 * Resolves true when `decided` settles, false when `ms` pass first; the timer carries the
 * summary and is cancelled once the gate is decided (no timer is left behind).
 */
async function decidedOrTimer(decided: Promise<void>, ms: number, summary: string): Promise<boolean> {
  const scope = new CancellationScope();
  const timer = scope.run(() => sleep(ms, { summary }));
  timer.catch(() => undefined);
  try {
    return await Promise.race([decided.then(() => true), timer.then(() => false)]);
  } finally {
    scope.cancel();
  }
}

/** Update validator: a payload that breaks the approval schema is refused, and leaves no trace in the history. */
function validate(decision: Decision, raw: unknown): void {
  const p = parseApproval(raw);
  if (!p.ok) throw ApplicationFailure.nonRetryable(`not a valid ${decision} update: ${p.problems}`, 'InvalidInput');
}
