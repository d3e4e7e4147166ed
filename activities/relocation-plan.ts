/**
 * `orb plan relocate-pdb`: what a relocation with these options would do, stage by stage, as
 * the runbook (workflows/relocate-pdb.ts) runs it: every statement with its binds (built by
 * statements.ts, the same builders the adapters execute, with the same CREATE clauses the copy
 * step decides: relocateStatementArgs), every gate and who may approve it, what is undone if a
 * stage fails, and what happens when the drain times out. Pure: the planRelocation activity
 * reads the estate (preflight, services) and hands the facts in.
 */
import { formatDuration } from '../common/duration';
import { relocateWorkflowId, type CheckResult, type GatePolicy, type RelocatePdbInput } from '../common/runbook-types';
import { describeStatement, statements, type RelocateStatementArgs, type Statement } from './oracle/statements';

export interface PlanStep {
  /**
   * statement: changes the estate; command: a srvctl command line run on a cluster node (over SSH); read: read-only
   * queries; gate: waits for people; wait: watches; note: context
   */
  kind: 'statement' | 'command' | 'read' | 'gate' | 'wait' | 'note';
  /** The CDB it runs against (statements and reads) */
  cdb?: string;
  /** What a person reads: the statement with its binds, or the gate and its approvers */
  text: string;
  statement?: Statement;
  /** Only when this holds (e.g. sessions remain after the drain timeout) */
  when?: string;
}

export interface PlanStage {
  name: string;
  /** Why the stage is there, in the DBA's words */
  purpose: string;
  steps: PlanStep[];
  /** What the run does if this stage fails or is rejected */
  onFailure: string;
  /** Not run with these options, and why */
  skipped?: string;
}

export interface RelocationPlan {
  runbook: 'relocate-pdb';
  workflowId: string;
  title: string;
  /** false when preflight fails: the run would stop there, changing nothing */
  wouldRun: boolean;
  preflight: CheckResult[];
  stages: PlanStage[];
}

export interface PlanFacts {
  checks: CheckResult[];
  /** The CREATE's clauses as the copy step would decide them now */
  createArgs: RelocateStatementArgs;
  /** Services of the PDB that run now and would be drained (the default service never is) */
  services: string[];
  /** A Clusterware-managed source: the srvctl command lines of the drain (stops) and of its undo (starts), as sent */
  srvctl?: { stops: string[]; starts: string[] };
}

function gateText(name: string, g: GatePolicy, startedBy: string): string {
  const who = g.allowInitiator ? g.approvers : g.approvers.filter((a) => a !== startedBy);
  const timeout = g.timeoutMs !== null ? `; after ${formatDuration(g.timeoutMs)} it ${g.onTimeout === 'reject' ? 'rejects' : 'keeps waiting'}` : '; no timeout';
  return `gate "${name}": ${g.requiredApprovals} approval(s) from ${who.join(', ')}${g.allowInitiator ? ' (self-approval allowed)' : ''}${timeout}`;
}

function run(cdb: string, s: Statement, when?: string): PlanStep {
  return { kind: 'statement', cdb, text: describeStatement(s), statement: s, ...(when ? { when } : {}) };
}

function command(cdb: string, line: string): PlanStep {
  return { kind: 'command', cdb, text: line };
}

/** The drain's steps on a single-instance source: DBMS_SERVICE stops, then DISCONNECT_SESSION if the policy says so. */
function dbmsServiceDrain(input: RelocatePdbInput, services: string[], drainSeconds: number): PlanStep[] {
  const { pdb, sourceCdb: src } = input;
  return [
    ...services.map((s) => run(src, statements.stopService(pdb, s, { stopOption: 'NONE', drainTimeoutSeconds: drainSeconds }))),
    ...drainWatch(input, services),
    ...(input.drain.onTimeout === 'abort'
      ? []
      : services.map((s) => run(src, statements.disconnectSessions(pdb, s, 'POST_TRANSACTION'), disconnectWhen(input)))),
  ];
}

/** On a Clusterware-managed source: srvctl stops on every instance, then a cluster-wide disconnect per session. */
function srvctlDrain(input: RelocatePdbInput, services: string[], stops: string[]): PlanStep[] {
  const src = input.sourceCdb;
  const example = describeStatement(statements.disconnectSession({ sid: 123, serial: 4567, instId: 2 }));
  return [
    ...stops.map((line) => command(src, line)),
    ...drainWatch(input, services),
    ...(input.drain.onTimeout === 'abort'
      ? []
      : [{
          kind: 'note' as const,
          cdb: src,
          when: disconnectWhen(input),
          text: `each session still on ${services.join(', ')}, read from GV$SESSION on every instance, disconnected after its ` +
            `transaction (e.g. ${example})`,
        }]),
  ];
}

