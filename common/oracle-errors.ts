import { ApplicationFailure } from '@temporalio/common';
import { InputError } from './input-error';

/**
 * One classification of errors for every runbook: is it worth retrying (transient), does it
 * mean the step had already been done (idempotent), or must a person look at it (permanent)?
 *
 * Works on node-oracledb errors (thin mode: `errorNum`, `code`, `isRecoverable`), on the
 * lab adapter's `OracleError` (same shape), and on plain Node network errors.
 *
 * node-oracledb facts this relies on (read in node_modules/oracledb/lib/errors.js, 6.10):
 *  - thin mode rewrites connection-loss ORA codes (ORA-03113, 03114, 03135, 12537, 12570,
 *    00028, 01012, 01089, 01092, ...) to `code = 'NJS-500'` and prefixes the message with the
 *    NJS text, keeping `errorNum` (e.g. 3113) and the original "ORA-03113: ..." line;
 *  - it does the same for ORA-00600 (an internal error), which we treat as permanent anyway;
 *  - a listener that does not know the service raises NJS-518 (ORA-12514 in thick mode),
 *    a refused TCP connection NJS-511 (ORA-12541), a timed-out one NJS-510;
 *  - callTimeout expiry raises NJS-123 (DPI-1067 in thick mode).
 */

export type ErrorKind = 'transient' | 'idempotent' | 'permanent';

export interface ClassifiedError {
  kind: ErrorKind;
  /** Most specific code: 'ORA-65012', 'NJS-518', 'ECONNREFUSED', 'InputError' or 'UNKNOWN'. */
  code: string;
  /** The original message (first line kept whole; the rest too). */
  message: string;
  /** One sentence a DBA understands: what it means for the runbook. */
  explanation: string;
  /** For ORA-17627/17628/17629 (errors from across a database link): the remote side's code. */
  nestedCode?: string;
}

const TRANSIENT: Record<string, string> = {
  'ORA-03113': 'The connection to the database ended unexpectedly (end-of-file on communication channel); the step is retried on a new connection.',
  'ORA-03114': 'The session was no longer connected to the database; the step is retried on a new connection.',
  'ORA-03135': 'The connection to the database was lost; the step is retried on a new connection.',
  'ORA-12537': 'The listener or the network closed the connection; the step is retried.',
  'ORA-12570': 'The network reported a packet reader failure; the step is retried on a new connection.',
  'ORA-00028': 'The session was killed (ALTER SYSTEM KILL SESSION or a drain); the step is retried on a new session.',
  'ORA-01012': 'The session was logged off by the database; the step is retried on a new session.',
  'ORA-01089': 'An immediate shutdown was in progress; the step is retried once the instance is back.',
  'ORA-01092': 'The instance terminated and the connection was closed; the step is retried once the instance is back.',
  'ORA-01033': 'The instance is starting up or shutting down; the step is retried.',
  'ORA-12528': 'The instance is blocking new connections (starting, stopping or restricted); the step is retried.',
  'ORA-12514': 'The service is not (yet) registered with the listener, as is normal during a relocation or role change; the step is retried for a limited time.',
  'ORA-12541': 'No listener answered at that address; the step is retried in case the listener is restarting.',
  'ORA-00054': 'The object is busy (resource busy, NOWAIT): another session holds a lock on it; the step is retried.',
  'NJS-500': 'The connection to the database was closed or broken; the step is retried on a new connection.',
  'NJS-501': 'The connection to the database host ended unexpectedly; the step is retried.',
  'NJS-503': 'The connection to the database host could not be established; the step is retried.',
  'NJS-510': 'Connecting to the database host timed out; the step is retried.',
  'NJS-511': 'The listener refused the connection (ORA-12541, no listener); the step is retried in case it is restarting.',
  'NJS-518': 'The service is not registered with the listener (ORA-12514), as is normal during a relocation or role change; the step is retried for a limited time.',
  'NJS-521': 'The database host closed the connection (end-of-file); the step is retried.',
  'NJS-123': 'A database call took longer than the call timeout orb allows for it; the step is retried.',
};

const IDEMPOTENT: Record<string, string> = {
  'ORA-65019': 'The pluggable database is already open: the step had already been done.',
  'ORA-65020': 'The pluggable database is already closed: the step had already been done.',
  'ORA-44311': 'The service is not running: stopping it had already been done.',
  'ORA-44303': 'The service already exists: creating it had already been done.',
  // UNVERIFIED: whether DBMS_SERVICE.START_SERVICE on a running service raises anything in
  // 19c (it appears to return quietly). ORA-44305 ("service is running", err_service_in_use in
  // dbmssrv.sql) is the code it would raise; DELETE_SERVICE also raises it, which orb never calls.
  'ORA-44305': 'The service is already running: starting it had already been done.',
  // Raised by ALTER SYSTEM DISCONNECT | KILL SESSION only (orb's cluster-wide disconnect): the session has left.
  'ORA-00030': 'The session does not exist any more: disconnecting it had already been done.',
};

