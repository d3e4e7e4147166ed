/**
 * The children of a fleet: started as ordinary runs (their runbook's workflow id, search attributes and gates),
 * each followed to its end, counted, and the failures kept (the first FLEET_FAILURES_KEPT). Which running child
 * waits at a gate comes from the child itself (workflows/shared/fleet-signal.ts), believed only for a child
 * running now: what the fleet keeps is bounded by its concurrency, whatever anyone sends.
 */
import { ParentClosePolicy, setHandler, startChild, WorkflowIdReusePolicy } from '@temporalio/workflow';
import type { FleetRunbook } from '../../common/fleet-runbooks';
import { FLEET_FAILURES_KEPT, type FleetInput, type FleetProgress, type FleetStatus } from '../../common/fleet-types';
import { clip } from '../../common/untrusted-text';
import { causeMessage, causeType } from './failure-text';
import { fleetChildGateSignal } from './fleet-signal';

const REASON_MAX = 600;
const GATE_NAME_MAX = 64;

type Running = { target: string; gate: string | null };

export class FleetChildren {
  readonly running = new Map<string, Running>();

  constructor(
    private readonly input: FleetInput,
    private readonly book: FleetRunbook<any>,
    readonly progress: FleetProgress,
    private readonly changed: () => void,
  ) {
    setHandler(fleetChildGateSignal, (raw) => this.gateSignal(raw));
  }

  get failures(): number {
    return this.progress.failed + this.progress.compensated;
  }

  /** Starts child number `n` (input order) and follows it in the background to its end. */
  start(n: number): void {
    const child = this.input.children[n];
    const workflowId = this.book.workflowId(child);
    const target = this.book.target(child);
    this.running.set(workflowId, { target, gate: null });
    this.progress.started = Math.max(this.progress.started, n + 1);
    this.progress.peakRunning = Math.max(this.progress.peakRunning, this.running.size);
    this.changed();
    void this.follow(workflowId, target, child);
  }

  private async follow(workflowId: string, target: string, child: unknown): Promise<void> {
    try {
      const handle = await startChild(this.book.workflowType, {
        workflowId,
        args: [child],
        typedSearchAttributes: this.book.searchAttributes(child),
        // A child of this fleet that is still running when the fleet is cancelled is asked to cancel
        // (before its point of no return it compensates); the fleet never continues as new with children running.
        parentClosePolicy: ParentClosePolicy.REQUEST_CANCEL,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        staticSummary: `${target} (fleet child)`,
      });
      await handle.result();
      this.progress.completed++;
    } catch (err) {
      this.failed(workflowId, target, err);
    } finally {
      this.running.delete(workflowId);
      this.changed();
    }
  }

  private failed(workflowId: string, target: string, err: unknown): void {
    const compensated = causeType(err) === 'RunbookCompensated';
    if (compensated) this.progress.compensated++;
    else this.progress.failed++;
    if (this.progress.failures.length < FLEET_FAILURES_KEPT) {
      const reason = clip(causeMessage(err), REASON_MAX);
      this.progress.failures.push({ workflowId, target, state: compensated ? 'compensated' : 'failed', reason });
    }
  }

  private gateSignal(raw: unknown): void {
    const s = raw as { workflowId?: unknown; gate?: unknown } | null;
    if (typeof s !== 'object' || s === null || typeof s.workflowId !== 'string') return;
    const child = this.running.get(s.workflowId);
    if (!child) return;
    if (s.gate !== null && (typeof s.gate !== 'string' || s.gate.length > GATE_NAME_MAX)) return;
    child.gate = s.gate;
    this.changed();
  }

  status(waves: number[]): FleetStatus {
    const p = this.progress;
    const total = this.input.children.length;
    const running = [...this.running].map(([workflowId, r]) => ({ workflowId, target: r.target, gate: r.gate }));
    const left = total - p.started;
    return {
      runbook: this.input.runbook,
      total,
      concurrency: this.input.concurrency,
      stopAfterFailures: this.input.stopAfterFailures,
      waves,
      wave: Math.min(p.wave + 1, waves.length),
      counts: {
        pending: p.stopped ? 0 : left,
        running: running.length,
        waitingApproval: running.filter((r) => r.gate !== null).length,
        completed: p.completed,
        failed: p.failed,
        compensated: p.compensated,
        notStarted: p.stopped ? left : 0,
      },
      running,
      failures: p.failures,
      stopped: p.stopped,
      peakRunning: p.peakRunning,
      runs: p.runs,
    };
  }
}
