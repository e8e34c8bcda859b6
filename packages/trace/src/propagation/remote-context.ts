import type { SpanHandle } from '@x/tracer-core';

/**
 * A span context read from a carrier (`extract`): the caller's trace id and span id, whether the
 * caller sampled it, its Level 2 random flag, and the tracestate it sent (valid, or '' when none or
 * invalid). Pass it as `parent` to `withSpan`/`startSpan`: a sampled one becomes the remote parent
 * through the contract; an unsampled one gives INVALID (nothing is recorded) while its trace id
 * still travels on to the next service with the sampled flag off.
 */
export class RemoteContext implements SpanHandle {
  readonly traceId: string;
  readonly spanId: string;
  readonly sampled: boolean;
  readonly random: boolean;
  readonly traceState: string;

  constructor(traceId: string, spanId: string, sampled: boolean, random: boolean, traceState: string) {
    this.traceId = traceId;
    this.spanId = spanId;
    this.sampled = sampled;
    this.random = random;
    this.traceState = traceState;
    Object.freeze(this);
  }
}
