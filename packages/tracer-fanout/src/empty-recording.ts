import { SpanHandle, type TracerStats } from '@x/tracer-core';
import type { TracerCounters } from '@x/tracer-core/internal';
import type { FanoutRecording } from './fanout-recording.js';

/** How a fan-out with no children records: nothing, so every span is INVALID (unsampled) and costs nothing. */
export class EmptyRecording implements FanoutRecording {
  readonly recording = this;
  readonly #counters: TracerCounters;
  #stopped = false;

  constructor(counters: TracerCounters) {
    this.#counters = counters;
  }

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

  updateName(): void {
    this.#ignoredAfterShutdown();
  }

  /** No span is ever live here. */
  traceState(): undefined {
    this.#ignoredAfterShutdown();
    return undefined;
  }

  #ignoredAfterShutdown(): void {
    if (this.#stopped) this.#counters.ignoredAfterShutdown++;
  }

  stop(): void {
    this.#stopped = true;
  }

  ownStats(): TracerStats {
    return this.#counters.snapshot(0, 0);
  }
}
