/**
 * The service attributes client readiness judges and changes: how each is set with
 * `srvctl modify service` (Clusterware / Oracle Restart) and with DBMS_SERVICE.MODIFY_SERVICE's
 * svc_parameter_array (otherwise), and which values it takes. Every value that leaves orb goes
 * through `checkedValue` first: an srvctl argument or a bound PL/SQL value is never free text.
 * Pure (no Node APIs): safe in workflow code.
 *
 * Sources:
 *  - srvctl options: Oracle RAC Administration and Deployment Guide, "srvctl add service" /
 *    "srvctl modify service" (12.1 B71323 Table A-91ff, 26ai "Service Commands"): -failovertype
 *    {NONE|SESSION|SELECT|TRANSACTION|AUTO}, -failovermethod {NONE|BASIC}, -failoverretry,
 *    -failoverdelay, -failover_restore {NONE|LEVEL1|AUTO} (26ai adds LEVEL2), -commit_outcome
 *    {TRUE|FALSE}, -retention, -replay_init_time, -session_state {DYNAMIC|STATIC}, -notification
 *    {TRUE|FALSE}; -drain_timeout and -stopoption {NONE|IMMEDIATE|TRANSACTIONAL} per PRCD-01396
 *    ("An attempt to add, modify or stop the service ... TRANSACTIONAL stop option mandates drain
 *    timeout to be a positive integer").
 *  - DBMS_SERVICE keys: PL/SQL Packages and Types Reference, DBMS_SERVICE (19c) and Oracle's own
 *    examples (the 12.2 AC demo and ludovicocaldara/adg-vector src/init: FAILOVER_TYPE,
 *    FAILOVER_RESTORE, FAILOVER_DELAY, FAILOVER_RETRIES, COMMIT_OUTCOME, AQ_HA_NOTIFICATIONS,
 *    REPLAY_INITIATION_TIMEOUT, RETENTION_TIMEOUT, DRAIN_TIMEOUT); the keys are matched without
 *    regard to case (the examples mix 'FAILOVER_TYPE' and 'commit_outcome' in one block).
 *    FAILOVER_METHOD, SESSION_STATE_CONSISTENCY and STOP_OPTION keys: reference
 *    (oracle-ops.md, "Services and draining"); UNVERIFIED against dbmssrv.sql here.
 *  - session_state AUTO (TAC's own setting): UNVERIFIED as an srvctl value before 21c.
 */
import { InputError } from '../input-error';

export const SERVICE_ATTRIBUTES = [
  'failoverType',
  'failoverMethod',
  'failoverRestore',
  'commitOutcome',
  'replayInitiationTimeout',
  'retentionTimeout',
  'failoverRetries',
  'failoverDelay',
  'sessionStateConsistency',
  'aqHaNotifications',
  'drainTimeout',
  'stopOption',
] as const;

/** A service attribute, named as the port's ServiceInfo names it. */
export type ServiceAttribute = (typeof SERVICE_ATTRIBUTES)[number];
export type AttributeValue = string | number | boolean;
/** New values of some attributes of one service. */
export type AttributeChanges = Partial<Record<ServiceAttribute, AttributeValue>>;

type Kind = { kind: 'enum'; values: readonly string[] } | { kind: 'boolean' } | { kind: 'integer'; max: number };

export interface AttributeSpec {
  /** `srvctl modify service` option */
  srvctl: string;
  /** DBMS_SERVICE svc_parameter_array key, also the CDB_SERVICES column (lower-cased: the bind name orb gives its value) */
  dbmsService: string;
  value: Kind;
}

const SECONDS_MAX = 30 * 86400;
const oneOf = (...values: string[]): Kind => ({ kind: 'enum', values });
const seconds: Kind = { kind: 'integer', max: SECONDS_MAX };
const bool: Kind = { kind: 'boolean' };
const spec = (srvctl: string, dbmsService: string, value: Kind): AttributeSpec => ({ srvctl, dbmsService, value });

export const ATTRIBUTE_SPECS: Record<ServiceAttribute, AttributeSpec> = {
  failoverType: spec('-failovertype', 'FAILOVER_TYPE', oneOf('NONE', 'SESSION', 'SELECT', 'TRANSACTION', 'AUTO')),
  failoverMethod: spec('-failovermethod', 'FAILOVER_METHOD', oneOf('NONE', 'BASIC')),
  failoverRestore: spec('-failover_restore', 'FAILOVER_RESTORE', oneOf('NONE', 'LEVEL1', 'AUTO')),
  commitOutcome: spec('-commit_outcome', 'COMMIT_OUTCOME', bool),
  replayInitiationTimeout: spec('-replay_init_time', 'REPLAY_INITIATION_TIMEOUT', seconds),
  retentionTimeout: spec('-retention', 'RETENTION_TIMEOUT', seconds),
  failoverRetries: spec('-failoverretry', 'FAILOVER_RETRIES', { kind: 'integer', max: 10_000 }),
  failoverDelay: spec('-failoverdelay', 'FAILOVER_DELAY', { kind: 'integer', max: 3600 }),
  sessionStateConsistency: spec('-session_state', 'SESSION_STATE_CONSISTENCY', oneOf('DYNAMIC', 'STATIC', 'AUTO')),
  aqHaNotifications: spec('-notification', 'AQ_HA_NOTIFICATIONS', bool),
  drainTimeout: spec('-drain_timeout', 'DRAIN_TIMEOUT', seconds),
  stopOption: spec('-stopoption', 'STOP_OPTION', oneOf('NONE', 'IMMEDIATE', 'TRANSACTIONAL')),
};

function isAttribute(a: string): a is ServiceAttribute {
  return (SERVICE_ATTRIBUTES as readonly string[]).includes(a);
}

/**
 * The value as Oracle spells it (TRUE/FALSE, upper-case keywords, whole seconds), or an
 * InputError naming the attribute and the rule.
 */
export function checkedValue(attribute: string, value: unknown): string | number {
  if (!isAttribute(attribute)) {
    throw new InputError(attribute, `is not a service attribute orb changes (${SERVICE_ATTRIBUTES.join(', ')})`);
  }
  const spec = ATTRIBUTE_SPECS[attribute].value;
  if (spec.kind === 'boolean') {
    if (typeof value !== 'boolean') throw new InputError(attribute, `must be true or false (got ${JSON.stringify(value)})`);
    return value ? 'TRUE' : 'FALSE';
  }
  if (spec.kind === 'integer') {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > spec.max) {
      throw new InputError(attribute, `must be a whole number from 0 to ${spec.max} (got ${JSON.stringify(value)})`);
    }
    return value;
  }
  if (typeof value !== 'string' || !spec.values.includes(value)) {
    throw new InputError(attribute, `must be one of ${spec.values.join(', ')} (got ${JSON.stringify(value)})`);
  }
  return value;
}

/** The changes in SERVICE_ATTRIBUTES order, each value checked: what both renderings iterate over. */
export function orderedChanges(changes: AttributeChanges): [ServiceAttribute, string | number][] {
  for (const key of Object.keys(changes)) if (!isAttribute(key)) checkedValue(key, null);
  const out: [ServiceAttribute, string | number][] = [];
  for (const a of SERVICE_ATTRIBUTES) {
    if (changes[a] !== undefined) out.push([a, checkedValue(a, changes[a])]);
  }
  if (out.length === 0) throw new InputError('changes', 'must change at least one service attribute');
  return out;
}
