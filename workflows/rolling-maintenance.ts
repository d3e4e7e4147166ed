/**
 * Runbook: rolling maintenance of a RAC database, one instance at a time, so that applications never see it
 * (Oracle: High Availability Overview and Best Practices, "Server-Side Planned Maintenance"):
 *
 *   fence (one run per database) → preflight (srvctl: instances running, every service has somewhere to go)
 *   → [approve start] → for each instance, in order:
 *       drain (services leave without -force: relocate the ones running only there, stop the others, with the
 *       drain timeout; watch its sessions leave; on timeout: disconnect after the transaction, ask, or abort)
 *       → disable its services there → stop the instance (IMMEDIATE) → disable it
 *       → maintenance: the estate's command run on the instance's node over SSH (a failure waits at an operator gate:
 *         run it again, or put the instance back and stop), or without one a gate: do the maintenance, approve when done
 *       → enable and start the instance → enable its services and bring them back → watch the pools rebalance
 *   → verify (every instance running, every service on its preferred instances)
 *
 * Before an instance's maintenance gate, a failure or a rejection puts the instance and its services back.
 * After it, a failure waits at an operator gate (retry or stop).
 */
import { ApplicationFailure, CancellationScope, isCancellation, proxyActivities, type ActivityOptions } from '@temporalio/workflow';
import type { OrbActivities } from '../activities';
import type { SrvctlCommand } from '../common/srvctl/commands';
import { srvctlArgv } from '../common/srvctl/srvctl-argv';
import type { RacFacts } from '../common/rac/rac-facts';
import { instanceTurn, servicesBack, type InstanceTurn } from '../common/rac/instance-steps';
import { rollingChecks, rollingOrder } from '../common/rac/rolling-checks';
import { parseRollingInput, rollingIdentity, type RollingMaintenanceInput } from '../common/rac/rolling-input';
import type { RunbookStatus } from '../common/runbook-types';
import type { MaintenanceLine } from '../activities/node-maintenance';
import { ApprovalGates } from './shared/approval-gates';
import { checkGateApprovers } from './shared/approver-check';
import { approvalStage } from './shared/approval-stage';
import { allSettledOrFirstError } from './shared/settled';
import { Compensations } from './shared/compensations';
import { drainSessions } from './shared/drain';
import { readinessStage } from './shared/readiness-stage';
import { takeClusterFence, whileFenced } from './shared/fence';
import { recoverable } from './shared/recovery-gate';
import { maintenanceCheck, nodeOf } from './shared/maintenance-check';
import { startRunbook } from './shared/runbook-start';
import type { RunbookJournal } from './shared/runbook-journal';
import { causeMessage } from './shared/failure-text';
import { dbSteps, srvctlSteps } from './shared/activity-options';

export const ROLLING_MAINTENANCE = 'rolling-maintenance';

export interface RollingMaintenanceResult {
  outcome: 'completed';
  status: RunbookStatus;
}

/** "srvctl stop service -db raccdb -service X ..." for the Web UI; a command the builder refuses is the activity's error, not this one's. */
function summaryOf(command: SrvctlCommand, what: string): string {
  try {
    return `srvctl ${srvctlArgv(command).join(' ')}`;
  } catch {
    return `${what}: srvctl ${command.kind.replace('-', ' ')}`;
  }
}

const act = (options: ActivityOptions, summary: string) => proxyActivities<OrbActivities>({ ...options, summary });

export async function rollingMaintenance(raw: RollingMaintenanceInput): Promise<RollingMaintenanceResult> {
  const { input, journal } = startRunbook(ROLLING_MAINTENANCE, raw, parseRollingInput(raw), rollingIdentity(raw));
  journal.describe(`Rolling maintenance of ${input.cdb}, one instance at a time; started by ${input.startedBy}`);
  return whileFenced(journal, () => takeClusterFence(input.cdb), () => new Rolling(input, journal).run());
}

