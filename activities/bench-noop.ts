/**
 * The empty activity of the bench's no-op workflow (workflows/bench-shape.ts, bench/relocation-bench.ts):
 * it does nothing, so a run of it costs only what Temporal and the worker cost.
 */
export const benchActivities = {
  async benchNoop(): Promise<void> {
    // nothing: the bench measures orchestration alone
  },
};
