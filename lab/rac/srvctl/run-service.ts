/**
 * srvctl start | stop | relocate | status | enable | disable service, with srvctl's semantics:
 *  - start: on the named instance (it must be a preferred or available one, running, the service
 *    enabled there), else on its preferred instances (an available one when none of those can run
 *    it); FAN UP; pools rebalance onto it over time. Already running: PRCC-1014 (PRCC-1015 with
 *    -instance). Disabled: PRCD-1133 / CRS-2501;
 *  - stop (without -force): FAN planned DOWN (reason USER), no new connections there, sessions
 *    drain for -drain_timeout (else the service's drain timeout), then -stopoption (else the
 *    service's) applies to who is left; the command answers when the drain is over (everyone gone,
 *    or the timeout reached). -force disconnects the service's sessions there at once;
 *    -force -failover also starts it on another instance it may run on. Stopped everywhere by a
 *    command naming no instance, the service is "fully stopped" (not an outage for the invariants).
 *    Already stopped: PRCC-1016 (PRCC-1017 with -instance). TRANSACTIONAL with a zero drain: PRCD-1396;
 *  - relocate: starts it on -newinst, then stops it on -oldinst as stop does (drain, or -force);
 *  - -eval prints what would happen and changes nothing (its wording is UNVERIFIED).
 * UNVERIFIED: that srvctl stop / relocate service waits for the drain before answering (the lab
 * does; sessions can be watched meanwhile in GV$SESSION and GET /rac/<cdb>/sessions).
 */
import type { StopOption } from '../../../activities/oracle/port';
import { isOpen } from '../../estate';
import { svcResource, type RacService } from '../cluster';
import type { LabRacInstance } from '../rac-model';
import { drainOver, startServiceOn, stopServiceOn } from '../service-actions';
import { has, num, requireInstance, serviceInstance, str, targetServices, type RunContext, type RunOutcome } from './run-context';
import { msg, SrvctlError } from './srvctl-messages';

const running = (r: RunContext, name: string) => r.cdb.cluster.instances.some((i) => i.name === name && i.state === 'running');
const nodeOf = (r: RunContext, name: string) => r.cdb.cluster.instances.find((i) => i.name === name)?.node ?? '';
const db = (r: RunContext) => r.cdb.cluster.dbUniqueName;
const res = (r: RunContext, s: RacService) => svcResource(r.cdb.cluster, s.svc.name);
const ordered = (r: RunContext, names: string[]) => r.cdb.cluster.instances.map((i) => i.name).filter((n) => names.includes(n));

/** Checks that the service may run on the instance now. */
function checkPlaceable(r: RunContext, s: RacService, inst: LabRacInstance): void {
  const member = s.crs.preferred.includes(inst.name) || s.crs.available.includes(inst.name);
  if (!member) throw new SrvctlError(msg.serviceCannotPlace(db(r), res(r, s)));
  if (!s.crs.enabled || s.crs.disabledOn.includes(inst.name)) throw new SrvctlError(msg.serviceDisabled(db(r), res(r, s)));
  if (inst.state !== 'running' || !isOpen(s.pdb)) throw new SrvctlError(msg.serviceCannotPlace(db(r), res(r, s)));
}

function startTargets(r: RunContext, s: RacService, inst: LabRacInstance | undefined): string[] {
  if (inst) {
    checkPlaceable(r, s, inst);
    return s.svc.runningOn.includes(inst.name) ? [] : [inst.name];
  }
  if (!s.crs.enabled) throw new SrvctlError(msg.serviceDisabled(db(r), res(r, s)));
  const wanted = Math.max(1, s.crs.preferred.length);
  if (s.svc.runningOn.length >= wanted) return [];
  const ok = (i: string) => running(r, i) && !s.crs.disabledOn.includes(i) && !s.svc.runningOn.includes(i);
  let targets = s.crs.preferred.filter(ok);
  if (targets.length === 0) targets = s.crs.available.filter(ok);
  if (targets.length === 0 || !isOpen(s.pdb)) throw new SrvctlError(msg.serviceCannotPlace(db(r), res(r, s)));
  return targets.slice(0, wanted - s.svc.runningOn.length);
}

export function startService(r: RunContext): RunOutcome {
  const inst = serviceInstance(r);
  const plan = targetServices(r).map((s) => ({ s, to: startTargets(r, s, inst) }));
  if (plan.every((p) => p.to.length === 0)) {
    const s = plan[0]!.s;
    if (inst) throw new SrvctlError(msg.alreadyRunningOn(s.svc.name, res(r, s), inst.node));
    throw new SrvctlError(msg.alreadyRunning(s.svc.name, res(r, s), nodeOf(r, s.svc.runningOn[0] ?? '')));
  }
  if (has(r, 'eval')) {
    return { out: plan.filter((p) => p.to.length).map((p) => `Service ${p.s.svc.name} will be started on instance(s) ${p.to.join(',')}`) };
  }
  for (const p of plan) for (const i of p.to) startServiceOn(r.ctx, r.cdb, p.s, i, r.ctx.nowMs);
  return { out: [] };
}

