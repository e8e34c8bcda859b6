// W3C Trace Context Level 2: traceparent/tracestate parsing and formatting, carriers, and
// propagation through spans; interop with OpenTelemetry's W3CTraceContextPropagator both ways.
import { once } from 'node:events';
import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { ROOT_CONTEXT, trace, TraceFlags, defaultTextMapGetter, defaultTextMapSetter } from '@opentelemetry/api';
import { W3CTraceContextPropagator, TraceState } from '@opentelemetry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { configure, extract, flush, inject, RemoteContext, startSpan, finishSpan, withSpan } from '@x/trace';
import { createMemoryTracer } from '@x/tracer-memory';
import { formatTraceParent, parseTraceParent } from '../src/propagation/traceparent.js';
import { parseTraceState, withEntry } from '../src/propagation/tracestate.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

afterEach(() => {
  configure();
  flush();
});

describe('traceparent', () => {
  it.each([
    [`00-${TRACE}-${SPAN}-01`, { version: 0, traceId: TRACE, parentId: SPAN, flags: 1 }],
    [`00-${TRACE}-${SPAN}-03`, { version: 0, traceId: TRACE, parentId: SPAN, flags: 3 }],
    [` \t00-${TRACE}-${SPAN}-00\t `, { version: 0, traceId: TRACE, parentId: SPAN, flags: 0 }],
    [`cc-${TRACE}-${SPAN}-01`, { version: 0xcc, traceId: TRACE, parentId: SPAN, flags: 1 }],
    [`cc-${TRACE}-${SPAN}-01-what-the-future-will-be-like`, { version: 0xcc, traceId: TRACE, parentId: SPAN, flags: 1 }],
  ])('reads %j', (header, expected) => {
    expect(parseTraceParent(header)).toEqual(expected);
  });

  it.each([
    ['version 00 with more', `00-${TRACE}-${SPAN}-01.`],
    ['version 00 with a future suffix', `00-${TRACE}-${SPAN}-01-what-the-future-will-be-like`],
    ['a future version followed by something else than -', `cc-${TRACE}-${SPAN}-01.what`],
    ['version ff', `ff-${TRACE}-${SPAN}-01`],
    ['version with an illegal character', `.0-${TRACE}-${SPAN}-01`],
    ['version too long', `000-${TRACE}-${SPAN}-01`],
    ['version too short', `0-${TRACE}-${SPAN}-01`],
    ['uppercase hex', `00-${TRACE.toUpperCase()}-${SPAN}-01`],
    ['all-zero trace id', `00-${'0'.repeat(32)}-${SPAN}-01`],
    ['all-zero parent id', `00-${TRACE}-${'0'.repeat(16)}-01`],
    ['trace id too long', `00-${TRACE}3-${SPAN}-01`],
    ['trace id too short', `00-${TRACE.slice(1)}-${SPAN}-01`],
    ['parent id too long', `00-${TRACE}-${SPAN}7-01`],
    ['parent id too short', `00-${TRACE}-${SPAN.slice(1)}-01`],
    ['flags with an illegal character', `00-${TRACE}-${SPAN}-.0`],
    ['flags too long', `00-${TRACE}-${SPAN}-001`],
    ['flags too short', `00-${TRACE}-${SPAN}-1`],
    ['two headers joined', `00-${TRACE}-${SPAN}-01, 00-${TRACE}-${SPAN}-01`],
    ['not a string', 42],
  ])('rejects %s', (_what, header) => {
    expect(parseTraceParent(header)).toBeUndefined();
  });

  it('is sent as version 00 with only the flags that version defines', () => {
    expect(formatTraceParent(TRACE, SPAN, 0xff)).toBe(`00-${TRACE}-${SPAN}-03`);
    expect(formatTraceParent(TRACE, SPAN, 0x01)).toBe(`00-${TRACE}-${SPAN}-01`);
  });
});

