// Whatever tracer a site picked receives the spans of @x/trace: stdout on a real stream, a fan-out,
// and OTLP/HTTP JSON to a real server on 127.0.0.1 (decoded with JSON.parse, independent of ours).
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { configure, flush, getTracer, recordEvent, SpanKind, withSpan, startSpan, finishSpan } from '@x/trace';
import { createFanoutTracer } from '@x/tracer-fanout';
import { createMemoryTracer } from '@x/tracer-memory';
import { createOtlpTracer } from '@x/tracer-otlp';
import { createStdoutTracer } from '@x/tracer-stdout';

afterEach(() => {
  configure();
  flush();
});

/** Runs a small request through the application API: a server span, a child, an event, a failure. */
async function checkout(): Promise<void> {
  await withSpan(
    'POST /checkout',
    async (request) => {
      request.record('order_total', 99.5);
      recordEvent('validated', { items: 3 });
      await getTracer('payments', '1.4.0').withSpan('charge card', async () => {
        await new Promise((resolve) => setTimeout(resolve, 2));
      });
      const db = await startSpan('db.insert', { kind: SpanKind.CLIENT, attributes: { db: { system: 'postgresql' } } });
      await finishSpan(db);
      await withSpan('send receipt', async () => {
        throw new Error('smtp down');
      }).catch(() => undefined);
    },
    { kind: SpanKind.SERVER, attributes: { 'http.method': 'POST' } },
  );
}

describe('tracers behind @x/trace', () => {
  it('stdout (NDJSON on a real stream): every span, parents, attributes, events, status', async () => {
    const stream = new PassThrough();
    let text = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    const tracer = createStdoutTracer({ stream, format: 'json', hookProcessShutdown: false });
    configure({ tracer, service: 'shop' });
    await checkout();
    await tracer.shutdown();
    const lines = text.trim().split('\n').map((line) => JSON.parse(line));
    const byName = Object.fromEntries(lines.map((span) => [span.name, span]));
    expect(Object.keys(byName).sort()).toEqual(['POST /checkout', 'charge card', 'db.insert', 'send receipt']);
    const root = byName['POST /checkout'];
    expect(root).toMatchObject({ parentSpanId: null, kind: 'server', attributes: { 'http.method': 'POST', order_total: 99.5 } });
    expect(root.events.map((e: { name: string }) => e.name)).toEqual(['validated']);
    for (const name of ['charge card', 'db.insert', 'send receipt']) {
      expect(byName[name]).toMatchObject({ traceId: root.traceId, parentSpanId: root.spanId });
    }
    expect(byName['db.insert']).toMatchObject({ kind: 'client', attributes: { 'db.system': 'postgresql' } });
    expect(byName['send receipt']).toMatchObject({ status: { code: 'error', message: 'smtp down' } });
    expect(byName['send receipt'].events[0].attributes['exception.message']).toBe('smtp down');
    expect(tracer.stats()).toMatchObject({ spansStarted: 4, spansExported: 4 });
  });

  it('a fan-out: the same ids in each backend and in the records', async () => {
    const first = createMemoryTracer();
    const second = createMemoryTracer();
    configure({ tracer: createFanoutTracer([first, second]) });
    await checkout();
    const records = flush();
    const a = first.drain();
    const b = second.drain();
    expect(a.map((s) => s.spanId).sort()).toEqual(b.map((s) => s.spanId).sort());
    expect(records.map((r) => r.wire_span_id).sort()).toEqual(a.map((s) => s.spanId).sort());
  });

  it('OTLP/HTTP JSON to a real receiver: spans arrive under their instrumentation scope', async () => {
    const bodies: unknown[] = [];
    const server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        bodies.push(JSON.parse(body));
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const tracer = createOtlpTracer({ url: `http://127.0.0.1:${port}/v1/traces`, protocol: 'http/json', serviceName: 'shop', hookProcessShutdown: false });
    try {
      configure({ tracer, service: 'shop' });
      await checkout();
      await tracer.flush();
      const scopeSpans = (bodies as any[]).flatMap((body) => body.resourceSpans.flatMap((rs: any) => rs.scopeSpans));
      const names = (scope: string) => scopeSpans.filter((ss: any) => ss.scope.name === scope).flatMap((ss: any) => ss.spans.map((s: any) => s.name)).sort();
      expect(names('shop')).toEqual(['POST /checkout', 'db.insert', 'send receipt']);
      expect(names('payments')).toEqual(['charge card']);
      expect(scopeSpans.find((ss: any) => ss.scope.name === 'payments').scope.version).toBe('1.4.0');
    } finally {
      await tracer.shutdown();
      server.close();
    }
  });
});
