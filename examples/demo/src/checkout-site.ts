// A tiny "site" instrumented with @x/trace: spans follow the async flow, so no function takes a
// span or a tracer. Which tracer receives them is the site's choice (`configure`, in main.ts).
import { currentSpan, getTracer, recordEvent, SpanKind, withSpan } from '@x/trace';
import type { SpanHandle } from '@x/tracer-core';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The payment client is a library of its own: its spans carry its instrumentation scope. */
const payments = getTracer('payments-client', '2.3.0');

async function queryDatabase(sql: string): Promise<number> {
  return withSpan(
    'db.query',
    async (span) => {
      await sleep(4);
      span.setAttribute('db.response.returned_rows', 3);
      return 3;
    },
    { kind: SpanKind.CLIENT, attributes: { 'db.system': 'postgresql', 'db.query.text': sql } },
  );
}

async function chargeCard(fail: boolean): Promise<void> {
  await payments.withSpan(
    'POST payments.example/charges',
    async (span) => {
      await sleep(8);
      payments.recordEvent('retry', { attempt: 1 });
      await sleep(3);
      span.setAttribute('http.response.status_code', fail ? 502 : 201);
      if (fail) throw new Error('payment gateway returned 502');
    },
    { kind: SpanKind.CLIENT, attributes: { 'http.request.method': 'POST', 'server.address': 'payments.example' } },
  );
}

async function verifyUser(): Promise<void> {
  await withSpan('auth.verify', () => sleep(2), { attributes: { 'user.id': 'user-123' } });
}

/**
 * Handles one checkout request. `parent` is the caller's context: undefined for a new trace, a
 * remote handle (from a traceparent header) to join a trace, or INVALID when the caller decided
 * not to sample. Returns the request span's wire handle.
 */
export async function handleCheckout(options: { parent?: SpanHandle; failPayment?: boolean; orderId: number }): Promise<SpanHandle> {
  return withSpan(
    'POST /checkout',
    async (request) => {
      await verifyUser();
      await queryDatabase('SELECT * FROM carts WHERE user_id = $1');
      try {
        await chargeCard(options.failPayment ?? false);
      } catch (error) {
        request.setStatus('error', 'payment failed');
        currentSpan().record('http.response.status_code', 502);
        return request.handle;
      }
      await queryDatabase('INSERT INTO orders VALUES ($1, $2)');
      recordEvent('order.placed', { 'order.id': options.orderId });
      currentSpan().record('http.response.status_code', 201);
      return request.handle;
    },
    { kind: SpanKind.SERVER, parent: options.parent, attributes: { 'http.request.method': 'POST', 'url.path': '/checkout', 'order.id': options.orderId } },
  );
}
