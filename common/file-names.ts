import { InputError } from './input-error';

/**
 * A file name pattern as FILE_NAME_CONVERT takes it. It goes into DDL as a quoted literal
 * (DDL takes no binds), so it may hold no quote and no control character: the rule is a
 * list of what it may hold. Used by the estate file's check and by the statement builder.
 */
const PATH_PATTERN = /^[A-Za-z0-9_./+\-%:\\ ]{1,512}$/;

export function fileNamePattern(field: string, value: unknown): string {
  if (typeof value !== 'string' || !PATH_PATTERN.test(value)) {
    throw new InputError(
      field,
      `${JSON.stringify(value)} is not a file name pattern orb accepts: 1 to 512 of letters, digits, space and _ . / + - % : \\ (no quotes)`,
    );
  }
  return value;
}
