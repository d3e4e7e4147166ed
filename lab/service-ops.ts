/**
 * DBMS_SERVICE operations and user sessions (GV$SESSION). Sessions of a stopped service leave
 * on their own along an exponential curve (half-life: settings.sessionHalfLifeSec); long-running
 * sessions never leave on their own. DISCONNECT_SESSION removes every session of the service
 * on the local instance before it returns (as the real procedure does).
 *
 * Instances: a call runs in a session connected to one instance of the CDB, its "local"
 * instance; the lab's calls land on the CDB's first instance (LabCdb.instances[0]). On a CDB
 * with several instances (RAC), as DBMS_SERVICE does there (reference, "DBMS_SERVICE on RAC"):
 *  - STOP_SERVICE with drain options (a drain timeout or a stop option) for a service on another
 *    instance raises ORA-44791 ("Drain timeout or stop option cannot be specified for a different
 *    database instance", Oracle's error catalogue); UNVERIFIED: that STOP_OPTION_NONE with a zero
 *    drain timeout counts as no drain options, and that ALL_INSTANCES with drain options on RAC
 *    raises it too (the call names the other instances as well);
 *  - DISCONNECT_SESSION acts on the sessions of the local instance only;
 *  - an instance name the CDB does not have is ORA-44313 (reference; message text UNVERIFIED).
 */
import type {
  AcchkServiceStats, DisconnectOption, FailoverSessionCount, ServiceInfo, SessionCount, SessionRef, StopOption,
} from '../activities/oracle/port';
import { LabError, ora } from './lab-error';
import { cancelDrain, startDrain } from './drain';
import { findPdb, findService, instanceNames, isOpen, removeSessions, requirePdb, requireService, sameName, type SimContext } from './estate';
import type { LabCdb, LabPdb, LabService, LabSession, LabState } from './model';

function info(pdb: LabPdb, s: LabService): ServiceInfo {
  return {
    name: s.name,
    networkName: s.networkName,
    pdb: pdb.name,
    runningOn: [...s.runningOn],
    isDefault: s.isDefault,
    failoverType: s.failoverType,
    failoverMethod: s.failoverMethod,
    failoverRetries: s.failoverRetries,
    failoverDelay: s.failoverDelay,
    failoverRestore: s.failoverRestore,
    commitOutcome: s.commitOutcome,
    sessionStateConsistency: s.sessionStateConsistency,
    replayInitiationTimeout: s.replayInitiationTimeout,
    retentionTimeout: s.retentionTimeout,
    drainTimeout: s.drainTimeout,
    stopOption: s.stopOption,
    aqHaNotifications: s.aqHaNotifications,
  };
}

export function listServices(cdb: LabCdb, pdbName: string): ServiceInfo[] {
  const pdb = findPdb(cdb, pdbName);
  return pdb ? pdb.services.map((s) => info(pdb, s)) : [];
}

/** The instance the lab's calls are connected to. */
export function localInstance(cdb: LabCdb): string {
  return cdb.instances[0]!.name;
}

function targetInstances(cdb: LabCdb, instance: string | undefined): string[] {
  if (instance === undefined) return instanceNames(cdb);
  const inst = cdb.instances.find((i) => sameName(i.name, instance));
  if (!inst) throw ora('ORA-44313', `ORA-44313: instance name invalid (${instance} is not an instance of ${cdb.name})`);
  return [inst.name];
}

/** ORA-44791: drain options for a service on an instance other than the local one. */
function checkDrainOptions(cdb: LabCdb, svc: LabService, insts: string[], opts: { stopOption: StopOption; drainTimeoutSeconds: number }): void {
  const drainOptions = opts.stopOption !== 'NONE' || opts.drainTimeoutSeconds > 0;
  const remote = insts.filter((i) => i !== localInstance(cdb) && svc.runningOn.includes(i));
  if (!drainOptions || remote.length === 0) return;
  const why = `${svc.name} on ${remote.join(', ')}; this session is on ${localInstance(cdb)}`;
  throw ora('ORA-44791', `ORA-44791: Drain timeout or stop option cannot be specified for a different database instance (${why})`);
}

/** DBMS_SERVICE.START_SERVICE */
export function startService(ctx: SimContext, cdb: LabCdb, pdbName: string, serviceName: string, instance?: string): void {
  const pdb = requirePdb(cdb, pdbName);
  const svc = requireService(pdb, serviceName);
  if (!isOpen(pdb)) throw ora('ORA-44773', `ORA-44773: Cannot perform requested service operation (pluggable database ${pdb.name} is not open)`);
  const insts = targetInstances(cdb, instance);
  const toStart = insts.filter((i) => !svc.runningOn.includes(i));
  // ORA-44305: service <name> is running (DBMS_SERVICE's "already running")
  if (toStart.length === 0) throw ora('ORA-44305', `ORA-44305: service ${svc.name} is running`);
  svc.runningOn = [...svc.runningOn, ...toStart].sort();
  // A restart cancels the drain: whoever is still connected stays.
  cancelDrain(ctx, cdb, pdb.name, svc.name, toStart);
}

