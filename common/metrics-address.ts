/**
 * The address of the worker's Prometheus endpoint (`orb worker --metrics <host:port>`,
 * `orb dev --metrics`): an IPv4 address, `localhost` (127.0.0.1) or a bracketed IPv6 address, and
 * a port from 1 to 65535. The SDK's exporter binds a socket address, not a host name, so names
 * other than localhost are refused here, with the rule, rather than by the runtime.
 */
import { isIPv4, isIPv6 } from 'node:net';
import { z } from 'zod';
import { InputError } from './input-error';

const addressSchema = z
  .string()
  .trim()
  .regex(/^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/, 'must be <host>:<port>, e.g. 127.0.0.1:9464, 0.0.0.0:9464 or [::1]:9464')
  .transform((s, ctx) => {
    const [, rawHost, rawPort] = /^(\[[^\]]+\]|[^:[\]]+):(\d{1,5})$/.exec(s)!;
    const port = Number(rawPort);
    const bracketed = rawHost!.startsWith('[');
    const host = rawHost === 'localhost' ? '127.0.0.1' : rawHost!;
    const ok = bracketed ? isIPv6(host.slice(1, -1)) : isIPv4(host);
    const hostRule = `host ${rawHost} must be an IPv4 address, localhost or an IPv6 address in brackets`;
    if (!ok) ctx.addIssue({ code: 'custom', message: hostRule });
    if (port < 1 || port > 65535) ctx.addIssue({ code: 'custom', message: `port ${rawPort} must be from 1 to 65535` });
    return `${host}:${port}`;
  });

/** The socket address to bind, or an InputError naming the option and the rule. */
export function parseMetricsAddress(value: string, option = '--metrics'): string {
  const r = addressSchema.safeParse(value);
  if (r.success) return r.data;
  throw new InputError(option, `${JSON.stringify(value)}: ${r.error.issues.map((i) => i.message).join('; ')}`);
}
