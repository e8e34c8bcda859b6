import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createBufferedTracer, ledgerProblem, type TracerPlugin } from '@x/tracer-core';
import { createFanoutTracer } from '@x/tracer-fanout';
import { createMemoryTracer } from '@x/tracer-memory';
import { createStdoutTracer } from '@x/tracer-stdout';
import { fuzzPlugin, wrapPlugin } from '@x/tracer-testkit';
import { describeConformance } from '@x/tracer-testkit/vitest';

describe('packed finished spans through the tracers', () => {
  it('hostile call sequences keep every ledger exact: packed memory, packed stdout, and a foreign child beside them', async () => {
    const report = await fuzzPlugin(
      () =>
        createFanoutTracer([
          createMemoryTracer({ packFinishedSpans: true }),
          createStdoutTracer({ stream: new PassThrough().resume(), format: 'pretty', hookProcessShutdown: false, packFinishedSpans: true }),
          wrapPlugin(createMemoryTracer(), () => ({ name: 'foreign' })),
        ]),
      { runs: 40 },
    );
    expect(report.failure).toBeUndefined();
    expect(report.calls).toBeGreaterThan(400);
  });

  it('a fan-out packs the one span it records when any child packs, and every child gets it', () => {
    const packing = createMemoryTracer({ packFinishedSpans: true });
    const other = createMemoryTracer();
    const fanout = createFanoutTracer([packing, other]);
    fanout.endSpan(fanout.startSpan({ name: 'x', attributes: { k: 'v' } }));
    const [a] = packing.drain();
    const [b] = other.drain();
    expect(a).toEqual(b);
    expect(a).toMatchObject({ name: 'x', attributes: { k: 'v' } });
    expect(ledgerProblem(fanout.stats())).toBeUndefined();
  });

});

const quiet = { hookProcessShutdown: false, packFinishedSpans: true } as const;
describeConformance('memory tracer, packed', () => createMemoryTracer({ packFinishedSpans: true }), { exported: (tracer) => tracer.drain() });
describeConformance('stdout tracer, packed', () => createStdoutTracer({ ...quiet, stream: new PassThrough().resume(), format: 'json' }));
describeConformance('buffered tracer, packed', (): TracerPlugin =>
  createBufferedTracer('packed', { export: async () => ({ status: 'success' }) }, quiet),
);
