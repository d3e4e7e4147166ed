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
