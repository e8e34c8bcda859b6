import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import type { TracerPlugin } from '@x/tracer-core';
import { createFanoutTracer } from '@x/tracer-fanout';
import { createMemoryTracer } from '@x/tracer-memory';
import { createOtlpTracer } from '@x/tracer-otlp';
import { createStdoutTracer } from '@x/tracer-stdout';
import { fuzzPlugin, wrapPlugin } from '@x/tracer-testkit';
import { startReceiver, type Receiver } from '../../tracer-otlp/test/support/receiver.js';

let receiver: Receiver | undefined;
afterAll(() => receiver?.close());

/** A plugin that is not built on the core, so the fan-out forwards calls to it (its other path). */
const foreign = (inner: TracerPlugin): TracerPlugin => wrapPlugin(inner, () => ({ name: 'foreign' }));

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
