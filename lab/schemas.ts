/** Request bodies, validated with zod; failures become LAB-400 naming the field and the rule. */
import { z } from 'zod';
import { OracleError } from '../activities/oracle/port';
import { classifyOracleError } from '../common/oracle-errors';
import { LabError } from './lab-error';
import { LINK_WRAPPER_CODES, wrappedMessage } from './ora-messages';
import { classifyOciError } from '../common/oci-errors';
import { OCI_OPS } from './oci/oci-ops';
import { SEED_NAMES } from './seeds';
import { FLEET_PDBS_MAX } from './fleet-seed';
import { COMMANDS } from './rac/srvctl/grammar';

/** srvctl commands a fault can be armed on (the mutating ones the lab serves). */
const SRVCTL_FAULT_COMMANDS = Object.entries(COMMANDS).filter(([, c]) => c.mutating).map(([k]) => k);

const name = z.string().min(1, 'must be a non-empty name').max(128, 'must be at most 128 characters');
const empty = z.object({}).strict();
const pdbArg = z.object({ pdb: name }).strict();

/**
 * DBMS_SERVICE.MODIFY_SERVICE's parameters, by the port's attribute names: strings (keywords), whole seconds
 * or counts, TRUE/FALSE as booleans. Which keyword each takes is the database's business (lab/service-ops.ts).
 */
const SERVICE_ATTRIBUTE_KEYS = [
  'failoverType', 'failoverMethod', 'failoverRestore', 'commitOutcome', 'replayInitiationTimeout', 'retentionTimeout',
  'failoverRetries', 'failoverDelay', 'sessionStateConsistency', 'aqHaNotifications', 'drainTimeout', 'stopOption',
] as const;
const attributeValue = z.union([z.string().min(1).max(30), z.number().int().min(0).max(86400 * 30), z.boolean()]);
const serviceChanges = z
  .partialRecord(z.enum(SERVICE_ATTRIBUTE_KEYS), attributeValue)
  .refine((c) => Object.keys(c).length > 0, 'must change at least one attribute');

/** Arguments of each CdbPort operation (same names as activities/oracle/port.ts). */
export const OP_ARGS = {
  getFacts: empty,
  getPdb: pdbArg,
  getDbLink: z.object({ link: name }).strict(),
  getUserPrivileges: z.object({ username: name }).strict(),
  savePdbState: pdbArg,
  createPdbRelocate: z
    .object({
      pdb: name,
      dbLink: name,
      availability: z.enum(['NORMAL', 'MAX']),
      // The orb run that issues it (orb's session tag); left out, the CREATE is one a DBA typed.
      runTag: z.string().regex(/^[0-9a-f]{16}$/, 'must be 16 lower-case hex digits (an orb run tag)').optional(),
      fileNameConvert: z.array(z.tuple([z.string().min(1).max(512), z.string().min(1).max(512)])).max(100).optional(),
      keystore: z.boolean().optional(),
    })
    .strict(),
  getPdbStorage: pdbArg,
  getCopyProgress: empty,
  openPdb: z.object({ pdb: name, mode: z.enum(['READ WRITE', 'UPGRADE']).optional() }).strict(),
  closePdb: pdbArg,
  dropPdb: pdbArg,
  getPlugInViolations: pdbArg,
  listServices: pdbArg,
  startService: z.object({ pdb: name, service: name, instance: name.optional() }).strict(),
  stopService: z
    .object({
      pdb: name,
      service: name,
      instance: name.optional(),
      stopOption: z.enum(['NONE', 'IMMEDIATE', 'TRANSACTIONAL']),
      drainTimeoutSeconds: z.number().min(0, 'must be >= 0').max(86400 * 7, 'must be at most 7 days'),
    })
    .strict(),
  modifyService: z.object({ pdb: name, service: name, changes: serviceChanges }).strict(),
  disconnectSessions: z.object({ pdb: name, service: name, option: z.enum(['POST_TRANSACTION', 'IMMEDIATE', 'NOREPLAY']) }).strict(),
  countSessions: z.object({ service: name }).strict(),
  listServiceSessions: z.object({ service: name }).strict(),
  disconnectSession: z
    .object({ instId: z.number().int().min(1), sid: z.number().int().min(0), serial: z.number().int().min(0) })
    .strict(),
  countPdbSessions: pdbArg,
  listPdbs: empty,
  countFailoverSessions: pdbArg,
  getAcchkSummary: pdbArg,
} as const;

