// The store benchmark's spans: traces as a small web shop would send them, built before any timing.
// Each trace has 10 spans over three services (a server root, internal and client children, a
// downstream server with database calls), http.* and db.* attributes, a few events, errors on about
// 1% of spans and log-normal durations (about 2% of traces last over a second). Traces start in time
// order over a window that ends now, so "the last hour" queries find them all.
import { createHash } from 'node:crypto';
import type { JsonObject, SpanLog, SpanRow } from '@x/tracer-store';

export const SPANS_PER_TRACE = 10;

/** What the stored rows must give back, computed from the rows themselves (see `expectedCounts`). */
export interface ExpectedCounts {
  readonly traces: number;
  /** The document's slow-traces query: traces with an 'http.request' span over 1000 ms. */
  readonly slowHttpRequestTraces: number;
  /** Traces whose whole duration is at least 1000 ms (the summaries' lookup). */
  readonly slowTraces: number;
  readonly errorTraces: number;
}

const MILLI = 1_000_000n;
const SERVICES = ['frontend', 'orders', 'payments'] as const;
const RESOURCES: Record<string, JsonObject> = Object.fromEntries(
  SERVICES.map((name) => [name, { 'service.name': name, 'service.version': '1.4.2', 'deployment.environment': 'prod', 'host.name': `${name}-7f9c` }]),
);
const ROUTES = ['/api/orders', '/api/orders/:id', '/api/cart', '/api/checkout'];
const NO_LOGS: readonly SpanLog[] = [];

/** A small deterministic generator (mulberry32), so runs store the same traces. */
function randomGenerator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * `spanCount` spans (a multiple of {@link SPANS_PER_TRACE}), traces in start order over the
 * `windowMillis` before now. Trace ids are random-looking (see {@link traceIdOf}).
 */
