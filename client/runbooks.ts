/**
 * What the CLI does with Temporal: start a relocation, read its status (live query,
 * else history, else visibility), list runs, send approvals, cancel.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { RelocationPlan } from '../activities/relocation-plan';
import {
  Client,
  WorkflowExecutionAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
  type WorkflowExecutionDescription,
  type WorkflowExecutionInfo,
} from '@temporalio/client';
import { ApplicationFailure, NamespaceNotFoundError } from '@temporalio/common';
import { formatDuration } from '../common/duration';
import {
  QUERY_STATUS,
  SIGNAL_APPROVE,
  SIGNAL_REJECT,
  relocateWorkflowId,
  type ApprovalRecord,
  type ApprovalSignal,
  type RelocatePdbInput,
  type RelocatePdbResult,
  type RunbookStatus,
} from '../common/runbook-types';
import { OrbAwaitingApproval, OrbDatabase, OrbPdb, OrbRunbook, OrbSourceCdb, OrbStage, OrbTargetCdb } from '../common/search-attributes';
import { type TemporalSettings, unreachableHint } from './connection';
import { CliError, EXIT, NotFoundError, UnreachableError, errorMessage } from './errors';
import { retryingActivities, type RetryingActivity } from './retrying';
import { stepProgress, type StepProgress } from './heartbeat-progress';
import { adbCancelOutcome, adbCancelPlan, isAdbRunbook, type AdbCancelEffect } from './adb-cancel';

export const RELOCATE_RUNBOOK = 'relocate-pdb';
export const RELOCATE_WORKFLOW_TYPE = 'relocatePdb';
export const PLAN_WORKFLOW_TYPE = 'planRelocatePdb';

const GRPC_UNAVAILABLE = 14;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_INVALID_ARGUMENT = 3;

/** Turns Temporal errors into CLI errors with exit codes; anything else is rethrown. */
export function mapTemporalError(err: unknown, settings: TemporalSettings, workflowId?: string): never {
  if (err instanceof CliError) throw err;
  if (err instanceof WorkflowNotFoundError) {
    throw new NotFoundError(`no workflow ${workflowId ?? err.workflowId} in namespace ${settings.namespace} (orb list shows the runs there are)`);
  }
  if (err instanceof NamespaceNotFoundError) {
    throw new UnreachableError(`namespace ${settings.namespace} does not exist on ${settings.address} (set TEMPORAL_NAMESPACE, or create it)`);
  }
  const grpc = grpcCode(err);
  if (grpc === GRPC_UNAVAILABLE || grpc === GRPC_DEADLINE_EXCEEDED) {
    throw new UnreachableError(`${unreachableHint(settings)}\n  (${errorMessage(err)})`);
  }
  if (grpc === GRPC_INVALID_ARGUMENT && /search attribute/i.test(errorMessage(err))) {
    throw new UnreachableError(
      `the Temporal server at ${settings.address} does not know orb's search attributes (${errorMessage(err)}).\n` +
        `  \`orb dev\` registers them; on another server run once:\n` +
        `  temporal operator search-attribute create --namespace ${settings.namespace} ` +
        `--name OrbRunbook --type Keyword --name OrbPdb --type Keyword --name OrbSourceCdb --type Keyword ` +
        `--name OrbTargetCdb --type Keyword --name OrbDatabase --type Keyword --name OrbStage --type Keyword --name OrbAwaitingApproval --type Bool`,
    );
  }
  throw err;
}

function grpcCode(err: unknown): number | undefined {
  for (let e: unknown = err, i = 0; e && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    if (isGrpcServiceError(e)) return e.code;
  }
  return undefined;
}

export interface StartedRun {
  workflowId: string;
  runId: string;
}

/** A runbook run to start by a database it is about (OrbDatabase), one at a time per database. */
export interface DatabaseRun {
  workflowType: string;
  runbook: string;
  workflowId: string;
  database: string;
  input: unknown;
  taskQueue: string;
  summary: string;
  /** "One role change or propagation per database at a time." */
  oneAtATime: string;
  /** Workflow types that count as another run on the database (default: any runbook) */
  conflicting?: string[];
}

