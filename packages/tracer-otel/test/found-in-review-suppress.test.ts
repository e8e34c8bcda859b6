import { context, propagation, SpanKind, trace } from '@opentelemetry/api';
import { isTracingSuppressed } from '@opentelemetry/core';
import { configure } from '@x/trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOtelTracerProvider, fromOtelExporter, type OtelSpanExporter } from '../src/index.js';

const provider = createOtelTracerProvider();
beforeAll(() => { expect(provider.register()).toBe(true); });
afterAll(() => { trace.disable(); context.disable(); propagation.disable(); });

describe('found in review: the exporter runs with tracing suppressed, as their SDK processors run it', () => {
  it('their http instrumentation records no span for the exporter\'s own request', async () => {
    let suppressed: boolean | undefined;
    let recorded: boolean | undefined;
    const exporter: OtelSpanExporter = {
      export(_spans, cb) {
        suppressed = isTracingSuppressed(context.active());
        // what @opentelemetry/instrumentation-http does for the exporter's POST /v1/traces
        const span = trace.getTracer('@opentelemetry/instrumentation-http').startSpan('POST', { kind: SpanKind.CLIENT });
        recorded = span.isRecording();
        span.end();
        cb({ code: 0 });
      },
      shutdown: () => Promise.resolve(),
    };
    const t = fromOtelExporter(exporter, { hookProcessShutdown: false, scheduledDelayMillis: 60_000 });
    configure({ tracer: t });
    t.endSpan(t.startSpan({ name: 'app' }));
    await t.flush();
    expect(recorded).toBe(false);
    expect(suppressed).toBe(true);
    await t.flush();
    expect(t.stats().spansExported).toBe(1); // only the app span, not the exporter's request
    await t.shutdown();
  });
});
