/**
 * The srvctl commands orb runs, as typed values: what the rolling maintenance, the relocation's
 * drain and the readiness fixes need, and nothing else. Validated by `srvctlCommandSchema` (every
 * name by the allow-lists of names.ts, every number bounded, unknown fields refused) before
 * srvctl-argv.ts turns one into an argument vector. Pure (zod only): safe in workflow code.
 *
 * Syntax (Oracle 12.2+ long options), from Oracle's documentation:
 *  - RAC Administration and Deployment Guide, "Server Control Utility Reference" (srvctl stop|start|
 *    enable|disable|relocate|modify|status|config service, ... instance, ... database);
 *  - High Availability Overview and Best Practices 19c, "Server-Side Planned Maintenance Command
 *    Examples": `srvctl stop service -db db -service s -instance i -drain_timeout <#> -stopoption
 *    IMMEDIATE -force -failover` and `srvctl stop instance -db db -instance i -stopoption IMMEDIATE
 *    -drain_timeout <#> -force -failover`;
 *  - srvctl 12.2+ usage text of stop instance: `{-node | -db -instance "<inst_list>"} [-stopoption]
 *    [-drain_timeout] [-force] [-failover] [-verbose]`.
 */
import { z } from 'zod';
import { dbUniqueNameSchema, instanceNameSchema, srvctlServiceNameSchema } from './names';

/** -stopoption of a service (drain): what happens to sessions left when the drain timeout ends. */
export const SERVICE_STOP_OPTIONS = ['NONE', 'IMMEDIATE', 'TRANSACTIONAL'] as const;
export type ServiceStopOption = (typeof SERVICE_STOP_OPTIONS)[number];

/**
 * -stopoption of an instance: the SHUTDOWN mode. "TRANSACTIONAL LOCAL" (documented too) holds a
 * blank, which orb never sends unquoted, so it is not offered.
 */
export const INSTANCE_STOP_OPTIONS = ['NORMAL', 'TRANSACTIONAL', 'IMMEDIATE', 'ABORT'] as const;
export type InstanceStopOption = (typeof INSTANCE_STOP_OPTIONS)[number];

/** -failovertype: AC is TRANSACTION, TAC is AUTO, TAF is SELECT or SESSION. */
export const FAILOVER_TYPES = ['NONE', 'SESSION', 'SELECT', 'TRANSACTION', 'AUTO'] as const;
export type FailoverType = (typeof FAILOVER_TYPES)[number];

/** -failover_restore (19c: NONE, LEVEL1, AUTO; LEVEL2 arrived later and is not offered). */
export const FAILOVER_RESTORES = ['NONE', 'LEVEL1', 'AUTO'] as const;
export type FailoverRestore = (typeof FAILOVER_RESTORES)[number];

export const FAILOVER_METHODS = ['NONE', 'BASIC'] as const;
export type FailoverMethod = (typeof FAILOVER_METHODS)[number];

