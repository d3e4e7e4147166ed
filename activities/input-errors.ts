import { ApplicationFailure } from '@temporalio/common';
import { InputError } from '../common/input-error';
import { atBoundary, type Activities } from './error-boundary';

/**
 * An estate problem met inside an activity (an unknown database or consumer, a secret reference
 * that cannot be read) is not fixed by retrying: it ends the step at once, naming the field.
 */
export function inputErrorsFinal<T extends Activities>(activities: T): T {
  return atBoundary(activities, (err) => (err instanceof InputError ? ApplicationFailure.nonRetryable(err.message, 'InvalidInput') : null));
}
