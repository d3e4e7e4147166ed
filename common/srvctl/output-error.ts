import { keptLine } from '../untrusted-text';

/**
 * srvctl answered something orb cannot read as the documented format: a line of a known form that
 * does not parse, a value of the wrong type, a name outside the allow-lists. Never retried (a
 * person must look: another srvctl release, or not srvctl at all); the offending line is kept,
 * bounded and sanitized.
 */
export class SrvctlOutputError extends Error {
  override readonly name = 'SrvctlOutputError';
  readonly line: string | null;
  constructor(
    /** What was being read: "srvctl status service" */
    readonly what: string,
    problem: string,
    line?: string,
  ) {
    const kept = line === undefined ? null : keptLine(line, 200);
    super(`${what}: ${problem}${kept === null ? '' : `: ${JSON.stringify(kept)}`}`);
    this.line = kept;
  }
}
