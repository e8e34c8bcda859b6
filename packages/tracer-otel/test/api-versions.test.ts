import { createRequire } from 'node:module';
import * as api13 from '@opentelemetry/api-1.3';
import { context, trace } from '@opentelemetry/api';
import { configure, withSpan } from '@x/trace';
import { createMemoryTracer } from '@x/tracer-memory';
import { afterAll, describe, expect, it } from 'vitest';
import { startReceiver } from '../../tracer-otlp/test/support/receiver.js';
import { createOtelTracerProvider, fromOtelExporter } from '../src/index.js';
import { NEXT_LINE_RUNS } from './support/otel-lines.js';

// The OpenTelemetry versions the bridge supports, each exercised: @opentelemetry/api from 1.3 (the
// peer range's floor; instrumentations built on an older 1.x API find our provider and context
// manager through the API's global registry), and the SDK lines: 0.221/2.x everywhere (the other
// tests), 0.3xx/3.x where their packages run (Node >= 22.15).

afterAll(() => {
  trace.disable();
  context.disable();
});

describe('@opentelemetry/api versions', () => {
  it('code on @opentelemetry/api 1.3.0 records through our provider and shares the context with withSpan', async () => {
    expect(createRequire(import.meta.url)('@opentelemetry/api-1.3/package.json').version).toBe('1.3.0');
    const memory = createMemoryTracer();
    configure({ tracer: memory });
    expect(createOtelTracerProvider().register()).toBe(true);
    const old = api13.trace.getTracer('old-instrumentation', '0.1.0');
    await withSpan('ours', async () => {
      const span = old.startSpan('theirs');
      await api13.context.with(api13.trace.setSpan(api13.context.active(), span), async () => {
        await withSpan('ours inside theirs', async () => undefined);
      });
      span.end();
    });
    const byName = Object.fromEntries(memory.drain().map((s) => [s.name, s]));
    expect(byName.theirs!.parentSpanId).toBe(byName.ours!.spanId);
    expect(byName['ours inside theirs']!.parentSpanId).toBe(byName.theirs!.spanId);
    expect(byName.theirs!.scope).toEqual({ name: 'old-instrumentation', version: '0.1.0' });
  });
});

describe('OpenTelemetry SDK lines behind fromOtelExporter', () => {
  // Reported as skipped on Node 20, run on 22.15 and later.
  it.runIf(NEXT_LINE_RUNS)('@opentelemetry/exporter-trace-otlp-http 0.301 (0.3xx/3.x line, Node >= 22.15) delivers to a real receiver', async () => {
    const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http-next');
    const receiver = await startReceiver();
    const t = fromOtelExporter(new OTLPTraceExporter({ url: receiver.url }), { hookProcessShutdown: false, serviceName: 'next' });
    const root = t.startSpan({ name: 'root' });
    const child = t.startSpan({ name: 'child', parent: root });
    t.endSpan(child);
    t.endSpan(root);
    await t.shutdown();
    await receiver.close();
    expect(receiver.accepted()).toEqual(['child', 'root']);
    const spans = receiver.requests[0]!.request.resourceSpans[0].scopeSpans.flatMap((s: any) => s.spans);
    expect(spans.find((s: any) => s.name === 'child')).toMatchObject({ traceId: root.traceId, spanId: child.spanId, parentSpanId: root.spanId });
  });
});