/** Starts it unless another run on the database is running (the workflow's own fence decides for certain). */
export async function startDatabaseRun(client: Client, settings: TemporalSettings, r: DatabaseRun): Promise<StartedRun> {
  try {
    const types = r.conflicting ? ` AND WorkflowType IN (${r.conflicting.map((t) => `"${t}"`).join(', ')})` : '';
    for await (const wf of client.workflow.list({ query: `OrbDatabase = "${r.database}" AND ExecutionStatus = "Running"${types}` })) {
      throw new NotFoundError(`another run on ${r.database} is running: workflow ${wf.workflowId}. ${r.oneAtATime}\n  See it with: orb status ${wf.workflowId}`);
    }
    const handle = await client.workflow.start(r.workflowType, {
      taskQueue: r.taskQueue,
      workflowId: r.workflowId,
      args: [r.input],
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: [
        { key: OrbRunbook, value: r.runbook },
        { key: OrbDatabase, value: r.database },
        { key: OrbStage, value: 'preflight' },
        { key: OrbAwaitingApproval, value: false },
      ],
      staticSummary: r.summary,
    });
    return { workflowId: r.workflowId, runId: handle.firstExecutionRunId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      throw new NotFoundError(`a ${r.runbook} run of ${r.database} is already running: workflow ${r.workflowId}.\n  See it with: orb status ${r.workflowId}`);
    }
    if (err instanceof NotFoundError) throw err;
    mapTemporalError(err, settings, r.workflowId);
  }
}

export function relocateSummary(input: RelocatePdbInput): string {
  return `Relocate ${input.pdb}: ${input.sourceCdb} → ${input.targetCdb} (${input.availability}${input.upgrade ? ', with upgrade' : ''})`;
}

export function relocateDetails(input: RelocatePdbInput): string {
  const gate = (name: string, g: RelocatePdbInput['gates']['cutover']) =>
    g
      ? `- **${name}**: ${g.requiredApprovals} of ${(g.allowInitiator ? g.approvers : g.approvers.filter((a) => a !== input.startedBy)).join(', ')}${g.allowInitiator ? ' (self-approval allowed)' : ''}${g.timeoutMs !== null ? `, times out after ${formatDuration(g.timeoutMs)} (${g.onTimeout})` : ''}`
      : `- **${name}**: off`;
  return [
    `**${input.pdb}** from **${input.sourceCdb}** to **${input.targetCdb}** over database link \`${input.dbLink}\`, AVAILABILITY ${input.availability}.`,
    `Started by **${input.startedBy}**. Drain timeout ${formatDuration(input.drain.timeoutMs)}, then ${input.drain.onTimeout}.` +
      (input.upgrade ? ' Opened UPGRADE in the target, upgraded at gate "upgrade", then opened READ WRITE.' : ''),
    '',
    'Gates:',
    '', // the Web UI's markdown starts a list only after a blank line
    gate('copy', input.gates.beforeCopy),
    gate('cutover', input.gates.cutover),
    gate('drop-tombstone', input.gates.dropTombstone),
  ].join('\n');
}

/**
 * Another relocation running into the same target with the same PDB name (from another source:
 * the same source is fenced by the workflow id). Two such runs would take each other's copy for
 * their own. Visibility is eventually consistent, so this narrows the window to a second or so
 * rather than closing it; preflight also refuses a target that already has or copies the name.
 */
async function runningIntoSameTarget(client: Client, input: RelocatePdbInput): Promise<string | null> {
  const query = `OrbRunbook = "${RELOCATE_RUNBOOK}" AND OrbPdb = "${input.pdb}" AND OrbTargetCdb = "${input.targetCdb}" AND ExecutionStatus = "Running"`;
  for await (const wf of client.workflow.list({ query })) return wf.workflowId;
  return null;
}

