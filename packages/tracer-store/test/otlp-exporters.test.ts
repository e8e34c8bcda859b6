// OpenTelemetry's own exporters sending to the receiver over real HTTP: what any SDK sends must be
// stored column for column, in both encodings, with and without gzip.
import { OTLPTraceExporter as JsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { afterEach, describe, expect, it } from 'vitest';
import { collectingSink, startReceiver, type TestReceiver } from './support/otlp-test-receiver.js';
import { EXPECTED_ROWS, exampleSpans } from './support/otlp-spans.js';

type ExporterConfig = NonNullable<ConstructorParameters<typeof ProtoExporter>[0]>;
// The exporters type `compression` as their own enum; its 'gzip' member is this string.
const GZIP = 'gzip' as unknown as ExporterConfig['compression'];

const CONTENT_TYPES = { protobuf: 'application/x-protobuf', json: 'application/json' };

const EXPORTERS = {
  protobuf: (config: ExporterConfig) => new ProtoExporter(config),
  json: (config: ExporterConfig) => new JsonExporter(config),
};

function exportOnce(exporter: SpanExporter, spans: ReadableSpan[]): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

let receiver: TestReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe.each([
  ['protobuf', 'none'],
  ['protobuf', 'gzip'],
  ['json', 'none'],
  ['json', 'gzip'],
] as const)('OTLP/HTTP %s, compression %s', (encoding, compression) => {
  it('stores every field of the spans the exporter sends', async () => {
    const sink = collectingSink();
    receiver = await startReceiver(sink);
    const exporter = EXPORTERS[encoding]({ url: receiver.url, ...(compression === 'gzip' ? { compression: GZIP } : {}) });

    const result = await exportOnce(exporter, exampleSpans());
    await exporter.shutdown();

    expect(result).toEqual({ code: 0 });
    expect(receiver.requests).toEqual([
      { contentType: CONTENT_TYPES[encoding], contentEncoding: compression === 'gzip' ? 'gzip' : undefined },
    ]);
    expect(sink.calls).toHaveLength(1);
    expect(sink.stored).toEqual(EXPECTED_ROWS);
  });

  it('stores the spans a busy store refused once the exporter retries after Retry-After', async () => {
    const sink = collectingSink({ status: 'busy', retryAfterSeconds: 1 });
    receiver = await startReceiver(sink);
    const exporter = EXPORTERS[encoding]({ url: receiver.url, timeoutMillis: 5_000, ...(compression === 'gzip' ? { compression: GZIP } : {}) });

    const began = Date.now();
    const result = await exportOnce(exporter, exampleSpans());
    const waited = Date.now() - began;
    await exporter.shutdown();

    expect(result).toEqual({ code: 0 });
    expect(sink.calls).toHaveLength(2);
    expect(waited).toBeGreaterThanOrEqual(900); // the exporter honoured Retry-After: 1
    expect(sink.stored).toEqual(EXPECTED_ROWS);
  });
});

it('stores spans recorded by the SDK (BasicTracerProvider + SimpleSpanProcessor), times exact to the nanosecond', async () => {
  const sink = collectingSink();
  receiver = await startReceiver(sink);
  const exporter = new ProtoExporter({ url: receiver.url });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'sdk-service' }),
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  const tracer = provider.getTracer('sdk-scope', '9.9.9');

  const span = tracer.startSpan('work', { kind: 3 /* PRODUCER */, startTime: [1_700_000_123, 1], attributes: { n: 7 } });
  span.addEvent('halfway', { step: 'two' }, [1_700_000_123, 999_999_999]);
  span.end([1_700_000_124, 2]);
  await provider.forceFlush();
  await provider.shutdown();

  const context = span.spanContext();
  expect(sink.stored).toEqual([
    expect.objectContaining({
      traceId: context.traceId,
      spanId: context.spanId,
      parentSpanId: null,
      operationName: 'work',
      serviceName: 'sdk-service',
      kind: 'producer',
      startUnixNanos: 1_700_000_123_000_000_001n,
      durationNanos: 1_000_000_001n,
      tags: { n: 7 },
      logs: [{ name: 'halfway', time_unix_nano: '1700000123999999999', attributes: { step: 'two' }, dropped_attributes_count: 0 }],
      scopeName: 'sdk-scope',
      scopeVersion: '9.9.9',
    }),
  ]);
});
