/**
 * The preflight of a rolling maintenance, written once for the run and its plan: the instances in their order
 * (as the estate's names or srvctl's), each running, none whose turn leaves a service nowhere to run, and at
 * least two instances serving. Pure: safe in workflow code.
 */
import type { CheckResult } from '../runbook-types';
import { servicesWithoutRefuge } from './instance-steps';
import { includesName, type RacFacts } from './rac-facts';

/** The instances in the order asked (srvctl's spelling), or every instance in srvctl's order. */
export function rollingOrder(f: RacFacts, asked?: string[]): string[] {
  const known = f.instances.map((i) => i.name);
  return (asked ?? known).map((n) => known.find((k) => k.toUpperCase() === n.toUpperCase()) ?? n);
}

export function rollingChecks(f: RacFacts, order: string[]): CheckResult[] {
  const known = f.instances.map((i) => i.name);
  const checks = order.map((inst): CheckResult => {
    const i = f.instances.find((x) => x.name === inst);
    const stranded = servicesWithoutRefuge(f, inst);
    if (!i) return { check: `instance ${inst}`, outcome: 'fail', reason: `${inst} is not an instance of ${f.db} (it has ${known.join(', ')})` };
    if (!i.running) return { check: `instance ${inst}`, outcome: 'fail', reason: `${inst} is not running on ${i.node}: start it first, or leave it out` };
    if (stranded.length) {
      return { check: `instance ${inst}`, outcome: 'fail', reason: `${stranded.join(', ')} would be down everywhere while ${inst} is out: add an available instance` };
    }
    const leaving = f.services.filter((s) => includesName(s.runningOn, inst)).length;
    return { check: `instance ${inst}`, outcome: 'pass', reason: `${inst} on ${i.node}: ${leaving} service(s) will leave it` };
  });
  if (f.instances.filter((i) => i.running).length < 2) {
    checks.push({ check: 'cluster', outcome: 'fail', reason: `${f.db} runs on fewer than two instances: a rolling maintenance needs another to serve meanwhile` });
  }
  return checks;
}
