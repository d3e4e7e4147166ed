import { CancellationScope, log } from '@temporalio/workflow';
import type { RunbookJournal } from './runbook-journal';
import { causeMessage, causeType } from './failure-text';

export interface Compensation {
  /** What the step does, as the journal shows it: "drop target PDB SALES in CDB2" */
  step: string;
  run: () => Promise<string | void>;
}

/**
 * A saga: each forward step that changed the estate registers how to undo it; on a
 * permanent failure, a rejection at a gate or a cancellation, the undo steps run in
 * reverse order, shielded from the workflow's cancellation. Each undo step is an activity
 * whose retry policy rides out transient failures; a step that still fails is recorded and
 * the others still run, so the journal says exactly what is left to do by hand.
 */
export class Compensations {
  private readonly steps: Compensation[] = [];

  constructor(private readonly journal: RunbookJournal) {}

  add(step: Compensation): void {
    // The same undo registered twice (a retried stage) runs once.
    if (!this.steps.some((s) => s.step === step.step)) this.steps.push(step);
  }

  /** Forward progress past the point of no return: nothing registered so far is undone any more. */
  clear(): void {
    this.steps.length = 0;
  }

  get pending(): string[] {
    return this.steps.map((s) => s.step);
  }

  /**
   * Runs every registered undo in reverse order. An undo step that refuses because doing it
   * would be unsafe (its activity threw one of SAFETY_REFUSALS: the target is the live PDB, the
   * source is not intact) is recorded as skipped with its reason, not as work left to do.
   */
  async run(): Promise<{ failed: string[]; refused: string[] }> {
    const failed: string[] = [];
    const refused: string[] = [];
    await CancellationScope.nonCancellable(async () => {
      for (const s of [...this.steps].reverse()) {
        try {
          const detail = await s.run();
          this.journal.compensation({ step: s.step, outcome: 'done', ...(detail ? { detail } : {}) });
        } catch (err) {
          const why = causeMessage(err);
          if (SAFETY_REFUSALS.has(causeType(err) ?? '')) {
            this.journal.compensation({ step: s.step, outcome: 'skipped', detail: why });
            refused.push(`${s.step} (not done: ${why})`);
          } else {
            log.error('compensation step failed', { step: s.step, error: why });
            this.journal.compensation({ step: s.step, outcome: 'failed', detail: why });
            failed.push(s.step);
          }
        }
      }
    });
    this.steps.length = 0;
    return { failed, refused };
  }
}

/** Failure types of undo activities that refused because the undo would be unsafe. */
export const SAFETY_REFUSALS = new Set(['TargetIsOpen', 'SourceNotIntact', 'NotOurCopy']);
