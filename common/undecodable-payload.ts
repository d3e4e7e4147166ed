/**
 * A payload that could not be decoded (see payload-converter.ts): what a workflow receives in
 * its place, to refuse it with the reason. Pure: safe in workflow code.
 */
export class UndecodablePayload {
  constructor(readonly reason: string) {}
}

/** The problem with an undecodable value, or null for any other value. */
export function undecodableProblem(v: unknown): string | null {
  return v instanceof UndecodablePayload ? `could not be decoded (${v.reason})` : null;
}
