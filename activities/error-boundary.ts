/** Activities whose failures are translated once where they leave the activity (the boundary Temporal sees). */
export type Activities = Record<string, (...args: never[]) => Promise<unknown>>;

/**
 * Wraps every activity so an error leaving it goes through `translate`: the error to throw instead, or
 * null to let it pass as it is.
 */
export function atBoundary<T extends Activities>(activities: T, translate: (err: unknown) => Error | null): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        throw translate(err) ?? err;
      }
    };
  }
  return wrapped as T;
}
