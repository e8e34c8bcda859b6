import { ExportFailedError } from '@x/tracer-core';

/** One child's failure inside a fan-out flush or shutdown. */
export interface ChildFailure {
  /** The child's key in `stats().children` (its `name`, made unique). */
  readonly child: string;
  readonly error: Error;
}

/**
 * A fan-out `flush()` or `shutdown()` in which some children failed. The healthy children's
 * spans were delivered. `failures` names each failing child with its error; `cause` is an
 * `AggregateError` of those errors. Code `ERR_TRACER_EXPORT_FAILED`.
 */
export class FanoutError extends ExportFailedError {
  override readonly name: string = 'FanoutError';
  readonly failures: readonly ChildFailure[];

  constructor(operation: 'flush' | 'shutdown', total: number, failures: readonly ChildFailure[]) {
    const list = failures.map(({ child, error }) => `"${child}" (${error.message})`).join(', ');
    super(`${operation} failed for ${failures.length} of ${total} children: ${list}`, {
      cause: new AggregateError(
        failures.map((f) => f.error),
        `${failures.length} children failed`,
      ),
    });
    this.failures = failures;
  }
}

