import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createMemoryTracer } from '@x/tracer-memory';
import { describe, expect, it } from 'vitest';
import { createOtelSpanProcessor } from '../src/index.js';

// createOtelSpanProcessor on OpenTelemetry's own SDK provider: what the SDK recorded is what the plugin has.

describe('createOtelSpanProcessor(plugin) on an SDK provider', () => {
  it('records every span with the SDK\'s ids, parent, times, final attributes, events, links, status and name', async () => {
    const memory = createMemoryTracer();
    const provider = new BasicTracerProvider({ spanProcessors: [createOtelSpanProcessor(memory)] });
    const tracer = provider.getTracer('sdk-user', '3.0.0');
    const parent = tracer.startSpan('parent', { kind: SpanKind.SERVER });
    const child = tracer.startSpan(
      'child',
      { attributes: { a: 1 }, links: [{ context: parent.spanContext(), attributes: { why: 'x' } }] },
      trace.setSpan(context.active(), parent),
    );
    child.setAttribute('late', 'yes');
    child.addEvent('happened', { n: 2 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'nope' });
    child.updateName('child renamed');
    child.end();
    parent.end();
    await provider.forceFlush();

    const [c, p] = memory.drain();
    expect(p).toMatchObject({ traceId: parent.spanContext().traceId, spanId: parent.spanContext().spanId, kind: 1, name: 'parent' });
    expect(c).toMatchObject({ traceId: parent.spanContext().traceId, spanId: child.spanContext().spanId, parentSpanId: parent.spanContext().spanId, name: 'child renamed' });
    expect({ ...c!.attributes }).toEqual({ a: 1, late: 'yes' });
    expect(c!.events.map((e) => e.name)).toEqual(['happened']);
    const sdkChild = child as unknown as { startTime: [number, number]; endTime: [number, number]; events: { time: [number, number] }[] };
    const nanos = ([s, ns]: [number, number]) => BigInt(s) * 1_000_000_000n + BigInt(ns);
    expect(c!.startTimeUnixNanos).toBe(nanos(sdkChild.startTime));
    expect(c!.endTimeUnixNanos).toBe(nanos(sdkChild.endTime));
    expect(c!.events[0]!.timeUnixNanos).toBe(nanos(sdkChild.events[0]!.time));
    expect(c!.links[0]).toMatchObject({ traceId: parent.spanContext().traceId, spanId: parent.spanContext().spanId });
    expect(c!.status).toEqual({ code: 2, message: 'nope' });
    expect(c!.scope).toEqual({ name: 'sdk-user', version: '3.0.0' });
    await provider.shutdown();
  });
});
