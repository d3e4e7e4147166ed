/**
 * srvctl config service | config database | status database | modify service.
 * `config service` prints srvctl 19c's "Key: value" lines in its order (checked against real 19c
 * output: Service name, Server pool, Cardinality, Service role, Management policy, ..., Retention:
 * 86400 seconds, Replay Initiation Time: 300 seconds, Drain timeout: 60 seconds, Stop option:
 * immediate, Session State Consistency, GSM Flags, Service is enabled, Preferred instances,
 * Available instances, CSS critical, Service uses Java); an unset value prints nothing after the
 * colon. UNVERIFIED: the line "Service is individually disabled on instances: ..." and the exact
 * `config database` lines beyond the ones shown here.
 * `modify service` sets the Application Continuity / TAC / TAF / FAN / drain attributes (the same
 * fields DBA_SERVICES shows, so DBMS_SERVICE readers see the change).
 */
import { keepSessionFailover } from '../../service-ops';
import type { LabService } from '../../model';
import { racServices, type RacService } from '../cluster';
import { targetServices, str, num, type RunContext, type RunOutcome } from './run-context';
import { msg, SrvctlError } from './srvctl-messages';

const or = (v: string | number | null | undefined, dflt = '') => (v === null || v === undefined ? dflt : String(v));
const line = (key: string, value: string) => (value === '' ? `${key}:` : `${key}: ${value}`);

function serviceLines({ pdb, svc, crs }: RacService): string[] {
  const disabled = crs.disabledOn.length ? [`Service is individually disabled on instances: ${crs.disabledOn.join(',')}`] : [];
  return [
    line('Service name', svc.name),
    line('Server pool', ''),
    line('Cardinality', String(crs.preferred.length)),
    line('Service role', 'PRIMARY'),
    line('Management policy', crs.managementPolicy),
    line('DTP transaction', 'false'),
    line('AQ HA notifications', String(svc.aqHaNotifications)),
    line('Global', 'false'),
    line('Commit Outcome', String(svc.commitOutcome)),
    line('Failover type', or(svc.failoverType)),
    line('Failover method', or(svc.failoverMethod)),
    line('Failover retries', or(svc.failoverRetries)),
    line('Failover delay', or(svc.failoverDelay)),
    line('Failover restore', or(svc.failoverRestore, 'NONE')),
    line('Connection Load Balancing Goal', 'LONG'),
    line('Runtime Load Balancing Goal', 'NONE'),
    line('TAF policy specification', 'NONE'),
    line('Edition', ''),
    line('Pluggable database name', pdb.name),
    line('Hub service', ''),
    line('Maximum lag time', 'ANY'),
    line('SQL Translation Profile', ''),
    line('Retention', `${svc.retentionTimeout ?? 86400} seconds`),
    line('Replay Initiation Time', `${svc.replayInitiationTimeout ?? 300} seconds`),
    line('Drain timeout', svc.drainTimeout === null ? '' : `${svc.drainTimeout} seconds`),
    line('Stop option', or(svc.stopOption).toLowerCase()),
    line('Session State Consistency', or(svc.sessionStateConsistency, 'DYNAMIC')),
    line('GSM Flags', '0'),
    crs.enabled ? 'Service is enabled' : 'Service is disabled',
    ...disabled,
    line('Preferred instances', crs.preferred.join(',')),
    line('Available instances', crs.available.join(',')),
    line('CSS critical', 'no'),
    line('Service uses Java', 'false'),
  ];
}

export function configService(r: RunContext): RunOutcome {
  return { out: targetServices(r).flatMap(serviceLines) };
}

export function configDatabase(r: RunContext): RunOutcome {
  const c = r.cdb.cluster;
  const services = racServices(r.cdb).map((s) => s.svc.name);
  return {
    out: [
      line('Database unique name', c.dbUniqueName),
      line('Database name', r.cdb.name),
      line('Oracle home', c.oracleHome),
      line('Oracle user', 'oracle'),
      line('Start options', 'open'),
      line('Stop options', 'immediate'),
      line('Database role', 'PRIMARY'),
      line('Management policy', 'AUTOMATIC'),
      line('Services', services.join(',')),
      line('Type', 'RAC'),
      line('Database instances', c.instances.map((i) => i.name).join(',')),
      line('Configured nodes', c.nodes.join(',')),
      'Database is administrator managed',
    ],
  };
}

export function statusDatabase(r: RunContext): RunOutcome {
  return {
    out: r.cdb.cluster.instances.map((i) => {
      const up = i.state === 'running' || i.state === 'stopping';
      return `Instance ${i.name} is ${up ? '' : 'not '}running on node ${i.node}`;
    }),
  };
}

type Setter = (svc: LabService, v: string | number) => void;

const SETTERS: Record<string, Setter> = {
  failovertype: (s, v) => (s.failoverType = String(v)),
  failovermethod: (s, v) => (s.failoverMethod = String(v)),
  failoverretry: (s, v) => (s.failoverRetries = Number(v)),
  failoverdelay: (s, v) => (s.failoverDelay = Number(v)),
  failover_restore: (s, v) => (s.failoverRestore = String(v)),
  commit_outcome: (s, v) => (s.commitOutcome = v === 'TRUE'),
  replay_init_time: (s, v) => (s.replayInitiationTimeout = Number(v)),
  retention: (s, v) => (s.retentionTimeout = Number(v)),
  notification: (s, v) => (s.aqHaNotifications = v === 'TRUE'),
  drain_timeout: (s, v) => (s.drainTimeout = Number(v)),
  stopoption: (s, v) => (s.stopOption = String(v)),
  session_state: (s, v) => (s.sessionStateConsistency = String(v)),
};

export function modifyService(r: RunContext): RunOutcome {
  const { svc } = targetServices(r)[0]!;
  const given = Object.keys(SETTERS).filter((k) => k in r.cmd.options);
  if (given.length === 0) throw new SrvctlError(msg.syntax());
  const stopOption = str(r, 'stopoption') ?? svc.stopOption;
  const drain = num(r, 'drain_timeout') ?? svc.drainTimeout ?? 0;
  const touched = 'stopoption' in r.cmd.options || 'drain_timeout' in r.cmd.options;
  if (touched && stopOption === 'TRANSACTIONAL' && drain === 0) throw new SrvctlError(msg.drainTransactional(drain));
  keepSessionFailover(r.ctx.state, r.cdb.name, svc);
  for (const k of given) SETTERS[k]!(svc, r.cmd.options[k] as string | number);
  return { out: [] };
}
