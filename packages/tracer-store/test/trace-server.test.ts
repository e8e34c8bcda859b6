import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import http from 'node:http';
import { gunzipSync } from 'node:zlib';
import { InvalidOptionError } from '@x/tracer-core';
import { afterEach, describe, expect, it } from 'vitest';
import { startTraceServer, type TraceServer, type TraceStore } from '../src/index.js';
import { duckdb, postgres } from './support/engines.js';
import { spanRow, traceId } from './support/span-rows.js';

async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(url, { headers });
  return { status: response.status, body: await response.json() };
}

describe.each([duckdb, postgres])('the store server on $name', (engine) => {
  const open: { store: TraceStore; server: TraceServer }[] = [];
  const start = async (options: { token?: string } = {}) => {
    const store = await engine.open();
    const server = await startTraceServer({ store, ...options });
    open.push({ store, server });
    return { store, server };
  };
  afterEach(async () => {
    for (const { store, server } of open.splice(0)) {
      await server.close();
      await store.close();
    }
  });

  it.each([
    ['http/protobuf', (url: string) => new OtlpProtoExporter({ url, compression: 'gzip' as never })],
    ['http/json', (url: string) => new OtlpJsonExporter({ url })],
  ])("stores what OpenTelemetry's own %s exporter sends, and the API serves it back", async (_, exporter) => {
    const { server } = await start();
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'frontend' }),
      spanProcessors: [new SimpleSpanProcessor(exporter(`${server.url}/v1/traces`))],
    });
    const tracer = provider.getTracer('web', '3.0.0');
    const root = tracer.startSpan('GET /checkout', { kind: SpanKind.SERVER, attributes: { 'http.route': '/checkout' } });
    const child = tracer.startSpan('SELECT orders', { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql' } }, trace.setSpan(context.active(), root));
    child.addEvent('rows', { count: 3 });
    child.setStatus({ code: SpanStatusCode.ERROR, message: 'timeout' });
    child.end();
    root.end();
    await provider.forceFlush();
    await provider.shutdown();
    const id = root.spanContext().traceId;

    const { status, body } = await getJson(`${server.url}/_api/traces/${id}`);
    expect(status).toBe(200);
    expect(body.trace_id).toBe(id);
    expect(body.summary).toMatchObject({ root_service: 'frontend', root_operation: 'GET /checkout', span_count: 2, error_count: 1 });
    expect(body.spans.map((span: any) => span.operation_name).sort()).toEqual(['GET /checkout', 'SELECT orders']);
    const db = body.spans.find((span: any) => span.operation_name === 'SELECT orders');
    expect(db).toMatchObject({
      parent_span_id: root.spanContext().spanId,
      kind: 'client',
      status: 'error',
      status_message: 'timeout',
      tags: { 'db.system': 'postgresql' },
      logs: [{ name: 'rows', attributes: { count: 3 } }],
      scope_name: 'web',
      scope_version: '3.0.0',
    });
    expect(typeof db.start_time).toBe('string');
  });

  it('answers searches, services and operations, and names a bad parameter', async () => {
    const { store, server } = await start();
    await store.write([
      spanRow({ trace: 'a', span: '1', serviceName: 'gateway', operationName: 'create_order', durationMillis: 1500, tags: { plan: 'pro' } }),
      spanRow({ trace: 'b', span: '1', serviceName: 'gateway', operationName: 'create_order', durationMillis: 20, statusCode: 2 }),
    ]);
    const search = (query: string) => getJson(`${server.url}/_api/traces?${query}`);
    // The document's example, and the durations the issue asks for.
    expect((await search('operation=create_order&min_duration=1000&limit=50')).body.traces.map((t: any) => t.trace_id)).toEqual([traceId('a')]);
    expect((await search('min_duration=1.2s')).body.traces).toHaveLength(1);
    expect((await search('max_duration=250ms')).body.traces.map((t: any) => t.trace_id)).toEqual([traceId('b')]);
    expect((await search('status=error')).body.traces.map((t: any) => t.trace_id)).toEqual([traceId('b')]);
    expect((await search('tag=plan:pro')).body.traces.map((t: any) => t.trace_id)).toEqual([traceId('a')]);
    expect((await search('service=gateway&since=1h')).body.traces).toHaveLength(2);
    expect((await search('until=2000-01-01T00:00:00Z')).body.traces).toHaveLength(0);
    expect((await search('limit=100000')).body.limit).toBe(1000);
    expect(await getJson(`${server.url}/_api/services`)).toEqual({ status: 200, body: { services: ['gateway'] } });
    expect((await getJson(`${server.url}/_api/operations?service=gateway`)).body).toEqual({
      operations: [{ service: 'gateway', name: 'create_order', kind: 'internal' }],
    });

    for (const [query, parameter] of [
      ['min_duration=soon', 'min_duration'],
      ['max_duration=-5', 'max_duration'],
      ['limit=0', 'limit'],
      ['limit=ten', 'limit'],
      ['status=ok', 'status'],
      ['tag=novalue', 'tag'],
      ['since=yesterday-ish', 'since'],
      ['min_duraton=5', 'min_duraton'],
      ['service=a&service=b', 'service'],
    ] as const) {
      const { status, body } = await search(query);
      expect(status, query).toBe(400);
      expect(body.error.parameter, query).toBe(parameter);
      expect(body.error.message, query).toContain(parameter);
    }
    const missing = await getJson(`${server.url}/_api/traces/${traceId('zz')}`);
    expect(missing).toEqual({ status: 404, body: { error: { message: `no trace with id '${traceId('zz')}' is stored` } } });
    expect((await getJson(`${server.url}/_api/nothing`)).status).toBe(404);
    expect((await fetch(`${server.url}/_api/services`, { method: 'POST' })).status).toBe(405);
  });

  it('with a token, refuses every request that does not carry it', async () => {
    const token = 'a-token-of-sixteen-or-more';
    const { server } = await start({ token });
    expect((await getJson(`${server.url}/_api/services`)).status).toBe(401);
    expect((await getJson(`${server.url}/_api/services`, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await fetch(`${server.url}/v1/traces`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect((await getJson(`${server.url}/_api/services`, { authorization: `Bearer ${token}` })).status).toBe(200);
    expect((await getJson(`${server.url}/_api/services`, { authorization: `bearer ${token}` })).status).toBe(200);

    // A browser: a page opened once with ?token= sets an HttpOnly cookie and redirects without it.
    expect((await fetch(`${server.url}/?token=wrong-token-of-some-length`, { redirect: 'manual' })).status).toBe(401);
    const login = await fetch(`${server.url}/search?service=a&token=${token}`, { redirect: 'manual' });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/search?service=a');
    const cookie = login.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^x_tracing_token=[^;]+; HttpOnly; SameSite=Lax; Path=\/$/);
    expect((await getJson(`${server.url}/_api/services`, { cookie: cookie.split(';')[0]! })).status).toBe(200);
    expect((await getJson(`${server.url}/_api/services`, { cookie: 'x_tracing_token=guess' })).status).toBe(401);
    // Already logged in, a page opened with ?token= is still redirected without it.
    const again = await fetch(`${server.url}/search?token=${token}&service=b`, { redirect: 'manual', headers: { cookie: cookie.split(';')[0]! } });
    expect(again.status).toBe(303);
    expect(again.headers.get('location')).toBe('/search?service=b');
  });

  it('gzips a JSON answer the client takes gzipped, and only then', async () => {
    const { store, server } = await start();
    await store.write(Array.from({ length: 50 }, (_, i) => spanRow({ trace: 'big', span: `s${i}`, tags: { note: 'x'.repeat(100) } })));
    const url = `${server.url}/_api/traces/${traceId('big')}`;
    const raw = await new Promise<{ encoding: string | undefined; body: Buffer }>((resolve, reject) => {
      http.get(url, { headers: { 'accept-encoding': 'gzip' } }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ encoding: response.headers['content-encoding'], body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    expect(raw.encoding).toBe('gzip');
    expect(JSON.parse(gunzipSync(raw.body).toString()).spans).toHaveLength(50);
    const plain = await new Promise<string | undefined>((resolve, reject) => {
      http.get(url, (response) => {
        response.resume();
        resolve(response.headers['content-encoding']);
      }).on('error', reject);
    });
    expect(plain).toBeUndefined();
  });
});

describe('startTraceServer options', () => {
  it('listens on 127.0.0.1 by default and refuses a public address without a token', async () => {
    const store = await duckdb.open();
    const server = await startTraceServer({ store });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await server.close();
    await expect(startTraceServer({ store, host: '0.0.0.0' })).rejects.toThrow(InvalidOptionError);
    await expect(startTraceServer({ store, host: '0.0.0.0' })).rejects.toThrow('give a token');
    await expect(startTraceServer({ store, token: 'short' })).rejects.toThrow('at least 16 characters');
    await expect(startTraceServer({ store, port: 70000 })).rejects.toThrow('port must be 0 to 65535');
    const open = await startTraceServer({ store, host: '0.0.0.0', token: 'a-token-of-sixteen-or-more' });
    expect(open.url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    await open.close();
    await store.close();
  });
});

describe('the receiver queue', () => {
  it('answers 503 with Retry-After past maxPendingSpans, and stores exactly what it answered 200 for', async () => {
    const store = await duckdb.open();
    const server = await startTraceServer({ store, maxPendingSpans: 50 });
    const request = (n: number) =>
      JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'burst' } }] },
            scopeSpans: [
              {
                spans: Array.from({ length: 20 }, (_, i) => ({
                  traceId: traceId(`r${n}`),
                  spanId: (i + 1).toString(16).padStart(16, '0'),
                  name: 'burst',
                  startTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                  endTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                })),
              },
            ],
          },
        ],
      });
    const responses = await Promise.all(
      Array.from({ length: 30 }, (_, n) =>
        fetch(`${server.url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: request(n) }),
      ),
    );
    const accepted = responses.filter((response) => response.status === 200).length;
    const busy = responses.filter((response) => response.status === 503);
    expect(accepted + busy.length).toBe(30);
    expect(busy.length).toBeGreaterThan(0);
    expect(busy[0]!.headers.get('retry-after')).toBe('2');
    expect((await store.query('SELECT count(*) AS n FROM forge_traces'))[0]).toEqual({ n: accepted * 20 });
    await server.close();
    await store.close();
  });
});