class Rolling {
  private readonly gates: ApprovalGates;
  private readonly cdb: string;
  /** Per instance, the maintenance command line preflight resolved */
  private readonly lines = new Map<string, MaintenanceLine>();

  /** The cancellation, once an operator asked for it (orb cancel): acted on between turns */
  private cancelled: unknown = null;

  constructor(private readonly input: RollingMaintenanceInput, private readonly journal: RunbookJournal) {
    this.gates = new ApprovalGates(journal, input.startedBy);
    this.cdb = input.cdb;
    CancellationScope.current().cancelRequested.catch((err) => {
      this.cancelled = err;
      journal.note(`cancel requested during ${journal.status.stage}: an instance not yet maintained is put back; a maintenance command under way is let finish and its instance brought back; no further instance is started`);
    });
  }

  async run(): Promise<RollingMaintenanceResult> {
    const order = await this.preflight();
    await this.readiness(order);
    if (this.input.gates.start) {
      await this.gate('start', `Start the rolling maintenance of ${this.cdb}: ${order.join(' → ')}, one instance at a time?`, this.input.gates.start)
        .catch((err) => {
          this.journal.finish('compensated', `${causeMessage(err)}. Nothing was changed`);
          throw ApplicationFailure.nonRetryable(this.journal.status.reason!, 'GateRejected', this.journal.status);
        });
    }
    for (const [i, instance] of order.entries()) {
      if (this.cancelled) return this.endCancelled(order.slice(0, i), order.slice(i));
      await this.turn(instance, order.slice(i + 1));
    }
    if (this.cancelled) return this.endCancelled(order, []);
    const facts = await this.journal.stage('verify', () => this.read('verify'), (f) => this.verified(f));
    const problems = this.problems(facts);
    if (problems.length) return this.stop(`verify found ${problems.join('; ')}`, []);
    this.journal.finish('completed', `${order.length} instance(s) maintained one at a time; every instance runs and every service is on its preferred instances`);
    return { outcome: 'completed', status: this.journal.status };
  }

  private read(why: string): Promise<RacFacts> {
    return act(srvctlSteps(), `srvctl config/status of ${this.cdb} (${why}, read-only)`).readRac({ cdb: this.cdb });
  }

  private srvctl(cmds: SrvctlCommand[], what: string, drainS = 0): Promise<unknown> {
    const opts = srvctlSteps(drainS * 1000);
    return cmds.reduce<Promise<unknown>>((p, command) => p.then(() =>
      act(opts, summaryOf(command, what)).runSrvctl({ cdb: this.cdb, command, what })), Promise.resolve());
  }

  /** The instances in their order, once every one is running and each turn leaves every service somewhere. */
  private async preflight(): Promise<string[]> {
    this.journal.begin('preflight');
    const facts = await this.read('preflight').catch((err) => this.fail(`preflight failed, nothing was changed: ${causeMessage(err)}`));
    const order = rollingOrder(facts, this.input.instances);
    const checks = [await checkGateApprovers(this.input.gates), ...rollingChecks(facts, order)];
    this.journal.preflight(checks);
    if (this.input.maintenance && !checks.some((c) => c.outcome === 'fail')) {
      const m = await maintenanceCheck(this.cdb, this.input.maintenance, facts, order);
      for (const l of m.lines) this.lines.set(l.instance, l);
      checks.push(m.check);
    }
    const failed = checks.filter((c) => c.outcome === 'fail');
    this.journal.end(failed.length ? 'failed' : 'succeeded', `${checks.length - failed.length} passed, ${failed.length} failed`);
    if (failed.length) return this.fail(`preflight failed, nothing was changed: ${failed.map((c) => c.reason).join('; ')}`);
    return order;
  }

  /**
   * Client readiness of the services that will drain (common/readiness/drain-readiness.ts): a service ready for no
   * AC / TAC / TAF profile is a warning in the checks, not a refusal; a CDB whose services cannot be read skips it.
   */
  private async readiness(order: string[]): Promise<void> {
    const facts = await this.read('readiness');
    const draining = facts.services.filter((s) => order.some((i) => s.runningOn.some((r) => r.toUpperCase() === i.toUpperCase()))).map((s) => s.name);
    return readinessStage(this.journal, { cdb: this.cdb }, draining);
  }