export async function startRelocation(client: Client, settings: TemporalSettings, input: RelocatePdbInput, taskQueue: string): Promise<StartedRun> {
  const workflowId = relocateWorkflowId(input.sourceCdb, input.pdb);
  try {
    const other = await runningIntoSameTarget(client, input);
    if (other && other !== workflowId) {
      throw new NotFoundError(
        `another relocation of a PDB named ${input.pdb} into ${input.targetCdb} is running: workflow ${other}. ` +
          `Two relocations of the same name into one CDB cannot run at once.\n  See it with: orb status ${other}`,
      );
    }
    const handle = await client.workflow.start(RELOCATE_WORKFLOW_TYPE, {
      taskQueue,
      workflowId,
      args: [input],
      // A finished run's id may be reused (a PDB can be relocated again); a running one may not.
      workflowIdReusePolicy: 'ALLOW_DUPLICATE',
      workflowIdConflictPolicy: 'FAIL',
      typedSearchAttributes: [
        { key: OrbRunbook, value: RELOCATE_RUNBOOK },
        { key: OrbPdb, value: input.pdb },
        { key: OrbSourceCdb, value: input.sourceCdb },
        { key: OrbTargetCdb, value: input.targetCdb },
        { key: OrbStage, value: 'preflight' },
        { key: OrbAwaitingApproval, value: false },
      ],
      staticSummary: relocateSummary(input),
      staticDetails: relocateDetails(input),
    });
    return { workflowId, runId: handle.firstExecutionRunId };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      let who = '';
      try {
        const d = await client.workflow.getHandle(workflowId).describe();
        const stage = d.typedSearchAttributes.get(OrbStage);
        who = ` (run ${d.runId}, started ${d.startTime.toISOString()}${stage ? `, stage ${stage}` : ''})`;
      } catch {
        /* the message is still clear without the details */
      }
      throw new NotFoundError(
        `a relocation of ${input.pdb} from ${input.sourceCdb} is already running: workflow ${workflowId}${who}.\n` +
          `  See it with: orb status ${workflowId}   (stop it with: orb cancel ${workflowId})`,
      );
    }
    if (err instanceof NotFoundError) throw err;
    mapTemporalError(err, settings, workflowId);
  }
}

/**
 * `orb plan relocate-pdb`: runs the plan workflow (preflight read-only on a worker) and returns
 * the plan. Its id names what it plans, with a random tail: plans never collide with runs.
 */
export async function planRelocation(client: Client, settings: TemporalSettings, input: RelocatePdbInput, taskQueue: string): Promise<RelocationPlan> {
  const workflowId = `plan:${relocateWorkflowId(input.sourceCdb, input.pdb)}:${randomUUID().slice(0, 8)}`;
  try {
    return await client.workflow.execute(PLAN_WORKFLOW_TYPE, {
      taskQueue,
      workflowId,
      args: [input],
      workflowExecutionTimeout: '10m',
      staticSummary: `Plan: ${relocateSummary(input)}`,
    });
  } catch (err) {
    if (err instanceof WorkflowFailedError) {
      // The worker could not read the estate (a database that does not answer, a bad estate entry):
      // not "preflight fails" (exit 1), which is an answer about the estate.
      throw new CliError(`the plan could not be made: ${causeText(err)}`, EXIT.UNREACHABLE);
    }
    mapTemporalError(err, settings, workflowId);
  }
}

/** The innermost message of a failure chain. */
function causeText(err: unknown): string {
  let e = err as { message?: string; cause?: unknown } | undefined;
  let msg = e?.message ?? String(err);
  for (let i = 0; e?.cause && i < 10; i++) {
    e = e.cause as { message?: string; cause?: unknown };
    if (e?.message) msg = e.message;
  }
  return msg;
}

export type StatusSource = 'query' | 'result' | 'failure' | 'visibility';

