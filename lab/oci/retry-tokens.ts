/**
 * opc-retry-token (OCI's idempotency): the same token with the same request (method, path and
 * body sha256) within 24 hours answers the first answer again and does nothing new; the same token
 * with a different request is refused with 409 InvalidatedRetryToken (Oracle's API errors table:
 * "The provided retry token was used in an earlier request that resulted in a system update, but
 * a subsequent operation invalidated the token"; UNVERIFIED that a differing request gets exactly
 * this code rather than 409 Conflict). Only successful answers are kept: a failed first attempt
 * may be retried with the same token and runs again.
 */
import type { LabCloud, LabRetryToken } from '../cloud-model';
import { ociError } from './oci-error';

export const RETRY_TOKEN_TTL_MS = 24 * 3600 * 1000;

/** What an OCI route answers: JSON or bytes (base64), with its headers. */
export interface OciAnswer {
  status: number;
  json?: unknown;
  binaryBase64?: string;
  headers: Record<string, string>;
}

export interface RetryKey {
  token: string;
  /** METHOD path */
  request: string;
  bodySha256: string;
}

function forget(cloud: LabCloud, nowMs: number): void {
  cloud.retryTokens = cloud.retryTokens.filter((t) => nowMs - t.atMs < RETRY_TOKEN_TTL_MS);
}

/** The first answer of this request, or null when the token is new; throws when it was used differently. */
export function replayed(cloud: LabCloud, key: RetryKey, nowMs: number): OciAnswer | null {
  forget(cloud, nowMs);
  const seen = cloud.retryTokens.find((t) => t.token === key.token);
  if (!seen) return null;
  if (seen.request !== key.request || seen.bodySha256 !== key.bodySha256) {
    throw ociError(409, 'InvalidatedRetryToken', `The retry token ${key.token} was used for a different request (${seen.request}).`);
  }
  return seen.response as OciAnswer;
}

export function remember(cloud: LabCloud, key: RetryKey, answer: OciAnswer, nowMs: number): void {
  if (answer.status >= 300) return;
  const entry: LabRetryToken = { ...key, status: answer.status, response: answer, headers: answer.headers, atMs: nowMs };
  cloud.retryTokens.push(entry);
}