  /** One instance's turn; before its maintenance gate anything that fails puts it back. */
  private async turn(instance: string, next: string[]): Promise<void> {
    const { timeoutMs, onTimeout } = this.input.drain;
    const facts = await this.read(`before ${instance}`);
    const t = instanceTurn(facts, instance, { timeoutS: Math.ceil(timeoutMs / 1000), stopOption: onTimeout === 'disconnect' ? 'TRANSACTIONAL' : 'NONE' });
    const undo = new Compensations(this.journal);
    try {
      undo.add({ step: `bring ${instance}'s services back`, run: async () => void (await this.servicesBack(t, 'undo: ')) });
      await this.journal.stage(`drain-${instance}`, () => this.drain(t), (d) => `${t.moves.map((m) => (m.how === 'relocate' ? `${m.service} → ${m.to}` : `${m.service} stopped here`)).join(', ') || 'no service ran here'}` +
        (d.disconnected ? `; ${d.disconnected.sessions} session(s) left at the drain timeout were disconnected after their transaction` : ''));
      await this.journal.stage(`disable-services-${instance}`, () => this.srvctl(t.disableServices, `disable ${instance}'s services there`));
      undo.add({ step: `start ${instance} again`, run: async () => void (await this.srvctl([t.enableInstance, t.startInstance], `undo: ${instance} back`)) });
      await this.journal.stage(`stop-${instance}`, () => this.srvctl([t.stopInstance, t.disableInstance], `stop ${instance}`));
      await this.sample(t);
      await this.maintain(instance, nodeOf(facts, instance));
      await this.sample(t);
    } catch (err) {
      return this.compensate(undo, err, next);
    }
    // Once maintained, the instance comes back whatever happens: a cancel now ends the run after this turn.
    await CancellationScope.nonCancellable(() => this.comeBack(t, next));
  }

  private async comeBack(t: InstanceTurn, next: string[]): Promise<void> {
    const stop = (why: string) => this.stop(why, next, t.instance);
    const operator = this.input.gates.operator;
    await recoverable(this.journal, this.gates, operator, `start-${t.instance}`, () => this.srvctl([t.enableInstance, t.startInstance], `start ${t.instance}`), stop);
    await this.sample(t);
    await recoverable(this.journal, this.gates, operator, `services-${t.instance}`, () => this.servicesBack(t), stop);
    await this.rebalance(t);
  }

  /** A cancel between turns (or during one, once its instance is back): the run ends there, saying what is left. */
  private endCancelled(done: string[], left: string[]): never {
    const rest = left.length ? ` Not started: ${left.join(', ')} (run again with --instances ${left.join(',')}).` : '';
    this.journal.finish('failed', `cancelled by an operator: ${done.length ? `${done.join(', ')} maintained and back in service` : 'no instance was maintained'}.${rest}`);
    throw this.cancelled;
  }

