import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, type FinishedSpan, type InstrumentationScope } from '@x/tracer-core';
import { ORIGIN_UNIX_NANOS, SpanRecorder, TracerCounters } from '@x/tracer-core/internal';
import { createJsonEncoder } from '../src/otlp-json.js';
import { createProtobufEncoder, encodeAll, type RequestEncoder } from '../src/otlp-protobuf.js';
import { decodeRequest, ExportTraceServiceRequest } from './support/otlp-schema.js';
import { toReadableSpans } from './support/readable-span.js';

const T0 = ORIGIN_UNIX_NANOS + 1_234_567_891n;
const REMOTE = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
const RESOURCE = { 'service.name': 'checkout', 'deployment.environment.name': 'test', 'host.cpu.count': 2 };
const HEADER = { resource: Object.entries(RESOURCE).flat(), scopeName: '@x/tracer-otlp', scopeVersion: '0.1.0' };
const DEFAULT_SCOPE = { name: HEADER.scopeName, version: HEADER.scopeVersion };

/** Spans that use every field: kinds, statuses, every attribute type, events, links, drops, remote parents. */
function recordSpans(options: { bigint: boolean; packed?: boolean }): FinishedSpan[] {
  const spans: FinishedSpan[] = [];
  let next = 0;
  const idGenerator = {
    traceId: () => (++next).toString(16).padStart(32, 'a'),
    spanId: () => (++next).toString(16).padStart(16, 'b'),
  };
  const recorder = new SpanRecorder(
    { spanLimits: { attributeCountLimit: 8, linkCountLimit: 1 }, idGenerator, packFinishedSpans: options.packed ?? false },
    new TracerCounters(),
    (s) => spans.push(s),
  );
  const root = recorder.startSpan({
    name: 'GET /orders/ünïcødé/😀',
    kind: SpanKind.SERVER,
    parent: REMOTE,
    traceState: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7',
    startTimeUnixNanos: T0,
    attributes: {
      str: 'value',
      'empty.string': '',
      yes: true,
      no: false,
      int: 42,
      negative: -7,
      huge: 2 ** 53 - 1,
      double: 3.25,
    },
    links: [
      { context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }, attributes: { reason: 'retry-of' }, traceState: 'x=1' },
      { context: { traceId: 'c'.repeat(32), spanId: 'd'.repeat(16) } },
    ],
  });
  recorder.setAttribute(root, 'over.limit', 'dropped');
  const child = recorder.startSpan({ name: 'db.query', kind: SpanKind.CLIENT, parent: root, startTimeUnixNanos: T0 + 1_000n });
  recorder.setAttribute(child, 'strings', ['a', 'b', 'ü']);
  recorder.setAttribute(child, 'ints', [1, -2, 3]);
  recorder.setAttribute(child, 'doubles', [0.5, 1.5]);
  recorder.setAttribute(child, 'bools', [true, false]);
  recorder.setAttribute(child, 'long.text', 'x'.repeat(300));
  if (options.bigint) recorder.setAttribute(child, 'bigint', -(2n ** 62n));
  recorder.addEvent(child, { name: 'retry', timeUnixNanos: T0 + 2_000n, attributes: { attempt: 2 } });
  recorder.addEvent(child, { name: 'no attributes', timeUnixNanos: T0 + 3_000n });
  recorder.setStatus(child, { code: SpanStatusCode.ERROR, message: 'deadline exceeded' });
  recorder.endSpan(child, T0 + 5_000_123n);
  for (const kind of [SpanKind.INTERNAL, SpanKind.PRODUCER, SpanKind.CONSUMER]) {
    const s = recorder.startSpan({ name: `kind ${kind}`, kind, parent: child, startTimeUnixNanos: T0 + 10n });
    recorder.setStatus(s, { code: SpanStatusCode.OK });
    recorder.endSpan(s, T0 + 20n);
  }
  recorder.endSpan(root, T0 + 9_000_000_000n);
  const lone = recorder.startSpan({ name: 'root without remote', startTimeUnixNanos: T0 });
  recorder.endSpan(lone, T0 + 1n);
  return spans;
}

