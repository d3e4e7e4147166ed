/**
 * The no-op workflow of `npm run bench:relocations` (bench/relocation-bench.ts): it schedules the
 * same activities and timers, in the same workflow-task batches, as a measured relocation did, with
 * empty activity bodies (benchNoop) and the timers' observed durations. It runs in the same worker
 * as the runbooks, so the bench compares a relocation with orchestration alone on the same settings.
 */
import { ApplicationFailure, proxyActivities, sleep } from '@temporalio/workflow';
import type { OrbActivities } from '../activities';

/** One workflow task's commands: how many activities it scheduled and the timers it started (ms each). */
export interface BenchShapeBatch {
  activities: number;
  timersMs: number[];
}

const MAX_BATCHES = 1000;
const MAX_TIMER_MS = 600_000;

const { benchNoop } = proxyActivities<OrbActivities>({ startToCloseTimeout: '1 minute' });

/** The batches as given, or why not: validated here, so no input fails a workflow task. */
function checked(batches: unknown): BenchShapeBatch[] {
  const fail = (why: string) => {
    throw ApplicationFailure.nonRetryable(`invalid bench-shape input: ${why}`, 'InvalidInput');
  };
  if (!Array.isArray(batches) || batches.length > MAX_BATCHES) fail(`must be a list of at most ${MAX_BATCHES} batches`);
  return (batches as unknown[]).map((b, i) => {
    const o = (typeof b === 'object' && b !== null ? b : {}) as Record<string, unknown>;
    const n = o.activities;
    const t = o.timersMs ?? [];
    if (!Number.isInteger(n) || (n as number) < 0 || (n as number) > 100) fail(`${i}.activities: must be a whole number 0..100`);
    if (!Array.isArray(t) || t.length > 100 || !t.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      fail(`${i}.timersMs: must be a list of at most 100 numbers`);
    }
    const timersMs = (t as number[]).map((ms) => Math.min(MAX_TIMER_MS, Math.max(1, Math.round(ms))));
    return { activities: n as number, timersMs };
  });
}

export async function benchShape(raw: BenchShapeBatch[]): Promise<number> {
  let steps = 0;
  for (const b of checked(raw)) {
    await Promise.all([...Array.from({ length: b.activities }, () => benchNoop()), ...b.timersMs.map((ms) => sleep(ms))]);
    steps += b.activities + b.timersMs.length;
  }
  return steps;
}