  /**
   * The maintenance of a stopped instance: the estate's command on its node, or an operator's gate. A failed command
   * waits at gate recover-maintenance-<instance>: approve runs it again, reject puts the instance back and stops.
   */
  private async maintain(instance: string, node: string): Promise<void> {
    const name = this.input.maintenance;
    if (!name) {
      await this.gate(`maintenance-${instance}`, `${instance} is stopped and disabled. Do its maintenance now, then approve; reject to start it again unchanged and stop the run.`, this.input.gates.maintenance);
      return;
    }
    const line = this.lines.get(instance);
    const opts = { ...srvctlSteps(line?.timeoutMs ?? 3_600_000), retry: { maximumAttempts: 1 } };
    for (let attempt = 1; ; attempt++) {
      try {
        // Never cancelled half-way: an instance started while its maintenance still runs on the node is the one
        // mess this runbook must not make. A cancel waits for the command to end, then the instance is put back.
        const run = () => act(opts, `maintenance of ${instance} on ${node}: ${line?.commandLine ?? name}`).runMaintenance({ cdb: this.cdb, name, instance, node });
        await this.journal.stage(attempt === 1 ? `maintenance-${instance}` : `maintenance-${instance} (retry ${attempt - 1})`, () =>
          CancellationScope.nonCancellable(run),
        (r) => `${r.commandLine} on ${r.sshNode}${r.output.length ? `: ${r.output.at(-1)}` : ''}`);
        return;
      } catch (err) {
        if (isCancellation(err)) throw err;
        const q = `Maintenance of ${instance} failed: ${causeMessage(err)}. ${instance} is stopped and disabled. Approve to run ${name} on ${node} again; ` +
          `reject to start ${instance} again as it is, bring its services back and stop the run.`;
        await this.gate(`recover-maintenance-${instance}`, q, { ...this.input.gates.operator, timeoutMs: null, onTimeout: 'wait' });
      }
    }
  }

  /** Enables the moved services on the instance and brings each back from where it is now (read first). */
  private async servicesBack(t: InstanceTurn, prefix = ''): Promise<string> {
    const drainS = Math.ceil(this.input.drain.timeoutMs / 1000);
    const back = servicesBack(await this.read(`${prefix}services back on ${t.instance}`), t.instance, t.moves, drainS);
    await this.srvctl([...t.enableServices, ...back], `${prefix}services back on ${t.instance}`, back.some((c) => c.kind === 'relocate-service') ? drainS : 0);
    return back.length ? `${back.length} service(s) back on ${t.instance}` : `every service was already back on ${t.instance}`;
  }

  private drain(t: InstanceTurn) {
    const services = t.moves.map((m) => m.service);
    return drainSessions(this.journal, {
      what: `${services.join(', ')} on ${t.instance}`,
      // All at once: each srvctl answers when its own drain is over, so one after another would drain n times as long.
      // Every command settles before a failure is acted on, so the undo never races a stop still draining.
      stop: (s) => allSettledOrFirstError(t.leave.map((c) => this.srvctl([c], `${t.instance}'s services leave it (drain ${s} s, no -force)`, s))),
      awaitGone: (deadlineMs) => act(srvctlSteps(this.input.drain.timeoutMs), `watch the sessions leave ${t.instance} (GV$SESSION, heartbeating what is left)`)
        .awaitInstanceSessionsGone({ cdb: this.cdb, instance: t.instance, services, deadlineMs, pollMs: this.input.drain.pollMs }),
      // The instance stops next anyway: SHUTDOWN TRANSACTIONAL lets the stragglers' transactions finish, then disconnects them.
      disconnect: () => this.srvctl([{ kind: 'stop-instance', db: t.stopInstance.db, instance: t.instance, stopOption: 'TRANSACTIONAL' }],
        `disconnect the sessions left on ${t.instance} after their transaction`),
      disconnectHow: `srvctl stop instance -db ${t.stopInstance.db} -instance ${t.instance} -stopoption TRANSACTIONAL`,
    }, this.input.drain, (q) => this.gate(`drain-timeout-${t.instance}`, q, this.input.gates.operator));
  }

  /**
   * A reading of the sessions per instance between two watches (after the stop, the maintenance, the start), so the
   * run's series shows the stopped instance at 0 throughout; a failed reading only leaves a gap in the picture.
   */
  private async sample(t: InstanceTurn): Promise<void> {
    const services = t.moves.map((m) => m.service);
    if (!services.length) return;
    const s = await act(dbSteps, `read the sessions per instance of ${services.join(', ')} (GV$SESSION, read-only)`)
      .readSessions({ cdb: this.cdb, services }).catch(() => null);
    if (s) this.journal.sessions([s]);
  }