export interface RunStatus {
  workflowId: string;
  runId: string;
  /** The runbook, from the run's OrbRunbook search attribute (status.runbook has it too, when there is a status) */
  runbook?: string | null;
  /** RUNNING, COMPLETED, FAILED, CANCELLED, TERMINATED, TIMED_OUT, CONTINUED_AS_NEW */
  executionStatus: string;
  startTime: string;
  closeTime: string | null;
  stage: string | null;
  awaitingApproval: boolean | null;
  /** The runbook's own status; null when neither the worker nor the history could give it */
  status: RunbookStatus | null;
  source: StatusSource;
  /** Why the runbook status is missing or stale */
  note?: string;
  /** Failure message of a failed/cancelled/terminated workflow */
  failure?: string;
  /** Activities Temporal is retrying (attempt, next attempt, last error); empty when none */
  retrying: RetryingActivity[];
  /** What the steps under way report in their heartbeats (an OCI work request's percentComplete); empty when none */
  working: StepProgress[];
}

function isRunbookStatus(v: unknown): v is RunbookStatus {
  return typeof v === 'object' && v !== null && 'stages' in v && 'state' in v && Array.isArray((v as RunbookStatus).stages);
}

async function queryStatus(client: Client, workflowId: string, timeoutMs: number): Promise<RunbookStatus> {
  return client.withDeadline(Date.now() + timeoutMs, () => client.workflow.getHandle(workflowId).query<RunbookStatus>(QUERY_STATUS));
}

/**
 * The status of a run: for a running workflow, the live `status` query; for a finished
 * one, the status carried by its result or failure (no worker needed); the query as a
 * second choice; with no worker answering, what Temporal's visibility knows.
 */
export async function getRunStatus(client: Client, settings: TemporalSettings, workflowId: string, queryTimeoutMs = 5000): Promise<RunStatus> {
  let d: WorkflowExecutionDescription;
  try {
    d = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    mapTemporalError(err, settings, workflowId);
  }
  const base: RunStatus = {
    workflowId,
    runId: d.runId,
    runbook: d.typedSearchAttributes.get(OrbRunbook) ?? null,
    executionStatus: d.status.name,
    startTime: d.startTime.toISOString(),
    closeTime: d.closeTime ? d.closeTime.toISOString() : null,
    stage: d.typedSearchAttributes.get(OrbStage) ?? null,
    awaitingApproval: d.typedSearchAttributes.get(OrbAwaitingApproval) ?? null,
    status: null,
    source: 'visibility',
    retrying: retryingActivities(d.raw.pendingActivities, d.typedSearchAttributes.get(OrbStage) ?? null),
    working: stepProgress(d.raw.pendingActivities),
  };
  const handle = client.workflow.getHandle(workflowId, d.runId);
  if (d.status.name === 'COMPLETED') {
    try {
      const r = (await handle.result()) as RelocatePdbResult;
      if (isRunbookStatus(r?.status)) return { ...base, status: r.status, source: 'result' };
    } catch {
      /* fall through to the query */
    }
  } else if (d.status.name !== 'RUNNING') {
    try {
      await handle.result();
    } catch (err) {
      if (err instanceof WorkflowFailedError) {
        base.failure = err.cause?.message ?? err.message;
        const detail = err.cause instanceof ApplicationFailure ? err.cause.details?.[0] : undefined;
        if (isRunbookStatus(detail)) return { ...base, status: detail, source: 'failure' };
      }
    }
  }
  try {
    const status = await queryStatus(client, workflowId, queryTimeoutMs);
    return { ...base, status, source: 'query', retrying: base.retrying.map((a) => ({ ...a, stage: status.stage })) };
  } catch (err) {
    const code = grpcCode(err);
    const why =
      code === GRPC_DEADLINE_EXCEEDED || code === GRPC_UNAVAILABLE || /no poller|deadline/i.test(errorMessage(err))
        ? `no worker answered the status query within ${formatDuration(queryTimeoutMs)} (is \`orb worker\` or \`orb dev\` running?); showing what Temporal's visibility knows`
        : `the status query failed (${errorMessage(err)}); showing what Temporal's visibility knows`;
    return { ...base, note: why };
  }
}

