/**
 * Bad input, refused before anything is changed. The message always names the
 * field and the rule it breaks, so the operator knows what to fix.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(
    readonly field: string,
    readonly rule: string,
  ) {
    super(`${field}: ${rule}`);
  }
}

/** The first of a schema's "field: rule" problem lines as an InputError (the CLI shows one at a time). */
export function firstProblem(problems: readonly string[]): InputError {
  const [field, ...rule] = problems[0]!.split(': ');
  return new InputError(field!, rule.join(': '));
}
