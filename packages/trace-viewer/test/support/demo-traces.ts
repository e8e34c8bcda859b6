import { createHash } from 'node:crypto';
import type { JsonObject, SpanKindName, SpanLink, SpanLog, SpanRow } from '@x/tracer-store';

const MILLI = 1_000_000n;

/** A trace id named by a text: random-looking, as real ids are, and the same on every run. */
export function traceId(name: string): string {
  return createHash('sha256').update(`trace:${name}`).digest('hex').slice(0, 32);
}

/** A span id named by a text (unique within its trace is enough). */
export function spanId(name: string): string {
  return createHash('sha256').update(`span:${name}`).digest('hex').slice(0, 16);
}

/** One span to write, times in milliseconds from the trace's start. */
export interface SpanSpec {
  readonly span: string;
  readonly parent?: string;
  readonly service: string;
  readonly operation: string;
  readonly startMillis: number;
  readonly durationMillis: number;
  readonly kind?: SpanKindName;
  readonly error?: string;
  readonly tags?: JsonObject;
  readonly logs?: readonly { name: string; atMillis: number; attributes?: JsonObject }[];
  readonly links?: readonly SpanLink[];
}

/** The rows of one trace that started `startedMillisAgo` before now. */
export function traceRows(trace: string, startedMillisAgo: number, specs: readonly SpanSpec[]): SpanRow[] {
  const start = BigInt(Date.now() - startedMillisAgo) * MILLI;
  const nanos = (millis: number) => start + BigInt(Math.round(millis * 1e6));
  return specs.map((spec) => ({
    traceId: traceId(trace),
    spanId: spanId(spec.span),
    parentSpanId: spec.parent === undefined ? null : spanId(spec.parent),
    operationName: spec.operation,
    serviceName: spec.service,
    nodeId: null,
    startUnixNanos: nanos(spec.startMillis),
    durationNanos: BigInt(Math.round(spec.durationMillis * 1e6)),
    kind: spec.kind ?? 'internal',
    statusCode: spec.error === undefined ? 0 : 2,
    statusMessage: spec.error ?? null,
    tags: spec.tags ?? {},
    logs: (spec.logs ?? []).map(
      (log): SpanLog => ({ name: log.name, time_unix_nano: String(nanos(log.atMillis)), attributes: log.attributes ?? {}, dropped_attributes_count: 0 }),
    ),
    links: spec.links ?? [],
    resource: { 'service.name': spec.service, 'service.version': '1.4.2', 'host.name': `${spec.service}-7f9c` },
    scopeName: '@x/tracer-http',
    scopeVersion: '0.1.0',
    traceState: null,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  }));
}

interface CheckoutOptions {
  /** Milliseconds the payment provider takes. */
  readonly paymentMillis?: number;
  readonly fail?: boolean;
  readonly rootTags?: JsonObject;
  readonly links?: readonly SpanLink[];
  readonly orderId?: string;
}

/** The demo's flow: gateway → orders → payments over HTTP, with database spans and events. */
export function checkoutSpans(options: CheckoutOptions = {}): SpanSpec[] {
  const payment = options.paymentMillis ?? 40;
  const fail = options.fail ?? false;
  const orderId = options.orderId ?? 'ord-1042';
  const end = 30 + payment + 25;
  return [
    {
      span: 'gw', service: 'gateway', operation: 'POST /checkout', kind: 'server', startMillis: 0, durationMillis: end + 5,
      tags: { 'http.request.method': 'POST', 'http.route': '/checkout', 'http.response.status_code': fail ? 502 : 200, 'user.id': 'u-77', ...options.rootTags },
      ...(fail ? { error: 'payment failed' } : {}),
      logs: [{ name: 'request.received', atMillis: 0.4, attributes: { 'http.body.size': 412 } }],
      ...(options.links ? { links: options.links } : {}),
    },
    { span: 'gw-auth', parent: 'gw', service: 'gateway', operation: 'authenticate', startMillis: 1, durationMillis: 4, tags: { 'auth.method': 'jwt' } },
    {
      span: 'gw-call', parent: 'gw', service: 'gateway', operation: 'POST /orders', kind: 'client', startMillis: 6, durationMillis: end - 6,
      tags: { 'http.request.method': 'POST', 'server.address': 'orders', 'http.response.status_code': fail ? 502 : 201 },
    },
    {
      span: 'ord', parent: 'gw-call', service: 'orders', operation: 'POST /orders', kind: 'server', startMillis: 8, durationMillis: end - 10,
      tags: { 'http.route': '/orders', 'order.id': orderId },
      logs: [
        { name: 'order.validated', atMillis: 12, attributes: { 'order.items': 3 } },
        ...(fail ? [{ name: 'exception', atMillis: end - 4, attributes: { 'exception.type': 'PaymentError', 'exception.message': 'payment gateway returned 502' } }] : []),
      ],
      ...(fail ? { error: 'payment gateway returned 502' } : {}),
    },
    { span: 'ord-db1', parent: 'ord', service: 'orders', operation: 'SELECT inventory', kind: 'client', startMillis: 13, durationMillis: 9, tags: { 'db.system': 'postgresql', 'db.statement': 'SELECT qty FROM inventory WHERE sku = $1' } },
    // Parallel with the inventory query and shorter: never on the critical path.
    { span: 'ord-cache', parent: 'ord', service: 'orders', operation: 'cache.get', kind: 'client', startMillis: 13.5, durationMillis: 2, tags: { 'cache.hit': false } },
    { span: 'ord-pay', parent: 'ord', service: 'orders', operation: 'POST /payments', kind: 'client', startMillis: 24, durationMillis: payment + 4, tags: { 'server.address': 'payments' } },
    {
      span: 'pay', parent: 'ord-pay', service: 'payments', operation: 'POST /payments', kind: 'server', startMillis: 25, durationMillis: payment + 2,
      tags: { 'payment.provider': 'stripe', 'payment.amount': 59.9 },
      logs: [{ name: 'card.authorized', atMillis: 25 + payment * 0.8, attributes: { 'card.brand': 'visa' } }],
      ...(fail ? { error: 'provider answered 502' } : {}),
    },
    { span: 'pay-api', parent: 'pay', service: 'payments', operation: 'provider.charge', kind: 'client', startMillis: 26, durationMillis: payment - 2, ...(fail ? { error: 'HTTP 502 Bad Gateway' } : {}) },
    { span: 'ord-db2', parent: 'ord', service: 'orders', operation: 'INSERT orders', kind: 'client', startMillis: 30 + payment, durationMillis: 12, tags: { 'db.system': 'postgresql', 'db.statement': 'INSERT INTO orders VALUES ($1, $2)' } },
    { span: 'ord-pub', parent: 'ord', service: 'orders', operation: 'publish order.created', kind: 'producer', startMillis: 43 + payment, durationMillis: 3, tags: { 'messaging.system': 'kafka' } },
  ];
}

