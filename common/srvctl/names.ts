/**
 * The names that reach a srvctl command line (database unique name, service, instance, node),
 * each a strict allow-list: srvctl runs through the remote user's shell over SSH, and orb never
 * quotes. Every rule begins with a letter or digit (so no value can be taken for an option such as
 * "-force") and admits no shell metacharacter, blank, quote, control or non-ASCII character. Pure
 * (zod only): safe in workflow code.
 */
import { z } from 'zod';
import { checked } from '../validation';
import { preview } from '../untrusted-text';

interface NameRule {
  /** What the value is, for messages: "database unique name" */
  what: string;
  /** Longest accepted length, in characters (all of them ASCII) */
  max: number;
  /** The whole value, first character included */
  pattern: RegExp;
  /** The characters admitted as the first one */
  first: RegExp;
  /** The characters admitted after the first one */
  allowed: RegExp;
  /** The rule in words */
  rule: string;
}

function shown(c: string): string {
  const code = c.codePointAt(0)!;
  return code > 0x20 && code < 0x7f ? `'${c}'` : `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Which character breaks the rule, as "';' at 3", "U+000A at 3" or "it begins with '-'". */
function offending(v: string, r: NameRule): string {
  if (!r.first.test(v[0]!)) return `it begins with ${shown(v[0]!)}`;
  for (let i = 1; i < v.length; i++) if (!r.allowed.test(v[i]!)) return `${shown(v[i]!)} at ${i}`;
  return 'unexpected form';
}

const a = (what: string) => `${/^[aeiou]/.test(what) ? 'an' : 'a'} ${what}`;

function problem(v: string, r: NameRule): string | null {
  if (v.length === 0) return `must not be empty: ${a(r.what)} is ${r.rule}`;
  if (v.length > r.max) return `must be at most ${r.max} characters long (got ${v.length}): ${a(r.what)} is ${r.rule}`;
  if (r.pattern.test(v)) return null;
  return `${preview(v)} is not a valid ${r.what} (${offending(v, r)}): ${a(r.what)} is ${r.rule}`;
}

function schemaOf(r: NameRule) {
  return z.string({ error: `must be ${a(r.what)} (a string): ${r.rule}` }).superRefine((v, ctx) => {
    const p = problem(v, r);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });
}

/**
 * DB_UNIQUE_NAME, srvctl's -db: Oracle allows up to 30 characters, letters, digits, _, $ and #;
 * orb refuses $ and # (a remote shell would expand "$" and may take "#" for a comment).
 */
const DB: NameRule = {
  first: /[A-Za-z]/,
  what: 'database unique name',
  max: 30,
  pattern: /^[A-Za-z][A-Za-z0-9_]*$/,
  allowed: /[A-Za-z0-9_]/,
  rule: 'a letter, then letters, digits and _, at most 30 characters',
};

/**
 * A service name as srvctl takes it (-service): ALL_SERVICES.NAME is VARCHAR2(64); names may carry a
 * domain ("sales.example.com"), so dots are admitted, and hyphens.
 */
const SERVICE: NameRule = {
  first: /[A-Za-z]/,
  what: 'service name',
  max: 64,
  pattern: /^[A-Za-z][A-Za-z0-9_.-]*$/,
  allowed: /[A-Za-z0-9_.-]/,
  rule: 'a letter, then letters, digits, _ . and -, at most 64 characters',
};

/** An instance name (-instance, -oldinst, -newinst): the INSTANCE_NAME of a RAC instance (raccdb1). */
const INSTANCE: NameRule = {
  first: /[A-Za-z]/,
  what: 'instance name',
  max: 30,
  pattern: /^[A-Za-z][A-Za-z0-9_]*$/,
  allowed: /[A-Za-z0-9_]/,
  rule: 'a letter, then letters, digits and _, at most 30 characters',
};

/** A cluster node (-node): a host name, possibly with its domain (racnode1, racnode1.example.com). */
const NODE: NameRule = {
  first: /[A-Za-z0-9]/,
  what: 'node name',
  max: 253,
  pattern: /^[A-Za-z0-9][A-Za-z0-9.-]*$/,
  allowed: /[A-Za-z0-9.-]/,
  rule: 'a letter or digit, then letters, digits, . and -, at most 253 characters',
};

export const dbUniqueNameSchema = schemaOf(DB);
export const srvctlServiceNameSchema = schemaOf(SERVICE);
export const instanceNameSchema = schemaOf(INSTANCE);
export const nodeNameSchema = schemaOf(NODE);

/** The same rules as functions that throw an InputError naming `field`. */
export function dbUniqueName(field: string, value: unknown): string {
  return checked(field, dbUniqueNameSchema, value);
}

export function srvctlServiceName(field: string, value: unknown): string {
  return checked(field, srvctlServiceNameSchema, value);
}

export function instanceName(field: string, value: unknown): string {
  return checked(field, instanceNameSchema, value);
}

export function nodeName(field: string, value: unknown): string {
  return checked(field, nodeNameSchema, value);
}

/** Whether `v` passes a rule, without an error: for names read from srvctl's own output. */
export const isInstanceName = (v: string): boolean => problem(v, INSTANCE) === null;
export const isServiceName = (v: string): boolean => problem(v, SERVICE) === null;
export const isNodeName = (v: string): boolean => problem(v, NODE) === null;

/**
 * The srvctl executable: an absolute path ending in /bin/srvctl (the Grid home's or the database
 * home's), made of letters, digits, _ . - and /, without "." or ".." segments.
 */
const PATH_RULE = 'an absolute path ending in /bin/srvctl, of letters, digits, _ . - and /, without . or .. segments, at most 1024 characters';

export function srvctlPathProblem(v: string): string | null {
  if (v.length === 0 || v.length > 1024) return `must be ${PATH_RULE}`;
  if (!/^\/[A-Za-z0-9_./-]*\/bin\/srvctl$/.test(v)) return `${preview(v)} is not ${PATH_RULE}`;
  if (v.split('/').some((seg) => seg === '.' || seg === '..') || v.includes('//')) return `${preview(v)} is not ${PATH_RULE}`;
  return null;
}

export const srvctlPathSchema = z.string({ error: `must be ${PATH_RULE}` }).superRefine((v, ctx) => {
  const p = srvctlPathProblem(v);
  if (p) ctx.addIssue({ code: 'custom', message: p });
});

export function srvctlPath(field: string, value: unknown): string {
  return checked(field, srvctlPathSchema, value);
}
