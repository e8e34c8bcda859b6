import { SpanHandle, type TracerStats } from '@x/tracer-core';
import { FanoutBase } from './fanout-base.js';

/** A fan-out with no children: nothing records, so every span is INVALID (unsampled) and costs nothing. */
export class EmptyFanout extends FanoutBase {
  #closed = false;

  startSpan(): SpanHandle {
    this.#ignoredAfterShutdown();
    return SpanHandle.INVALID;
  }

  setAttribute(): void {
    this.#ignoredAfterShutdown();
  }

  setStatus(): void {
    this.#ignoredAfterShutdown();
  }

  addEvent(): void {
    this.#ignoredAfterShutdown();
  }

  endSpan(): void {
    this.#ignoredAfterShutdown();
  }

  #ignoredAfterShutdown(): void {
    if (this.#closed) this.counters.ignoredAfterShutdown++;
  }

  protected stopRecording(): void {
    this.#closed = true;
  }

  protected ownStats(): TracerStats {
    return this.counters.snapshot(0, 0);
  }
}