export function buildTraces(spanCount: number, windowMillis: number, seed = 42): SpanRow[] {
  const random = randomGenerator(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const traces = Math.floor(spanCount / SPANS_PER_TRACE);
  const windowStart = Date.now() - windowMillis;
  const rows: SpanRow[] = [];
  for (let t = 0; t < traces; t++) {
    const traceId = traceIdOf(t);
    const startMillis = windowStart + ((t + random()) / traces) * windowMillis;
    // Median 60 ms; sigma 1.3 puts about 1.5% of roots over a second.
    const rootMillis = 60 * Math.exp(1.3 * gaussian());
    const failed = random() < 0.01;
    const route = ROUTES[Math.floor(random() * ROUTES.length)]!;
    // Some roots carry the generic name the document's slow-traces query looks for.
    const rootName = random() < 0.5 ? 'http.request' : `GET ${route}`;
    const span = (index: number, parent: number | null, fields: Partial<SpanRow> & { from: number; to: number }): SpanRow => {
      const { from, to, ...rest } = fields;
      return spanRow(traceId, index, parent, startMillis + rootMillis * from, rootMillis * (to - from), rest);
    };
    const status = failed ? { statusCode: 2 as const, statusMessage: 'payment declined' } : {};
    rows.push(
      span(0, null, {
        from: 0, to: 1, operationName: rootName, serviceName: 'frontend', kind: 'server', ...(failed ? { statusCode: 2, statusMessage: 'HTTP 502' } : {}),
        tags: { 'http.method': 'GET', 'http.route': route, 'http.status_code': failed ? 502 : 200, 'http.url': `https://shop.example${route}`, 'user_agent.original': 'Mozilla/5.0' },
        logs: [{ name: 'request.received', time_unix_nano: nanosText(startMillis), attributes: { 'http.request.body.size': 512 }, dropped_attributes_count: 0 }],
      }),
      span(1, 0, { from: 0.02, to: 0.1, operationName: 'authenticate', serviceName: 'frontend', kind: 'internal', tags: { 'enduser.id': `user-${t % 5000}` } }),
      span(2, 0, { from: 0.12, to: 0.9, operationName: 'POST orders', serviceName: 'frontend', kind: 'client', ...status, tags: { 'http.method': 'POST', 'http.url': 'http://orders:8080/orders', 'http.status_code': failed ? 502 : 201 } }),
      span(3, 2, { from: 0.14, to: 0.88, operationName: 'POST /orders', serviceName: 'orders', kind: 'server', ...status, tags: { 'http.method': 'POST', 'http.route': '/orders', 'http.status_code': failed ? 502 : 201 } }),
      span(4, 3, { from: 0.16, to: 0.3, operationName: 'SELECT orders', serviceName: 'orders', kind: 'client', tags: { 'db.system': 'postgresql', 'db.name': 'shop', 'db.statement': 'SELECT id, status, total FROM orders WHERE customer_id = $1 ORDER BY created_at DESC LIMIT 20' } }),
      span(5, 3, { from: 0.31, to: 0.4, operationName: 'validate order', serviceName: 'orders', kind: 'internal', tags: { 'order.items': 1 + (t % 7) } }),
      span(6, 3, { from: 0.41, to: 0.75, operationName: 'POST charge', serviceName: 'orders', kind: 'client', ...status, tags: { 'http.method': 'POST', 'http.url': 'http://payments:8080/charge' } }),
      span(7, 6, { from: 0.42, to: 0.74, operationName: 'POST /charge', serviceName: 'payments', kind: 'server', ...status, tags: { 'http.method': 'POST', 'http.route': '/charge', 'payment.provider': 'acme' },
        logs: failed ? [{ name: 'exception', time_unix_nano: nanosText(startMillis + rootMillis * 0.7), attributes: { 'exception.type': 'PaymentDeclined', 'exception.message': 'card declined' }, dropped_attributes_count: 0 }] : NO_LOGS }),
      span(8, 7, { from: 0.45, to: 0.6, operationName: 'INSERT payments', serviceName: 'payments', kind: 'client', tags: { 'db.system': 'postgresql', 'db.name': 'payments', 'db.statement': 'INSERT INTO payments (order_id, amount, currency) VALUES ($1, $2, $3)' } }),
      span(9, 3, { from: 0.77, to: 0.87, operationName: 'INSERT orders', serviceName: 'orders', kind: 'client', tags: { 'db.system': 'postgresql', 'db.name': 'shop', 'db.statement': 'INSERT INTO orders (customer_id, total) VALUES ($1, $2) RETURNING id' },
        logs: [{ name: 'rows.affected', time_unix_nano: nanosText(startMillis + rootMillis * 0.86), attributes: { count: 1 }, dropped_attributes_count: 0 }] }),
    );
  }
  return rows;
}

/**
 * The id of the trace built `traceNumber`-th: a hash of the number, so ids are as scattered as real
 * random ones (sequential ids would let DuckDB's min/max zone maps skip most of the table on a
 * lookup by id, which real ids never allow) and a sample of stored ids needs no list.
 */
export function traceIdOf(traceNumber: number): string {
  return createHash('md5').update(String(traceNumber)).digest('hex');
}

function spanRow(traceId: string, index: number, parent: number | null, startMillis: number, durationMillis: number, fields: Partial<SpanRow>): SpanRow {
  const serviceName = fields.serviceName ?? 'frontend';
  return {
    traceId,
    spanId: spanIdOf(traceId, index),
    parentSpanId: parent === null ? null : spanIdOf(traceId, parent),
    operationName: 'work',
    serviceName,
    nodeId: null,
    startUnixNanos: BigInt(Math.round(startMillis * 1000)) * 1000n,
    durationNanos: BigInt(Math.round(durationMillis * 1000)) * 1000n,
    kind: 'internal',
    statusCode: 0,
    statusMessage: null,
    tags: {},
    logs: NO_LOGS,
    links: [],
    resource: RESOURCES[serviceName]!,
    scopeName: '@x/trace',
    scopeVersion: '0.1.0',
    traceState: null,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...fields,
  };
}

/** Span ids unique in the store: the trace's last 15 hex digits and the span's index. */
function spanIdOf(traceId: string, index: number): string {
  return traceId.slice(-15) + index.toString(16);
}

function nanosText(millis: number): string {
  return (BigInt(Math.round(millis * 1000)) * 1000n).toString();
}

/** The counts the queries must return over `rows` (whole traces), as the engines compute them. */
export function expectedCounts(rows: readonly SpanRow[]): ExpectedCounts {
  const slowHttp = new Set<string>();
  const slow = new Set<string>();
  const errors = new Set<string>();
  for (const row of rows) {
    // duration_ms is rounded to whole milliseconds, and the query asks for more than 1000.
    if (row.operationName === 'http.request' && (row.durationNanos + 500_000n) / MILLI > 1000n) slowHttp.add(row.traceId);
    // Children end inside the root, so the root's duration is the trace's.
    if (row.parentSpanId === null && row.durationNanos >= 1000n * MILLI) slow.add(row.traceId);
    if (row.statusCode === 2) errors.add(row.traceId);
  }
  return { traces: rows.length / SPANS_PER_TRACE, slowHttpRequestTraces: slowHttp.size, slowTraces: slow.size, errorTraces: errors.size };
}