const PERMANENT: Record<string, string> = {
  'ORA-65012': 'A pluggable database of that name already exists in this CDB; orb checks CDB_PDBS to tell its own earlier attempt from a genuine conflict.',
  'ORA-65025': 'The pluggable database is not closed on all instances; close it with INSTANCES=ALL before retrying.',
  'ORA-65035': 'The source CDB is not in local undo mode, which a hot relocation requires (ALTER DATABASE LOCAL UNDO ON in upgrade mode).',
  'ORA-65040': 'The operation is not allowed from inside a pluggable database; it must run in CDB$ROOT.',
  'ORA-65179': 'A PDB that is being dropped must be dropped INCLUDING DATAFILES here; the statement must be fixed.',
  'ORA-01031': 'The database user lacks a privilege the step needs (for example CREATE PLUGGABLE DATABASE, SYSOPER or SET CONTAINER).',
  'ORA-01017': 'The database rejected the user name or password configured for this CDB.',
  'ORA-14910': 'A SYSDBA session cannot use a service with COMMIT_OUTCOME enabled; connect with another service or user.',
  'ORA-02019': 'The database link named in the statement does not exist or its connect description was not found; check the estate file and DBA_DB_LINKS.',
  'ORA-44304': 'The service does not exist in this pluggable database.',
  'ORA-44773': 'The pluggable database is closed, so its services cannot be started or stopped; open it first.',
  'ORA-44791': 'A drain timeout or stop option cannot be given for a service on another instance; connect to that instance (or use srvctl) instead.',
  'ORA-44313': 'The instance named for the service operation is not an instance of this database.',
  'ORA-25408': 'The call cannot be replayed safely: check whether the transaction committed before doing anything else.',
  'ORA-00600': 'The database raised an internal error (ORA-00600); open a service request with Oracle Support before retrying.',
  'ORA-07445': 'The database process crashed with an internal exception (ORA-07445); open a service request with Oracle Support before retrying.',
  'ORA-00904': 'The query names a column this database release does not have.',
  'ORA-00942': 'A dictionary view the step reads does not exist or the user cannot see it (grant SELECT ANY DICTIONARY or SELECT_CATALOG_ROLE).',
  'ORA-17627': 'The database link reported an error from the remote CDB.',
  'ORA-17628': 'The remote CDB returned an error through the database link.',
  'ORA-17629': 'The CDB could not connect to the remote CDB through the database link.',
};

/** Codes of errors raised across a database link: classified by the remote side's code. */
const LINK_WRAPPERS = new Set(['ORA-17627', 'ORA-17628', 'ORA-17629']);

/** Node and undici network error codes (lab adapter over HTTP, or sockets): transient. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

const CODE_RE = /\b(ORA|NJS)-(\d{3,5})\b/g;

function normalize(code: string): string {
  const m = /^(ORA|NJS)-(\d+)$/i.exec(code.trim());
  if (!m) return code.trim();
  const prefix = m[1]!.toUpperCase();
  return `${prefix}-${m[2]!.padStart(prefix === 'ORA' ? 5 : 3, '0')}`;
}

interface ErrorFacts {
  /** ORA code from errorNum, else ORA/NJS code from `code`, else the first one in the message */
  primary: string | null;
  /** driver code (`code` property) when it is an ORA/NJS code, e.g. NJS-500 over ORA-03113 */
  driverCode: string | null;
  /** every ORA/NJS code mentioned in the message, in order */
  mentioned: string[];
  /** Node / undici error code (ECONNREFUSED, ...) of the error or its cause */
  netCode: string | null;
  isRecoverable: boolean;
  message: string;
}

function factsOf(err: unknown): ErrorFacts {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    message?: unknown;
    code?: unknown;
    errorNum?: unknown;
    isRecoverable?: unknown;
    cause?: unknown;
  };
  const message = typeof e.message === 'string' ? e.message : typeof err === 'string' ? err : String(err);
  const mentioned = [...message.matchAll(CODE_RE)].map((m) => normalize(m[0]));
  const rawCode = typeof e.code === 'string' ? e.code : null;
  const driverCode = rawCode && /^(ORA|NJS)-\d+$/i.test(rawCode) ? normalize(rawCode) : null;
  const errorNum = typeof e.errorNum === 'number' && e.errorNum > 0 ? e.errorNum : null;
  const primary = errorNum !== null ? normalize(`ORA-${errorNum}`) : (driverCode ?? mentioned[0] ?? null);
  const cause = (typeof e.cause === 'object' && e.cause !== null ? e.cause : {}) as { code?: unknown };
  const netCandidates = [rawCode, typeof cause.code === 'string' ? cause.code : null];
  const netCode = netCandidates.find((c): c is string => c !== null && NETWORK_CODES.has(c)) ?? null;
  return { primary, driverCode, mentioned, netCode, isRecoverable: e.isRecoverable === true, message };
}