describe('tracestate', () => {
  const key = 'abcdefghijklmnopqrstuvwxyz0123456789_-*/';
  const value = Array.from({ length: 0x7e - 0x20 + 1 }, (_, i) => String.fromCharCode(0x20 + i))
    .filter((c) => c !== ',' && c !== '=')
    .join('');

  it.each([
    [['foo=1,bar=2'], ['foo=1', 'bar=2']],
    [['foo=1 \t , \t bar=2, \t baz=3'], ['foo=1', 'bar=2', 'baz=3']],
    [['foo=1', '', 'bar=2'], ['foo=1', 'bar=2']],
    [['foo=1,,bar=2'], ['foo=1', 'bar=2']],
    [[`${key}=${value}`], [`${key}=${value}`]],
    [[`${key}@a-z0-9_-*/=1`], [`${key}@a-z0-9_-*/=1`]],
    [['z'.repeat(256) + '=1'], ['z'.repeat(256) + '=1']],
    [['t'.repeat(241) + '@' + 'v'.repeat(14) + '=1'], ['t'.repeat(241) + '@' + 'v'.repeat(14) + '=1']],
    [['0tenant@vendor=1'], ['0tenant@vendor=1']],
    [[Array.from({ length: 32 }, (_, i) => `k${i}=${i}`).join(',')], Array.from({ length: 32 }, (_, i) => `k${i}=${i}`)],
  ])('reads %j', (lines, members) => {
    expect(parseTraceState(lines)).toEqual(members);
  });

  it.each([
    ['duplicated keys', ['foo=1,foo=1']],
    ['duplicated keys across lines', ['foo=1', 'foo=2']],
    ['an uppercase key', ['FOO=1']],
    ['a space in a key', ['foo =1']],
    ['a dot in a key', ['foo.bar=1']],
    ['an empty vendor', ['foo@=1,bar=2']],
    ['an empty tenant', ['@foo=1,bar=2']],
    ['two @', ['foo@@bar=1']],
    ['a key of 257', ['z'.repeat(257) + '=1']],
    ['a tenant of 242', ['t'.repeat(242) + '@v=1']],
    ['a system of 15', ['t@' + 'v'.repeat(15) + '=1']],
    ['= in a value', ['foo=bar=baz']],
    ['an empty value', ['foo=,bar=3']],
    ['a control character in a value', ['foo=a\u0001b']],
    ['a value of 257 characters', ['foo=' + 'v'.repeat(257)]],
    ['33 members', [Array.from({ length: 33 }, (_, i) => `k${i}=${i}`).join(',')]],
  ])('drops the whole header for %s', (_what, lines) => {
    expect(parseTraceState(lines)).toBeUndefined();
  });

  it('puts our entry first, replaces an older one, and keeps 32 members and 512 characters', () => {
    expect(withEntry(['foo=1', 'xtrace=old', 'bar=2'], 'xtrace', SPAN)).toBe(`xtrace=${SPAN},foo=1,bar=2`);
    const full = Array.from({ length: 32 }, (_, i) => `k${i}=${i}`);
    const sent = withEntry(full, 'xtrace', SPAN).split(',');
    expect(sent).toHaveLength(32);
    expect(sent[0]).toBe(`xtrace=${SPAN}`);
    expect(sent.at(-1)).toBe('k30=30');
    // Over 512 characters: members over 128 go first, from the end, until it fits.
    const long = ['a='.padEnd(300, 'x'), 'b=1', 'c='.padEnd(300, 'y'), 'd=2'];
    const fitted = withEntry(long, 'xtrace', SPAN);
    expect(fitted.length).toBeLessThanOrEqual(512);
    expect(fitted).toBe(`xtrace=${SPAN},${long[0]},b=1,d=2`);
  });
});

