/**
 * orb's workflow-side metrics (README "Metrics"), through the SDK's workflow metric meter: the
 * worker's Prometheus endpoint serves them next to the SDK's own, and nothing is emitted while a
 * workflow replays (a worker restart counts no run twice). The SDK adds namespace, task_queue and
 * workflow_type; orb adds runbook, stage, gate and outcome, each bounded (common/metric-labels.ts).
 * Durations are in seconds, measured in workflow time.
 */
import { metricMeter } from '@temporalio/workflow';
import { gateLabel, runbookLabel, stageLabel } from '../../common/metric-labels';

const runsStarted = () => metricMeter.createCounter('orb_runs_started_total', '', 'runbook runs started');
const runsEnded = () => metricMeter.createCounter('orb_runs_ended_total', '', 'runbook runs ended, by outcome');
const stageSeconds = () => metricMeter.createHistogram('orb_stage_duration_seconds', 'float', 's', 'stage durations');
const gateSeconds = () => metricMeter.createHistogram('orb_gate_wait_seconds', 'float', 's', 'time a gate waited');

/** Each metric once per workflow context (the meter lives in the workflow's sandbox). */
let cached: { started: ReturnType<typeof runsStarted>; ended: ReturnType<typeof runsEnded>;
  stage: ReturnType<typeof stageSeconds>; gate: ReturnType<typeof gateSeconds> } | null = null;
function meters() {
  return (cached ??= { started: runsStarted(), ended: runsEnded(), stage: stageSeconds(), gate: gateSeconds() });
}

function seconds(since: string | Date): number {
  const ms = Date.now() - new Date(since).getTime();
  return Math.max(0, ms) / 1000;
}

export function runStarted(runbook: string): void {
  meters().started.add(1, { runbook: runbookLabel(runbook) });
}

export function runEnded(runbook: string, outcome: 'completed' | 'failed' | 'compensated' | string): void {
  const o = ['completed', 'failed', 'compensated'].includes(outcome) ? outcome : 'other';
  meters().ended.add(1, { runbook: runbookLabel(runbook), outcome: o });
}

/** A stage ended: its duration from its start (an ISO time of the journal). */
export function stageEnded(runbook: string, stage: string, outcome: string, startedAt: string): void {
  const o = ['succeeded', 'failed', 'compensated'].includes(outcome) ? outcome : 'other';
  meters().stage.record(seconds(startedAt), { runbook: runbookLabel(runbook), stage: stageLabel(stage), outcome: o });
}

/** A gate closed: how long it was open, and how (approved, rejected, timed-out, cancelled). */
export function gateClosed(runbook: string, gate: string, decision: string, openedAt: Date): void {
  const d = ['approved', 'rejected', 'timed-out', 'cancelled'].includes(decision) ? decision : 'other';
  meters().gate.record(seconds(openedAt), { runbook: runbookLabel(runbook), gate: gateLabel(gate), decision: d });
}