  /** The pools rebalance onto the instance: its share of the services' sessions, or a note at the timeout. */
  private async rebalance(t: InstanceTurn): Promise<void> {
    const services = t.moves.map((m) => m.service);
    if (!services.length || this.input.rebalanceTimeoutMs === 0) return this.journal.skip(`rebalance-${t.instance}`, services.length ? 'not asked for' : 'no service came back');
    const running = (await this.read(`rebalance of ${t.instance}`)).instances.filter((i) => i.running).length;
    const share = 0.8 / Math.max(1, running);
    const l = await this.journal.stage(`rebalance-${t.instance}`, () => act(srvctlSteps(this.input.rebalanceTimeoutMs), `watch the pools rebalance onto ${t.instance}`)
      .awaitRebalance({ cdb: this.cdb, instance: t.instance, services, share, deadlineMs: Date.now() + this.input.rebalanceTimeoutMs, pollMs: this.input.drain.pollMs }),
    (x) => `${Math.round(x.share * 100)}% of ${x.total} session(s) on ${t.instance}${x.share >= share ? '' : ` (below ${Math.round(share * 100)}% at the timeout: going on)`}`);
    if (l.samples?.length) this.journal.sessions(l.samples);
    if (l.share < share) this.journal.note(`the pools had not rebalanced onto ${t.instance} within ${Math.round(this.input.rebalanceTimeoutMs / 1000)} s (${Math.round(l.share * 100)}% of sessions): going on`);
  }

  private gate(name: string, question: string, policy: RollingMaintenanceInput['gates']['operator']): Promise<string[]> {
    return approvalStage(this.journal, this.gates, name, question, policy);
  }

  private async compensate(undo: Compensations, err: unknown, next: string[]): Promise<never> {
    const why = causeMessage(err);
    const { failed } = await undo.run();
    const left = next.length ? ` Not started: ${next.join(', ')}.` : '';
    if (failed.length) {
      this.journal.finish('failed', `${why}. Putting it back failed: ${failed.join('; ')}.${left}`);
      throw ApplicationFailure.nonRetryable(this.journal.status.reason!, 'CompensationIncomplete', this.journal.status);
    }
    this.journal.finish('compensated', `${why}. The instance and its services were put back.${left}`);
    throw ApplicationFailure.nonRetryable(this.journal.status.reason!, 'RunbookCompensated', this.journal.status);
  }

  /** Ends the run where it is: `half` is the instance whose turn stopped after its maintenance, `next` those not started. */
  private async stop(why: string, next: string[], half?: string): Promise<never> {
    const todo = [
      ...(half ? [`enable and start ${half} and enable and start its services there again (srvctl enable/start instance, enable/start or relocate service)`] : []),
      ...(next.length ? [`${next.join(', ')} not maintained yet (run again with --instances ${next.join(',')})`] : []),
    ];
    const reason = `${why}; the estate is left as it is.${todo.length ? ` Still to do: ${todo.join('; ')}.` : ''}`;
    this.journal.finish('failed', reason);
    throw ApplicationFailure.nonRetryable(reason, 'StoppedByOperator', this.journal.status);
  }

  private fail(reason: string): never {
    this.journal.end('failed', reason);
    this.journal.finish('failed', reason);
    throw ApplicationFailure.nonRetryable(reason, 'PreflightFailed', this.journal.status);
  }

  private problems(f: RacFacts): string[] {
    const down = f.instances.filter((i) => !i.running).map((i) => `${i.name} not running`);
    const off = f.services.flatMap((s) => s.preferred.filter((p) => !s.runningOn.some((r) => r.toUpperCase() === p.toUpperCase())).map((p) => `${s.name} not on ${p}`));
    const disabled = f.services.flatMap((s) => s.disabledOn.map((i) => `${s.name} disabled on ${i}`));
    return [...down, ...off, ...disabled];
  }

  private verified(f: RacFacts): string {
    const p = this.problems(f);
    return p.length ? p.join('; ') : `${f.instances.length} instance(s) running, ${f.services.length} service(s) on their preferred instances`;
  }
}
