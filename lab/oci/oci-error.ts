/**
 * OCI's error answers: HTTP status plus body `{ "code", "message" }` (Oracle's "API Errors" reference).
 * Carried as LabErrors (code = OCI's code, httpStatus = OCI's status) so Lab.cloudCall records them.
 */
import { LabError } from '../lab-error';

export function ociError(status: number, code: string, message: string): LabError {
  return new LabError(code, message, status);
}

export function notFound(what: string): LabError {
  return ociError(404, 'NotAuthorizedOrNotFound', `Authorization failed or requested resource not found (${what}).`);
}

export function invalidParameter(message: string): LabError {
  return ociError(400, 'InvalidParameter', message);
}

export function incorrectState(message: string): LabError {
  return ociError(409, 'IncorrectState', message);
}

/** OCI's error body for a LabError (the message without the lab's "code: " prefix). */
export function ociErrorBody(err: LabError): { code: string; message: string } {
  const prefix = `${err.code}: `;
  return { code: err.code, message: err.message.startsWith(prefix) ? err.message.slice(prefix.length) : err.message };
}
