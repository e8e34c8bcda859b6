import { InvalidOptionError, ledgerProblem, SpanHandle, SpanKind, SpanStatusCode } from '@x/tracer-core';
import { describeConformance } from '@x/tracer-testkit/vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { createStoreTracer, openTraceStore, type TraceStore } from '../src/index.js';
import { duckdb, postgres } from './support/engines.js';

describe.each([duckdb, postgres])('createStoreTracer on $name', (engine) => {
  it('writes recorded spans with every field, and the ledger balances', async () => {
    const store = await engine.open();
    const tracer = createStoreTracer({ store, serviceName: 'checkout', resourceAttributes: { 'service.instance.id': '8D3C0A1E-3B1E-4A5E-9E2C-1A2B3C4D5E6F', region: 'eu' }, hookProcessShutdown: false });
    const scope = { name: 'shop', version: '2.1.0' };
    const root = tracer.startSpan({ name: 'POST /orders', kind: SpanKind.SERVER, attributes: { 'http.request.method': 'POST', retries: 2 }, scope });
    const child = tracer.startSpan({
      name: 'charge',
      parent: root,
      kind: SpanKind.CLIENT,
      links: [{ context: root, attributes: { why: 'retry' } }],
    });
    tracer.addEvent(child, { name: 'card declined', attributes: { code: 51 } });
    tracer.setStatus(child, { code: SpanStatusCode.ERROR, message: 'declined' });
    tracer.endSpan(child);
    tracer.endSpan(root);
    await tracer.flush();

    const trace = await store.getTrace(root.traceId);
    expect(trace?.spans).toHaveLength(2);
    // Both may start within one clock tick: found by id, not by order.
    const first = trace!.spans.find((span) => span.span_id === root.spanId);
    const second = trace!.spans.find((span) => span.span_id === child.spanId);
    expect(first).toMatchObject({
      span_id: root.spanId,
      parent_span_id: null,
      operation_name: 'POST /orders',
      service_name: 'checkout',
      node_id: '8d3c0a1e-3b1e-4a5e-9e2c-1a2b3c4d5e6f',
      kind: 'server',
      status: 'ok',
      tags: { 'http.request.method': 'POST', retries: 2 },
      scope_name: 'shop',
      scope_version: '2.1.0',
      resource: { 'service.name': 'checkout', region: 'eu', 'telemetry.sdk.name': '@x/tracer-store' },
    });
    expect(second).toMatchObject({
      span_id: child.spanId,
      parent_span_id: root.spanId,
      kind: 'client',
      status: 'error',
      status_code: 2,
      status_message: 'declined',
      logs: [{ name: 'card declined', attributes: { code: 51 }, dropped_attributes_count: 0 }],
      links: [{ trace_id: root.traceId, span_id: root.spanId, attributes: { why: 'retry' } }],
      scope_name: null,
    });
    expect(BigInt(second!.start_unix_nanos as string)).toBeGreaterThanOrEqual(BigInt(first!.start_unix_nanos as string));
    expect(trace?.summary).toMatchObject({ root_service: 'checkout', root_operation: 'POST /orders', span_count: 2, error_count: 1 });
    const stats = tracer.stats();
    expect(stats.spansExported).toBe(2);
    expect(ledgerProblem(stats)).toBeUndefined();
    await tracer.shutdown();
    await store.close();
  });
});

