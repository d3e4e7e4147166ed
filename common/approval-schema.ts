/**
 * The payload of the `approve` and `reject` signals, {gate, by, comment}: one schema, used by
 * `orb approve` / `orb reject` before they send anything and by the workflow on whatever
 * arrives (from orb, the `temporal` CLI, the Web UI, anyone). Pure: safe in workflow code.
 */
import { z } from 'zod';
import { userNameSchema } from './identifiers';
import { keptLine, keptText, preview, unsafeCharacter } from './untrusted-text';
import { undecodableProblem } from './undecodable-payload';
import { problemLines, type FieldName } from './validation';

export const GATE_NAME_MAX = 64;
export const COMMENT_MAX = 2000;

const GATE = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const gateNameSchema = z.string({ error: 'must be a gate name (a string), such as cutover' }).superRefine((v, ctx) => {
  if (!GATE.test(v)) {
    ctx.addIssue({
      code: 'custom',
      message:
        `${preview(v)} is not a gate name: a letter or digit, then letters, digits, _ -, ` +
        `at most ${GATE_NAME_MAX} characters (orb status shows the open gate)`,
    });
  }
});

/** Free text from a person: at most 2000 characters, tabs and new lines but no other control or formatting characters. */
export const commentSchema = z.string({ error: 'must be text (a string)' }).superRefine((v, ctx) => {
  if (v.length > COMMENT_MAX) {
    ctx.addIssue({ code: 'custom', message: `must be at most ${COMMENT_MAX} characters (got ${v.length})` });
    return;
  }
  const bad = unsafeCharacter(v);
  if (bad) {
    ctx.addIssue({ code: 'custom', message: `must not contain control, formatting or unpaired surrogate characters (found ${bad})` });
  }
});

/** What an approval chooses at a gate that offers choices (e.g. retry, skip, switch-back). */
export const CHOICE = /^[a-z][a-z0-9-]{0,31}$/;
export const choiceSchema = z.string({ error: 'must be a choice (a string), such as retry' }).regex(CHOICE, {
  message: 'must be a choice the open gate offers: lower-case letters, digits and "-", at most 32 characters',
});

export const approvalSignalSchema = z.strictObject(
  { gate: gateNameSchema, by: userNameSchema, comment: commentSchema.optional(), choice: choiceSchema.optional() },
  {
    error: (i) =>
      i.code === 'invalid_type' ? `must be an object {"gate", "by", "comment", "choice"}, not ${kindName(i.input)}` : undefined,
  },
);

export type ApprovalPayload = z.output<typeof approvalSignalSchema>;

function kindName(v: unknown): string {
  return preview(v).replace(/^\((.*)\)$/, '$1');
}

/** Longest gate, by and comment kept from a refused signal (the status is bounded whatever is sent). */
export const REFUSED_KEPT = { gate: GATE_NAME_MAX, by: 64, comment: 200 } as const;

/** What a refused signal is recorded as: its fields as sent (sanitized, clipped; non-strings as their kind). */
export function refusedFields(raw: unknown): { gate: string; by: string; comment?: string } {
  const own = (k: string): unknown =>
    typeof raw === 'object' && raw !== null && !Array.isArray(raw) && Object.prototype.hasOwnProperty.call(raw, k)
      ? (raw as Record<string, unknown>)[k]
      : undefined;
  const [gate, by, comment] = [own('gate'), own('by'), own('comment')];
  return {
    gate: gate === undefined ? '' : keptLine(gate, REFUSED_KEPT.gate),
    by: by === undefined ? '' : keptLine(typeof by === 'string' ? by.trim() : by, REFUSED_KEPT.by),
    ...(comment !== undefined ? { comment: keptText(comment, REFUSED_KEPT.comment) } : {}),
  };
}

export type ParsedApproval = { ok: true; signal: ApprovalPayload } | { ok: false; problems: string };

/** Parses an approval payload; `name` names a problem's field (the workflow: "by"; the CLI: "--by"). */
const payloadPath: FieldName = (p) => (p.length ? p.map(String).join('.') : '(payload)');

export function parseApproval(raw: unknown, name: FieldName = payloadPath): ParsedApproval {
  const undecodable = undecodableProblem(raw);
  if (undecodable) return { ok: false, problems: `${name([])}: ${undecodable}` };
  const r = approvalSignalSchema.safeParse(raw);
  return r.success ? { ok: true, signal: r.data } : { ok: false, problems: problemLines(r.error, name).join('; ') };
}
