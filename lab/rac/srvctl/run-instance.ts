/**
 * srvctl start | stop | status | enable | disable instance.
 *  - start: a disabled instance is refused (CRS-2501); a running one is PRCC-1015 (one stopping
 *    counts as running: srvctl status still shows it so); otherwise STARTUP runs and the command
 *    answers when the instance is open (rac.instanceStartSec later) with its services back;
 *  - stop: a stopped one is PRCC-1017; otherwise its services drain (-drain_timeout, else each
 *    service's own drain timeout; -stopoption IMMEDIATE / TRANSACTIONAL also stands for the
 *    services' stop option, NORMAL for NONE; ABORT, or -force without -failover: no drain);
 *    -failover (and -force, which in 12.1 meant "services fail over") first starts singleton
 *    services on an available instance; then SHUTDOWN runs; the command answers when the instance
 *    is down. UNVERIFIED: the exact 19c interplay of -force, -failover and the configured drain;
 *  - enable / disable: Clusterware's enabled flag (PRCC-1010 / 1012 when already so).
 */
import type { StopOption } from '../../../activities/oracle/port';
import { dbResource } from '../cluster';
import { beginInstanceStart, beginInstanceStop } from '../instance-actions';
import { has, list, num, str, targetInstances, requireInstance, type RunContext, type RunOutcome } from './run-context';
import { msg, SrvctlError } from './srvctl-messages';

function stateOf(r: RunContext, name: string): string | undefined {
  return r.cdb.cluster.instances.find((i) => i.name === name)?.state;
}

export function startInstance(r: RunContext): RunOutcome {
  const insts = targetInstances(r);
  const res = dbResource(r.cdb.cluster);
  for (const i of insts) if (!i.enabled) throw new SrvctlError(msg.instanceDisabled(res, i.node));
  const up = insts.find((i) => i.state === 'running' || i.state === 'stopping');
  if (up) throw new SrvctlError(msg.alreadyRunningOn(up.name, res, up.node));
  for (const i of insts) if (i.state === 'stopped') beginInstanceStart(r.ctx, i);
  const names = insts.map((i) => i.name);
  return { out: [], until: () => names.every((n) => stateOf(r, n) === 'running') };
}

/** The services' stop option a shutdown mode stands for. */
function serviceStopOption(mode: string | undefined): StopOption | null {
  if (mode === undefined) return null;
  return mode === 'NORMAL' ? 'NONE' : mode === 'TRANSACTIONAL' ? 'TRANSACTIONAL' : 'IMMEDIATE';
}

export function stopInstance(r: RunContext): RunOutcome {
  const insts = targetInstances(r);
  const res = dbResource(r.cdb.cluster);
  const mode = str(r, 'stopoption');
  const drain = num(r, 'drain_timeout');
  if (mode === 'TRANSACTIONAL' && drain === 0) throw new SrvctlError(msg.drainTransactional(0));
  const down = insts.find((i) => i.state === 'stopped');
  if (down) throw new SrvctlError(msg.alreadyStoppedOn(down.name, res, down.node));
  const starting = insts.find((i) => i.state === 'starting');
  if (starting) {
    throw new SrvctlError(msg.stopFailed(res, starting.node, msg.crsLine('CRS-2675', `Stop of '${res}' on '${starting.node}' failed`)));
  }
  // -force alone (or ABORT) stops at once; -force -failover still drains (Oracle's planned-maintenance example).
  const force = (has(r, 'force') && !has(r, 'failover')) || mode === 'ABORT';
  const failover = has(r, 'failover') || has(r, 'force');
  const spec = { drainSec: drain ?? null, stopOption: serviceStopOption(mode), force, failover };
  for (const i of insts) if (i.state === 'running') beginInstanceStop(r.ctx, r.cdb, i, spec);
  const names = insts.map((i) => i.name);
  return { out: [], until: () => names.every((n) => stateOf(r, n) === 'stopped') };
}

export function statusInstance(r: RunContext): RunOutcome {
  const verbose = has(r, 'verbose');
  const out = targetInstances(r).map((i) => {
    const up = i.state === 'running' || i.state === 'stopping';
    if (!up) return `Instance ${i.name} is not running on node ${i.node}`;
    return `Instance ${i.name} is running on node ${i.node}${verbose ? '. Instance status: Open.' : ''}`;
  });
  return { out };
}

export function enableInstance(r: RunContext, enable: boolean): RunOutcome {
  const insts = (list(r, 'instance') ?? []).map((n) => requireInstance(r.cdb, n));
  const res = dbResource(r.cdb.cluster);
  const already = insts.find((i) => i.enabled === enable);
  if (already) throw new SrvctlError((enable ? msg.alreadyEnabled : msg.alreadyDisabled)(already.name, res, already.node));
  for (const i of insts) i.enabled = enable;
  return { out: [] };
}
