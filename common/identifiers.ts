import { InputError } from './input-error';

/**
 * Oracle identifiers that reach SQL text (PDB names, database link names) cannot be
 * bound, so they are validated here against Oracle's rules for nonquoted identifiers
 * (Database SQL Language Reference, "Database Object Naming Rules"): 1 to 128 bytes,
 * begins with a letter, then letters, digits, _, $ and #; not a reserved word.
 * orb deliberately refuses quoted identifiers: they are never needed for the objects
 * runbooks touch and would let case and punctuation tricks through.
 * The value returned is the canonical (upper-case) form Oracle stores in the dictionary.
 */
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

export function oracleIdentifier(field: string, value: unknown, rules: IdentifierRules = {}): string {
  const maxLength = rules.maxLength ?? 128;
  if (typeof value !== 'string' || value.length === 0) {
    throw new InputError(field, 'must be a non-empty Oracle identifier');
  }
  const parts = rules.allowDots ? value.split('.') : [value];
  if (utf8Length(value) > maxLength) {
    throw new InputError(field, `must be at most ${maxLength} bytes long (got ${utf8Length(value)})`);
  }
  for (const part of parts) {
    if (!SIMPLE.test(part)) {
      throw new InputError(
        field,
        `${JSON.stringify(value)} is not a valid Oracle identifier: it must begin with a letter and contain only letters, digits, _, $ and #${rules.allowDots ? ' (dots separate the parts of a link name)' : ''}`,
      );
    }
    if (RESERVED.has(part.toUpperCase())) {
      throw new InputError(field, `${JSON.stringify(value)} is an Oracle reserved word and cannot be used unquoted`);
    }
  }
  return value.toUpperCase();
}

/**
 * A PDB name: a nonquoted identifier of at most 30 bytes (CREATE PLUGGABLE DATABASE rule),
 * and, stricter than other identifiers, only letters, digits and _ after the first letter:
 * the PDB name is also its default service name (Oracle: "Valid characters in a pluggable
 * database name are a-z, A-Z, 0-9, and _", PRCD-01280 / CREATE PLUGGABLE DATABASE).
 */
const PDB = /^[A-Za-z][A-Za-z0-9_]*$/;
export function pdbName(field: string, value: unknown): string {
  const canonical = oracleIdentifier(field, value, { maxLength: 30 });
  if (!PDB.test(canonical)) {
    throw new InputError(field, `${JSON.stringify(value)} is not a valid PDB name: it must begin with a letter and contain only letters, digits and _`);
  }
  return canonical;
}

/** A database link name: dotted nonquoted identifiers, at most 128 bytes. */
export function dbLinkName(field: string, value: unknown): string {
  return oracleIdentifier(field, value, { allowDots: true });
}

/** Service names are bound as values (DBMS_SERVICE), but still must look like a service name. */
const SERVICE = /^[A-Za-z][A-Za-z0-9_$#.-]{0,249}$/;
export function serviceName(field: string, value: unknown): string {
  if (typeof value !== 'string' || !SERVICE.test(value)) {
    throw new InputError(field, `${JSON.stringify(value)} is not a valid service name: a letter, then letters, digits, _ $ # . -, at most 250 characters`);
  }
  return value;
}

/** Length in UTF-8 bytes (TextEncoder: available in workflow code too, where Buffer is not). */
function utf8Length(value: string): number {
  return new TextEncoder().encode(value).length;
}
