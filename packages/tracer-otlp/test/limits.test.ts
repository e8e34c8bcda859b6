// Limits on untrusted data, set by the standard OTEL_* variables, and the dropped counts on the wire.
import { afterEach, describe, expect, it } from 'vitest';
import { createOtlpTracer, otlpOptionsFromEnv } from '@x/tracer-otlp';
import { startReceiver, type Receiver } from './support/receiver.js';

let receiver: Receiver | undefined;
afterEach(() => receiver?.close());

describe('span limits from the environment', () => {
  it('caps attributes, value length, events and links, and the exported span carries the dropped counts', async () => {
    receiver = await startReceiver();
    const tracer = createOtlpTracer({
      ...otlpOptionsFromEnv({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
        OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT: '2',
        OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT: '5',
        OTEL_SPAN_EVENT_COUNT_LIMIT: '1',
        OTEL_SPAN_LINK_COUNT_LIMIT: '1',
      }),
      hookProcessShutdown: false,
    });
    const link = { context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) } };
    const span = tracer.startSpan({
      name: 'untrusted',
      attributes: { first: 'abcdefghij', second: ['123456', 'x'], third: 'dropped' },
      links: [link, link],
    });
    tracer.setAttribute(span, 'fourth', 'also dropped');
    for (const name of ['e1', 'e2', 'e3']) tracer.addEvent(span, { name });
    tracer.endSpan(span);
    await tracer.shutdown();
    const [exported] = receiver.requests[0]!.request.resourceSpans[0].scopeSpans[0].spans;
    expect(exported.attributes).toEqual([
      { key: 'first', value: { stringValue: 'abcde' } },
      { key: 'second', value: { arrayValue: { values: [{ stringValue: '12345' }, { stringValue: 'x' }] } } },
    ]);
    expect(exported.droppedAttributesCount).toBe(2);
    expect(exported.events.map((e: { name: string }) => e.name)).toEqual(['e1']);
    expect(exported.droppedEventsCount).toBe(2);
    expect(exported.links).toHaveLength(1);
    expect(exported.droppedLinksCount).toBe(1);
  });

  it('options win over nothing and are validated like the variables', () => {
    expect(() => otlpOptionsFromEnv({ OTEL_SPAN_EVENT_COUNT_LIMIT: 'many' })).toThrow(/OTEL_SPAN_EVENT_COUNT_LIMIT must be a non-negative integer, got "many"/);
    expect(() => createOtlpTracer({ hookProcessShutdown: false, spanLimits: { linkCountLimit: -1 } })).toThrow(/spanLimits.linkCountLimit must be a non-negative integer/);
  });
});