function classifyCode(code: string): { kind: ErrorKind; explanation: string } | null {
  if (IDEMPOTENT[code]) return { kind: 'idempotent', explanation: IDEMPOTENT[code]! };
  if (TRANSIENT[code]) return { kind: 'transient', explanation: TRANSIENT[code]! };
  if (PERMANENT[code]) return { kind: 'permanent', explanation: PERMANENT[code]! };
  return null;
}

/**
 * The remote side's code inside an ORA-17627/17628/17629: the first ORA code of the message that
 * is not itself a link error ("ORA-17628: Oracle error 1031 returned by remote Oracle server" is
 * followed by "ORA-01031: insufficient privileges"); failing that, the number in ORA-17628's own
 * "Oracle error <n> returned" (a message cut before the nested line).
 */
function nestedCode(f: ErrorFacts): string | undefined {
  const line = f.mentioned.find((c) => !LINK_WRAPPERS.has(c) && c.startsWith('ORA-'));
  if (line) return line;
  const n = /Oracle error (\d{1,5}) returned by remote/i.exec(f.message)?.[1];
  return n ? normalize(`ORA-${n}`) : undefined;
}

/** Classifies any thrown value. Never throws. */
export function classifyOracleError(err: unknown): ClassifiedError {
  if (err instanceof InputError) {
    return { kind: 'permanent', code: 'InputError', message: err.message, explanation: 'The input or configuration is invalid; fix it and start again.' };
  }
  const f = factsOf(err);
  const message = f.message;

  // Internal errors: node-oracledb reports them as NJS-500 (connection closed), but retrying an
  // ORA-00600 in a loop helps nobody.
  const internal = ['ORA-00600', 'ORA-07445'].find((c) => f.primary === c || f.mentioned.includes(c));
  if (internal) return { kind: 'permanent', code: internal, message, explanation: PERMANENT[internal]! };

  if (f.primary && LINK_WRAPPERS.has(f.primary)) {
    const nested = nestedCode(f);
    const wrapper = PERMANENT[f.primary]!;
    if (!nested) return { kind: 'permanent', code: f.primary, message, explanation: wrapper };
    const inner = classifyCode(nested);
    return {
      kind: inner?.kind ?? 'permanent',
      code: f.primary,
      nestedCode: nested,
      message,
      explanation: `${wrapper} The remote side reported ${nested}${inner ? `: ${inner.explanation}` : '.'}`,
    };
  }

  if (f.primary) {
    const known = classifyCode(f.primary);
    if (known && known.kind !== 'permanent') return { kind: known.kind, code: f.primary, message, explanation: known.explanation };
    // The driver's own code can make an ORA code transient (NJS-500 over ORA-03113 or ORA-00603).
    if (f.driverCode && f.driverCode !== f.primary && TRANSIENT[f.driverCode]) {
      return { kind: 'transient', code: f.primary, message, explanation: TRANSIENT[f.driverCode]! };
    }
    if (f.isRecoverable && !known) {
      return { kind: 'transient', code: f.primary, message, explanation: 'The database marked the error recoverable (the session can be re-established); the step is retried.' };
    }
    if (known) return { kind: 'permanent', code: f.primary, message, explanation: known.explanation };
    return {
      kind: 'permanent',
      code: f.primary,
      message,
      explanation: `${f.primary} is not an error orb knows to be safe to retry; a DBA should read the message and decide.`,
    };
  }

  if (f.netCode || /\bfetch failed\b/.test(message)) {
    return {
      kind: 'transient',
      code: f.netCode ?? 'ECONNREFUSED',
      message,
      explanation: 'The endpoint could not be reached over the network; the step is retried.',
    };
  }
  if (f.isRecoverable) {
    return { kind: 'transient', code: 'UNKNOWN', message, explanation: 'The driver marked the error recoverable; the step is retried.' };
  }
  return { kind: 'permanent', code: 'UNKNOWN', message, explanation: 'The error carries no Oracle code orb recognises; a person should read the message and decide.' };
}

function normalizeWanted(c: string | number): string {
  return typeof c === 'number' ? normalize(`ORA-${c}`) : /^\d+$/.test(c) ? normalize(`ORA-${c}`) : normalize(c);
}

