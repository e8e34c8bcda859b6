import { createBufferedTracer } from '@x/tracer-core';
import { createFanoutTracer } from '@x/tracer-fanout';
import { oursFullSpan } from './workload.js';
const kids = [0, 1, 2].map(() => createBufferedTracer('p', { export: async () => ({ status: 'success' }) }, { hookProcessShutdown: false, scheduledDelayMillis: 3_600_000 }));
const t = createFanoutTracer(kids);
let ns = 0;
for (let r = 0; r < 150; r++) {
  const s = process.hrtime.bigint();
  for (let i = 0; i < 2000; i++) oursFullSpan(t);
  ns += Number(process.hrtime.bigint() - s);
  await t.flush();
}
console.log((ns / 300_000).toFixed(0), 'ns/span (recording only)');
