// `pnpm demo`: the contract at work. A site handles three requests through one tracer: a new
// trace, a trace joined from a remote caller, and one its caller chose not to sample. The site's
// one tracer is a fan-out chaining two backends: stdout (pretty trees) and memory.
import { SpanHandle, ledgerProblem, type TracerStats } from '@x/tracer-core';
import { createFanoutTracer } from '@x/tracer-fanout';
import { createMemoryTracer } from '@x/tracer-memory';
import { createStdoutTracer } from '@x/tracer-stdout';
import { handleCheckout } from './checkout-site.js';

function report(name: string, stats: TracerStats, indent = ''): void {
  const dropped = Object.entries(stats.spansDropped).map(([reason, n]) => `${reason} ${n}`).join(', ') || 'none';
  console.log(
    `${indent}${name}: started ${stats.spansStarted}, exported ${stats.spansExported}, buffered ${stats.spansBuffered}, ` +
      `live ${stats.spansLive}, dropped ${dropped}; ledger ${ledgerProblem(stats) ?? 'balanced'}`,
  );
  for (const [child, childStats] of Object.entries(stats.children ?? {})) report(child, childStats, `${indent}  `);
}

console.log('== one site, two backends chained through @x/tracer-fanout: stdout (pretty) + memory ==\n');
const stdout = createStdoutTracer({ format: 'pretty' });
const memory = createMemoryTracer();
const site = createFanoutTracer([stdout, memory], { name: 'site' });

const remoteCaller = SpanHandle.of('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7')!;
await handleCheckout(site, { orderId: 1001 });
await handleCheckout(site, { orderId: 1002, parent: remoteCaller, failPayment: true });
const unsampled = await handleCheckout(site, { orderId: 1003, parent: SpanHandle.INVALID });
await site.flush();

const kept = memory.drain();
console.log(`memory backend got ${kept.length} spans under the same ids; the roots:`);
for (const span of kept.filter((s) => s.name === 'POST /checkout')) console.log(`  trace ${span.traceId} span ${span.spanId}`);
console.log(`(order 1003: the caller did not sample it; the site got ${unsampled === SpanHandle.INVALID ? 'INVALID' : 'a handle'} and ran the same code)\n`);
report('site', site.stats());

console.log('\n== @x/tracer-stdout, json: one object per span per line (NDJSON) ==\n');
const json = createStdoutTracer({ format: 'json' });
await handleCheckout(json, { orderId: 1004 });
await json.shutdown();
report('stdout json', json.stats());
await site.shutdown();
