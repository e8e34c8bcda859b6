// `pnpm demo`: the contract at work. A site handles three requests through one tracer: a new
// trace, a trace joined from a remote caller, and one its caller chose not to sample.
import { SpanHandle, ledgerProblem, type TracerStats } from '@x/tracer-core';
import { createStdoutTracer } from '@x/tracer-stdout';
import { handleCheckout } from './checkout-site.js';

function report(name: string, stats: TracerStats): void {
  const dropped = Object.entries(stats.spansDropped).map(([reason, n]) => `${reason} ${n}`).join(', ') || 'none';
  console.log(
    `${name}: started ${stats.spansStarted}, exported ${stats.spansExported}, buffered ${stats.spansBuffered}, ` +
      `live ${stats.spansLive}, dropped ${dropped}; ledger ${ledgerProblem(stats) ?? 'balanced'}`,
  );
}

console.log('== @x/tracer-stdout, pretty: each trace printed as a tree when its root ends ==\n');
const tracer = createStdoutTracer({ format: 'pretty' });
const remoteCaller = SpanHandle.of('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7')!;
await handleCheckout(tracer, { orderId: 1001 });
await handleCheckout(tracer, { orderId: 1002, parent: remoteCaller, failPayment: true });
const unsampled = await handleCheckout(tracer, { orderId: 1003, parent: SpanHandle.INVALID });
await tracer.flush();
console.log(`(order 1003: the caller did not sample it; the site got ${unsampled === SpanHandle.INVALID ? 'INVALID' : 'a handle'} and ran the same code)`);
report('stdout', tracer.stats());

console.log('\n== @x/tracer-stdout, json: one object per span per line (NDJSON) ==\n');
const json = createStdoutTracer({ format: 'json' });
await handleCheckout(json, { orderId: 1004 });
await json.shutdown();
report('stdout json', json.stats());
await tracer.shutdown();