/** Ids from a counter, so that two recordings of the same calls (packed and not) have the same ids. */
function countingIds() {
  let next = 0;
  return { traceId: () => (++next).toString(16).padStart(32, 'a'), spanId: () => (++next).toString(16).padStart(16, 'b') };
}

const HTTP = { name: '@x/http', version: '2.1.0' };
const PG = { name: 'pg' };

/**
 * Spans of two scopes interleaved with spans of none, a scope given as another object with the same
 * name and version, and the configured scope given explicitly. Grouped, that is three `ScopeSpans`:
 * the configured scope (first seen), `@x/http`, `pg`.
 */
function recordScopedSpans(options: { packed?: boolean } = {}): FinishedSpan[] {
  const spans: FinishedSpan[] = [];
  const recorder = new SpanRecorder({ idGenerator: countingIds(), packFinishedSpans: options.packed ?? false }, new TracerCounters(), (s) =>
    spans.push(s),
  );
  const record = (name: string, scope?: InstrumentationScope) => {
    const handle = recorder.startSpan({ name, scope, startTimeUnixNanos: T0, attributes: { name } });
    recorder.endSpan(handle, T0 + 1_000n);
  };
  record('unscoped 1');
  record('http 1', HTTP);
  record('pg 1', PG);
  record('http 2', { ...HTTP });
  record('unscoped 2');
  record('configured scope, given', { name: HEADER.scopeName, version: HEADER.scopeVersion });
  record('pg 2', PG);
  record('http 3', HTTP);
  return spans;
}

const SCOPED_GROUPS = [
  ['@x/tracer-otlp', '0.1.0', ['unscoped 1', 'unscoped 2', 'configured scope, given']],
  ['@x/http', '2.1.0', ['http 1', 'http 2', 'http 3']],
  ['pg', '', ['pg 1', 'pg 2']],
];

/** Each `ScopeSpans` of a decoded or parsed request as [name, version ('' for none), span names]. */
const groupsOf = (request: any) =>
  request.resourceSpans[0].scopeSpans.map((ss: any) => [ss.scope.name, ss.scope.version ?? '', ss.spans.map((s: any) => s.name)]);

/**
 * The one deliberate difference from the transformer's JSON: it writes intValue as a JSON number; the
 * OTLP/JSON rule is a decimal string (exact beyond 2^53, and receivers accept both). Compare as strings.
 */
const stringInts = (value: unknown): unknown => JSON.parse(JSON.stringify(value), (key, v) => (key === 'intValue' ? String(v) : v));

const ENCODERS: [string, () => RequestEncoder, (bytes: Uint8Array) => any][] = [
  ['protobuf', () => createProtobufEncoder(HEADER), decodeRequest],
  ['json', () => createJsonEncoder(HEADER), (bytes) => JSON.parse(Buffer.from(bytes).toString('utf8'))],
];

