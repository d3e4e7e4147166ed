/**
 * OCI SDK clients whose every API call is counted and timed (orb_oci_calls_total,
 * orb_oci_call_duration_seconds: activities/call-metrics.ts), labelled with `client.method`
 * (database.getAutonomousDatabase, workRequests.getWorkRequest, ...) and `ok` or the HTTP status
 * and OCI's service code (409/IncorrectState, no-answer) as common/oci-errors.ts reads them.
 * Methods that return no promise (waiters, setters) are not calls and pass through unchanged.
 */
import { classifyOciError } from '../../common/oci-errors';
import { httpCodeLabel } from '../../common/metric-labels';
import { recordCall } from '../call-metrics';

function ociCode(err: unknown): string {
  const c = classifyOciError(err);
  return httpCodeLabel(c.status, c.code);
}

function isThenable(v: unknown): v is Promise<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

export function meteredOciClient<T extends object>(name: string, client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function' || typeof prop !== 'string' || prop === 'close' || prop === 'constructor') return v;
      const fn = v as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        const started = Date.now();
        const r = fn.apply(target, args);
        if (!isThenable(r)) return r;
        const seconds = () => (Date.now() - started) / 1000;
        return r.then(
          (value) => (recordCall('oci', `${name}.${prop}`, 'ok', seconds()), value),
          (err: unknown) => {
            recordCall('oci', `${name}.${prop}`, ociCode(err), seconds());
            throw err;
          },
        );
      };
    },
  });
}
