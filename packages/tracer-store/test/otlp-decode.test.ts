// The pure decoders on payloads the OpenTelemetry exporters do not produce: int64 as strings and
// past 2^53, proto field names, odd enums, bad ids, names past the columns' widths.
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { decodeOtlpJson, decodeOtlpProtobuf } from '../src/otlp/otlp-decode.js';
import { MAX_OPERATION_NAME, MAX_SERVICE_NAME } from '../src/span-row.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const SPAN_ID = 'b7ad6b7169203331';

/** A start time for spans whose test is about something else (a span without one is rejected). */
const START = '1700000000000000000';

/** OTLP/JSON of one resource with one scope holding `spans` (each given {@link START} unless it has a start). */
function jsonRequest(spans: object[], resourceAttributes: object[] = []): string {
  const timed = spans.map((span) => ('startTimeUnixNano' in span ? span : { startTimeUnixNano: START, ...span }));
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: resourceAttributes }, scopeSpans: [{ scope: { name: 'lib' }, spans: timed }] }] });
}

describe('decodeOtlpJson', () => {
  it('reads int64 as decimal strings or numbers, exact past 2^53 when a string', () => {
    const { rows } = decodeOtlpJson(
      jsonRequest([
        {
          traceId: TRACE_ID.toUpperCase(),
          spanId: SPAN_ID,
          name: 'n',
          startTimeUnixNano: '1700000000000000001',
          endTimeUnixNano: '1700000000000000011',
          attributes: [
            { key: 'maxSafe', value: { intValue: '9007199254740991' } },
            { key: 'big', value: { intValue: '9007199254740993' } },
            { key: 'negativeBig', value: { intValue: '-9223372036854775808' } },
            { key: 'asString', value: { intValue: '12' } },
            { key: 'asNumber', value: { intValue: 13 } },
            { key: 'notANumber', value: { doubleValue: 'NaN' } },
            { key: 'empty', value: {} },
          ],
          events: [{ timeUnixNano: 1700000000, name: 'e' }],
        },
      ]),
    );

    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      traceId: TRACE_ID,
      startUnixNanos: 1_700_000_000_000_000_001n,
      durationNanos: 10n,
      tags: { maxSafe: 9_007_199_254_740_991, big: '9007199254740993', negativeBig: '-9223372036854775808', asString: 12, asNumber: 13, notANumber: 'NaN', empty: null },
      logs: [{ name: 'e', time_unix_nano: '1700000000', attributes: {}, dropped_attributes_count: 0 }],
    });
  });

  it('ignores proto field names, which the OTLP specification says are not OTLP/JSON keys', () => {
    const snake = JSON.stringify({ resource_spans: [{ scope_spans: [{ spans: [{ trace_id: TRACE_ID, span_id: SPAN_ID }] }] }] });
    const mixed = jsonRequest([{ traceId: TRACE_ID, spanId: SPAN_ID, parent_span_id: 'cd'.repeat(8), start_time_unix_nano: '5' }]);

    expect(decodeOtlpJson(snake)).toEqual({ rows: [], rejected: 0 });
    expect(decodeOtlpJson(mixed).rows[0]).toMatchObject({ parentSpanId: null, startUnixNanos: BigInt(START) });
  });

  it('maps kinds and status codes out of range to unspecified and unset, and defaults the service name', () => {
    const { rows } = decodeOtlpJson(
      jsonRequest([
        { traceId: TRACE_ID, spanId: SPAN_ID, kind: 9, status: { code: 7, message: 'odd' } },
        { traceId: TRACE_ID, spanId: 'cd'.repeat(8), kind: 5, status: { code: 1 } },
      ]),
    );

    expect(rows.map((row) => [row.kind, row.statusCode, row.statusMessage, row.serviceName, row.operationName])).toEqual([
      ['unspecified', 0, 'odd', 'unknown_service', ''],
      ['consumer', 1, null, 'unknown_service', ''],
    ]);
  });

  it('cuts the service and operation names to their columns', () => {
    const { rows } = decodeOtlpJson(
      jsonRequest([{ traceId: TRACE_ID, spanId: SPAN_ID, name: 'o'.repeat(300) }], [{ key: 'service.name', value: { stringValue: 's'.repeat(300) } }]),
    );

    expect(rows[0]!.operationName).toBe('o'.repeat(MAX_OPERATION_NAME));
    expect(rows[0]!.serviceName).toBe('s'.repeat(MAX_SERVICE_NAME));
    expect(rows[0]!.resource['service.name']).toBe('s'.repeat(300));
  });

  it.each([
    ['a missing trace id', { spanId: SPAN_ID }, 'trace id must be 16 bytes, not all zero'],
    ['an all-zero span id', { traceId: TRACE_ID, spanId: '0000000000000000' }, 'span id must be 8 bytes, not all zero'],
    ['a base64 trace id', { traceId: 'CvdlGRbNQ92ESOshHIAxnA==', spanId: SPAN_ID }, 'trace id must be 16 bytes, not all zero'],
    ['a short parent id', { traceId: TRACE_ID, spanId: SPAN_ID, parentSpanId: 'abcd' }, 'parent span id must be empty or 8 bytes'],
  ])('rejects a span with %s and keeps the others', (_, ids, reason) => {
    const decoded = decodeOtlpJson(jsonRequest([{ ...ids, name: 'bad' }, { traceId: TRACE_ID, spanId: SPAN_ID, name: 'good' }]));

    expect(decoded.rows.map((row) => row.operationName)).toEqual(['good']);
    expect(decoded.rejected).toBe(1);
    expect(decoded.rejectionMessage).toBe(`span "bad": ${reason}`);
  });

  it('leaves out a link with unreadable ids and counts it as dropped', () => {
    const { rows } = decodeOtlpJson(
      jsonRequest([
        {
          traceId: TRACE_ID,
          spanId: SPAN_ID,
          droppedLinksCount: 2,
          links: [{ traceId: 'zz', spanId: SPAN_ID }, { traceId: TRACE_ID, spanId: 'CD'.repeat(8) }],
        },
      ]),
    );

    expect(rows[0]!.links).toEqual([{ trace_id: TRACE_ID, span_id: 'cd'.repeat(8), trace_state: '', attributes: {}, dropped_attributes_count: 0 }]);
    expect(rows[0]!.droppedLinksCount).toBe(3);
  });

  it.each(['', 'null', '"text"', '{"resourceSpans":[{"scopeSpans":[{"spans":[{"attributes":{"k":"v"}}]}]}]}'])('throws on %j', (text) => {
    expect(() => decodeOtlpJson(text)).toThrow(/^not an OTLP\/JSON ExportTraceServiceRequest: /);
  });
});