describe('OTLP encoders', () => {
  it.each([
    ['protobuf', () => createProtobufEncoder(HEADER)],
    ['json', () => createJsonEncoder(HEADER)],
  ])('%s: packed finished spans encode to the very bytes their unpacked twins do', (_name, encoder) => {
    const packed = recordSpans({ bigint: true, packed: true });
    const plain = recordSpans({ bigint: true });
    expect(packed.map((span) => span.constructor.name)).toEqual(plain.map(() => 'PackedSpan'));
    expect(Buffer.from(encodeAll(encoder(), packed))).toEqual(Buffer.from(encodeAll(encoder(), plain)));
  });

  it('protobuf: decodes (independent decoder) to the same request as @opentelemetry/otlp-transformer', () => {
    const spans = recordSpans({ bigint: false });
    const ours = encodeAll(createProtobufEncoder(HEADER), spans);
    const theirs = ProtobufTraceSerializer.serializeRequest(toReadableSpans(spans, RESOURCE, DEFAULT_SCOPE))!;
    expect(decodeRequest(ours)).toEqual(decodeRequest(theirs));
    expect(ours.length).toBeLessThanOrEqual(theirs.length);
  });

  it('json: parses to the same request as @opentelemetry/otlp-transformer, but for intValue as a string', () => {
    const spans = recordSpans({ bigint: false });
    const ours = JSON.parse(Buffer.from(encodeAll(createJsonEncoder(HEADER), spans)).toString('utf8'));
    const theirs = JSON.parse(
      Buffer.from(
        JsonTraceSerializer.serializeRequest(toReadableSpans(spans, RESOURCE, DEFAULT_SCOPE))!,
      ).toString('utf8'),
    );
    expect(JSON.stringify(ours)).not.toMatch(/"intValue":-?\d/);
    expect(ours).toEqual(stringInts(theirs));
  });

  it('protobuf: attributes that repeat (copied from the encoder\'s cache) and those past its caps decode as OpenTelemetry\'s do', () => {
    const spans: FinishedSpan[] = [];
    const recorder = new SpanRecorder({ spanLimits: { attributeCountLimit: 256 } }, new TracerCounters(), (s) => spans.push(s));
    // The same values over and over, values of one key past its cap, look-alike values of other
    // types ('1', 1, true, 'true', 1.5, -0), long strings, and more keys than the cache keeps.
    for (let i = 0; i < 40; i++) {
      const attributes: Record<string, string | number | boolean | string[]> = {
        'http.request.method': 'GET',
        'url.path': `/users/${i % 20}`,
        same: i % 2 === 0 ? '1' : 1,
        flag: i % 3 === 0 ? true : 'true',
        ratio: i % 2 === 0 ? 1.5 : -0,
        long: 'x'.repeat(60 + i),
        list: ['a', String(i)],
      };
      for (let k = 0; k < 5; k++) attributes[`key.${i}.${k}`] = k;
      const span = recorder.startSpan({ name: 'GET', kind: SpanKind.SERVER, startTimeUnixNanos: T0, attributes });
      recorder.endSpan(span, T0 + 1_000n);
    }
    const encoder = createProtobufEncoder(HEADER);
    const theirs = decodeRequest(ProtobufTraceSerializer.serializeRequest(toReadableSpans(spans, RESOURCE, DEFAULT_SCOPE))!);
    // Twice through one encoder: the second request is written from what the first one cached.
    expect(decodeRequest(encodeAll(encoder, spans))).toEqual(theirs);
    expect(decodeRequest(encodeAll(encoder, spans))).toEqual(theirs);
    expect(Buffer.from(encodeAll(encoder, spans))).toEqual(Buffer.from(encodeAll(createProtobufEncoder(HEADER), spans)));
  });

  it.each(ENCODERS)('%s: one ScopeSpans per distinct scope, in first-seen order; spans without one under the configured scope', (_name, encoder, read) => {
    expect(groupsOf(read(encodeAll(encoder(), recordScopedSpans())))).toEqual(SCOPED_GROUPS);
  });

  it.each(ENCODERS)('%s: appending in slices (as the exporter does) gives the bytes of one append', (_name, encoder) => {
    const spans = recordScopedSpans();
    const sliced = encoder();
    const request = sliced.begin();
    for (let from = 0; from < spans.length; from += 3) sliced.append(request, spans, from, Math.min(spans.length, from + 3));
    expect(Buffer.from(sliced.end(request))).toEqual(Buffer.from(encodeAll(encoder(), spans)));
  });

  it.each(ENCODERS)('%s: packed spans of several scopes encode to the bytes of their unpacked twins', (_name, encoder) => {
    const packed = recordScopedSpans({ packed: true });
    expect(packed[0]!.constructor.name).toBe('PackedSpan');
    expect(Buffer.from(encodeAll(encoder(), packed))).toEqual(Buffer.from(encodeAll(encoder(), recordScopedSpans())));
  });

  // OpenTelemetry's transformer groups spans in a Map (its JSON serializer by `name@version:schemaUrl`,
  // its protobuf one by the scope object, which the SDK has one of per name@version: see
  // readable-span.ts), so its ScopeSpans come in first-seen order, as ours do. The comparisons below
  // therefore keep the order: a request in another order would be another request on the wire.
  it('protobuf, spans of several scopes: decodes to the same request as @opentelemetry/otlp-transformer', () => {
    const spans = recordScopedSpans();
    const ours = decodeRequest(encodeAll(createProtobufEncoder(HEADER), spans));
    const theirs = decodeRequest(ProtobufTraceSerializer.serializeRequest(toReadableSpans(spans, RESOURCE, DEFAULT_SCOPE))!);
    expect(groupsOf(theirs)).toEqual(SCOPED_GROUPS);
    expect(ours).toEqual(theirs);
  });

  it('json, spans of several scopes: parses to the same request as @opentelemetry/otlp-transformer, but for intValue', () => {
    const spans = recordScopedSpans();
    const ours = JSON.parse(Buffer.from(encodeAll(createJsonEncoder(HEADER), spans)).toString('utf8'));
    const theirs = JSON.parse(Buffer.from(JsonTraceSerializer.serializeRequest(toReadableSpans(spans, RESOURCE, DEFAULT_SCOPE))!).toString('utf8'));
    expect(groupsOf(theirs)).toEqual(SCOPED_GROUPS);
    expect(ours).toEqual(stringInts(theirs));
  });

  it('protobuf: every field round-trips, int64 exact (bigint included) and times to the nanosecond', () => {
    const spans = recordSpans({ bigint: true });
    const request = decodeRequest(encodeAll(createProtobufEncoder(HEADER), spans));
    const [resourceSpans] = request.resourceSpans;
    expect(resourceSpans.resource.attributes).toEqual([
      { key: 'service.name', value: { stringValue: 'checkout' } },
      { key: 'deployment.environment.name', value: { stringValue: 'test' } },
      { key: 'host.cpu.count', value: { intValue: '2' } },
    ]);
    expect(resourceSpans.scopeSpans[0].scope).toMatchObject({ name: '@x/tracer-otlp', version: '0.1.0' });
    const decoded = resourceSpans.scopeSpans[0].spans;
    expect(decoded).toHaveLength(spans.length);
    const byName = new Map(decoded.map((s: any) => [s.name, s]));
    const root = byName.get('GET /orders/ünïcødé/😀') as any;
    expect(root).toMatchObject({
      traceId: REMOTE.traceId,
      parentSpanId: REMOTE.spanId,
      traceState: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7',
      kind: 2,
      startTimeUnixNano: String(T0),
      endTimeUnixNano: String(T0 + 9_000_000_000n),
      droppedAttributesCount: 1,
      droppedLinksCount: 1,
      flags: 0x301,
    });
    expect(root.links).toEqual([
      {
        traceId: 'a'.repeat(32),
        spanId: 'b'.repeat(16),
        traceState: 'x=1',
        attributes: [{ key: 'reason', value: { stringValue: 'retry-of' } }],
        droppedAttributesCount: 0,
        flags: 0x101,
      },
    ]);
    const child = byName.get('db.query') as any;
    expect(child.parentSpanId).toBe(root.spanId);
    expect(child.kind).toBe(3);
    expect(child.status).toEqual({ code: 2, message: 'deadline exceeded' });
    expect(child.endTimeUnixNano).toBe(String(T0 + 5_000_123n));
    expect(child.attributes.find((a: any) => a.key === 'bigint').value).toEqual({ intValue: String(-(2n ** 62n)) });
    expect(child.attributes.find((a: any) => a.key === 'ints').value.arrayValue.values).toEqual([
      { intValue: '1' },
      { intValue: '-2' },
      { intValue: '3' },
    ]);
    expect(child.events.map((e: any) => [e.name, e.timeUnixNano, e.attributes.length])).toEqual([
      ['retry', String(T0 + 2_000n), 1],
      ['no attributes', String(T0 + 3_000n), 0],
    ]);
    expect(root.attributes.find((a: any) => a.key === 'negative').value).toEqual({ intValue: '-7' });
    expect(root.attributes.find((a: any) => a.key === 'huge').value).toEqual({ intValue: String(2 ** 53 - 1) });
    expect(root.attributes.find((a: any) => a.key === 'double').value).toEqual({ doubleValue: 3.25 });
    expect((byName.get('root without remote') as any).flags).toBe(0x101);
  });

  it('json: 64-bit values as decimal strings, ids as hex, enums as integers', () => {
    const spans = recordSpans({ bigint: true });
    const request = JSON.parse(Buffer.from(encodeAll(createJsonEncoder(HEADER), spans)).toString('utf8'));
    const child = request.resourceSpans[0].scopeSpans[0].spans.find((s: any) => s.name === 'db.query');
    expect(child.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(child.kind).toBe(3);
    expect(child.startTimeUnixNano).toBe(String(T0 + 1_000n));
    expect(child.attributes.find((a: any) => a.key === 'bigint').value).toEqual({ intValue: String(-(2n ** 62n)) });
  });

  it('protobuf: large batches and long strings keep exact lengths (multi-byte length prefixes)', () => {
    const spans: FinishedSpan[] = [];
    const recorder = new SpanRecorder({}, new TracerCounters(), (s) => spans.push(s));
    for (let i = 0; i < 2000; i++) {
      const s = recorder.startSpan({ name: `span ${i}`, attributes: { payload: 'y'.repeat(i % 700) } });
      recorder.endSpan(s);
    }
    const request = decodeRequest(encodeAll(createProtobufEncoder(HEADER), spans));
    const decoded = request.resourceSpans[0].scopeSpans[0].spans;
    expect(decoded.map((s: any) => s.name)).toEqual(spans.map((s) => s.name));
    expect(decoded.map((s: any) => s.attributes[0].value.stringValue.length)).toEqual(spans.map((_, i) => i % 700));
  });

  it('protobuf: a span of each length class (1, 2, 3 and 4 bytes of length prefix) decodes whole', () => {
    const spans: FinishedSpan[] = [];
    const recorder = new SpanRecorder({ spanLimits: { attributeValueLengthLimit: 3_000_000 } }, new TracerCounters(), (s) => spans.push(s));
    // A span's length is reserved as two bytes: shorter spans move back one byte, longer ones forward.
    const payloads = [0, 60, 16_300, 16_400, 2_100_000];
    for (const length of payloads) recorder.endSpan(recorder.startSpan({ name: 's', attributes: { payload: 'y'.repeat(length) } }));
    const body = encodeAll(createProtobufEncoder(HEADER), spans);
    const decoded = decodeRequest(body).resourceSpans[0].scopeSpans[0].spans;
    expect(decoded.map((s: any) => s.attributes[0].value.stringValue.length)).toEqual(payloads);
    expect(decoded.every((s: any) => s.name === 's' && s.spanId.length === 16)).toBe(true);
    // Canonical lengths (no padded varints): protobufjs writes the decoded request back byte for byte.
    expect(Buffer.from(ExportTraceServiceRequest.encode(ExportTraceServiceRequest.decode(body)).finish()).equals(Buffer.from(body))).toBe(true);
  });

  it("protobuf: large groups of interleaved scopes keep exact lengths, in the request and in each scope's writer", () => {
    const spans: FinishedSpan[] = [];
    const recorder = new SpanRecorder({}, new TracerCounters(), (s) => spans.push(s));
    const scopes = [undefined, HTTP, PG];
    for (let i = 0; i < 1500; i++) {
      recorder.endSpan(recorder.startSpan({ name: `span ${i}`, scope: scopes[i % 3], attributes: { payload: 'y'.repeat(i % 700) } }));
    }
    const groups = decodeRequest(encodeAll(createProtobufEncoder(HEADER), spans)).resourceSpans[0].scopeSpans;
    expect(groups.map((g: any) => g.scope.name)).toEqual(['@x/tracer-otlp', '@x/http', 'pg']);
    groups.forEach((group: any, g: number) => {
      const expected = spans.filter((_, i) => i % 3 === g);
      expect(group.spans.map((s: any) => s.name)).toEqual(expected.map((s) => s.name));
      expect(group.spans.map((s: any) => s.attributes[0].value.stringValue)).toEqual(expected.map((s) => s.attributes[1]));
    });
  });
});
