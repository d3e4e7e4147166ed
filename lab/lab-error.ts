/**
 * Errors the lab answers with. `code` is an ORA-/NJS- code for what a real CDB would
 * raise, or LAB-nnn for a request the lab itself refuses (LAB-400: malformed request,
 * naming the field and the rule; LAB-404: no such route/op/fault/CDB; LAB-409: a lab-control
 * request that does not fit the estate).
 */
export class LabError extends Error {
  override readonly name = 'LabError';
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus: number = defaultStatus(code),
    /** The fault that produced it, if any (recorded in the oplog) */
    readonly faultId?: number,
  ) {
    super(message.startsWith(code) ? message : `${code}: ${message}`);
  }

  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message };
  }
}

function defaultStatus(code: string): number {
  if (code === 'LAB-400') return 400;
  if (code === 'LAB-404') return 404;
  if (code === 'LAB-409') return 409;
  // A database error: the request was well formed, the database refused it.
  return 422;
}

export function ora(code: string, message: string): LabError {
  return new LabError(code, message);
}