describe('carriers', () => {
  const header = `00-${TRACE}-${SPAN}-01`;

  it('plain objects in any case, Map, Headers, gRPC-style metadata, a custom getter', () => {
    for (const carrier of [
      { traceparent: header, tracestate: 'foo=1' },
      { TraceParent: header, TRACESTATE: 'foo=1' },
      new Map([['traceparent', header], ['tracestate', 'foo=1']]),
      new Headers({ traceparent: header, tracestate: 'foo=1' }),
      new FakeMetadata({ traceparent: [header], tracestate: ['foo=1'] }),
    ]) {
      expect(extract(carrier)).toMatchObject({ traceId: TRACE, spanId: SPAN, sampled: true, traceState: 'foo=1' });
    }
    const custom = extract({ h: { traceparent: header } }, (carrier: any, key) => carrier.h[key]);
    expect(custom?.spanId).toBe(SPAN);
    // Bytes, as Kafka message headers carry them.
    expect(extract({ traceparent: Buffer.from(header), tracestate: Buffer.from('foo=1') })).toMatchObject({ spanId: SPAN, traceState: 'foo=1' });
    expect(extract(new FakeMetadata({ traceparent: [Buffer.from(header) as never] }))?.spanId).toBe(SPAN);
  });

  it('a request with the header twice has no parent', async () => {
    const seen: (RemoteContext | undefined)[] = [];
    const server = http.createServer((req, res) => {
      seen.push(extract(req));
      res.end();
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    // Raw bytes on a socket: every header line reaches the server as written, repeats included.
    const send = (headers: string[]) =>
      new Promise<void>((resolve, reject) => {
        const lines = ['GET / HTTP/1.1', 'Host: 127.0.0.1', 'Connection: close'];
        for (let i = 0; i < headers.length; i += 2) lines.push(`${headers[i]}: ${headers[i + 1]}`);
        const socket = net.connect(port, '127.0.0.1', () => socket.end(`${lines.join('\r\n')}\r\n\r\n`));
        socket.on('error', reject).on('close', () => resolve()).resume();
      });
    await send(['traceparent', header]);
    await send(['traceparent', header, 'traceparent', header]);
    await send(['traceparent', header, 'tracestate', 'a=1', 'TraceState', 'b=2']);
    server.close();
    expect(seen[0]?.spanId).toBe(SPAN);
    expect(seen[1]).toBeUndefined();
    expect(seen[2]?.traceState).toBe('a=1,b=2');
  });

  it('inject writes into each kind of carrier, and a hostile one is left alone', () => {
    const remote = extract({ traceparent: header })!;
    const object: Record<string, string> = { TraceParent: 'stale' };
    inject(remote, object);
    // A received context passed on unchanged: no span of ours, so no entry of ours.
    expect(object).toEqual({ traceparent: header });
    const headers = new Headers();
    inject(remote, headers);
    expect(headers.get('traceparent')).toBe(header);
    const metadata = new FakeMetadata({});
    inject(remote, metadata);
    expect(metadata.get('traceparent')).toEqual([header]);
    expect(() => inject(remote, Object.freeze({}))).not.toThrow();
    expect(() => inject(remote, new Proxy({}, { set() { throw new Error('no'); } }))).not.toThrow();
  });
});

describe('propagation through spans', () => {
  it('a sampled remote parent becomes the contract parent; inject sends our span, sampled, our entry first', () => {
    const memory = createMemoryTracer();
    configure({ tracer: memory });
    const parent = extract({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'foo=1,bar=2' });
    const outgoing: Record<string, string> = {};
    const span = withSpan('GET /', (span) => (inject(span, outgoing), span), { parent });
    const [recorded] = memory.drain();
    expect(recorded).toMatchObject({ traceId: TRACE, parentSpanId: SPAN, parentIsRemote: true, traceState: 'foo=1,bar=2' });
    expect(outgoing.traceparent).toBe(`00-${TRACE}-${span.spanId}-01`);
    expect(outgoing.tracestate).toBe(`xtrace=${span.spanId},foo=1,bar=2`);
  });

  it('the random flag: set for trace ids we draw, passed on as received', () => {
    configure({ tracer: createMemoryTracer() });
    const fresh: Record<string, string> = {};
    withSpan('root', (span) => inject(span, fresh));
    expect(fresh.traceparent).toMatch(/-03$/);
    const continued: Record<string, string> = {};
    withSpan('child', (span) => inject(span, continued), { parent: extract({ traceparent: `00-${TRACE}-${SPAN}-01` }) });
    expect(continued.traceparent).toMatch(/-01$/);
  });

  it('an unsampled remote parent records nothing, and the next service still gets the trace id, sampled off', () => {
    const memory = createMemoryTracer();
    configure({ tracer: memory });
    const parent = extract({ traceparent: `00-${TRACE}-${SPAN}-00`, tracestate: 'foo=1' })!;
    expect(parent.sampled).toBe(false);
    const first: Record<string, string> = {};
    const second: Record<string, string> = {};
    withSpan('GET /', () => {
      withSpan('inner', () => inject(undefined, first));
      inject(undefined, second);
    }, { parent });
    expect(memory.drain()).toEqual([]);
    expect(flush()).toEqual([]);
    expect(first.traceparent).toMatch(new RegExp(`^00-${TRACE}-[0-9a-f]{16}-00$`));
    expect(first.traceparent).not.toContain(SPAN);
    expect(first.traceparent).toBe(second.traceparent);
    expect(first.tracestate).toMatch(/^xtrace=[0-9a-f]{16},foo=1$/);
  });

  it('a root the tracer does not sample still sends a trace id', () => {
    configure({
      tracer: { name: 'none', startSpan: () => ({ traceId: '0'.repeat(32), spanId: '0'.repeat(16) }), setAttribute() {}, setStatus() {}, addEvent() {}, endSpan() {}, flush: async () => {} },
    });
    const headers: Record<string, string> = {};
    const span = startSpan('root');
    inject(span, headers);
    finishSpan(span);
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-02$/);
  });

  it('configure({ traceStateKey: null }) passes the tracestate on unchanged', () => {
    configure({ traceStateKey: null });
    const out: Record<string, string> = {};
    withSpan('x', () => inject(undefined, out), { parent: extract({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'foo=1' }) });
    expect(out.tracestate).toBe('foo=1');
    expect(() => configure({ traceStateKey: 'Bad Key' })).toThrow(/traceStateKey must be a W3C tracestate key/);
  });
});

describe('interop with OpenTelemetry W3CTraceContextPropagator', () => {
  const theirs = new W3CTraceContextPropagator();

  it('what we send, they read', () => {
    configure({ tracer: createMemoryTracer() });
    const carrier: Record<string, string> = {};
    const span = withSpan('x', (span) => (inject(span, carrier), span), { parent: extract({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: 'foo=1' }) });
    const context = trace.getSpanContext(theirs.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter))!;
    expect(context).toMatchObject({ traceId: TRACE, spanId: span.spanId, traceFlags: TraceFlags.SAMPLED, isRemote: true });
    expect(context.traceState?.serialize()).toBe(`xtrace=${span.spanId},foo=1`);
  });

  it('what they send, we read', () => {
    const carrier: Record<string, string> = {};
    const spanContext = { traceId: TRACE, spanId: SPAN, traceFlags: TraceFlags.SAMPLED, traceState: new TraceState('vendor=abc,other=1') };
    theirs.inject(trace.setSpanContext(ROOT_CONTEXT, spanContext), carrier, defaultTextMapSetter);
    expect(extract(carrier)).toMatchObject({ traceId: TRACE, spanId: SPAN, sampled: true, traceState: 'vendor=abc,other=1' });
    const unsampled: Record<string, string> = {};
    theirs.inject(trace.setSpanContext(ROOT_CONTEXT, { ...spanContext, traceFlags: TraceFlags.NONE }), unsampled, defaultTextMapSetter);
    expect(extract(unsampled)?.sampled).toBe(false);
  });
});

/** gRPC-js's Metadata shape: values are lists. */
class FakeMetadata {
  readonly #values: Map<string, string[]>;
  constructor(values: Record<string, string[]>) {
    this.#values = new Map(Object.entries(values));
  }
  get(key: string): string[] {
    return this.#values.get(key) ?? [];
  }
  set(key: string, value: string): void {
    this.#values.set(key, [value]);
  }
}
