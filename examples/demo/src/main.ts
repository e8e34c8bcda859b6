// `pnpm demo`: the contract at work. A site handles three requests through one tracer: a new
// trace, a trace joined from a remote caller, and one its caller chose not to sample.
import { SpanHandle, ledgerProblem, spanKindName } from '@x/tracer-core';
import { createMemoryTracer } from '@x/tracer-memory';
import { handleCheckout } from './checkout-site.js';

const tracer = createMemoryTracer({ name: 'demo-memory' });

const remoteCaller = SpanHandle.of('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7')!;
await handleCheckout(tracer, { orderId: 1001 });
await handleCheckout(tracer, { orderId: 1002, parent: remoteCaller, failPayment: true });
const unsampled = await handleCheckout(tracer, { orderId: 1003, parent: SpanHandle.INVALID });

console.log('== @x/tracer-memory: finished spans, oldest first ==');
for (const span of tracer.drain()) {
  const ms = (Number(span.durationNanos) / 1e6).toFixed(2).padStart(6);
  const status = span.status.code === 2 ? `  ERROR: ${span.status.message}` : '';
  const parent = span.parentSpanId ? `${span.parentIsRemote ? 'remote ' : ''}parent ${span.parentSpanId}` : 'root';
  console.log(`${span.traceId.slice(0, 8)} ${span.spanId} ${ms} ms  ${spanKindName(span.kind).padEnd(8)} ${span.name.padEnd(30)} ${parent}${status}`);
}
console.log(`\nunsampled request returned ${unsampled === SpanHandle.INVALID ? 'INVALID' : 'a handle'}; its spans were never recorded`);
const stats = tracer.stats();
console.log('stats:', JSON.stringify(stats));
console.log(`ledger: ${ledgerProblem(stats) ?? 'balanced (started = exported + buffered + live + dropped)'}`);
await tracer.shutdown();
