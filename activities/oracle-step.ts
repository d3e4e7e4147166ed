import { classifyOracleError, toActivityError } from '../common/oracle-errors';

/**
 * Runs one database step of an activity and turns whatever it throws into what Temporal
 * should do with it (common/oracle-errors.ts): transient errors stay retryable, permanent
 * ones become non-retryable ApplicationFailures carrying the ORA code and a sentence a DBA
 * understands.
 */
export async function oracleStep<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toActivityError(err, what);
  }
}

/**
 * Runs a statement whose "already done" errors mean success (ORA-65019 already open,
 * ORA-44311 service not running, ...). Returns false when the statement found the work done.
 */
export async function idempotent(fn: () => Promise<void>): Promise<boolean> {
  try {
    await fn();
    return true;
  } catch (err) {
    if (classifyOracleError(err).kind === 'idempotent') return false;
    throw err;
  }
}
