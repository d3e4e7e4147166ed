/**
 * The approvals and rejections sent to a run, from its history: `approve` / `reject` signals (WorkflowExecutionSignaled)
 * and updates (accepted, then completed with the record the run made of them: refusedBecause when it changed nothing).
 * A signal's effect is not in the history: it is matched against the run's own approvals record when there is one.
 * An update its validator refused never reaches the history (and changed nothing).
 */
import { SIGNAL_APPROVE, SIGNAL_REJECT } from '../../common/runbook-types';
import type { ApprovalRecord } from '../../common/runbook-types';
import { refusedFields } from '../../common/approval-schema';
import type { AuditGate } from './audit-types';
import { clipValue, decodeAll, eventTime, str, type HistoryEvent } from './audit-values';

/** What the run records of a signal's gate and approver (refusedFields: sanitized, clipped), to find its record. */
const recordKey = new WeakMap<AuditGate, { gate: string; by: string }>();

const DECISIONS: Record<string, 'approve' | 'reject'> = { [SIGNAL_APPROVE]: 'approve', [SIGNAL_REJECT]: 'reject' };

/** gate, by, comment, choice of whatever was sent: strings kept as data (clipped), anything else as JSON. */
function sent(raw: unknown): Pick<AuditGate, 'gate' | 'by' | 'comment' | 'choice'> {
  const o = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const text = (v: unknown) => str(clipValue(v)) ?? JSON.stringify(clipValue(v ?? null));
  return {
    gate: text(o.gate), by: text(o.by),
    ...(o.comment !== undefined ? { comment: text(o.comment) } : {}),
    ...(o.choice !== undefined ? { choice: text(o.choice) } : {}),
    ...(typeof raw !== 'object' || raw === null ? { comment: `(sent ${text(raw)})` } : {}),
  };
}

export function gatesOf(events: HistoryEvent[]): AuditGate[] {
  const out: AuditGate[] = [];
  const updates = new Map<string, AuditGate>();
  for (const e of events) {
    const sig = e.workflowExecutionSignaledEventAttributes;
    const decision = DECISIONS[sig?.signalName ?? ''];
    if (sig && decision) {
      const raw = decodeAll(sig.input)[0];
      const g: AuditGate = { at: eventTime(e), decision, ...sent(raw), via: 'signal', identity: sig.identity ?? null, result: 'unknown' };
      recordKey.set(g, refusedFields(raw));
      out.push(g);
    }
    const acc = e.workflowExecutionUpdateAcceptedEventAttributes;
    const upd = DECISIONS[acc?.acceptedRequest?.input?.name ?? ''];
    if (acc && upd) {
      const g: AuditGate = {
        at: eventTime(e), decision: upd, ...sent(decodeAll(acc.acceptedRequest?.input?.args)[0]), via: 'update',
        identity: acc.acceptedRequest?.meta?.identity ?? null, result: 'unknown',
      };
      updates.set(acc.acceptedRequest?.meta?.updateId ?? acc.protocolInstanceId ?? '', g);
      out.push(g);
    }
    const done = e.workflowExecutionUpdateCompletedEventAttributes;
    const g = done && updates.get(done.meta?.updateId ?? '');
    if (g) settle(g, decodeAll(done.outcome?.success)[0] as ApprovalRecord | undefined);
  }
  return out;
}

function settle(g: AuditGate, record: ApprovalRecord | undefined): void {
  if (!record || typeof record !== 'object') return;
  g.result = record.refusedBecause ? 'refused' : 'accepted';
  if (record.refusedBecause) g.refusedBecause = record.refusedBecause;
}

/**
 * Signals settled from the run's approvals record: each signal takes the first record not yet taken with the same
 * decision, gate and approver (as the run keeps them: sanitized and clipped). Refused records are bounded by the
 * run (the oldest go first), so a flood of refused signals can leave some unknown.
 */
export function settleSignals(gates: AuditGate[], approvals: ApprovalRecord[]): void {
  const left = [...approvals];
  for (const g of gates.filter((x) => x.via === 'signal')) {
    const key = recordKey.get(g);
    const k = left.findIndex((a) => a.decision === g.decision && a.gate === key?.gate && a.by === key?.by);
    if (k < 0) continue;
    settle(g, left[k]);
    left.splice(k, 1);
  }
}