/** 1 for a run that failed, was compensated, rejected or cancelled; 0 otherwise. */
export function runExitCode(r: RunStatus): 0 | 1 {
  if (r.status && (r.status.state === 'failed' || r.status.state === 'compensated')) return EXIT.RUNBOOK_FAILED;
  if (['FAILED', 'CANCELLED', 'TERMINATED', 'TIMED_OUT'].includes(r.executionStatus)) return EXIT.RUNBOOK_FAILED;
  return EXIT.OK;
}

export interface ListedRun {
  workflowId: string;
  runId: string;
  runbook: string | null;
  pdb: string | null;
  sourceCdb: string | null;
  targetCdb: string | null;
  /** Autonomous Database runbooks: the database (estate name) */
  database: string | null;
  stage: string | null;
  awaitingApproval: boolean | null;
  executionStatus: string;
  startTime: string;
  closeTime: string | null;
  /** For a running run, the activities Temporal is retrying; null for a closed run or when they could not be read */
  retrying: RetryingActivity[] | null;
}

/** Reads the retrying activities of the running runs, a few describes at a time; a run that cannot be described keeps null. */
async function addRetrying(client: Client, runs: ListedRun[], concurrency = 8): Promise<void> {
  const running = runs.filter((r) => r.executionStatus === 'RUNNING');
  const next = async (): Promise<void> => {
    for (let r = running.shift(); r; r = running.shift()) {
      const d = await client.workflow.getHandle(r.workflowId, r.runId).describe().catch(() => null);
      if (d) r.retrying = retryingActivities(d.raw.pendingActivities, r.stage);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, next));
}

export async function listRuns(client: Client, settings: TemporalSettings, opts: { limit: number; all: boolean }): Promise<ListedRun[]> {
  const query = opts.all ? `OrbRunbook IS NOT NULL` : `OrbRunbook IS NOT NULL AND ExecutionStatus = 'Running'`;
  const out: ListedRun[] = [];
  try {
    for await (const w of client.workflow.list({ query, pageSize: Math.min(opts.limit, 100) }) as AsyncIterable<WorkflowExecutionInfo>) {
      const sa = w.typedSearchAttributes;
      out.push({
        workflowId: w.workflowId,
        runId: w.runId,
        runbook: sa.get(OrbRunbook) ?? null,
        pdb: sa.get(OrbPdb) ?? null,
        sourceCdb: sa.get(OrbSourceCdb) ?? null,
        targetCdb: sa.get(OrbTargetCdb) ?? null,
        database: sa.get(OrbDatabase) ?? null,
        stage: sa.get(OrbStage) ?? null,
        awaitingApproval: sa.get(OrbAwaitingApproval) ?? null,
        executionStatus: w.status.name,
        startTime: w.startTime.toISOString(),
        closeTime: w.closeTime ? w.closeTime.toISOString() : null,
        retrying: null,
      });
      if (out.length >= opts.limit) break;
    }
    await addRetrying(client, out);
  } catch (err) {
    mapTemporalError(err, settings);
  }
  return out;
}

export interface DecisionOutcome {
  delivered: true;
  /** An Update, answered by the run at once; or, when no worker answers, the signal, read when one does */
  via: 'update' | 'signal';
  /** What the workflow recorded for this decision, when it could be read back */
  record: ApprovalRecord | null;
  note?: string;
}

/**
 * Sends an approve/reject decision and returns what the workflow made of it (the gate policy
 * may refuse it: wrong gate, not an approver, self-approval, ...). With a worker polling it is
 * an Update: the run answers with its record at once, and a payload its validator refuses never
 * reaches the history; this also works when a flood has used up the run's signal budget
 * (history.maximumSignalsPerExecution). With no worker it is the signal, which waits in the
 * history until a worker runs the workflow again.
 */
