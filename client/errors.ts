/**
 * Exit codes scripts can rely on, and the errors that map to them.
 */
export const EXIT = {
  /** Success: the command did what it said (a run completed, a signal was delivered, ...). */
  OK: 0,
  /** The runbook failed, was compensated, or a gate was rejected. */
  RUNBOOK_FAILED: 1,
  /** Bad input: refused before anything was contacted or changed. */
  BAD_INPUT: 2,
  /** Temporal (or the lab) cannot be reached. */
  UNREACHABLE: 3,
  /** No such workflow, or one is already running under that id. */
  NOT_FOUND_OR_RUNNING: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as a message (no stack) and turns into an exit code. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export class UnreachableError extends CliError {
  constructor(message: string) {
    super(message, EXIT.UNREACHABLE);
    this.name = 'UnreachableError';
  }
}

export class NotFoundError extends CliError {
  constructor(message: string) {
    super(message, EXIT.NOT_FOUND_OR_RUNNING);
    this.name = 'NotFoundError';
  }
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
