import { context, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createMemoryTracer } from '@x/tracer-memory';
import { describe, expect, it } from 'vitest';
import { createOtelSpanProcessor } from '../src/index.js';

describe('found in review: processor probes', () => {
  it('attributes given at start are not counted twice against our attribute limit', () => {
    const memory = createMemoryTracer({ spanLimits: { attributeCountLimit: 2 } } as never);
    const provider = new BasicTracerProvider({ spanProcessors: [createOtelSpanProcessor(memory)] });
    const s = provider.getTracer('t').startSpan('s', { attributes: { a: 1, b: 2 } });
    s.end();
    const [f] = memory.drain();
    expect({ ...f!.attributes }).toEqual({ a: 1, b: 2 });
    expect(f!.droppedAttributesCount).toBe(0);
  });
  it('a remote parent stays remote', () => {
    const memory = createMemoryTracer();
    const provider = new BasicTracerProvider({ spanProcessors: [createOtelSpanProcessor(memory)] });
    const remote = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED, isRemote: true };
    provider.getTracer('t').startSpan('s', {}, trace.setSpanContext(ROOT_CONTEXT, remote)).end();
    const [f] = memory.drain();
    expect(f!.parentSpanId).toBe('b'.repeat(16));
    expect(f!.parentIsRemote).toBe(true);
    void context;
  });
});
