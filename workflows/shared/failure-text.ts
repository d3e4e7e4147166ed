/** The innermost message of a Temporal failure chain (ActivityFailure → ApplicationFailure). */
export function causeMessage(err: unknown): string {
  let e = err as { message?: string; cause?: unknown } | undefined;
  let msg = e?.message ?? String(err);
  while (e && e.cause) {
    e = e.cause as { message?: string; cause?: unknown };
    if (e?.message) msg = e.message;
  }
  return msg;
}

/** The ApplicationFailure type at the bottom of a failure chain. */
export function causeType(err: unknown): string | undefined {
  let e = err as { type?: string; cause?: unknown } | undefined;
  let type: string | undefined;
  while (e) {
    if (typeof e.type === 'string') type = e.type;
    e = e.cause as { type?: string; cause?: unknown } | undefined;
  }
  return type;
}