export async function sendDecision(
  client: Client,
  settings: TemporalSettings,
  workflowId: string,
  decision: 'approve' | 'reject',
  signal: ApprovalSignal,
  readBackMs = 5000,
): Promise<DecisionOutcome> {
  let d: WorkflowExecutionDescription;
  try {
    d = await client.workflow.getHandle(workflowId).describe();
  } catch (err) {
    mapTemporalError(err, settings, workflowId);
  }
  if (d.status.name !== 'RUNNING') {
    throw new NotFoundError(`workflow ${workflowId} is not running (${d.status.name}): there is no gate to ${decision}`);
  }
  if (await hasWorkerPolling(client, settings, d.taskQueue)) {
    const record = await decideByUpdate(client, settings, workflowId, decision, signal);
    if (record) return { delivered: true, via: 'update', record };
  }
  return decideBySignal(client, settings, workflowId, decision, signal, readBackMs);
}

/** The decision as an Update; null when the run did not answer in time (the caller signals instead). */
async function decideByUpdate(
  client: Client,
  settings: TemporalSettings,
  workflowId: string,
  decision: 'approve' | 'reject',
  signal: ApprovalSignal,
): Promise<ApprovalRecord | null> {
  const name = decision === 'approve' ? SIGNAL_APPROVE : SIGNAL_REJECT;
  try {
    const handle = client.workflow.getHandle(workflowId);
    return await client.withDeadline(Date.now() + 10_000, () => handle.executeUpdate<ApprovalRecord, [ApprovalSignal]>(name, { args: [signal] }));
  } catch (err) {
    if (err instanceof WorkflowUpdateFailedError) {
      // orb checks the payload with the workflow's own schema, so only a run of other code gets here.
      throw new CliError(`the run refused the ${decision}: ${err.cause?.message ?? err.message}`, EXIT.BAD_INPUT);
    }
    const code = grpcCode(err);
    if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError || code === GRPC_DEADLINE_EXCEEDED) return null;
    mapTemporalError(err, settings, workflowId);
  }
}

/** The decision as a signal, then the run's record of it read back while a worker answers. */
async function decideBySignal(
  client: Client,
  settings: TemporalSettings,
  workflowId: string,
  decision: 'approve' | 'reject',
  signal: ApprovalSignal,
  readBackMs: number,
): Promise<DecisionOutcome> {
  const handle = client.workflow.getHandle(workflowId);
  let before: number | null = null;
  try {
    before = await queryStatus(client, workflowId, 3000).then(
      (s) => s.approvals.length,
      () => null,
    );
    await handle.signal(decision === 'approve' ? SIGNAL_APPROVE : SIGNAL_REJECT, signal);
  } catch (err) {
    mapTemporalError(err, settings, workflowId);
  }
  const unknown = 'no worker answered the status query, so whether the gate accepted it is not known yet (see orb status)';
  if (before === null) return { delivered: true, via: 'signal', record: null, note: unknown };
  const deadline = Date.now() + readBackMs;
  while (Date.now() < deadline) {
    try {
      const s = await queryStatus(client, workflowId, 2000);
      const rec = s.approvals.slice(before).find((a) => a.by === signal.by.trim() && a.gate === signal.gate && a.decision === decision);
      if (rec) return { delivered: true, via: 'signal', record: rec };
    } catch {
      /* keep trying until the deadline */
    }
    await delay(250);
  }
  return { delivered: true, via: 'signal', record: null, note: 'the workflow has not recorded it yet (see orb status)' };
}

/**
 * What a cancellation does depends on where the run is: before the PDB is opened on the
 * target the workflow stops and undoes its changes (compensates); from the open on it
 * only records the request ("cancel requested after the open") and carries on, since
 * undoing an open PDB would lose the writes made to it.
 */
export type CancelEffect = 'compensate' | 'record-only' | 'unknown' | AdbCancelEffect;

export interface CancelPlan {
  effect: CancelEffect;
  /** The run's stage when the cancellation was requested */
  stage: string | null;
  message: string;
}