/**
 * True when the error means "already done".
 * - With no codes: any code classified idempotent (ORA-65019, 65020, 44311, 44303, 44305).
 * - With codes: only those codes (primary code, or the remote code of an ORA-17627 family
 *   error), whatever their usual class, e.g. `isIdempotentSuccess(e, 'ORA-65019')`
 *   for an OPEN, or 65012 after the caller has checked CDB_PDBS.
 * Codes may be given as 'ORA-65019', '65019' or 65019.
 */
export function isIdempotentSuccess(err: unknown, ...codes: (string | number)[]): boolean {
  const c = classifyOracleError(err);
  if (codes.length === 0) return c.kind === 'idempotent';
  const wanted = new Set(codes.map(normalizeWanted));
  return wanted.has(c.code) || (c.nestedCode !== undefined && wanted.has(c.nestedCode));
}

/** First line of a (possibly multi-line) driver message, without the help URL. */
function firstLines(message: string): string {
  return message
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('Help: '))
    .slice(0, 3)
    .join(' | ');
}

/**
 * The error to throw from an activity.
 * - transient → `ApplicationFailure.retryable` (Temporal's retry policy applies), type = code;
 * - permanent (and idempotent that the caller did not handle) → `ApplicationFailure.nonRetryable`
 *   with a sentence that names the ORA code, type = the code, details [{ code, kind, ... }].
 * An ApplicationFailure passes through unchanged.
 */
export function toActivityError(err: unknown, context: string): ApplicationFailure {
  if (err instanceof ApplicationFailure) return err;
  const c = classifyOracleError(err);
  const said = firstLines(c.message);
  const codeText = c.nestedCode ? `${c.code} (remote ${c.nestedCode})` : c.code;
  const text = `${context}: ${codeText}: ${c.explanation}${said && !c.explanation.includes(said) ? ` Database said: ${said}` : ''}`;
  const details = { code: c.code, kind: c.kind, context, explanation: c.explanation, message: c.message, ...(c.nestedCode ? { nestedCode: c.nestedCode } : {}) };
  const type = c.code === 'UNKNOWN' ? 'OracleError' : c.code;
  const cause = err instanceof Error ? err : undefined;
  if (c.kind === 'transient') {
    return ApplicationFailure.create({ message: text, type, nonRetryable: false, details: [details], cause });
  }
  return ApplicationFailure.create({ message: text, type, nonRetryable: true, details: [details], cause });
}

/**
 * Codes after which a connection is not to be used again: the socket broke or the session ended.
 *  - NJS-500 (thin mode's rewrite of ORA-03113/03114/03135/12537/12570/00028/01012/01089/01092,
 *    see the header), NJS-501 (the host ended the connection), NJS-503 (could not connect), NJS-521
 *    (end-of-file on the socket), NJS-003 (the connection object is no longer valid);
 *  - NJS-123 / DPI-1067: a call timeout; node-oracledb breaks the call, but what the session did
 *    meanwhile is unknown, so a fresh one is safer;
 *  - DPI-1080 (thick mode: "connection was closed by ORA-%d"), DPI-1010 ("not connected");
 *  - the same ORA codes when they arrive unwrapped, and ORA-02396 (idle time exceeded), ORA-00603
 *    (fatal session error).
 * node-oracledb's `isRecoverable` (the session can be recovered, i.e. re-established) counts too.
 */
const CONNECTION_LOST = new Set([
  'NJS-500', 'NJS-501', 'NJS-503', 'NJS-521', 'NJS-003', 'NJS-123',
  'DPI-1080', 'DPI-1010', 'DPI-1067',
  'ORA-03113', 'ORA-03114', 'ORA-03135', 'ORA-12537', 'ORA-12570', 'ORA-00028', 'ORA-01012',
  'ORA-01089', 'ORA-01092', 'ORA-02396', 'ORA-00603',
]);
const DPI_RE = /\bDPI-\d{4}\b/g;

/**
 * True when the error means the connection it came from is broken (socket gone, session killed):
 * a pooled connection is then dropped, not returned to the pool, so the retry gets a fresh session.
 * Says nothing about retrying itself: classifyOracleError decides that.
 */
export function isConnectionLost(err: unknown): boolean {
  const f = factsOf(err);
  const dpi = [...f.message.matchAll(DPI_RE)].map((m) => m[0]);
  const codes = [f.primary, f.driverCode, ...f.mentioned, ...dpi].filter((c): c is string => c !== null);
  if (codes.some((c) => CONNECTION_LOST.has(c))) return true;
  if (f.netCode && ['ECONNRESET', 'EPIPE', 'ETIMEDOUT'].includes(f.netCode)) return true;
  return f.isRecoverable;
}