/** DBMS_SERVICE.STOP_SERVICE(service, instance, stop_option, drain_timeout). Returns at once; the drain goes on in simulated time. */
export function stopService(
  ctx: SimContext,
  cdb: LabCdb,
  pdbName: string,
  serviceName: string,
  opts: { instance?: string; stopOption: StopOption; drainTimeoutSeconds: number },
): void {
  const pdb = requirePdb(cdb, pdbName);
  const svc = requireService(pdb, serviceName);
  // ORA-44793: cannot stop internal services (the PDB's default service)
  if (svc.isDefault) throw ora('ORA-44793', `ORA-44793: cannot stop internal services (${svc.name} is the default service of ${pdb.name})`);
  const insts = targetInstances(cdb, opts.instance);
  checkDrainOptions(cdb, svc, insts, opts);
  const toStop = insts.filter((i) => svc.runningOn.includes(i));
  if (toStop.length === 0) throw ora('ORA-44311', `ORA-44311: service ${svc.name} not running`);
  svc.runningOn = svc.runningOn.filter((i) => !toStop.includes(i));
  startDrain(ctx, cdb, { pdb: pdb.name, service: svc.name, instances: toStop, stopOption: opts.stopOption, drainTimeoutSeconds: opts.drainTimeoutSeconds });
}

/** DBMS_SERVICE.DISCONNECT_SESSION(service, option): every session of the service on the local instance goes before it returns. */
export function disconnectSessions(ctx: SimContext, cdb: LabCdb, pdbName: string, serviceName: string, _option: DisconnectOption): number {
  const pdb = requirePdb(cdb, pdbName);
  const svc = requireService(pdb, serviceName);
  return removeSessions(ctx.state, { cdb: cdb.name, pdb: pdb.name, service: svc.name, instance: localInstance(cdb) });
}

/** A session's SERIAL# as GV$SESSION would show it (the lab keeps none: derived from its SID, as for copier sessions). */
export function serialOf(sid: number): number {
  return 1 + ((sid * 104_729) % 65_000);
}

/** SELECT inst_id, sid, serial# FROM gv$session WHERE service_name = :svc AND type = 'USER' (every instance). */
export function listServiceSessions(ctx: SimContext, cdb: LabCdb, serviceName: string): SessionRef[] {
  const number = (inst: string) => cdb.instances.find((i) => i.name === inst)?.number ?? 1;
  return ctx.state.sessions
    .filter((s) => sameName(s.cdb, cdb.name) && sameName(s.service, serviceName))
    .map((s) => ({ instId: number(s.instance), sid: s.sid, serial: serialOf(s.sid) }))
    .sort((a, b) => a.instId - b.instId || a.sid - b.sid);
}

/**
 * ALTER SYSTEM DISCONNECT SESSION 'sid,serial#,@inst_id' POST_TRANSACTION, from the root: works on any instance of
 * the CDB. The session leaves as the lab's DISCONNECT_SESSION POST_TRANSACTION lets it (the lab models no open
 * transaction: at once). ORA-00030 when no such session exists (gone already, or another SERIAL#: a reused SID).
 */
export function disconnectSession(ctx: SimContext, cdb: LabCdb, ref: SessionRef): void {
  const inst = cdb.instances.find((i) => i.number === ref.instId);
  const s = inst && ctx.state.sessions.find(
    (x) => sameName(x.cdb, cdb.name) && x.instance === inst.name && x.sid === ref.sid && serialOf(x.sid) === ref.serial,
  );
  if (!s) throw ora('ORA-00030', `ORA-00030: User session ID does not exist. (${ref.sid},${ref.serial},@${ref.instId})`);
  ctx.state.sessions = ctx.state.sessions.filter((x) => x !== s);
}

/** SELECT inst_id, COUNT(*) FROM gv$session WHERE service_name = :svc AND type = 'USER' GROUP BY inst_id (rows only for instances with sessions). */
export function countSessions(ctx: SimContext, cdb: LabCdb, serviceName: string): SessionCount[] {
  const counts = new Map<string, number>();
  for (const s of ctx.state.sessions) {
    if (sameName(s.cdb, cdb.name) && sameName(s.service, serviceName)) counts.set(s.instance, (counts.get(s.instance) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([instance, count]) => ({ instance, count }));
}

/** What GV$SESSION shows of a session's failover settings: recorded at connect, else its service's current ones. */
function failoverOf(s: LabSession, svc: LabService | undefined): { type: string; method: string } {
  return {
    type: s.failoverType ?? svc?.failoverType ?? 'NONE',
    method: s.failoverMethod ?? svc?.failoverMethod ?? 'NONE',
  };
}

/**
 * SELECT SERVICE_NAME, FAILOVER_TYPE, FAILOVER_METHOD, FAILED_OVER, COUNT(*) FROM GV$SESSION ...
 * WHERE the PDB's container AND TYPE = 'USER' GROUP BY those four (rows only for what exists).
 */
export function countFailoverSessions(ctx: SimContext, cdb: LabCdb, pdbName: string): FailoverSessionCount[] {
  const pdb = findPdb(cdb, pdbName);
  if (!pdb) return [];
  const groups = new Map<string, FailoverSessionCount>();
  for (const s of ctx.state.sessions) {
    if (!sameName(s.cdb, cdb.name) || !sameName(s.pdb, pdb.name)) continue;
    const svc = findService(pdb, s.service);
    const f = failoverOf(s, svc);
    const row = { service: svc?.name ?? s.service, failoverType: f.type, failoverMethod: f.method, failedOver: s.failedOver === true };
    const key = JSON.stringify(row);
    const g = groups.get(key) ?? { ...row, count: 0 };
    g.count += 1;
    groups.set(key, g);
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, g]) => g);
}