/** The run's runbook: from its status, else its search attribute. */
export function runbookOf(r: RunStatus): string | null {
  return r.status?.runbook ?? r.runbook ?? null;
}

/** Whether the run has begun (or is past) opening the PDB on the target. */
export function reachedOpen(s: RunbookStatus): boolean {
  if (s.state === 'completed') return true;
  return s.stages.some((st) => st.outcome !== 'skipped' && (st.name === 'open' || st.name.startsWith('open (')));
}

/** What a cancellation does to a rolling maintenance or a client-readiness run (their workflows say so too). */
function otherCancelPlan(r: RunStatus): CancelPlan | null {
  const runbook = runbookOf(r);
  const stage = r.status?.stage ?? r.stage;
  const at = `cancellation requested for ${r.workflowId}${stage ? ` at stage ${stage}` : ''}: `;
  const see = ` See: orb status ${r.workflowId}`;
  if (runbook === 'rolling-maintenance') {
    return { effect: 'compensate', stage, message: `${at}an instance not yet maintained is put back (started, its services back); a maintenance ` +
      `command under way is let finish, then its instance comes back; no further instance is started.${see}` };
  }
  if (runbook === 'fleet') {
    return { effect: 'compensate', stage, message: `${at}no new child run starts; each running child is asked to cancel (before its point of no ` +
      `return it compensates; one past it carries on to its end); the fleet ends once they have.${see}` };
  }
  if (runbook === 'client-readiness') {
    return { effect: 'compensate', stage, message: `${at}before its fixes are applied nothing is changed; once they are, those applied are put back.${see}` };
  }
  return null;
}

export function cancelPlan(r: RunStatus): CancelPlan {
  if (isAdbRunbook(runbookOf(r))) return adbCancelPlan(r);
  const other = otherCancelPlan(r);
  if (other) return other;
  const id = r.workflowId;
  const stage = r.status?.stage ?? r.stage;
  if (!r.status) {
    return {
      effect: 'unknown',
      stage,
      message:
        `cancellation requested for ${id}, but no worker answered the status query, so orb cannot tell whether the run has reached the open` +
        `${stage ? ` (last known stage: ${stage})` : ''}: before the PDB is opened on the target the run compensates (undoes its changes); ` +
        `after the open the cancellation is only recorded and undoes nothing. See: orb status ${id}`,
    };
  }
  if (reachedOpen(r.status)) {
    return {
      effect: 'record-only',
      stage,
      message:
        `cancellation requested for ${id}, but the run is past the point of no return (stage ${stage}): the PDB is already opened on the target, ` +
        `so the cancellation is recorded and undoes nothing; the run carries on to the end. ` +
        `(To stop it at a failure, reject its recover-<stage> gate.) See: orb status ${id}`,
    };
  }
  return {
    effect: 'compensate',
    stage,
    message:
      `cancellation requested for ${id} at stage ${stage}, before the PDB is opened on the target: the run stops and undoes its changes ` +
      `(compensates: any copy on the target is dropped, the source stays open READ WRITE with its services). ` +
      `If the open begins before the cancellation reaches the run, it is only recorded. See: orb status ${id}`,
  };
}

/**
 * Reads the run's status, then requests cancellation; returns what the cancellation will
 * do (see cancelPlan). A run that is not running is refused (NotFoundError, exit 4).
 */
export async function cancelRun(client: Client, settings: TemporalSettings, workflowId: string): Promise<CancelPlan> {
  const before = await getRunStatus(client, settings, workflowId, 3000);
  if (before.executionStatus !== 'RUNNING') {
    throw new NotFoundError(`workflow ${workflowId} is not running (${before.executionStatus}): nothing to cancel`);
  }
  try {
    await client.workflow.getHandle(workflowId, before.runId).cancel();
  } catch (err) {
    mapTemporalError(err, settings, workflowId);
  }
  return cancelPlan(before);
}

export interface CancelOutcome {
  /** The run ended cancelled/compensated, its changes undone */
  cancelled: boolean;
  exitCode: 0 | 1;
  message: string;
}

