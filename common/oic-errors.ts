/**
 * One classification of Oracle Integration (OIC) REST errors, as common/oci-errors.ts does for OCI:
 * transient (retried with backoff) or permanent (a person must look). From the OIC REST API's
 * documented answers: 404 not found, 409 connection not configured, 412 connection locked (and
 * 423, which a locked resource may answer), 500 server error; plus HTTP's 429/502/503/504. A
 * locked connection is transient: whoever holds it open in the designer will close it.
 * Messages never carry a password or a token (activities/oic/oic-client.ts scrubs them).
 */
export type OicErrorKind = 'transient' | 'permanent';

export interface ClassifiedOicError {
  kind: OicErrorKind;
  /** HTTP status, or null for a network error or a timeout */
  status: number | null;
  /** OIC's error code when it gave one (body "o:errorCode"), else HTTP-<status> or NETWORK */
  code: string;
  message: string;
  /** opc-request-id / x-oracle-dms-ecid when OIC sent one, for Oracle Support (UNVERIFIED which OIC sends) */
  requestId: string | null;
  explanation: string;
}

/** An OIC REST call that failed: what orb's OIC client throws. */
export class OicError extends Error {
  override readonly name = 'OicError';
  constructor(
    /** The client operation, e.g. testConnection */
    readonly op: string,
    readonly status: number | null,
    readonly code: string,
    message: string,
    readonly requestId: string | null = null,
    /** Set when orb itself refuses (e.g. the connection is not an ATP wallet connection): permanent, with this explanation */
    readonly permanentReason: string | null = null,
  ) {
    super(message);
  }
}

const LOCKED =
  'The connection is locked (open for editing in the OIC designer, or another change is being made); retried with ' +
  'backoff. If it stays locked, ask whoever holds it to close it.';

const TRANSIENT: Record<number, string> = {
  412: LOCKED,
  423: LOCKED,
  429: 'Oracle Integration throttled the request; retried with backoff.',
  500: 'Oracle Integration had a server error; retried with backoff.',
  502: 'Oracle Integration (or its load balancer) answered 502; retried with backoff.',
  503: 'Oracle Integration is unavailable; retried with backoff.',
  504: 'Oracle Integration (or its load balancer) timed out; retried with backoff.',
};

const PERMANENT: Record<number, string> = {
  400: 'Oracle Integration refused the request as malformed: the request (or the estate configuration) must be fixed.',
  401:
    'Not authenticated: check the user and password (Gen2 Basic) or the OAuth client id, secret and scope ' +
    '(Gen3 accepts only OAuth 2 from the identity domain).',
  403:
    'Not authorized: the user or client application needs an OIC role that may edit connections and activate ' +
    'integrations (e.g. ServiceAdministrator or ServiceDeveloper).',
  404: 'Not found: check the connection or integration id, and the integrationInstance name (Gen3).',
  405: 'Oracle Integration does not accept this method here: orb and this OIC version disagree on the API.',
  409: 'The connection is not configured (required properties missing): complete it in the OIC designer.',
  413: 'The upload is larger than Oracle Integration accepts.',
  415: 'Oracle Integration refused the content type: orb and this OIC version disagree on the API.',
};

export function classifyOicError(err: unknown): ClassifiedOicError {
  const e = err instanceof OicError ? err : null;
  const message = e ? e.message : err instanceof Error ? err.message : String(err);
  const status = e?.status ?? null;
  const base = { status, code: e?.code ?? 'NETWORK', message, requestId: e?.requestId ?? null };
  if (e?.permanentReason) return { ...base, kind: 'permanent', explanation: e.permanentReason };
  if (status === null) {
    const explanation = 'Oracle Integration could not be reached (network error or timeout); retried with backoff.';
    return { ...base, kind: 'transient', explanation };
  }
  if (TRANSIENT[status]) return { ...base, kind: 'transient', explanation: TRANSIENT[status]! };
  if (status >= 500) return { ...base, kind: 'transient', explanation: `Oracle Integration answered ${status}; retried with backoff.` };
  return { ...base, kind: 'permanent', explanation: PERMANENT[status] ?? `Oracle Integration refused the request (${status}).` };
}

/** True for 412/423: the connection is locked (callers may wait longer between attempts). */
export function isOicLocked(c: ClassifiedOicError): boolean {
  return c.status === 412 || c.status === 423;
}
