/**
 * The srvctl commands of one instance's turn in a rolling maintenance, built from what srvctl reported
 * (rac-facts.ts): the same code builds what `orb plan` shows and what the run sends. As Oracle's planned
 * maintenance gives it (High Availability Overview and Best Practices, "Server-Side Planned Maintenance"):
 *
 *   services leave the instance without -force: a service running only there moves to another of its
 *   instances (relocate, with the drain timeout), the others stop there (stop, with the drain timeout) →
 *   disable them there → stop the instance → disable it → (maintenance) → enable and start the instance
 *   → enable and start its services there (a moved one is relocated back) .
 *
 * Pure: safe in workflow code.
 */
import type { ServiceStopOption, SrvctlCommand } from '../srvctl/commands';
import { includesName, type RacFacts, type RacServiceFacts } from './rac-facts';

export interface ServiceMove {
  service: string;
  /** relocate: it ran only here and goes to `to`; stop: it keeps running on its other instances */
  how: 'relocate' | 'stop';
  to?: string;
}

export interface InstanceTurn {
  instance: string;
  /** The services that leave the instance, in the order they leave */
  moves: ServiceMove[];
  leave: SrvctlCommand[];
  disableServices: SrvctlCommand[];
  stopInstance: SrvctlCommand;
  disableInstance: SrvctlCommand;
  enableInstance: SrvctlCommand;
  startInstance: SrvctlCommand;
  enableServices: SrvctlCommand[];
  /** Services back on the instance: started there, or relocated back from where they went */
  returnServices: SrvctlCommand[];
}

/** Where a service running only on `instance` can go: a running instance among its preferred, then available ones. */
function destination(s: RacServiceFacts, instance: string, up: string[]): string | undefined {
  return [...s.preferred, ...s.available].find((i) => !includesName([instance], i) && includesName(up, i));
}

export function serviceMoves(f: RacFacts, instance: string): ServiceMove[] {
  const up = f.instances.filter((i) => i.running).map((i) => i.name);
  return f.services
    .filter((s) => includesName(s.runningOn, instance))
    .map((s): ServiceMove => {
      const elsewhere = s.runningOn.some((i) => !includesName([instance], i));
      if (elsewhere) return { service: s.name, how: 'stop' };
      const to = destination(s, instance, up);
      // Nowhere else to go: stopping it would take it down everywhere; the runbook refuses such a turn (preflight).
      return to ? { service: s.name, how: 'relocate', to } : { service: s.name, how: 'stop' };
    });
}

/** Services that would be down everywhere while `instance` is out: the turn must not start. */
export function servicesWithoutRefuge(f: RacFacts, instance: string): string[] {
  const up = f.instances.filter((i) => i.running && !includesName([instance], i.name)).map((i) => i.name);
  return f.services
    .filter((s) => includesName(s.runningOn, instance))
    .filter((s) => !s.runningOn.some((i) => !includesName([instance], i)) && !destination(s, instance, [...up, instance]))
    .map((s) => s.name);
}

/**
 * What brings the moved services back onto the instance from where they are now (read again: a retry, an
 * undo after a failure half-way): a service already running there needs nothing; one running only on
 * another instance is relocated back; one running nowhere, or also elsewhere, is started there.
 * `planned`: the facts are from before the turn (the plan shows where each went).
 */
export function servicesBack(f: RacFacts, instance: string, moves: ServiceMove[], drainS: number, planned = false): SrvctlCommand[] {
  const db = f.db;
  return moves.flatMap((m): SrvctlCommand[] => {
    const now = f.services.find((s) => s.name === m.service)?.runningOn ?? [];
    const where = planned ? (m.how === 'relocate' ? [m.to!] : now) : now;
    if (!planned && includesName(where, instance)) return [];
    if (where.length === 1 && !includesName(where, instance) && m.how === 'relocate') {
      return [{ kind: 'relocate-service', db, service: m.service, oldInstance: where[0]!, newInstance: instance, drainTimeout: drainS }];
    }
    return [{ kind: 'start-service', db, service: m.service, instance }];
  });
}

export function instanceTurn(f: RacFacts, instance: string, drain: { timeoutS: number; stopOption: ServiceStopOption }): InstanceTurn {
  const db = f.db;
  const moves = serviceMoves(f, instance);
  const leave = moves.map((m): SrvctlCommand => (m.how === 'relocate'
    ? { kind: 'relocate-service', db, service: m.service, oldInstance: instance, newInstance: m.to!, drainTimeout: drain.timeoutS }
    : { kind: 'stop-service', db, service: m.service, instance, drainTimeout: drain.timeoutS, stopOption: drain.stopOption }));
  const back = servicesBack(f, instance, moves, drain.timeoutS, true);
  return {
    instance,
    moves,
    leave,
    disableServices: moves.map((m) => ({ kind: 'disable-service', db, service: m.service, instance })),
    stopInstance: { kind: 'stop-instance', db, instance, stopOption: 'IMMEDIATE' },
    disableInstance: { kind: 'disable-instance', db, instance },
    enableInstance: { kind: 'enable-instance', db, instance },
    startInstance: { kind: 'start-instance', db, instance },
    enableServices: moves.map((m) => ({ kind: 'enable-service', db, service: m.service, instance })),
    returnServices: back,
  };
}
