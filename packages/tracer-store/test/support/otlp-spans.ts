// Spans as the OpenTelemetry SDK hands them to its exporters (ReadableSpan), built by hand so they
// can carry what the SDK's API would refuse (bytes and map attributes, dropped counts), and the
// rows the receiver must make of them.
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { SpanRow } from '../../src/span-row.js';

export const TRACE_ID = '5b8aa5a2d2c872e8321cf37308d69df2';
export const ROOT_ID = '051581bf3cb55c13';
export const CHILD_ID = 'b7ad6b7169203331';
const LINKED_TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const LINKED_SPAN_ID = '00f067aa0ba902b7';

const RESOURCE = {
  'service.name': 'checkout',
  'service.instance.id': '6F9619FF-8B86-D011-B42D-00C04FC964FF',
  'deployment.environment': 'test',
  'host.cpus': 8,
};

/** Attributes of every OTLP type but bytes, which are stored as they are sent. */
const UNCHANGED_ATTRIBUTES = {
  'http.method': 'GET',
  retried: true,
  count: 42,
  negative: -7,
  ratio: 0.25,
  tags: ['a', 'b'],
  codes: [200, 404],
  nested: { k: 'v', n: 1, deeper: { ok: false } },
};

// The exporters only call serialize() on a TraceState.
const traceState = (text: string) => ({ serialize: () => text });

/** A server span with everything OTLP carries, and a client child with the least. */
export function exampleSpans(traceId = TRACE_ID): ReadableSpan[] {
  const resource = resourceFromAttributes(RESOURCE);
  const root = {
    name: 'GET /cart',
    kind: 1, // SpanKind.SERVER
    spanContext: () => ({ traceId, spanId: ROOT_ID, traceFlags: 1, traceState: traceState('vendor=opaque') }),
    parentSpanContext: undefined,
    startTime: [1_700_000_000, 123_456_789],
    endTime: [1_700_000_001, 5],
    status: { code: 2, message: 'boom' },
    attributes: { ...UNCHANGED_ATTRIBUTES, payload: new Uint8Array([1, 2, 3, 255]) },
    events: [{ name: 'cache miss', time: [1_700_000_000, 500_000_001], attributes: { key: 'user:1' }, droppedAttributesCount: 2 }],
    links: [
      {
        context: { traceId: LINKED_TRACE_ID, spanId: LINKED_SPAN_ID, traceFlags: 1, traceState: traceState('other=1') },
        attributes: { 'link.kind': 'follows' },
        droppedAttributesCount: 1,
      },
    ],
    duration: [0, 876_543_216],
    ended: true,
    resource,
    instrumentationScope: { name: 'shop', version: '1.2.3' },
    droppedAttributesCount: 3,
    droppedEventsCount: 4,
    droppedLinksCount: 5,
  };
  const child = {
    ...root,
    name: 'SELECT cart',
    kind: 2, // SpanKind.CLIENT
    spanContext: () => ({ traceId, spanId: CHILD_ID, traceFlags: 1 }),
    parentSpanContext: { traceId, spanId: ROOT_ID, traceFlags: 1, isRemote: false },
    startTime: [1_700_000_000, 200_000_000],
    endTime: [1_700_000_000, 100_000_000], // ends before it starts: duration clamps to 0
    status: { code: 0 },
    attributes: {},
    events: [],
    links: [],
    instrumentationScope: { name: 'db' },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
  return [root, child] as unknown as ReadableSpan[];
}

const RESOURCE_COLUMNS = {
  serviceName: 'checkout',
  nodeId: '6f9619ff-8b86-d011-b42d-00c04fc964ff',
  resource: RESOURCE,
};

/** What the receiver must store for {@link exampleSpans}, every column. */
export const EXPECTED_ROWS: SpanRow[] = [
  {
    traceId: TRACE_ID,
    spanId: ROOT_ID,
    parentSpanId: null,
    operationName: 'GET /cart',
    ...RESOURCE_COLUMNS,
    startUnixNanos: 1_700_000_000_123_456_789n,
    durationNanos: 876_543_216n,
    kind: 'server',
    statusCode: 2,
    statusMessage: 'boom',
    tags: { ...UNCHANGED_ATTRIBUTES, payload: 'AQID/w==' },
    logs: [{ name: 'cache miss', time_unix_nano: '1700000000500000001', attributes: { key: 'user:1' }, dropped_attributes_count: 2 }],
    links: [{ trace_id: LINKED_TRACE_ID, span_id: LINKED_SPAN_ID, trace_state: 'other=1', attributes: { 'link.kind': 'follows' }, dropped_attributes_count: 1 }],
    scopeName: 'shop',
    scopeVersion: '1.2.3',
    traceState: 'vendor=opaque',
    droppedAttributesCount: 3,
    droppedEventsCount: 4,
    droppedLinksCount: 5,
  },
  {
    traceId: TRACE_ID,
    spanId: CHILD_ID,
    parentSpanId: ROOT_ID,
    operationName: 'SELECT cart',
    ...RESOURCE_COLUMNS,
    startUnixNanos: 1_700_000_000_200_000_000n,
    durationNanos: 0n,
    kind: 'client',
    statusCode: 0,
    statusMessage: null,
    tags: {},
    logs: [],
    links: [],
    scopeName: 'db',
    scopeVersion: null,
    traceState: null,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  },
];
