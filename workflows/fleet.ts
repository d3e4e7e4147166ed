/**
 * Runbook: a fleet. One parent run starts one ordinary child run per target (relocate-pdb for now: see
 * common/fleet-runbooks.ts), at most `concurrency` at once, wave after wave with an optional approval gate
 * between two waves, and stops starting children once `stopAfterFailures` of them failed or compensated (the
 * ones running then finish, or compensate, by their own runbook). Each child has its own id, status, gates and
 * Web UI page; the fleet's status aggregates them. Its history stays bounded: after FLEET_CHILDREN_PER_RUN
 * children (or when Temporal suggests it) it lets the running children end and continues as new, carrying its
 * progress.
 */
import {
  ApplicationFailure, CancellationScope, condition, continueAsNew, isCancellation, workflowInfo,
} from '@temporalio/workflow';
import { parseFleetInput } from '../common/fleet-input-schema';
import { FLEET_RUNBOOKS } from '../common/fleet-runbooks';
import { FLEET_CHILDREN_PER_RUN, FLEET_RUNBOOK, type FleetInput, type FleetProgress } from '../common/fleet-types';
import type { RunbookStatus } from '../common/runbook-types';
import { ApprovalGates } from './shared/approval-gates';
import { FleetChildren } from './shared/fleet-children';
import { startRunbook, type RunbookIdentity } from './shared/runbook-start';
import type { RunbookJournal } from './shared/runbook-journal';

export interface FleetResult {
  outcome: 'completed';
  status: RunbookStatus;
}

/** Every child going to the same CDB: the fleet is found by it too (OrbTargetCdb). */
function fleetIdentity(raw: unknown): RunbookIdentity {
  const p = parseFleetInput(raw);
  if (!p.ok) return {};
  const book = FLEET_RUNBOOKS[p.input.runbook];
  const targets = new Set(p.input.children.map((c) => book.targetCdb(c)));
  const [only] = [...targets];
  return targets.size === 1 && only ? { targetCdb: only } : {};
}

const freshProgress = (): FleetProgress => ({
  started: 0, completed: 0, failed: 0, compensated: 0, failures: [], wave: 0, peakRunning: 0, runs: 1, stopped: null,
});

export async function fleet(raw: FleetInput): Promise<FleetResult> {
  const parsed = parseFleetInput(raw);
  const { input, journal } = startRunbook(FLEET_RUNBOOK, raw, parsed, fleetIdentity(raw));
  const book = FLEET_RUNBOOKS[input.runbook];
  const waves = input.waves ?? [input.children.length];
  const progress = input.progress ? { ...input.progress, failures: [...input.progress.failures] } : freshProgress();
  const children = new FleetChildren(input, book, progress, () => journal.fleet(children.status(waves)));
  const gates = new ApprovalGates(journal, input.startedBy);
  journal.describe(
    `Fleet: ${input.children.length} ${input.runbook} runs, ${input.concurrency} at a time, in ${waves.length} wave(s); ` +
      `no new run after ${input.stopAfterFailures} failure(s); started by ${input.startedBy}` +
      (progress.runs > 1 ? ` (run ${progress.runs} of this fleet)` : ''),
  );
  journal.fleet(children.status(waves));
  const startedHere = progress.started;

  const stop = (why: string) => {
    if (!progress.stopped) progress.stopped = why;
    journal.fleet(children.status(waves));
  };
  const stopRule = () => {
    if (children.failures < input.stopAfterFailures) return;
    stop(`${children.failures} run(s) failed (the stop rule: ${input.stopAfterFailures})`);
  };

  try {
    for (let w = progress.wave; w < waves.length && !progress.stopped; w++) {
      progress.wave = w;
      const first = waves.slice(0, w).reduce((a, b) => a + b, 0);
      const end = first + waves[w]!;
      // The gate before a wave, unless a child of the wave already started (an earlier run passed it).
      if (w > 0 && progress.started === first && input.waveGate) {
        const ok = await waveGate(journal, gates, input, w, waves);
        if (ok !== true) {
          stop(ok);
          break;
        }
      }
      journal.begin(`wave-${w + 1}`);
      while (progress.started < end) {
        await condition(() => children.running.size < input.concurrency);
        stopRule();
        if (progress.stopped) break;
        const perRun = input.childrenPerRun ?? FLEET_CHILDREN_PER_RUN;
        if (progress.started - startedHere >= perRun || workflowInfo().continueAsNewSuggested) {
          await condition(() => children.running.size === 0);
          journal.end('succeeded', 'continued as new');
          return await continueAsNew<typeof fleet>({ ...input, progress: { ...progress, runs: progress.runs + 1 } });
        }
        children.start(progress.started);
      }
      await condition(() => children.running.size === 0);
      stopRule();
      journal.end(progress.stopped ? 'failed' : 'succeeded', waveSummary(progress, end));
    }
  } catch (err) {
    if (!isCancellation(err)) throw err;
    // Cancelled: the running children were asked to cancel (they compensate before their point of no return).
    stop('the fleet was cancelled');
    await CancellationScope.nonCancellable(() => condition(() => children.running.size === 0));
    journal.finish('failed', `cancelled: ${failureSummary(progress, input.children.length)}`);
    throw err;
  }
  return end(journal, progress, input.children.length);
}

/** Opens the gate between two waves: true to go on, or why not. */
async function waveGate(
  journal: RunbookJournal, gates: ApprovalGates, input: FleetInput, w: number, waves: number[],
): Promise<true | string> {
  const name = `wave-${w + 1}`;
  journal.begin(`approve-${name}`);
  const d = await gates.wait(name, `Start wave ${w + 1} of ${waves.length} (${waves[w]} ${input.runbook} runs)?`, input.waveGate!);
  if (d.decision === 'approved') {
    journal.end('succeeded', `approved by ${d.by.join(', ')}`);
    return true;
  }
  const why = d.decision === 'rejected'
    ? `gate "${name}" rejected by ${d.by}${d.comment ? `: ${d.comment}` : ''}`
    : `gate "${name}" timed out without ${input.waveGate!.requiredApprovals} approval(s)`;
  journal.end('failed', why);
  return why;
}

function waveSummary(p: FleetProgress, end: number): string {
  return `${p.completed} completed, ${p.failed} failed, ${p.compensated} compensated of the first ${end}`;
}

function failureSummary(p: FleetProgress, total: number): string {
  const named = p.failures.map((f) => `${f.workflowId} ${f.state}: ${f.reason}`).join('; ');
  const notStarted = total - p.started;
  return `${p.completed} of ${total} completed, ${p.failed} failed, ${p.compensated} compensated` +
    (notStarted ? `, ${notStarted} not started` : '') + (named ? ` — ${named}` : '');
}

function end(journal: RunbookJournal, p: FleetProgress, total: number): FleetResult {
  if (!p.stopped && p.failed + p.compensated === 0) {
    journal.finish('completed');
    return { outcome: 'completed', status: journal.status };
  }
  const why = p.stopped ? `stopped: ${p.stopped}. ` : '';
  const reason = `${why}${failureSummary(p, total)}`;
  journal.finish('failed', reason);
  throw ApplicationFailure.nonRetryable(reason, 'FleetFailed', journal.status);
}