/**
 * DBA_ACCHK_STATISTICS_SUMMARY in the PDB's container. The lab does not simulate ACCHK: it answers
 * as a CDB where DBMS_APP_CONT_ADMIN.ACCHK_SET(TRUE) was never run (no rows). Unknown PDB: ORA-65011,
 * as switching into its container fails.
 */
export function acchkSummary(cdb: LabCdb, pdbName: string): AcchkServiceStats[] {
  requirePdb(cdb, pdbName);
  return [];
}

/** Lab control: connects `count` user sessions to a running service (spread over the instances it runs on). */
export function addSessions(ctx: SimContext, cdb: LabCdb, serviceName: string, count: number, longRunning: boolean, instance?: string): number {
  for (const pdb of cdb.pdbs) {
    const svc = pdb.services.find((s) => sameName(s.name, serviceName));
    if (!svc) continue;
    let on = svc.runningOn;
    if (instance !== undefined) on = on.filter((i) => sameName(i, instance));
    if (!isOpen(pdb) || on.length === 0) {
      throw new LabError('LAB-409', `LAB-409: service ${svc.name} is not running${instance ? ` on ${instance}` : ''} in ${cdb.name}: sessions cannot connect`);
    }
    for (let i = 0; i < count; i++) {
      ctx.state.sessions.push({
        sid: ctx.state.nextSid++,
        cdb: cdb.name,
        pdb: pdb.name,
        service: svc.name,
        instance: on[i % on.length]!,
        longRunning,
        connectedAtMs: ctx.nowMs,
        leavesAtMs: null,
        failoverType: svc.failoverType ?? 'NONE',
        failoverMethod: svc.failoverMethod ?? 'NONE',
      });
    }
    return count;
  }
  throw new LabError('LAB-409', `LAB-409: no service ${serviceName} in ${cdb.name}`);
}

type Changeable = 'failoverType' | 'failoverMethod' | 'failoverRestore' | 'sessionStateConsistency' | 'stopOption'
  | 'commitOutcome' | 'aqHaNotifications'
  | 'replayInitiationTimeout' | 'retentionTimeout' | 'failoverRetries' | 'failoverDelay' | 'drainTimeout';
const KEYWORDS = new Set<string>(['failoverType', 'failoverMethod', 'failoverRestore', 'sessionStateConsistency', 'stopOption']);
const FLAGS = new Set<string>(['commitOutcome', 'aqHaNotifications']);

/** ORA-06502 for a value of the wrong kind, as the PL/SQL assignment into svc_parameter_array would raise. */
function valueFor(key: string, v: string | number | boolean): string | number | boolean {
  const kind = KEYWORDS.has(key) ? 'string' : FLAGS.has(key) ? 'boolean' : 'number';
  if (typeof v !== kind) throw ora('ORA-06502', `ORA-06502: PL/SQL: numeric or value error (${key} = ${JSON.stringify(v)})`);
  return typeof v === 'string' ? v.toUpperCase() : v;
}

/**
 * DBMS_SERVICE.MODIFY_SERVICE(service, svc_parameter_array): the service's attributes change; the sessions already
 * connected keep the failover settings they connected with (LabSession.failoverType), as on a real CDB. The PDB
 * must be open (its container is where the call runs).
 */
/**
 * Before a service's attributes change: each session connected to it keeps the failover settings it connected with
 * (GV$SESSION shows those until it reconnects), so they are recorded on the sessions that had not recorded them.
 */
export function keepSessionFailover(state: LabState, cdb: string, svc: LabService): void {
  for (const s of state.sessions) {
    if (!sameName(s.cdb, cdb) || !sameName(s.service, svc.name)) continue;
    s.failoverType ??= svc.failoverType ?? 'NONE';
    s.failoverMethod ??= svc.failoverMethod ?? 'NONE';
  }
}

export function modifyService(
  ctx: SimContext,
  cdb: LabCdb,
  pdbName: string,
  serviceName: string,
  changes: Partial<Record<Changeable, string | number | boolean>>,
): void {
  const pdb = requirePdb(cdb, pdbName);
  if (!isOpen(pdb)) throw ora('ORA-44773', `ORA-44773: Cannot perform requested service operation (pluggable database ${pdb.name} is not open)`);
  const svc = requireService(pdb, serviceName);
  keepSessionFailover(ctx.state, cdb.name, svc);
  const values = Object.entries(changes).map(([k, v]) => [k, valueFor(k, v!)] as const);
  for (const [k, v] of values) (svc as unknown as Record<string, unknown>)[k] = v;
}
