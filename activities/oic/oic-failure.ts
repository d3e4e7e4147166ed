/**
 * Oracle Integration errors at the edge of an activity, as activities/oci/oci-step.ts does for OCI:
 * orb's OIC client throws OicError (its callers inside an adapter look at the status, e.g. 404 = no
 * wallet yet); whatever reaches the activity's boundary is classified here (common/oic-errors.ts),
 * so a permanent refusal (400, 401, 403, 404, ...) ends the step at once with what to do, and only
 * transient ones (412/423 locked, 429, 5xx, no answer) are left to the retry policy.
 */
import { ApplicationFailure } from '@temporalio/common';
import { classifyOicError, OicError } from '../../common/oic-errors';
import { atBoundary, type Activities } from '../error-boundary';

/** The ApplicationFailure an OicError becomes: retryable when transient, with OIC's status, code and the explanation. */
export function oicFailure(err: OicError): ApplicationFailure {
  const c = classifyOicError(err);
  const request = c.requestId ? ` (request id ${c.requestId})` : '';
  const message = `${c.message.replace(/\.\s*$/, '')}${request}. ${c.explanation}`;
  const type = `Oic${c.code.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 60)}`;
  const details = { status: c.status, code: c.code, requestId: c.requestId, kind: c.kind };
  return c.kind === 'transient' ? ApplicationFailure.retryable(message, type, details) : ApplicationFailure.nonRetryable(message, type, details);
}

/** Wraps activities so an OicError leaving one is classified (see above). */
export function oicErrorsClassified<T extends Activities>(activities: T): T {
  return atBoundary(activities, (err) => (err instanceof OicError ? oicFailure(err) : null));
}
