/**
 * The no-op workflow of `npm run bench:relocations` (bench/relocation-bench.ts): it schedules the
 * same activities and timers, in the same workflow-task batches, as a measured relocation did, with
 * empty activity bodies (benchNoop) and the timers' observed durations. It runs in the same worker
 * as the runbooks, so the bench compares a relocation with orchestration alone on the same settings.
 */
import { proxyActivities, sleep } from '@temporalio/workflow';
import type { OrbActivities } from '../activities';

/** One workflow task's commands: how many activities it scheduled and the timers it started (ms each). */
export interface BenchShapeBatch {
  activities: number;
  timersMs: number[];
}

const MAX_BATCHES = 1000;
const MAX_TIMER_MS = 600_000;

const { benchNoop } = proxyActivities<OrbActivities>({ startToCloseTimeout: '1 minute' });

export async function benchShape(batches: BenchShapeBatch[]): Promise<number> {
  if (!Array.isArray(batches) || batches.length > MAX_BATCHES) {
    throw new Error(`batches: must be a list of at most ${MAX_BATCHES}`);
  }
  let steps = 0;
  for (const b of batches) {
    const n = Number.isInteger(b.activities) && b.activities >= 0 && b.activities <= 100 ? b.activities : 0;
    const timers = (b.timersMs ?? []).map((ms) => Math.min(MAX_TIMER_MS, Math.max(1, Math.round(ms))));
    await Promise.all([...Array.from({ length: n }, () => benchNoop()), ...timers.map((ms) => sleep(ms))]);
    steps += n + timers.length;
  }
  return steps;
}
