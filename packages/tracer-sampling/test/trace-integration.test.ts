// The sampler under @x/trace: the threshold it records is what children carry and inject sends on.
import { afterEach, describe, expect, it } from 'vitest';
import { clear, configure, extract, inject, startSpan, finishSpan, withSpan } from '@x/trace';
import { createMemoryTracer } from '@x/tracer-memory';
import { createSamplingTracer } from '@x/tracer-sampling';

afterEach(() => {
  configure({ tracer: createMemoryTracer() });
  clear();
});

describe('@x/trace with a sampling tracer', () => {
  it("sends the root's threshold downstream in tracestate, and records it on every span of the trace", async () => {
    const backend = createMemoryTracer();
    configure({ tracer: createSamplingTracer(backend, { sampleRate: 1 }), records: false });
    const headers: Record<string, string> = {};
    await withSpan('checkout', async () => {
      await withSpan('charge card', () => inject(undefined, headers));
    });
    expect(headers.tracestate).toMatch(/^xtrace=[0-9a-f]{16},ot=th:0$/);
    // Sampled, and the trace id is random (W3C Level 2): flags 03.
    expect(headers.traceparent).toMatch(/-03$/);
    expect(backend.drain().map((span) => span.traceState)).toEqual(['ot=th:0', 'ot=th:0']);
  });

  it('a downstream service at the same rate decides the trace the upstream kept alike, and records the threshold it received', () => {
    const upstream = createMemoryTracer();
    configure({ tracer: createSamplingTracer(upstream, { sampleRate: 0.5 }), records: false });
    const sent: Record<string, string>[] = [];
    for (let i = 0; i < 40; i++) {
      const span = startSpan('request');
      const headers: Record<string, string> = {};
      inject(span, headers);
      sent.push(headers);
      finishSpan(span);
    }
    const keptUpstream = new Set(upstream.drain().map((span) => span.traceId));
    expect(keptUpstream.size).toBeGreaterThan(5);
    expect(keptUpstream.size).toBeLessThan(35);

    // The next service, not parent-based: its own ratio decides, from the same trace ids.
    const downstream = createMemoryTracer();
    configure({ tracer: createSamplingTracer(downstream, { sampleRate: 0.5, parentBased: false }), records: false });
    for (const headers of sent) {
      const parent = extract(headers);
      finishSpan(startSpan('handle', { parent: parent ?? null }));
    }
    const keptDownstream = downstream.drain();
    expect(new Set(keptDownstream.map((span) => span.traceId))).toEqual(keptUpstream);
    expect(keptDownstream.every((span) => span.traceState.includes('ot=th:8'))).toBe(true);
  });
});