export type OpName = keyof typeof OP_ARGS;
export const OP_NAMES = Object.keys(OP_ARGS) as OpName[];
export type OpArgs<K extends OpName> = z.infer<(typeof OP_ARGS)[K]>;

/** Operations that change the estate: recorded in the oplog. */
export const MUTATING_OPS: ReadonlySet<OpName> = new Set<OpName>([
  'savePdbState', 'createPdbRelocate', 'openPdb', 'closePdb', 'dropPdb', 'startService', 'stopService', 'modifyService',
  'disconnectSessions', 'disconnectSession',
]);

export function isOpName(op: string): op is OpName {
  return Object.prototype.hasOwnProperty.call(OP_ARGS, op);
}

/** The statement a real CDB would receive for the call (statements.ts), recorded in the oplog as sent. */
const statementBody = z
  .object({
    sql: z.string().min(1).max(8000),
    binds: z.record(z.string().max(30), z.union([z.string().max(4000), z.number()])),
    container: name.optional(),
    secretRef: z.string().max(300).optional(),
  })
  .strict();

export const opBody = z.object({ args: z.record(z.string(), z.unknown()).optional(), statement: statementBody.optional() }).strict();

const speed = z.number().positive('must be > 0').max(100000, 'must be at most 100000');

export const faultBody = z
  .object({
    op: z.enum(OP_NAMES as [OpName, ...OpName[]]),
    cdb: name.optional(),
    object: name.optional(),
    kind: z.enum(['transient', 'permanent']),
    ora: z.string().regex(/^(ORA-\d{5}|NJS-\d{3})$/, 'must be an error code such as ORA-03113 or NJS-500'),
    nested: z.string().regex(/^ORA-\d{5}$/, 'must be an ORA code such as ORA-01031').optional(),
    times: z.number().int('must be an integer').min(1, 'must be >= 1').optional(),
    at: z.number().min(0, 'must be >= 0').lt(1, 'must be < 1').optional(),
    when: z.enum(['before', 'after']).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.at !== undefined && f.op !== 'createPdbRelocate') {
      ctx.addIssue({ code: 'custom', path: ['at'], message: 'applies only to op createPdbRelocate' });
    }
    if (f.at !== undefined && f.when === 'after') {
      ctx.addIssue({ code: 'custom', path: ['when'], message: 'cannot be "after" together with at (the copy aborts, there is no answer to lose)' });
    }
    const wrapper = (LINK_WRAPPER_CODES as readonly string[]).includes(f.ora);
    if (f.nested !== undefined && !wrapper) {
      const message = `applies only to the link errors ${LINK_WRAPPER_CODES.join(', ')} (ora is ${f.ora})`;
      ctx.addIssue({ code: 'custom', path: ['nested'], message });
    }
    if (f.nested !== undefined && (LINK_WRAPPER_CODES as readonly string[]).includes(f.nested)) {
      ctx.addIssue({ code: 'custom', path: ['nested'], message: 'must be the remote error, not another link error' });
    }
    const mismatch = faultKindMismatch(f.kind, f.ora, f.nested);
    if (mismatch) ctx.addIssue({ code: 'custom', path: ['ora'], message: mismatch });
  });

/**
 * A fault's kind must agree with how orb classifies its code (common/oracle-errors.ts), or a
 * test would exercise a path orb never takes: kind transient only with codes orb retries;
 * kind permanent with codes orb does not retry, idempotent ones ("already done") included
 * (for a one-shot "already done", arm it permanent with times: 1). Codes orb does not know
 * classify as permanent. A link error (ORA-17627/17628/17629) with `nested` is judged as orb
 * judges it: by the nested code (a wrapped ORA-03113 is transient, a wrapped ORA-01031 permanent).
 */
export function faultKindMismatch(kind: 'transient' | 'permanent', ora: string, nested?: string): string | null {
  const code = nested ? `${ora} (wrapping ${nested})` : ora;
  const orbKind = classifyOracleError(new OracleError(ora, nested ? wrappedMessage(ora, nested) : ora)).kind;
  if (kind === 'transient' && orbKind === 'permanent') {
    return `${code} is a permanent error in orb's classification (orb does not retry it); arm it with kind permanent`;
  }
  if (kind === 'transient' && orbKind === 'idempotent') {
    return `${code} is an idempotent ("already done") error in orb's classification, not a transient one; arm it with kind permanent (times: 1 for a one-shot)`;
  }
  if (kind === 'permanent' && orbKind === 'transient') {
    return `${code} is a transient error in orb's classification (orb retries it); arm it with kind transient`;
  }
  return null;
}
export type FaultBody = z.infer<typeof faultBody>;

