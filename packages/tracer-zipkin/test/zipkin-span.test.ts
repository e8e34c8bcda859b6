// Encoding, end to end: spans recorded by the Zipkin tracer, exported to a real endpoint that
// checks every body against zipkin2-api.yaml, read back as Zipkin JSON.
import { afterEach, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, type BufferedTracer, type SpanHandle, type SpanStart } from '@x/tracer-core';
import { createZipkinTracer, type ZipkinTracerOptions } from '@x/tracer-zipkin';
import { startZipkinReceiver, type ZipkinReceiver } from './support/zipkin-receiver.js';

const open: { receivers: ZipkinReceiver[]; tracers: BufferedTracer[] } = { receivers: [], tracers: [] };
afterEach(async () => {
  for (const r of open.receivers) expect(r.problems).toEqual([]);
  await Promise.allSettled(open.tracers.splice(0).map((t) => t.shutdown({ timeoutMillis: 200 })));
  await Promise.allSettled(open.receivers.splice(0).map((r) => r.close()));
});

/** Records what `record` does on a fresh tracer, flushes, and returns the Zipkin spans received. */
async function exported(record: (t: BufferedTracer) => void, options: ZipkinTracerOptions = {}): Promise<any[]> {
  const receiver = await startZipkinReceiver();
  open.receivers.push(receiver);
  const tracer = createZipkinTracer({ url: receiver.url, serviceName: 'checkout', hookProcessShutdown: false, scheduledDelayMillis: 60_000, ...options });
  open.tracers.push(tracer);
  record(tracer);
  await tracer.flush();
  expect(receiver.problems).toEqual([]);
  return receiver.accepted();
}

async function one(start: Partial<SpanStart>, then: (t: BufferedTracer, span: SpanHandle) => void = () => {}, options?: ZipkinTracerOptions): Promise<any> {
  const spans = await exported((t) => {
    const span = t.startSpan({ name: 'op', ...start });
    then(t, span);
    t.endSpan(span);
  }, options);
  expect(spans).toHaveLength(1);
  return spans[0];
}

