import { TimeoutError } from '@x/tracer-core';
import { startDeadline } from '@x/tracer-core/internal';
import type { ChildFailure } from './fanout-error.js';

/**
 * Runs `operation` on every child at once and waits for all of them, each bounded by
 * `deadlineMillis`. A child that throws, rejects or does not settle in time is a failure; the
 * others are not held up by it. Never rejects.
 */
export async function settleChildren(
  keys: readonly string[],
  operation: (index: number) => unknown,
  deadlineMillis: number,
): Promise<ChildFailure[]> {
  const deadline = startDeadline(deadlineMillis);
  const outcomes = await Promise.all(
    keys.map(async (child, index): Promise<ChildFailure | undefined> => {
      try {
        const result = await Promise.race([Promise.resolve().then(() => operation(index)), deadline.passed]);
        if (result === 'timeout') {
          return { child, error: new TimeoutError(`did not settle within ${deadlineMillis} ms`) };
        }
        return undefined;
      } catch (error) {
        return { child, error: error instanceof Error ? error : new Error(String(error)) };
      }
    }),
  );
  deadline.cancel();
  return outcomes.filter((outcome): outcome is ChildFailure => outcome !== undefined);
}