/**
 * A srvctl fault (POST /faults with `srvctl`, lab/rac/srvctl-faults.ts): the next `srvctl <verb> <noun>`
 * fails with `code` (a CRS-, PRCx- or PRKx- code; default CRS-0184) or, with `hang`, never answers.
 */
export const srvctlFaultBody = z
  .object({
    srvctl: z.enum(SRVCTL_FAULT_COMMANDS as [string, ...string[]]),
    cdb: name.optional(),
    object: name.optional(),
    kind: z.enum(['transient', 'permanent']),
    code: z.string().regex(/^(CRS-\d{4}|PR[A-Z]{2}-\d{4})$/, 'must be a Clusterware or srvctl code such as CRS-2674 or PRCR-1079').optional(),
    message: z.string().min(1).max(500, 'must be at most 500 characters').optional(),
    hang: z.boolean().optional(),
    times: z.number().int('must be an integer').min(1, 'must be >= 1').optional(),
    when: z.enum(['before', 'after']).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.hang && (f.code !== undefined || f.message !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['hang'], message: 'a hanging command prints nothing: leave out code and message' });
    }
  });
export type SrvctlFaultBody = z.infer<typeof srvctlFaultBody>;

/**
 * A fault on the lab's maintenance program (POST /faults with `maintain: true`, lab/rac/maintain-program.ts): its
 * next run (on `node`, if given) exits with `exitCode` (default 1) printing `message`, or hangs; `times` runs (default 1).
 */
export const maintainFaultBody = z
  .object({
    maintain: z.literal(true),
    cdb: name.optional(),
    node: name.optional(),
    exitCode: z.number().int('must be an integer').min(1, 'must be 1 to 255').max(255, 'must be 1 to 255').optional(),
    message: z.string().min(1).max(500, 'must be at most 500 characters').optional(),
    hang: z.boolean().optional(),
    times: z.number().int('must be an integer').min(1, 'must be >= 1').optional(),
    when: z.enum(['before', 'after']).optional(),
  })
  .strict();
export type MaintainFaultBody = z.infer<typeof maintainFaultBody>;

/**
 * A cloud fault (POST /faults with `service`): the call `op` (an OCI SDK operation name, see
 * lab/oci/oci-ops.ts, or an OIC operation) answers `status` with error `code`. For OCI the kind must
 * agree with orb's classification of status/code (common/oci-errors.ts), as for database faults.
 */
export const cloudFaultBody = z
  .object({
    service: z.enum(['oci', 'oic']),
    op: z.string().regex(/^[a-z][A-Za-z0-9]{2,80}$/, 'must be an operation name such as switchoverAutonomousDatabase'),
    target: name.optional(),
    kind: z.enum(['transient', 'permanent']),
    status: z.number().int('must be an integer').min(400, 'must be an HTTP error status (400-599)').max(599, 'must be an HTTP error status (400-599)'),
    code: z.string().regex(/^[A-Za-z][A-Za-z0-9.-]{1,80}$/, 'must be an error code such as ServiceUnavailable'),
    times: z.number().int('must be an integer').min(1, 'must be >= 1').optional(),
    when: z.enum(['before', 'after']).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.service !== 'oci') return;
    if (!(OCI_OPS as readonly string[]).includes(f.op)) {
      ctx.addIssue({ code: 'custom', path: ['op'], message: `must be one of the OCI operations ${OCI_OPS.join(', ')}` });
    }
    if (f.op === 'roleChangeWork') return;
    const orbKind = classifyOciError({ statusCode: f.status, serviceCode: f.code }).kind;
    if (f.kind === 'transient' && orbKind !== 'transient') {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: `${f.status} ${f.code} is not retried by orb (common/oci-errors.ts); arm it with kind permanent` });
    }
    if (f.kind === 'permanent' && orbKind === 'transient') {
      ctx.addIssue({ code: 'custom', path: ['kind'], message: `${f.status} ${f.code} is retried by orb (common/oci-errors.ts); arm it with kind transient` });
    }
  });
export type CloudFaultBody = z.infer<typeof cloudFaultBody>;

