// What the tracer tests of both transports share: tracers and receivers closed after each test,
// spans recorded by name, and the spans a receiver got as the conformance kit wants them.
import { afterEach } from 'vitest';
import type { BufferedTracer, TracerPlugin } from '@x/tracer-core';
import { createOtlpTracer, type OtlpTracerOptions } from '@x/tracer-otlp';

/** Short backoff, so that retries take milliseconds in tests. */
export const FAST_RETRY = { initialBackoffMillis: 10, maxBackoffMillis: 40 };

/**
 * A `tracer(options)` over `defaults` (no process hooks, no timed export, fast retries) and a
 * `track(receiver)`; what they hand out is shut down and closed after each test. Call at the top of
 * a test file: it registers an `afterEach`.
 */
export function closedAfterEach(defaults: OtlpTracerOptions = {}) {
  const tracers: BufferedTracer[] = [];
  const receivers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.allSettled(tracers.splice(0).map((t) => t.shutdown({ timeoutMillis: 200 })));
    await Promise.allSettled(receivers.splice(0).map((r) => r.close()));
  });
  return {
    tracer(options: OtlpTracerOptions): BufferedTracer {
      const t = createOtlpTracer({ hookProcessShutdown: false, scheduledDelayMillis: 60_000, retry: FAST_RETRY, ...defaults, ...options });
      tracers.push(t);
      return t;
    },
    track<R extends { close(): Promise<void> }>(receiver: R): R {
      receivers.push(receiver);
      return receiver;
    },
  };
}

/** Records `count` ended spans named `<prefix>0`, `<prefix>1`, ... */
export function record(t: TracerPlugin, count: number, prefix = 's'): void {
  for (let i = 0; i < count; i++) t.endSpan(t.startSpan({ name: `${prefix}${i}` }));
}
/** The names `record` gives. */
export const names = (count: number, prefix = 's') => Array.from({ length: count }, (_, i) => `${prefix}${i}`);

/** Every span of decoded requests as `{ spanId, name }`, what `describeConformance`'s `exported` returns. */
export function spanIdsAndNames(requests: readonly any[]): { spanId: string; name: string }[] {
  return requests.flatMap((request) =>
    request.resourceSpans.flatMap((rs: any) => rs.scopeSpans.flatMap((ss: any) => ss.spans.map((s: any) => ({ spanId: s.spanId, name: s.name })))),
  );
}
