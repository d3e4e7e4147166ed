/**
 * Zod problems as orb reports them: "field: rule", a bounded number of bounded lines, whatever
 * the input was. Pure: safe in workflow code.
 */
import type { z } from 'zod';
import { InputError } from './input-error';
import { clip, preview } from './untrusted-text';

const MAX_ISSUES = 5;
const MAX_ISSUE_TEXT = 300;

/** How a problem's path is named: a dotted input field for the workflow, an option for the CLI. */
export type FieldName = (path: readonly PropertyKey[]) => string;

export const dottedPath: FieldName = (path) => (path.length ? path.map(String).join('.') : '(input)');

function issueText(i: z.core.$ZodIssue): string {
  if (i.code === 'unrecognized_keys') {
    const keys = i.keys.slice(0, 3).map((k) => preview(k, 30)).join(', ');
    return `has unknown field(s) ${keys}${i.keys.length > 3 ? ` and ${i.keys.length - 3} more` : ''}`;
  }
  return i.message;
}

/** One line per problem, "field: rule": at most 5 lines of at most about 300 characters each. */
export function problemLines(error: z.ZodError, name: FieldName = dottedPath): string[] {
  const lines = error.issues.slice(0, MAX_ISSUES).map((i) => clip(`${name(i.path)}: ${issueText(i)}`, MAX_ISSUE_TEXT));
  if (error.issues.length > MAX_ISSUES) lines.push(`and ${error.issues.length - MAX_ISSUES} more problem(s)`);
  return lines;
}

/** The first problem of a failed parse, as the rule alone (no field). */
export function firstRule(error: z.ZodError): string {
  return clip(issueText(error.issues[0]!), MAX_ISSUE_TEXT);
}

/** Parses `value` with `schema`, or throws an InputError naming `field` and the rule it breaks. */
export function checked<S extends z.ZodType>(field: string, schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new InputError(field, firstRule(r.error));
  return r.data;
}