/** PATCH /oci-control/autonomous-databases/{id}: stage an outage or a lag. */
export const adbPatchBody = z
  .object({
    lifecycleState: z.enum(['AVAILABLE', 'UNAVAILABLE', 'STANDBY', 'STOPPED', 'UPDATING']).optional(),
    lagTimeInSeconds: z.number().min(0, 'must be >= 0').max(86400, 'must be at most 86400').optional(),
    localStandby: z
      .object({
        lifecycleState: z.enum(['STANDBY', 'UNAVAILABLE']).optional(),
        lagTimeInSeconds: z.number().min(0, 'must be >= 0').max(86400, 'must be at most 86400').optional(),
      })
      .strict()
      .optional(),
  })
  .strict();

/** POST /adb/connect: what a thin connection with a TNS_ADMIN directory would meet. */
export const adbConnectBody = z
  .object({
    tnsnamesOra: z.string().min(1, 'must be the text of tnsnames.ora').max(65536, 'must be at most 64 KiB'),
    alias: z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,127}$/, 'must be a TNS alias such as salesatp_high'),
    ewalletPem: z.string().min(1, 'must be the text of ewallet.pem').max(65536, 'must be at most 64 KiB'),
  })
  .strict();

export const resetBody = z
  .object({
    seed: z.enum(SEED_NAMES).optional(),
    speed: speed.optional(),
    fleetPdbs: z.number().int('must be a whole number').min(0, 'must be >= 0').max(FLEET_PDBS_MAX, `must be at most ${FLEET_PDBS_MAX}`).optional(),
  })
  .strict();
export const clockBody = z.object({ speed }).strict();
export const sessionsBody = z
  .object({
    cdb: name,
    service: name,
    count: z.number().int('must be an integer').min(1, 'must be >= 1').max(10000, 'must be at most 10000'),
    longRunning: z.boolean().optional(),
    instance: name.optional(),
  })
  .strict();

/** Parses `value` or throws LAB-400 naming each bad field (prefixed by `where`, e.g. "args"). */
export function parseBody<T extends z.ZodType>(schema: T, value: unknown, where: string): z.infer<T> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const text = r.error.issues
    .map((i) => `${[where, ...i.path.map(String)].filter(Boolean).join('.') || '(body)'}: ${i.message}`)
    .join('; ');
  throw new LabError('LAB-400', `LAB-400: ${text}`);
}

/** PATCH /cdbs/{cdb}: change facts of a CDB (to stage a failing prerequisite). */
export const cdbPatchBody = z
  .object({
    version: z.string().min(1).optional(),
    platformId: z.number().int().optional(),
    platformName: z.string().min(1).optional(),
    endianFormat: z.enum(['Little', 'Big']).optional(),
    characterSet: z.string().min(1).optional(),
    ncharCharacterSet: z.string().min(1).optional(),
    localUndo: z.boolean().optional(),
    logMode: z.enum(['ARCHIVELOG', 'NOARCHIVELOG']).optional(),
    options: z.array(z.object({ compId: z.string().min(1), status: z.string().min(1) }).strict()).optional(),
    dbCreateFileDest: z.string().min(1).nullable().optional(),
    keystoreStatus: z.string().min(1).nullable().optional(),
  })
  .strict();

/** PATCH /cdbs/{cdb}/users/{username}: create, change or (exists: false) remove a user. */
export const userPatchBody = z
  .object({
    exists: z.boolean().optional(),
    common: z.boolean().optional(),
    systemPrivileges: z.array(z.string().min(1)).optional(),
    sysoper: z.boolean().optional(),
  })
  .strict();

/** PATCH /cdbs/{cdb}/pdbs/{pdb}: raw edit of CDB_PDBS.STATUS / V$PDBS.OPEN_MODE, no rules applied (to stage broken estates). */
export const pdbPatchBody = z
  .object({
    status: z.enum(['NEW', 'NORMAL', 'UNPLUGGED', 'RELOCATING', 'RELOCATED', 'REFRESHING', 'UNUSABLE']).optional(),
    openMode: z.enum(['MOUNTED', 'READ ONLY', 'READ WRITE', 'MIGRATE']).nullable().optional(),
    version: z.string().regex(/^\d+(\.\d+){4}$/, 'must be a version such as 19.22.0.0.0').optional(),
    encryptedTablespaces: z.array(name).optional(),
  })
  .strict();