describe('Zipkin v2 encoding', () => {
  it.each([
    [SpanKind.INTERNAL, undefined],
    [SpanKind.SERVER, 'SERVER'],
    [SpanKind.CLIENT, 'CLIENT'],
    [SpanKind.PRODUCER, 'PRODUCER'],
    [SpanKind.CONSUMER, 'CONSUMER'],
  ])('kind %i is sent as %s (INTERNAL: no kind field)', async (kind, expected) => {
    const span = await one({ kind });
    expect(span.kind).toBe(expected);
    expect('kind' in span).toBe(expected !== undefined);
  });

  it('ids are lowercase hex (32-digit trace, 16-digit span and parent); a root has no parentId', async () => {
    const [child, root] = await exported((t) => {
      const r = t.startSpan({ name: 'root' });
      t.endSpan(t.startSpan({ name: 'child', parent: r }));
      t.endSpan(r);
    });
    expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(root.id).toMatch(/^[0-9a-f]{16}$/);
    expect('parentId' in root).toBe(false);
    expect(child.traceId).toBe(root.traceId);
    expect(child.parentId).toBe(root.id);
  });

  it('a remote parent (a handle this tracer never issued) gives its trace id and parent id', async () => {
    const parent: SpanHandle = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
    const span = await one({ parent });
    expect(span.traceId).toBe('4bf92f3577b34da6a3ce929d0e0e4736');
    expect(span.parentId).toBe('00f067aa0ba902b7');
  });

  it('timestamp and duration are whole microseconds; a span shorter than 1 µs lasts 1', async () => {
    const start = 1_700_000_000_123_456_789n;
    const [long, short] = await exported((t) => {
      t.endSpan(t.startSpan({ name: 'long', startTimeUnixNanos: start }), start + 2_500_400n);
      t.endSpan(t.startSpan({ name: 'short', startTimeUnixNanos: start }), start + 400n);
    });
    expect(long.timestamp).toBe(1_700_000_000_123_456);
    expect(long.duration).toBe(2500);
    expect(short.timestamp).toBe(1_700_000_000_123_456);
    expect(short.duration).toBe(1);
  });

  it('localEndpoint.serviceName is serviceName, else resourceAttributes service.name; other resource attributes are tags', async () => {
    expect((await one({})).localEndpoint).toEqual({ serviceName: 'checkout' });
    const span = await one({}, undefined, { serviceName: undefined, resourceAttributes: { 'service.name': 'cart', 'service.namespace': 'shop', 'deployment.replicas': 3 } });
    expect(span.localEndpoint).toEqual({ serviceName: 'cart' });
    expect(span.tags['service.namespace']).toBe('shop');
    expect(span.tags['deployment.replicas']).toBe('3');
    expect('service.name' in span.tags).toBe(false);
  });

  it('attributes are string tags: numbers as numbers print, booleans "true"/"false", arrays as a JSON list', async () => {
    const span = await one({ attributes: { s: 'text', i: 42, f: 1.5, t: true, n: false, strings: ['a', 'b'], numbers: [1, 2.5], flags: [true, false] } });
    expect(span.tags).toMatchObject({ s: 'text', i: '42', f: '1.5', t: 'true', n: 'false', strings: '["a","b"]', numbers: '[1,2.5]', flags: '[true,false]' });
  });

  it('an attribute named __proto__ is a tag like any other', async () => {
    const attributes = JSON.parse('{"__proto__": "x"}');
    const span = await one({ attributes });
    expect(Object.getOwnPropertyDescriptor(span.tags, '__proto__')?.value).toBe('x');
  });

  // Times given far from now are floats with some 10 ns of error: mid-microsecond times keep the test exact.
  it('events are annotations: µs timestamp, the name alone, or the name with its attributes as the mapping writes them', async () => {
    const span = await one({}, (t, s) => {
      t.addEvent(s, { name: 'cache-miss', timeUnixNanos: 1_700_000_000_000_001_400n });
      t.addEvent(s, { name: 'retry', timeUnixNanos: 1_700_000_000_000_002_600n, attributes: { attempt: 2, ok: false } });
    });
    expect(span.annotations).toEqual([
      { timestamp: 1_700_000_000_000_001, value: 'cache-miss' },
      { timestamp: 1_700_000_000_000_002, value: '"retry": {"attempt":2,"ok":false}' },
    ]);
  });

  it('two equal events in one microsecond are one annotation (the schema wants unique items); no events, no annotations field', async () => {
    const span = await one({}, (t, s) => {
      t.addEvent(s, { name: 'tick', timeUnixNanos: 1_700_000_000_000_000_100n });
      t.addEvent(s, { name: 'tick', timeUnixNanos: 1_700_000_000_000_000_200n });
    });
    expect(span.annotations).toEqual([{ timestamp: 1_700_000_000_000_000, value: 'tick' }]);
    expect('annotations' in (await one({}))).toBe(false);
  });

  it.each([
    [{ code: SpanStatusCode.UNSET }, {}, ['otel.status_code', 'error']],
    [{ code: SpanStatusCode.OK }, { 'otel.status_code': 'OK' }, ['error']],
    [{ code: SpanStatusCode.ERROR, message: 'card declined' }, { 'otel.status_code': 'ERROR', error: 'card declined' }, []],
    [{ code: SpanStatusCode.ERROR }, { 'otel.status_code': 'ERROR', error: '' }, []],
  ] as const)('status %j: tags %j, and none of %j', async (status, tags, absent) => {
    // A boolean `error` attribute must not make Zipkin read a span as failed; the status decides.
    const span = await one({ attributes: { error: false, 'otel.status_code': 'bogus' } }, (t, s) => t.setStatus(s, status));
    expect(span.tags).toMatchObject(tags);
    for (const key of absent) expect(key in span.tags).toBe(false);
  });

  describe('remoteEndpoint of CLIENT and PRODUCER spans, by the mapping\'s ranking', () => {
    const all = {
      'peer.service': 'payments',
      'server.address': 'pay.internal',
      'net.peer.name': 'legacy.internal',
      'network.peer.address': '10.0.0.7',
      'network.peer.port': 8443,
      'peer.hostname': 'opentracing.internal',
      'db.name': 'orders',
    };
    it.each([
      [all, { serviceName: 'payments' }],
      [{ ...all, 'peer.service': undefined }, { serviceName: 'pay.internal' }],
      [{ 'net.peer.name': 'legacy.internal', 'peer.address': '10.0.0.9', 'db.name': 'orders' }, { serviceName: 'legacy.internal' }],
      [{ 'network.peer.address': '10.0.0.7', 'network.peer.port': 8443, 'peer.hostname': 'x' }, { ipv4: '10.0.0.7', port: 8443 }],
      [{ 'network.peer.address': '2001:db8::c001', 'network.peer.port': 0 }, { ipv6: '2001:db8::c001' }],
      [{ 'server.socket.address': '10.1.1.1', 'server.socket.port': 5432, 'db.name': 'orders' }, { ipv4: '10.1.1.1', port: 5432 }],
      [{ 'net.sock.peer.addr': '10.2.2.2', 'net.sock.peer.port': 99999 }, { ipv4: '10.2.2.2' }],
      [{ 'peer.hostname': 'opentracing.internal', 'db.name': 'orders' }, { serviceName: 'opentracing.internal' }],
      [{ 'peer.service': '', 'db.name': 'orders' }, { serviceName: 'orders' }],
    ])('%j -> %j', async (attributes, endpoint) => {
      for (const kind of [SpanKind.CLIENT, SpanKind.PRODUCER]) {
        expect((await one({ kind, attributes: attributes as any })).remoteEndpoint).toEqual(endpoint);
      }
    });

    it('no peer attribute, or a SERVER, CONSUMER or INTERNAL span: no remoteEndpoint', async () => {
      expect('remoteEndpoint' in (await one({ kind: SpanKind.CLIENT, attributes: { 'http.method': 'GET' } }))).toBe(false);
      for (const kind of [SpanKind.SERVER, SpanKind.CONSUMER, SpanKind.INTERNAL]) {
        expect('remoteEndpoint' in (await one({ kind, attributes: all }))).toBe(false);
      }
    });
  });

  it('dropped attributes, events and links are counted in otel.dropped_* tags; links, which Zipkin cannot carry, count as dropped', async () => {
    const link = { context: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' } };
    const span = await one(
      { attributes: { a: 1, b: 2, c: 3 }, links: [link, link, link] },
      (t, s) => {
        for (let i = 0; i < 3; i++) t.addEvent(s, { name: `e${i}` });
      },
      { spanLimits: { attributeCountLimit: 1, eventCountLimit: 2, linkCountLimit: 1 } },
    );
    expect(span.tags['otel.dropped_attributes_count']).toBe('2');
    expect(span.tags['otel.dropped_events_count']).toBe('1');
    expect(span.tags['otel.dropped_links_count']).toBe('3');
    const clean = await one({});
    for (const key of ['otel.dropped_attributes_count', 'otel.dropped_events_count', 'otel.dropped_links_count']) expect(key in clean.tags).toBe(false);
  });

  it('the instrumentation scope is the otel.scope.name and otel.scope.version tags: the span\'s, else the configured default, else the package', async () => {
    const scope = Object.freeze({ name: 'shop.http', version: '2.1.0' });
    expect((await one({ scope })).tags).toMatchObject({ 'otel.scope.name': 'shop.http', 'otel.scope.version': '2.1.0' });
    const unversioned = (await one({ scope: { name: 'shop.db' } })).tags;
    expect(unversioned['otel.scope.name']).toBe('shop.db');
    expect('otel.scope.version' in unversioned).toBe(false);
    expect((await one({}, undefined, { scope: { name: 'shop' } })).tags['otel.scope.name']).toBe('shop');
    expect((await one({})).tags).toMatchObject({ 'otel.scope.name': '@x/tracer-zipkin', 'otel.scope.version': '0.1.0' });
  });
});