function disconnectWhen(input: RelocatePdbInput): string {
  return `sessions remain after the drain timeout${input.drain.onTimeout === 'ask' ? ' and the gate is approved' : ''}`;
}

function drainWatch(input: RelocatePdbInput, services: string[]): PlanStep[] {
  const when = 'sessions remain after the drain timeout';
  const timeout = formatDuration(input.drain.timeoutMs);
  const count = `count sessions on ${services.join(', ')} (GV$SESSION, every instance) until none is left, for up to ${timeout}`;
  const ask = { kind: 'gate' as const, text: gateText('drain-timeout', input.gates.operator, input.startedBy), when };
  const abort = { kind: 'note' as const, text: `sessions left after ${timeout}: the run aborts and undoes (--on-drain-timeout abort)`, when };
  return [
    { kind: 'wait', cdb: input.sourceCdb, text: count },
    ...(input.drain.onTimeout === 'ask' ? [ask] : []),
    ...(input.drain.onTimeout === 'abort' ? [abort] : []),
  ];
}

export function buildRelocationPlan(input: RelocatePdbInput, workflowId: string, f: PlanFacts): RelocationPlan {
  const { pdb, sourceCdb: src, targetCdb: tgt, availability } = input;
  const upgrade = input.upgrade === true;
  const drainSeconds = Math.ceil(input.drain.timeoutMs / 1000);
  const restoreSource = `undo: drop the copy in ${tgt} (${statements.dropPdb(pdb).sql}, only a copy never opened, while ${pdb} is intact in ${src}), make sure ${pdb} is open READ WRITE in ${src}`;
  const listed = f.services.join(', ');
  const restoreServices = !f.services.length ? ''
    : f.srvctl ? `, start ${listed} again in ${src} on their preferred instances: ${f.srvctl.starts.join('; ')}`
      : `, start ${listed} again in ${src}`;
  const afterOpen = (stage: string) =>
    `no automatic undo after the open: the run waits at ${gateText(`recover-${stage}`, input.gates.operator, input.startedBy)}: approve retries ${stage}, reject stops and lists what is left to do`;
  const stages: PlanStage[] = [];
  const stage = (s: PlanStage) => stages.push(s);

  stage({
    name: 'fence',
    purpose: `only one run at a time relocates a PDB named ${pdb} into ${tgt}`,
    steps: [{ kind: 'note', text: `hold the Temporal workflow relocate-pdb-target:${tgt}:${pdb} until the run ends` }],
    onFailure: 'another run holds it: the run ends, nothing changed',
  });
  stage({
    name: 'preflight',
    purpose: 'every prerequisite of a relocation, read-only',
    steps: [{ kind: 'read', text: `${f.checks.length} checks on ${src} and ${tgt} (see the preflight list)` }],
    onFailure: 'the run ends, nothing changed',
  });
  stage({
    name: 'readiness',
    purpose: 'the client readiness of each service that will drain, judged for AC, TAC and TAF: a warning, never a refusal',
    steps: [{ kind: 'read', cdb: src, text: `CDB_SERVICES of ${pdb} in ${src}: ${listed || 'no service to drain'} (orb check readiness)` }],
    onFailure: 'the attributes cannot be read: the stage is skipped, saying why',
  });
  stage({
    name: 'save-state',
    purpose: `keep ${pdb}'s open mode across restarts of ${src} while it moves`,
    steps: [run(src, statements.savePdbState(pdb))],
    onFailure: 'the run ends; nothing to undo (SAVE STATE changes no data)',
  });
  stage(
    input.gates.beforeCopy
      ? { name: 'approve-copy', purpose: 'approval before anything is copied', steps: [{ kind: 'gate', text: gateText('copy', input.gates.beforeCopy, input.startedBy) }], onFailure: 'rejected or timed out: the run ends, nothing changed' }
      : { name: 'approve-copy', purpose: 'approval before the copy', steps: [], onFailure: '', skipped: 'no gate before the copy (--gate-before-copy turns it on)' },
  );
  stage({
    name: 'copy',
    purpose: `copy ${pdb}'s datafiles from ${src} over ${input.dbLink} into ${tgt} while it stays open in ${src}`,
    steps: [
      run(tgt, statements.createPdbRelocate(f.createArgs)),
      { kind: 'wait', cdb: tgt, text: 'progress read from GV$SESSION_LONGOPS (kpdbfCopyTaskCbk) while it runs' },
    ],
    onFailure: restoreSource,
  });
  stage(
    input.gates.cutover
      ? { name: 'approve-cutover', purpose: 'approval before the services are drained and the PDB moves', steps: [{ kind: 'gate', text: gateText('cutover', input.gates.cutover, input.startedBy) }], onFailure: `rejected: ${restoreSource}` }
      : { name: 'approve-cutover', purpose: 'approval before cutover', steps: [], onFailure: '', skipped: 'the cutover gate was turned off (--no-cutover-gate)' },
  );
  stage({
    name: 'drain',
    purpose: `let sessions leave ${pdb}'s services in ${src} without force (FAN planned DOWN tells the pools)` +
      (f.srvctl ? `; ${src} is Clusterware-managed: srvctl stops them on every instance` : ''),
    steps: f.services.length
      ? f.srvctl ? srvctlDrain(input, f.services, f.srvctl.stops) : dbmsServiceDrain(input, f.services, drainSeconds)
      : [{ kind: 'note', text: `${pdb} has no running service besides its default one: nothing to drain` }],
    onFailure: `${restoreSource}${restoreServices}`,
  });
  stage({
    name: 'open',
    purpose: upgrade
      ? `open ${pdb} UPGRADE in ${tgt}: the first open closes it in ${src} (the point of no return)`
      : `open ${pdb} in ${tgt}: the first open closes it in ${src} (the point of no return)`,
    steps: [run(tgt, statements.openPdb(pdb, upgrade ? 'UPGRADE' : 'READ WRITE'))],
    onFailure: `the run waits at gate "recover-open": approve retries; reject restores ${src} if the PDB did not open in ${tgt}`,
  });
  if (upgrade) {
    stage({
      name: 'upgrade',
      purpose: `${pdb} comes from an older release: you upgrade it while it is open UPGRADE`,
      steps: [{ kind: 'gate', text: `${gateText('upgrade', input.gates.operator, input.startedBy)}: run dbupgrade -c ${pdb} (or AutoUpgrade) in ${tgt}, then approve` }],
      onFailure: `rejected: the run stops, ${pdb} stays open UPGRADE in ${tgt}`,
    });
    stage({
      name: 'reopen',
      purpose: `open the upgraded ${pdb} READ WRITE`,
      steps: [run(tgt, statements.closePdb(pdb), `${pdb} is still open (MIGRATE) and no session is connected to it (an upgrade still running is never closed under)`), run(tgt, statements.openPdb(pdb))],
      onFailure: afterOpen('reopen'),
    });
  }
  stage({
    name: 'verify',
    purpose: `${pdb} NORMAL and READ WRITE in ${tgt}, gone (or a RELOCATED tombstone) in ${src}, no plug-in violation ERROR`,
    steps: [{ kind: 'read', cdb: tgt, text: 'CDB_PDBS, V$PDBS, PDB_PLUG_IN_VIOLATIONS' }],
    onFailure: afterOpen('verify'),
  });
  stage({
    name: 'start-services',
    purpose: `bring ${pdb}'s services up in ${tgt}`,
    steps: f.services.length ? f.services.map((s) => run(tgt, statements.startService(pdb, s))) : [{ kind: 'note', text: 'no service to start' }],
    onFailure: afterOpen('start-services'),
  });
  stage({
    name: 'save-state-target',
    purpose: `${pdb} opens again by itself after ${tgt} restarts`,
    steps: [run(tgt, statements.savePdbState(pdb))],
    onFailure: afterOpen('save-state-target'),
  });
  if (availability === 'MAX') {
    stage({
      name: 'drop-tombstone',
      purpose: `AVAILABILITY MAX left a RELOCATED tombstone in ${src} forwarding connections to ${tgt}`,
      steps: [
        ...(input.gates.dropTombstone ? [{ kind: 'gate' as const, text: gateText('drop-tombstone', input.gates.dropTombstone, input.startedBy) }] : []),
        run(src, statements.dropPdb(pdb), input.gates.dropTombstone ? 'the gate is approved (rejected: the tombstone is kept)' : undefined),
      ],
      onFailure: afterOpen('drop-tombstone'),
    });
  } else {
    stage({ name: 'drop-tombstone', purpose: '', steps: [], onFailure: '', skipped: 'AVAILABILITY NORMAL leaves no tombstone' });
  }

  const wouldRun = !f.checks.some((c) => c.outcome === 'fail');
  return {
    runbook: 'relocate-pdb',
    workflowId: relocateWorkflowId(src, pdb),
    title: `Relocate ${pdb}: ${src} → ${tgt} (AVAILABILITY ${availability}${upgrade ? ', with upgrade' : ''})`,
    wouldRun,
    preflight: f.checks,
    stages,
  };
}

/** Every statement of the plan in order, as `[CDB] text`, optionally only those that always run. */
export function planStatements(plan: RelocationPlan, opts: { unconditional?: boolean } = {}): { cdb: string; statement: Statement; when?: string }[] {
  return plan.stages.flatMap((s) =>
    s.steps
      .filter((p) => p.kind === 'statement' && p.statement && (!opts.unconditional || !p.when))
      .map((p) => ({ cdb: p.cdb!, statement: p.statement!, ...(p.when ? { when: p.when } : {}) })),
  );
}
