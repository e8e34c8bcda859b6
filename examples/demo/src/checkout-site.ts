// A tiny "site" instrumented against the TracerPlugin contract only: it never knows which tracer
// it was given. Parents are explicit, and an INVALID parent is threaded through like any other.
import { SpanKind, SpanStatusCode, type SpanHandle, type TracerPlugin } from '@x/tracer-core';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function queryDatabase(tracer: TracerPlugin, parent: SpanHandle, sql: string): Promise<number> {
  const span = tracer.startSpan({
    name: 'db.query',
    kind: SpanKind.CLIENT,
    parent,
    attributes: { 'db.system': 'postgresql', 'db.query.text': sql },
  });
  await sleep(4);
  tracer.setAttribute(span, 'db.response.returned_rows', 3);
  tracer.endSpan(span);
  return 3;
}

async function chargeCard(tracer: TracerPlugin, parent: SpanHandle, fail: boolean): Promise<void> {
  const span = tracer.startSpan({
    name: 'POST payments.example/charges',
    kind: SpanKind.CLIENT,
    parent,
    attributes: { 'http.request.method': 'POST', 'server.address': 'payments.example' },
  });
  await sleep(8);
  tracer.addEvent(span, { name: 'retry', attributes: { attempt: 1 } });
  await sleep(3);
  if (fail) {
    tracer.setAttribute(span, 'http.response.status_code', 502);
    tracer.setStatus(span, { code: SpanStatusCode.ERROR, message: 'payment gateway returned 502' });
  } else {
    tracer.setAttribute(span, 'http.response.status_code', 201);
  }
  tracer.endSpan(span);
}

/**
 * Handles one checkout request. `parent` is the caller's context: undefined for a new trace,
 * a remote handle (from a traceparent header) to join a trace, or INVALID when the caller
 * decided not to sample.
 */
export async function handleCheckout(
  tracer: TracerPlugin,
  options: { parent?: SpanHandle; failPayment?: boolean; orderId: number },
): Promise<SpanHandle> {
  const request = tracer.startSpan({
    name: 'POST /checkout',
    kind: SpanKind.SERVER,
    parent: options.parent,
    attributes: { 'http.request.method': 'POST', 'url.path': '/checkout', 'order.id': options.orderId },
  });
  try {
    const auth = tracer.startSpan({ name: 'auth.verify', parent: request, attributes: { 'user.id': 'user-123' } });
    await sleep(2);
    tracer.endSpan(auth);
    await queryDatabase(tracer, request, 'SELECT * FROM carts WHERE user_id = $1');
    await chargeCard(tracer, request, options.failPayment ?? false);
    await queryDatabase(tracer, request, 'INSERT INTO orders VALUES ($1, $2)');
    tracer.addEvent(request, { name: 'order.placed', attributes: { 'order.id': options.orderId } });
    tracer.setAttribute(request, 'http.response.status_code', options.failPayment ? 502 : 201);
    if (options.failPayment) tracer.setStatus(request, { code: SpanStatusCode.ERROR, message: 'payment failed' });
    return request;
  } finally {
    tracer.endSpan(request);
  }
}
