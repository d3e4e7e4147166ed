/**
 * One classification of OCI API errors for every runbook, as common/oracle-errors.ts does for
 * Oracle errors: transient (retry with backoff), already-done, or permanent (a person must look).
 * From Oracle's "API Errors" reference (Common Errors Returned by All Services): the codes it
 * marks "Yes, with backoff" are transient; 4xx otherwise are not retried. Network errors (no
 * HTTP status: the request may not have reached OCI) are transient; a state-changing call is
 * safe to repeat because orb always sends an opc-retry-token and reads the resource first.
 */
export type OciErrorKind = 'transient' | 'already-done' | 'permanent';

export interface ClassifiedOciError {
  kind: OciErrorKind;
  /** HTTP status, or null for a network error */
  status: number | null;
  /** OCI's error code (body `code`, the SDK's serviceCode), e.g. IncorrectState */
  code: string;
  message: string;
  /** opc-request-id, for Oracle Support */
  requestId: string | null;
  explanation: string;
}

/** status/code pairs the reference marks retryable with backoff. */
const TRANSIENT: Record<string, string> = {
  '409/IncorrectState': 'The resource is in a state that does not allow this yet (e.g. a role change in progress); retried with backoff.',
  '409/ExternalServerIncorrectState': 'A server OCI depends on is in a bad state or did not answer; retried with backoff.',
  '429/TooManyRequests': 'OCI throttled the request; retried with backoff.',
  '500/InternalServerError': 'OCI had an internal error; retried with backoff.',
  '503/ServiceUnavailable': 'The OCI service is unavailable; retried with backoff.',
};

/** Codes that mean the change is already made; UNVERIFIED which codes a role change returns when already done. */
const ALREADY_DONE: Record<string, string> = {};

const PERMANENT_HINTS: Record<string, string> = {
  NotAuthenticated: 'The request was not authenticated: check the OCI config profile, key and fingerprint, or the principal.',
  NotAuthorizedOrNotFound: 'The resource does not exist or the principal may not use it: check the OCID and the IAM policies.',
  NotAuthorized: 'The principal may not make this change: check the IAM policies.',
  InvalidParameter: 'A parameter is invalid: the request must be fixed.',
  MissingParameter: 'A required parameter is missing: the request must be fixed.',
  Conflict: 'The resource is in a state that conflicts with the request, and that will not change by itself.',
  InvalidatedRetryToken: 'The retry token was already used for a different request: orb will not send it again.',
  LimitExceeded: 'A service limit of the tenancy would be exceeded.',
  QuotaExceeded: 'A compartment quota would be exceeded.',
};

interface OciLike {
  statusCode?: unknown;
  serviceCode?: unknown;
  message?: unknown;
  opcRequestId?: unknown;
  code?: unknown;
}

export function classifyOciError(err: unknown): ClassifiedOciError {
  const e = (typeof err === 'object' && err !== null ? err : {}) as OciLike;
  const message = typeof e.message === 'string' ? e.message : String(err);
  const status = typeof e.statusCode === 'number' && e.statusCode > 0 ? e.statusCode : null;
  const code = typeof e.serviceCode === 'string' ? e.serviceCode : typeof e.code === 'string' ? e.code : 'UNKNOWN';
  const requestId = typeof e.opcRequestId === 'string' ? e.opcRequestId : null;
  const base = { status, code, message, requestId };
  if (status === null) return { ...base, kind: 'transient', explanation: 'OCI could not be reached (network error); retried with backoff.' };
  const key = `${status}/${code}`;
  if (TRANSIENT[key]) return { ...base, kind: 'transient', explanation: TRANSIENT[key]! };
  if (ALREADY_DONE[key]) return { ...base, kind: 'already-done', explanation: ALREADY_DONE[key]! };
  // 502/504 from a load balancer carry no OCI code: the reference's 5xx rule (retry) applies.
  if (status === 502 || status === 504) return { ...base, kind: 'transient', explanation: `OCI answered ${status}; retried with backoff.` };
  return { ...base, kind: 'permanent', explanation: PERMANENT_HINTS[code] ?? `OCI refused the request (${status} ${code}).` };
}