describe('decodeOtlpProtobuf', () => {
  // Written field by field with protobufjs's Writer (field numbers from trace.proto), so the
  // decoder meets int64 values no JavaScript exporter can produce.
  function protobufWithIntAttribute(value: string, start = '18446744073709551615'): Uint8Array {
    const w = protobuf.Writer.create();
    w.uint32((1 << 3) | 2).fork(); // ExportTraceServiceRequest.resource_spans
    w.uint32((2 << 3) | 2).fork(); // ResourceSpans.scope_spans
    w.uint32((2 << 3) | 2).fork(); // ScopeSpans.spans
    w.uint32((1 << 3) | 2).bytes(Buffer.from(TRACE_ID, 'hex'));
    w.uint32((2 << 3) | 2).bytes(Buffer.from(SPAN_ID, 'hex'));
    w.uint32((5 << 3) | 2).string('raw');
    w.uint32((6 << 3) | 0).int32(4); // kind PRODUCER
    w.uint32((7 << 3) | 1).fixed64(start); // by default the largest fixed64
    w.uint32((9 << 3) | 2).fork(); // Span.attributes
    w.uint32((1 << 3) | 2).string('big');
    w.uint32((2 << 3) | 2).fork().uint32((3 << 3) | 0).int64(value).ldelim();
    w.ldelim();
    w.uint32((15 << 3) | 2).fork().uint32((3 << 3) | 0).int32(2).ldelim(); // status ERROR
    w.ldelim().ldelim().ldelim();
    return w.finish();
  }

  it('reads int64 attributes past 2^53 as decimal strings, fixed64 times exact', () => {
    const { rows } = decodeOtlpProtobuf(protobufWithIntAttribute('-9007199254740993', '9223372036854775807'));

    expect(rows).toEqual([
      expect.objectContaining({
        traceId: TRACE_ID,
        spanId: SPAN_ID,
        operationName: 'raw',
        kind: 'producer',
        statusCode: 2,
        startUnixNanos: 9_223_372_036_854_775_807n,
        durationNanos: 0n,
        tags: { big: '-9007199254740993' },
      }),
    ]);
  });

  it('rejects fixed64 times past the columns (2^63)', () => {
    const { rows, rejected, rejectionMessage } = decodeOtlpProtobuf(protobufWithIntAttribute('-9007199254740993'));

    // The largest fixed64 start (2^64 - 1) does not fit a signed 64-bit column: the span is refused, said why.
    expect(rows).toEqual([]);
    expect(rejected).toBe(1);
    expect(rejectionMessage).toBe('span "raw": times must be nanoseconds since 1970 below 2^63');
  });

  it('throws on bytes that are not protobuf', () => {
    expect(() => decodeOtlpProtobuf(new Uint8Array([0xff, 0xff, 0xff]))).toThrow(/^not a protobuf ExportTraceServiceRequest: /);
  });

  it('reads an empty request as no spans', () => {
    expect(decodeOtlpProtobuf(new Uint8Array(0))).toEqual({ rows: [], rejected: 0 });
  });
});
