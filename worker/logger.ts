/**
 * pino for orb's own logs, and an adapter so the Temporal SDK (worker, workflow and
 * activity context loggers) logs through the same pino instance.
 *
 * ORB_LOG_LEVEL: trace|debug|info|warn|error (default info).
 * ORB_LOG_FORMAT: json (pino's JSON lines) or pretty (one readable line per record);
 * default pretty when stdout is a terminal, json otherwise.
 */
import pino from 'pino';
import type { Logger as TemporalLogger, LogLevel, LogMetadata } from '@temporalio/common';

const LEVELS = new Set(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']);
const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

function prettyDestination(out: NodeJS.WritableStream): { write(line: string): void } {
  return {
    write(line: string) {
      let rec: Record<string, unknown>;
      try {
        rec = JSON.parse(line) as Record<string, unknown>;
      } catch {
        out.write(line);
        return;
      }
      const { level, time, msg, pid: _pid, hostname: _host, name, ...rest } = rec;
      const t = new Date(typeof time === 'number' ? time : Date.now()).toISOString().slice(11, 23);
      const extras = Object.entries(rest)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ');
      const lvl = (LEVEL_NAMES[level as number] ?? String(level)).padEnd(5);
      out.write(`${t} ${lvl} ${name ? `[${String(name)}] ` : ''}${String(msg ?? '')}${extras ? `  ${extras}` : ''}\n`);
    },
  };
}

export function createLogger(name = 'orb', env: NodeJS.ProcessEnv = process.env): pino.Logger {
  const requested = (env.ORB_LOG_LEVEL ?? 'info').toLowerCase();
  const level = LEVELS.has(requested) ? requested : 'info';
  const format = env.ORB_LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json');
  const options: pino.LoggerOptions = { name, level, base: { pid: process.pid } };
  return format === 'pretty' ? pino(options, prettyDestination(process.stdout)) : pino(options);
}

/** Temporal's Logger interface on top of pino. */
export class PinoTemporalLogger implements TemporalLogger {
  constructor(private readonly logger: pino.Logger) {}

  log(level: LogLevel, message: string, meta?: LogMetadata): void {
    const m = meta ? sanitize(meta) : {};
    switch (level) {
      case 'TRACE':
        this.logger.trace(m, message);
        break;
      case 'DEBUG':
        this.logger.debug(m, message);
        break;
      case 'INFO':
        this.logger.info(m, message);
        break;
      case 'WARN':
        this.logger.warn(m, message);
        break;
      default:
        this.logger.error(m, message);
    }
  }
  trace(message: string, meta?: LogMetadata): void {
    this.log('TRACE', message, meta);
  }
  debug(message: string, meta?: LogMetadata): void {
    this.log('DEBUG', message, meta);
  }
  info(message: string, meta?: LogMetadata): void {
    this.log('INFO', message, meta);
  }
  warn(message: string, meta?: LogMetadata): void {
    this.log('WARN', message, meta);
  }
  error(message: string, meta?: LogMetadata): void {
    this.log('ERROR', message, meta);
  }
}

/** bigint (e.g. core timestamps) cannot be JSON-serialised; errors lose their message in JSON. */
function sanitize(meta: LogMetadata): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(meta)) {
    if (typeof v === 'bigint') out[k] = v.toString();
    else if (v instanceof Error) out[k === 'error' ? 'err' : k] = v;
    else out[k] = v;
  }
  return out;
}
