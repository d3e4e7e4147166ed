import { ApplicationFailure } from '@temporalio/common';
import { InputError } from '../common/input-error';

/**
 * An estate problem met inside an activity (an unknown database or consumer, a secret reference
 * that cannot be read) is not fixed by retrying: it ends the step at once, naming the field.
 */
export function inputErrorsFinal<T extends Record<string, (...args: never[]) => Promise<unknown>>>(activities: T): T {
  const wrapped: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(activities)) {
    wrapped[name] = async (...args: never[]) => {
      try {
        return await fn(...args);
      } catch (err) {
        if (err instanceof InputError) throw ApplicationFailure.nonRetryable(err.message, 'InvalidInput');
        throw err;
      }
    };
  }
  return wrapped as T;
}
