import type { IdGenerator, ShutdownOptions, SpanEvent, SpanHandle, SpanStart, SpanStatus, TracerStats } from '@x/tracer-core';
import { shutdownTimeout, type TracerCounters } from '@x/tracer-core/internal';
import type { FanoutChildren } from './fanout-children.js';
import { FanoutError } from './fanout-error.js';
import type { FanoutStats, FanoutTracer } from './fanout-tracer.js';
import { settleChildren } from './settle-children.js';

/** What every fan-out strategy is built from, resolved and validated once by `createFanoutTracer`. */
export interface FanoutSetup {
  readonly name: string;
  readonly children: FanoutChildren;
  /** The fan-out's own counters (the children keep theirs). */
  readonly counters: TracerCounters;
  readonly maxLiveSpans: number;
  readonly ids: IdGenerator;
  readonly flushTimeoutMillis: number;
  readonly shutdownTimeoutMillis: number;
}

/**
 * The part of a fan-out that does not depend on how it records: `flush()` and `shutdown()` on every
 * child at once, each bounded by a deadline, failures named per child; `stats()` with each child's.
 * Strategies supply the five recording calls, how to stop recording, and their own stats.
 */
export abstract class FanoutBase implements FanoutTracer {
  readonly name: string;
  protected readonly children: FanoutChildren;
  protected readonly counters: TracerCounters;
  readonly #flushTimeoutMillis: number;
  readonly #shutdownTimeoutMillis: number;
  #shutdown: Promise<void> | undefined;

  constructor(setup: FanoutSetup) {
    this.name = setup.name;
    this.children = setup.children;
    this.counters = setup.counters;
    this.#flushTimeoutMillis = setup.flushTimeoutMillis;
    this.#shutdownTimeoutMillis = setup.shutdownTimeoutMillis;
  }

  abstract startSpan(start: SpanStart): SpanHandle;
  abstract setAttribute(span: SpanHandle, key: string, value: unknown): void;
  abstract setStatus(span: SpanHandle, status: SpanStatus): void;
  abstract addEvent(span: SpanHandle, event: SpanEvent): void;
  abstract endSpan(span: SpanHandle, endTimeUnixNanos?: bigint): void;
  /** Stops recording for good: later calls are counted as ignored, live spans as `live-evicted`. */
  protected abstract stopRecording(): void;
  /** The fan-out's own counters as stats (without the children's). */
  protected abstract ownStats(): TracerStats;

  async flush(): Promise<void> {
    const plugins = this.children.plugins;
    const failures = await settleChildren(this.children.keys, (i) => plugins[i]!.flush(), this.#flushTimeoutMillis);
    if (failures.length > 0) throw this.#failed('flush', failures);
  }

  shutdown(options?: ShutdownOptions): Promise<void> {
    this.#shutdown ??= this.#final(options);
    return this.#shutdown;
  }

  async #final(options: ShutdownOptions | undefined): Promise<void> {
    const timeoutMillis = shutdownTimeout(options, this.#shutdownTimeoutMillis);
    this.stopRecording();
    const plugins = this.children.plugins;
    const failures = await settleChildren(
      this.children.keys,
      (i) => {
        const child = plugins[i]!;
        return typeof child.shutdown === 'function' ? child.shutdown({ timeoutMillis }) : child.flush();
      },
      // Children bound themselves by `timeoutMillis`; the grace covers their bookkeeping.
      timeoutMillis + 250,
    );
    if (failures.length > 0) throw this.#failed('shutdown', failures);
  }

  #failed(operation: 'flush' | 'shutdown', failures: FanoutError['failures']): FanoutError {
    const error = new FanoutError(operation, this.children.length, failures);
    this.counters.recordFailure(error);
    return error;
  }

  stats(): FanoutStats {
    return Object.freeze({ ...this.ownStats(), ...this.children.stats() });
  }
}