/** -session_state (Session State Consistency). */
export const SESSION_STATES = ['DYNAMIC', 'STATIC', 'AUTO'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

/** Seconds, as srvctl's -drain_timeout, -retention, -replay_init_time take them: 0 to 30 days. */
const MAX_SECONDS = 2_592_000;
const seconds = z
  .number({ error: 'must be a number of seconds' })
  .int('must be a whole number of seconds')
  .min(0, 'must not be negative')
  .max(MAX_SECONDS, `must be at most ${MAX_SECONDS} seconds (30 days)`);
const count = z.number({ error: 'must be a number' }).int('must be a whole number').min(0, 'must not be negative').max(10_000, 'must be at most 10000');
const flag = z.boolean({ error: 'must be true or false' });

/** The readiness attributes of `srvctl modify service` (Oracle's option in each comment). */
export interface ServiceAttributes {
  /** -failovertype */
  failoverType?: FailoverType;
  /** -failovermethod */
  failoverMethod?: FailoverMethod;
  /** -failover_restore */
  failoverRestore?: FailoverRestore;
  /** -commit_outcome TRUE|FALSE (Transaction Guard) */
  commitOutcome?: boolean;
  /** -replay_init_time, seconds */
  replayInitTime?: number;
  /** -retention, seconds the commit outcome is kept */
  retention?: number;
  /** -session_state */
  sessionState?: SessionState;
  /** -notification TRUE|FALSE (FAN for OCI / ODP.NET clients) */
  notification?: boolean;
  /** -failoverretry */
  failoverRetry?: number;
  /** -failoverdelay, seconds */
  failoverDelay?: number;
  /** -drain_timeout, seconds */
  drainTimeout?: number;
  /** -stopoption */
  stopOption?: ServiceStopOption;
}

const attributesSchema = z
  .object({
    failoverType: z.enum(FAILOVER_TYPES).optional(),
    failoverMethod: z.enum(FAILOVER_METHODS).optional(),
    failoverRestore: z.enum(FAILOVER_RESTORES).optional(),
    commitOutcome: flag.optional(),
    replayInitTime: seconds.optional(),
    retention: seconds.optional(),
    sessionState: z.enum(SESSION_STATES).optional(),
    notification: flag.optional(),
    failoverRetry: count.optional(),
    failoverDelay: count.optional(),
    drainTimeout: seconds.optional(),
    stopOption: z.enum(SERVICE_STOP_OPTIONS).optional(),
  })
  .strict()
  .refine((a) => Object.values(a).some((v) => v !== undefined), { message: 'must set at least one attribute' });

export type SrvctlCommand =
  | { kind: 'status-service'; db: string; service?: string }
  | { kind: 'status-instance'; db: string; instances: string[] }
  | { kind: 'status-database'; db: string }
  | { kind: 'config-service'; db: string; service?: string }
  | { kind: 'config-database'; db: string }
  /** Without `instance`: on the service's preferred instances. */
  | { kind: 'start-service'; db: string; service: string; instance?: string; eval?: boolean }
  /**
   * On one instance (a rolling run), or without `instance` on every instance it runs on (a relocation's
   * drain: the PDB leaves the cluster). Without `force`, Clusterware publishes a FAN planned DOWN and
   * sessions drain for `drainTimeout`; `failover` (with `force`) starts the service on its other available instances.
   */
  | {
      kind: 'stop-service';
      db: string;
      service: string;
      instance?: string;
      drainTimeout?: number;
      stopOption?: ServiceStopOption;
      wait?: boolean;
      force?: boolean;
      noreplay?: boolean;
      failover?: boolean;
      eval?: boolean;
    }
  | { kind: 'enable-service'; db: string; service: string; instance?: string }
  | { kind: 'disable-service'; db: string; service: string; instance: string }
  | {
      kind: 'relocate-service';
      db: string;
      service: string;
      oldInstance: string;
      newInstance: string;
      drainTimeout?: number;
      wait?: boolean;
      force?: boolean;
      noreplay?: boolean;
      /** Only with `force`: Oracle's syntax is [-force [-noreplay] [-stopoption option]] */
      stopOption?: ServiceStopOption;
      eval?: boolean;
    }
  | { kind: 'modify-service'; db: string; service: string; attributes: ServiceAttributes }
  | { kind: 'start-instance'; db: string; instance: string }
  | {
      kind: 'stop-instance';
      db: string;
      instance: string;
      stopOption?: InstanceStopOption;
      drainTimeout?: number;
      force?: boolean;
      failover?: boolean;
    }
  | { kind: 'enable-instance'; db: string; instance: string }
  | { kind: 'disable-instance'; db: string; instance: string };

export type SrvctlCommandKind = SrvctlCommand['kind'];

export const SRVCTL_COMMAND_KINDS: readonly SrvctlCommandKind[] = [
  'status-service', 'status-instance', 'status-database', 'config-service', 'config-database',
  'start-service', 'stop-service', 'enable-service', 'disable-service', 'relocate-service', 'modify-service',
  'start-instance', 'stop-instance', 'enable-instance', 'disable-instance',
];

const db = dbUniqueNameSchema;
const service = srvctlServiceNameSchema;
const instance = instanceNameSchema;
const obj = <T extends z.ZodRawShape>(shape: T) => z.object(shape).strict();

const NOREPLAY_NEEDS_FORCE = { message: '-noreplay is only taken with -force ([-force [-noreplay]])', path: ['noreplay'] };

const stopService = obj({
  kind: z.literal('stop-service'),
  db,
  service,
  instance: instance.optional(),
  drainTimeout: seconds.optional(),
  stopOption: z.enum(SERVICE_STOP_OPTIONS).optional(),
  wait: flag.optional(),
  force: flag.optional(),
  noreplay: flag.optional(),
  failover: flag.optional(),
  eval: flag.optional(),
}).refine((c) => !c.noreplay || c.force, NOREPLAY_NEEDS_FORCE);

const relocateService = obj({
  kind: z.literal('relocate-service'),
  db,
  service,
  oldInstance: instance,
  newInstance: instance,
  drainTimeout: seconds.optional(),
  wait: flag.optional(),
  force: flag.optional(),
  noreplay: flag.optional(),
  stopOption: z.enum(SERVICE_STOP_OPTIONS).optional(),
  eval: flag.optional(),
})
  .refine((c) => !c.noreplay || c.force, NOREPLAY_NEEDS_FORCE)
  .refine((c) => !c.stopOption || c.force, {
    message: 'a stop option is only taken with -force for relocate service ([-force [-noreplay] [-stopoption option]])',
    path: ['stopOption'],
  })
  .refine((c) => c.oldInstance.toLowerCase() !== c.newInstance.toLowerCase(), {
    message: 'must differ from oldInstance',
    path: ['newInstance'],
  });

/** Every command, validated: names by names.ts, unknown fields refused, paths name the field. */
export const srvctlCommandSchema = z.discriminatedUnion(
  'kind',
  [
    obj({ kind: z.literal('status-service'), db, service: service.optional() }),
    obj({ kind: z.literal('status-instance'), db, instances: z.array(instance).min(1, 'must name at least one instance').max(64) }),
    obj({ kind: z.literal('status-database'), db }),
    obj({ kind: z.literal('config-service'), db, service: service.optional() }),
    obj({ kind: z.literal('config-database'), db }),
    obj({ kind: z.literal('start-service'), db, service, instance: instance.optional(), eval: flag.optional() }),
    stopService,
    obj({ kind: z.literal('enable-service'), db, service, instance: instance.optional() }),
    obj({ kind: z.literal('disable-service'), db, service, instance }),
    relocateService,
    obj({ kind: z.literal('modify-service'), db, service, attributes: attributesSchema }),
    obj({ kind: z.literal('start-instance'), db, instance }),
    obj({
      kind: z.literal('stop-instance'),
      db,
      instance,
      stopOption: z.enum(INSTANCE_STOP_OPTIONS).optional(),
      drainTimeout: seconds.optional(),
      force: flag.optional(),
      failover: flag.optional(),
    }),
    obj({ kind: z.literal('enable-instance'), db, instance }),
    obj({ kind: z.literal('disable-instance'), db, instance }),
  ],
  { error: `must be one of the srvctl commands orb runs: ${SRVCTL_COMMAND_KINDS.join(', ')}` },
);