describe('createStoreTracer when writes fail', () => {
  it('keeps a batch whose write failed and writes it with the next export', async () => {
    const store = await openTraceStore({ path: ':memory:' });
    let failures = 1;
    const flaky: TraceStore = Object.create(store, {
      write: {
        value: (rows: Parameters<TraceStore['write']>[0]) => {
          if (failures-- > 0) return Promise.reject(Object.assign(new Error('connection reset'), { code: 'ECONNRESET' }));
          return store.write(rows);
        },
      },
    });
    const tracer = createStoreTracer({ store: flaky, hookProcessShutdown: false });
    tracer.endSpan(tracer.startSpan({ name: 'a' }));
    await expect(tracer.flush()).rejects.toThrow('writing to the trace store failed: connection reset');
    expect(tracer.stats()).toMatchObject({ spansBuffered: 1, spansExported: 0 });
    await tracer.flush();
    expect(tracer.stats()).toMatchObject({ spansBuffered: 0, spansExported: 1 });
    expect((await store.query('SELECT count(*) AS n FROM forge_traces'))[0]).toEqual({ n: 1 });
    await tracer.shutdown();
    await store.close();
  });

  it('finds the spans the store refuses by halving the batch, drops only those as store-rejected', async () => {
    const store = await openTraceStore({ path: ':memory:' });
    const refusing: TraceStore = Object.create(store, {
      write: {
        value: (rows: Parameters<TraceStore['write']>[0]) =>
          rows.some((row) => row.operationName === 'poison')
            ? Promise.reject(new Error('Conversion Error: a value the column refuses'))
            : store.write(rows),
      },
    });
    const tracer = createStoreTracer({ store: refusing, hookProcessShutdown: false });
    for (let i = 0; i < 10; i++) tracer.endSpan(tracer.startSpan({ name: i === 3 || i === 7 ? 'poison' : `ok ${i}` }));
    await expect(tracer.flush()).rejects.toThrow('the trace store refused 2 span(s): Conversion Error');
    const stats = tracer.stats();
    expect(stats).toMatchObject({ spansExported: 8, spansBuffered: 0, spansDropped: { 'store-rejected': 2 } });
    expect(ledgerProblem(stats)).toBeUndefined();
    expect((await store.query('SELECT count(*) AS n FROM forge_traces'))[0]).toEqual({ n: 8 });
    await tracer.shutdown();
    await store.close();
  });

  it('drops and counts spans once the store is closed', async () => {
    const store = await openTraceStore({ path: ':memory:' });
    const tracer = createStoreTracer({ store, hookProcessShutdown: false });
    await store.close();
    tracer.endSpan(tracer.startSpan({ name: 'late' }));
    await expect(tracer.flush()).rejects.toThrow('the trace store is closed');
    const stats = tracer.stats();
    expect(stats.spansDropped).toEqual({ 'store-closed': 1 });
    expect(ledgerProblem(stats)).toBeUndefined();
    await tracer.shutdown().catch(() => undefined);
  });

  it('refuses bad options with a message that says what to pass', () => {
    expect(() => createStoreTracer({} as never)).toThrow(InvalidOptionError);
    expect(() => createStoreTracer({} as never)).toThrow('store must be an open trace store');
    expect(() => createStoreTracer(undefined as never)).toThrow('store must be an open trace store');
  });

  it('records nothing for an unsampled parent', async () => {
    const store = await openTraceStore({ path: ':memory:' });
    const tracer = createStoreTracer({ store, hookProcessShutdown: false });
    expect(tracer.startSpan({ name: 'x', parent: SpanHandle.INVALID })).toBe(SpanHandle.INVALID);
    await tracer.flush();
    expect((await store.query('SELECT count(*) AS n FROM forge_traces'))[0]).toEqual({ n: 0 });
    await tracer.shutdown();
    await store.close();
  });
});

const conformanceStores: TraceStore[] = [];
describeConformance(
  'createStoreTracer',
  async () => {
    const store = await openTraceStore({ path: ':memory:' });
    conformanceStores.push(store);
    const tracer = createStoreTracer({ store });
    exportedBy.set(tracer, store);
    return tracer;
  },
  {
    exported: async (tracer) => {
      const rows = await exportedBy.get(tracer)!.query('SELECT span_id, operation_name FROM forge_traces');
      return rows.map((row) => ({ spanId: String(row.span_id), name: String(row.operation_name) }));
    },
  },
);
const exportedBy = new WeakMap<object, TraceStore>();
afterAll(async () => {
  await Promise.all(conformanceStores.map((store) => store.close()));
});
