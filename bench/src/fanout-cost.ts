// What one more fan-out child costs: the full span of the benchmark (kind, 3 attributes at start,
// 2 setAttribute, 1 event, status, end) into memory tracers directly and through fan-outs of 1-4.
// Run: pnpm --filter @x/bench fanout
import { SpanKind, SpanStatusCode, type TracerPlugin } from '@x/tracer-core';
import { createFanoutTracer } from '@x/tracer-fanout';
import { createMemoryTracer, type MemoryTracer } from '@x/tracer-memory';
import { nsPerOpWithCleanup } from './measure.js';

function fullSpans(tracer: TracerPlugin, n: number): void {
  for (let i = 0; i < n; i++) {
    const span = tracer.startSpan({
      name: 'GET /users/:id',
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'GET', 'url.path': '/users/42', 'user_agent.original': 'bench' },
    });
    tracer.setAttribute(span, 'http.response.status_code', 200);
    tracer.setAttribute(span, 'http.route', '/users/:id');
    tracer.addEvent(span, { name: 'cache.miss', attributes: { 'cache.key': 'user:42' } });
    tracer.setStatus(span, { code: SpanStatusCode.OK });
    tracer.endSpan(span);
  }
}

/** Checks that every child kept every span (no case wins by doing less), then empties them. */
function drainAll(children: MemoryTracer[], expected: number): void {
  for (const memory of children) {
    const kept = memory.drain().length;
    if (kept !== expected) throw new Error(`${memory.name} kept ${kept} spans, expected ${expected}`);
  }
}

const memories = (count: number) => Array.from({ length: count }, (_, i) => createMemoryTracer({ name: `m${i}` }));
const rows: [string, number][] = [];
const direct = memories(1);
const N = 20_000;
rows.push(['memory tracer, direct', nsPerOpWithCleanup((n) => fullSpans(direct[0]!, n), () => drainAll(direct, N), N)]);
for (const count of [1, 2, 3, 4]) {
  const children = memories(count);
  const fanout = createFanoutTracer(children);
  rows.push([
    `fan-out of ${count} memory tracer${count > 1 ? 's' : ''}`,
    nsPerOpWithCleanup((n) => fullSpans(fanout, n), () => drainAll(children, N), N),
  ]);
}
console.log(`Node ${process.version}; ns per full span, median of 7 rounds of 20k`);
for (const [name, ns] of rows) console.log(`${ns.toFixed(0).padStart(7)} ns  ${name}`);