/** A few minutes of the demo: ordinary, failed, slow and tail-sampled checkouts, and a catalog read. */
export function demoTraces(): SpanRow[] {
  return [
    ...traceRows('checkout-ok-1', 240_000, checkoutSpans({ paymentMillis: 38 })),
    ...traceRows('checkout-ok-2', 180_000, checkoutSpans({ paymentMillis: 45, orderId: 'ord-1043' })),
    ...traceRows('checkout-error', 120_000, checkoutSpans({ paymentMillis: 30, fail: true, rootTags: { 'sampling.rule': 'errors' } })),
    ...traceRows('checkout-slow', 60_000, checkoutSpans({
      paymentMillis: 1450,
      orderId: 'ord-1044',
      rootTags: { 'sampling.rule': 'slow_requests', 'sampling.decided_early': 'decision_wait' },
      links: [{ trace_id: traceId('checkout-ok-1'), span_id: spanId('gw'), trace_state: '', attributes: { 'link.reason': 'retry of' }, dropped_attributes_count: 0 }],
    })),
    ...traceRows('catalog', 30_000, [
      { span: 'cat', service: 'catalog', operation: 'GET /products', kind: 'server', startMillis: 0, durationMillis: 18, tags: { 'http.route': '/products' } },
      { span: 'cat-db', parent: 'cat', service: 'catalog', operation: 'SELECT products', kind: 'client', startMillis: 2, durationMillis: 12, tags: { 'db.system': 'postgresql' } },
    ]),
  ];
}

const SERVICES = ['gateway', 'orders', 'payments', 'inventory', 'search', 'pricing', 'users', 'notifications'];

/**
 * A big trace of `count` spans, deep and wide: each span has up to four children, nested up to
 * twelve levels, spread over services; its last row in the waterfall is `finalize report`, the
 * root's last child.
 */
export function bigTraceRows(count: number): SpanRow[] {
  const rootMillis = count * 0.5 + 10;
  const specs: SpanSpec[] = [{ span: 'b0', service: 'gateway', operation: 'GET /big-report', kind: 'server', startMillis: 0, durationMillis: rootMillis }];
  const depth = [0];
  // Breadth-first: children start inside their parent, one after another; depth 12 has no children.
  for (let i = 0; specs.length < count - 1; i++) {
    const parent = specs[i]!;
    const level = depth[i]!;
    if (level >= 12) continue;
    const slot = parent.durationMillis / 5;
    for (let c = 0; c < 4 && specs.length < count - 1; c++) {
      depth.push(level + 1);
      specs.push({
        span: `b${specs.length}`, parent: parent.span, service: SERVICES[(level + c) % SERVICES.length]!,
        operation: `step ${level + 1}.${c}`, startMillis: parent.startMillis + slot * c + 0.1, durationMillis: slot * 0.9,
        ...(specs.length % 997 === 0 ? { error: 'timeout' } : {}),
      });
    }
  }
  specs.push({ span: 'blast', parent: 'b0', service: 'gateway', operation: 'finalize report', startMillis: rootMillis - 4, durationMillis: 3 });
  return traceRows('big-trace', 90_000, specs);
}
