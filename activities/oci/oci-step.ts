import { ApplicationFailure } from '@temporalio/common';
import { classifyOciError, type ClassifiedOciError } from '../../common/oci-errors';

/**
 * Runs one OCI call the way every activity does: a transient failure becomes a retryable
 * ApplicationFailure (Temporal's retry policy backs off), a permanent one a non-retryable
 * failure whose message names the call, OCI's code and status, what to do, and the
 * opc-request-id for Oracle Support. `alreadyDone` turns a failure that means "the change is
 * already made" into a value.
 */
export async function ociStep<T>(what: string, call: () => Promise<T>, alreadyDone?: (e: ClassifiedOciError) => T | undefined): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof ApplicationFailure) throw err;
    const c = classifyOciError(err);
    const done = alreadyDone?.(c);
    if (done !== undefined) return done;
    const status = c.status === null ? 'no answer' : `${c.status} ${c.code}`;
    const request = c.requestId ? ` (opc-request-id ${c.requestId})` : '';
    const message = `${what}: OCI ${status}: ${firstLine(c.message)}${request}. ${c.explanation}`;
    const details = [{ status: c.status, code: c.code, requestId: c.requestId, kind: c.kind }];
    if (c.kind === 'transient') throw ApplicationFailure.retryable(message, `Oci${c.code}`, ...details);
    throw ApplicationFailure.nonRetryable(message, `Oci${c.code}`, ...details);
  }
}

function firstLine(s: string): string {
  return (s.split('\n')[0] ?? '').slice(0, 300);
}
