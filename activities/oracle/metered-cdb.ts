/**
 * A CdbPort whose every call is counted and timed (orb_db_calls_total, orb_db_call_duration_seconds:
 * activities/call-metrics.ts), labelled with the port method (getPdb, createPdbRelocate, ...) and
 * `ok` or the error's code as common/oracle-errors.ts classifies it (ORA-03113, NJS-500, ...).
 * The calls themselves, their results and their errors are unchanged.
 */
import { classifyOracleError } from '../../common/oracle-errors';
import { errorCodeLabel } from '../../common/metric-labels';
import { timedCall } from '../call-metrics';
import type { CdbPort } from './port';

const dbCode = (err: unknown) => errorCodeLabel(classifyOracleError(err).code);

export function meteredCdb(port: CdbPort): CdbPort {
  return new Proxy(port, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function' || typeof prop !== 'string' || prop === 'close') return v;
      const fn = v as (...args: unknown[]) => Promise<unknown>;
      return (...args: unknown[]) => timedCall('db', prop, () => fn.apply(target, args), dbCode);
    },
  });
}