/** The workflow's note about a cancellation it did not act upon (after the open), if any. */
export function cancelNote(s: RunbookStatus | null): string | undefined {
  return (s?.notes ?? []).find((n) => /cancel requested/i.test(n));
}

/**
 * How a cancelled run ended: exit 0 only if it ended cancelled or compensated with nothing
 * left undone; 1 if it completed anyway (the cancellation came after the open), failed, or
 * its compensation could not finish.
 */
export function cancelOutcome(final: RunStatus): CancelOutcome {
  if (isAdbRunbook(runbookOf(final))) return adbCancelOutcome(final);
  const s = final.status;
  const id = final.workflowId;
  const notUndone = s ? s.compensation.filter((c) => c.outcome !== 'done').map((c) => `${c.step}${c.detail ? ` (${c.detail})` : ''}`) : [];
  const compensating = s ? s.stages.some((st) => st.name === 'compensate') : false;
  if (final.executionStatus === 'COMPLETED' || s?.state === 'completed') {
    const note = cancelNote(s);
    return {
      cancelled: false,
      exitCode: EXIT.RUNBOOK_FAILED,
      message:
        `${id} was NOT cancelled: the cancellation came after the PDB was opened on the target, so it was recorded and nothing was undone; ` +
        `the run completed${s?.reason ? `: ${s.reason}` : ''}${note ? ` (the run noted: ${note})` : ''}`,
    };
  }
  if (s?.state === 'compensated') {
    return { cancelled: true, exitCode: EXIT.OK, message: `${id} was cancelled and compensated: ${s.reason ?? 'its changes were undone'}` };
  }
  if (compensating || notUndone.length) {
    return {
      cancelled: false,
      exitCode: EXIT.RUNBOOK_FAILED,
      message:
        `${id} was cancelled but compensation did not finish${notUndone.length ? `: not undone: ${notUndone.join('; ')}` : ''}` +
        `${s?.reason ? `. ${s.reason}` : ''} (orb status ${id} shows what is left to do by hand)`,
    };
  }
  if (final.executionStatus === 'CANCELLED') {
    // Cancelled before anything was changed: nothing to undo.
    return { cancelled: true, exitCode: EXIT.OK, message: `${id} was cancelled: ${s?.reason ?? 'the run stopped before the open'}` };
  }
  return {
    cancelled: false,
    exitCode: EXIT.RUNBOOK_FAILED,
    message: `${id} did not end cancelled: workflow ${final.executionStatus}${s ? `, runbook ${s.state}` : ''}${s?.reason ? `: ${s.reason}` : final.failure ? `: ${final.failure}` : ''}`,
  };
}

/** Whether any worker polled the workflow task queue recently. */
export async function hasWorkerPolling(client: Client, settings: TemporalSettings, taskQueue: string): Promise<boolean> {
  try {
    const r = await client.workflowService.describeTaskQueue({
      namespace: settings.namespace,
      // TASK_QUEUE_KIND_NORMAL = 1, TASK_QUEUE_TYPE_WORKFLOW = 1 (temporal.api.enums.v1;
      // @temporalio/proto is not a direct dependency, so the numbers are spelled out)
      taskQueue: { name: taskQueue, kind: 1 },
      taskQueueType: 1,
    });
    return (r.pollers ?? []).length > 0;
  } catch (err) {
    mapTemporalError(err, settings);
  }
}

/**
 * Polls a run until it closes, calling onUpdate with each status read; returns the final
 * RunStatus. A worker that stops answering for a while is tolerated.
 */
export async function waitForRun(
  client: Client,
  settings: TemporalSettings,
  workflowId: string,
  onUpdate: (s: RunStatus) => void | Promise<void>,
  pollMs = 1000,
): Promise<RunStatus> {
  for (;;) {
    const r = await getRunStatus(client, settings, workflowId, 3000);
    await onUpdate(r);
    if (r.executionStatus !== 'RUNNING') return r;
    await delay(pollMs);
  }
}