interface Drain {
  drainSec: number;
  stopOption: StopOption;
}

/** -drain_timeout / -stopoption, else the service's own; TRANSACTIONAL needs a drain timeout above 0 (PRCD-1396). */
function drainOf(r: RunContext, s: RacService): Drain {
  const drainSec = num(r, 'drain_timeout') ?? s.svc.drainTimeout ?? 0;
  const stopOption = (str(r, 'stopoption') ?? s.svc.stopOption ?? 'NONE') as StopOption;
  const explicit = str(r, 'stopoption') !== undefined || num(r, 'drain_timeout') !== undefined;
  if (explicit && stopOption === 'TRANSACTIONAL' && drainSec === 0 && !has(r, 'force')) throw new SrvctlError(msg.drainTransactional(0));
  return { drainSec, stopOption };
}

/** Where -force -failover restarts a service stopped on `from`. */
function failoverTo(r: RunContext, s: RacService, from: string[]): string | undefined {
  const candidates = [...s.crs.available, ...s.crs.preferred].filter((i) => !from.includes(i));
  return candidates.find((i) => running(r, i) && !s.svc.runningOn.includes(i) && !s.crs.disabledOn.includes(i));
}

function waitDrains(r: RunContext, stops: { s: RacService; on: string[] }[]): RunOutcome['until'] {
  const cdb = r.cdb.name;
  return (state) => stops.every(({ s, on }) => on.every((i) => drainOver(state, cdb, s.svc.name, i)));
}

export function stopService(r: RunContext): RunOutcome {
  const inst = serviceInstance(r);
  const force = has(r, 'force');
  const where = (s: RacService) => (inst ? s.svc.runningOn.filter((i) => i === inst.name) : [...s.svc.runningOn]);
  const plan = targetServices(r).map((s) => ({ s, on: where(s), d: drainOf(r, s) }));
  if (plan.every((p) => p.on.length === 0)) {
    const s = plan[0]!.s;
    if (inst) throw new SrvctlError(msg.alreadyStoppedOn(s.svc.name, res(r, s), inst.node));
    throw new SrvctlError(msg.alreadyStopped(s.svc.name, res(r, s)));
  }
  const stops = plan.filter((p) => p.on.length > 0);
  if (has(r, 'eval')) {
    return { out: stops.map((p) => `Service ${p.s.svc.name} will be stopped on instance(s) ${ordered(r, p.on).join(',')}`) };
  }
  for (const { s, on, d } of stops) {
    stopServiceOn(r.ctx, r.cdb, s, on, { ...d, force, keepTarget: false }, r.ctx.nowMs);
    if (!inst && s.svc.runningOn.length === 0) s.crs.fullStop = true;
    const to = force && has(r, 'failover') ? failoverTo(r, s, on) : undefined;
    if (to) startServiceOn(r.ctx, r.cdb, s, to, r.ctx.nowMs);
  }
  return { out: [], until: waitDrains(r, stops) };
}

export function relocateService(r: RunContext): RunOutcome {
  const s = targetServices(r)[0]!;
  const from = requireInstance(r.cdb, str(r, 'oldinst')!);
  const to = requireInstance(r.cdb, str(r, 'newinst')!);
  if (!s.svc.runningOn.includes(from.name)) throw new SrvctlError(msg.notRunningOn(res(r, s), from.node));
  if (s.svc.runningOn.includes(to.name)) throw new SrvctlError(msg.alreadyRunningOn(s.svc.name, res(r, s), to.node));
  checkPlaceable(r, s, to);
  const d = drainOf(r, s);
  if (has(r, 'eval')) return { out: [`Service ${s.svc.name} will be relocated from instance ${from.name} to instance ${to.name}`] };
  startServiceOn(r.ctx, r.cdb, s, to.name, r.ctx.nowMs);
  stopServiceOn(r.ctx, r.cdb, s, [from.name], { ...d, force: has(r, 'force'), keepTarget: false }, r.ctx.nowMs);
  return { out: [], until: waitDrains(r, [{ s, on: [from.name] }]) };
}

export function statusService(r: RunContext): RunOutcome {
  const out = targetServices(r).map(({ svc }) =>
    svc.runningOn.length === 0
      ? `Service ${svc.name} is not running.`
      : `Service ${svc.name} is running on instance(s) ${ordered(r, svc.runningOn).join(',')}`,
  );
  return { out };
}

export function enableService(r: RunContext, enable: boolean): RunOutcome {
  const inst = serviceInstance(r);
  const services = targetServices(r);
  for (const s of services) {
    const already = inst ? s.crs.disabledOn.includes(inst.name) !== enable : s.crs.enabled === enable;
    if (already) throw new SrvctlError((enable ? msg.alreadyEnabled : msg.alreadyDisabled)(s.svc.name, res(r, s), inst?.node));
  }
  for (const s of services) {
    if (!inst) s.crs.enabled = enable;
    else if (enable) s.crs.disabledOn = s.crs.disabledOn.filter((i) => i !== inst.name);
    else s.crs.disabledOn = [...s.crs.disabledOn, inst.name];
  }
  return { out: [] };
}
