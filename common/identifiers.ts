/**
 * The name rules of orb, one zod schema each, used alike by the CLI (which names the option in
 * its errors) and by the workflows (which name the input field): they cannot disagree. Pure
 * (zod only, no Node APIs): safe in workflow code.
 *
 * Oracle identifiers that reach SQL text (PDB names, database link names) cannot be bound, so
 * they follow Oracle's rules for nonquoted identifiers (Database SQL Language Reference,
 * "Database Object Naming Rules"): 1 to 128 bytes, begins with a letter, then letters, digits,
 * _, $ and #; not a reserved word. orb deliberately refuses quoted identifiers: they are never
 * needed for the objects runbooks touch and would let case and punctuation tricks through.
 * The canonical form is the upper-case one Oracle stores in the dictionary.
 */
import { z } from 'zod';
import { preview, utf8Length } from './untrusted-text';
import { checked } from './validation';

const SIMPLE = /^[A-Za-z][A-Za-z0-9_$#]*$/;

/** Reserved words of Oracle SQL (V$RESERVED_WORDS where RESERVED='Y', plus the ones a PDB name trips over). */
const RESERVED = new Set(
  `ACCESS ADD ALL ALTER AND ANY AS ASC AUDIT BETWEEN BY CHAR CHECK CLUSTER COLUMN COMMENT COMPRESS CONNECT
  CREATE CURRENT DATE DECIMAL DEFAULT DELETE DESC DISTINCT DROP ELSE EXCLUSIVE EXISTS FILE FLOAT FOR FROM GRANT
  GROUP HAVING IDENTIFIED IMMEDIATE IN INCREMENT INDEX INITIAL INSERT INTEGER INTERSECT INTO IS LEVEL LIKE LOCK
  LONG MAXEXTENTS MINUS MLSLABEL MODE MODIFY NOAUDIT NOCOMPRESS NOT NOWAIT NULL NUMBER OF OFFLINE ON ONLINE
  OPTION OR ORDER PCTFREE PRIOR PUBLIC RAW RENAME RESOURCE REVOKE ROW ROWID ROWNUM ROWS SELECT SESSION SET
  SHARE SIZE SMALLINT START SUCCESSFUL SYNONYM SYSDATE TABLE THEN TO TRIGGER UID UNION UNIQUE UPDATE USER
  VALIDATE VALUES VARCHAR VARCHAR2 VIEW WHENEVER WHERE WITH`.split(/\s+/),
);

export interface IdentifierRules {
  /** Longest accepted length in bytes. PDB names are limited to 30 by CREATE PLUGGABLE DATABASE. */
  maxLength?: number;
  /** Database link names may be qualified with dots (LINK.DOMAIN.COM). */
  allowDots?: boolean;
}

const NON_EMPTY = 'must be a non-empty Oracle identifier';

function identifierProblem(v: string, rules: IdentifierRules): string | null {
  const max = rules.maxLength ?? 128;
  if (v.length === 0) return NON_EMPTY;
  if (v.length > max || utf8Length(v) > max) return `must be at most ${max} bytes long (got ${utf8Length(v)})`;
  for (const part of rules.allowDots ? v.split('.') : [v]) {
    if (!SIMPLE.test(part)) {
      const dots = rules.allowDots ? ' (dots separate the parts of a link name)' : '';
      return `${preview(v)} is not a valid Oracle identifier: it must begin with a letter and contain only letters, digits, _, $ and #${dots}`;
    }
    if (RESERVED.has(part.toUpperCase())) return `${preview(v)} is an Oracle reserved word and cannot be used unquoted`;
  }
  return null;
}

/** A string checked by `problem` (which returns the rule broken, or null). */
function ruled(nonString: string, problem: (v: string) => string | null) {
  return z.string({ error: nonString }).superRefine((v, ctx) => {
    const p = problem(v);
    if (p) ctx.addIssue({ code: 'custom', message: p });
  });
}

/** A nonquoted Oracle identifier, as given (CDB names: the estate's spelling, looked up without regard to case). */
export function identifierRule(rules: IdentifierRules = {}) {
  return ruled(NON_EMPTY, (v) => identifierProblem(v, rules));
}

/** A nonquoted Oracle identifier, in its canonical upper-case form. */
export function oracleIdentifierSchema(rules: IdentifierRules = {}) {
  return identifierRule(rules).transform((v) => v.toUpperCase());
}

/** A CDB name: an identifier of at most 128 bytes, kept as written (the estate's key). */
export const cdbNameSchema = identifierRule();

/**
 * A PDB name: a nonquoted identifier of at most 30 bytes (CREATE PLUGGABLE DATABASE rule),
 * and, stricter than other identifiers, only letters, digits and _ after the first letter:
 * the PDB name is also its default service name (Oracle: "Valid characters in a pluggable
 * database name are a-z, A-Z, 0-9, and _", PRCD-01280 / CREATE PLUGGABLE DATABASE).
 */
const PDB = /^[A-Za-z][A-Za-z0-9_]*$/;
export const pdbNameSchema = ruled(
  NON_EMPTY,
  (v) =>
    identifierProblem(v, { maxLength: 30 }) ??
    (PDB.test(v) ? null : `${preview(v)} is not a valid PDB name: it must begin with a letter and contain only letters, digits and _`),
).transform((v) => v.toUpperCase());

/** A database link name: dotted nonquoted identifiers, at most 128 bytes in all, upper-cased. */
export const dbLinkNameSchema = oracleIdentifierSchema({ allowDots: true });

/** Service names are bound as values (DBMS_SERVICE), but still must look like a service name. */
const SERVICE = /^[A-Za-z][A-Za-z0-9_$#.-]{0,249}$/;
export const serviceNameSchema = ruled('must be a service name (a string)', (v) =>
  SERVICE.test(v) ? null : `${preview(v)} is not a valid service name: a letter, then letters, digits, _ $ # . -, at most 250 characters`,
);

/**
 * A person's name as runs record it (who started a run, who may approve, who decided): a
 * login-like name, nothing that could be mistaken for a group. Surrounding blanks are dropped.
 */
const USER = /^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$/;
export const USER_NAME_RULE = 'a letter or digit, then letters, digits, . _ @ -, at most 64 characters';
export const userNameSchema = z
  .string({ error: `must be a user name (a string): ${USER_NAME_RULE}` })
  .trim()
  .superRefine((v, ctx) => {
    if (!USER.test(v)) ctx.addIssue({ code: 'custom', message: `${preview(v)} is not a valid user name: ${USER_NAME_RULE}` });
  });

// ---- The same rules as functions that throw an InputError naming the field ------------------

export function oracleIdentifier(field: string, value: unknown, rules: IdentifierRules = {}): string {
  return checked(field, oracleIdentifierSchema(rules), value);
}

export function pdbName(field: string, value: unknown): string {
  return checked(field, pdbNameSchema, value);
}

export function dbLinkName(field: string, value: unknown): string {
  return checked(field, dbLinkNameSchema, value);
}

export function serviceName(field: string, value: unknown): string {
  return checked(field, serviceNameSchema, value);
}

export function userName(field: string, value: unknown): string {
  return checked(field, userNameSchema, value);
}
