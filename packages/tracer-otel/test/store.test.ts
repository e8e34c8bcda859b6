import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { createStoreTracer, openTraceStore } from '@x/tracer-store';
import { describe, expect, it } from 'vitest';
import { createOtelTracerProvider } from '../src/index.js';

// OpenTelemetry's undici instrumentation, driving a real fetch, recorded through the bridge straight
// into the trace store (DuckDB in memory): their instrumentations reach any of our plugins.

describe('an OpenTelemetry instrumentation into the trace store', () => {
  it('stores the client span of a real fetch with its kind, attributes and scope', async () => {
    const store = await openTraceStore({ path: ':memory:' });
    const tracer = createStoreTracer({ store, serviceName: 'fetcher', hookProcessShutdown: false });
    const provider = createOtelTracerProvider(tracer);
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/stock?item=7`;
    const unregister = registerInstrumentations({ tracerProvider: provider, instrumentations: [new UndiciInstrumentation()] });
    try {
      expect(await (await fetch(url)).text()).toBe('ok');
    } finally {
      unregister();
      server.close();
    }
    await provider.forceFlush();
    const [summary] = await store.searchTraces({ service: 'fetcher' });
    const trace = await store.getTrace(summary!.trace_id);
    expect(trace?.spans).toHaveLength(1);
    expect(trace!.spans[0]).toMatchObject({
      operation_name: 'GET',
      kind: 'client',
      service_name: 'fetcher',
      scope_name: '@opentelemetry/instrumentation-undici',
      tags: { 'http.request.method': 'GET', 'url.full': url, 'http.response.status_code': 200 },
    });
    await provider.shutdown();
    await store.close();
  });
});
