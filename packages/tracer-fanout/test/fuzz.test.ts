import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { TracerPlugin } from '@x/tracer-core';
import { createFanoutTracer } from '@x/tracer-fanout';
import { createMemoryTracer } from '@x/tracer-memory';
import { createOtlpTracer } from '@x/tracer-otlp';
import { createStdoutTracer } from '@x/tracer-stdout';
import { fuzzPlugin } from '@x/tracer-testkit';
import { startReceiver, type Receiver } from '../../tracer-otlp/test/support/receiver.js';

let receiver: Receiver | undefined;
afterAll(() => receiver?.close());

/** A plugin that is not built on the core, so the fan-out forwards calls to it (its other path). */
function foreign(inner: TracerPlugin): TracerPlugin {
  return {
    name: 'foreign',
    startSpan: (s) => inner.startSpan(s),
    setAttribute: (h, k, v) => inner.setAttribute(h, k, v),
    setStatus: (h, s) => inner.setStatus(h, s),
    addEvent: (h, e) => inner.addEvent(h, e),
    endSpan: (h, t) => inner.endSpan(h, t),
    flush: () => inner.flush(),
    shutdown: (o) => inner.shutdown!(o),
    stats: () => inner.stats!(),
  };
}

describe('fuzzing fan-outs of every tracer', () => {
  it('stdout + OTLP + memory, a foreign plugin, and a nested fan-out', async () => {
    receiver ??= await startReceiver();
    const url = receiver.url;
    const report = await fuzzPlugin(
      () =>
        createFanoutTracer([
          createStdoutTracer({ stream: new PassThrough().resume(), format: 'pretty', hookProcessShutdown: false }),
          createOtlpTracer({ url, hookProcessShutdown: false, retry: { maxAttempts: 1 } }),
          foreign(createMemoryTracer()),
          createFanoutTracer([createMemoryTracer(), createStdoutTracer({ stream: new PassThrough().resume(), format: 'json', hookProcessShutdown: false })]),
        ]),
      { runs: 40 },
    );
    expect(report.failure).toBeUndefined();
    expect(report.calls).toBeGreaterThan(400);
  });
});
