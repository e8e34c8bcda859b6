import { createSamplingTracer } from '@x/tracer-sampling';
import { createBufferedTracer, SpanKind } from '@x/tracer-core';
const child = createBufferedTracer('discard', { export: async () => ({ status: 'success' }) }, { scheduledDelayMillis: 3_600_000 } as never);
const ours = createSamplingTracer(child, { sampleRate: 0.01, alwaysSample: ['errors', 'slow_requests'] });
const OK = { code: 1 } as const;
function full(tracer: any, parent?: any) {
  const span = tracer.startSpan({ name: 'GET /users/:id', kind: SpanKind.SERVER, parent, attributes: { 'http.request.method': 'GET', 'url.path': '/users/42', 'user_agent.original': 'bench/1.0' } });
  tracer.setAttribute(span, 'http.response.status_code', 200);
  tracer.setAttribute(span, 'http.route', '/users/:id');
  tracer.addEvent(span, { name: 'cache.miss', attributes: { 'cache.key': 'user:42' } });
  tracer.setStatus(span, OK);
  tracer.endSpan(span);
}
for (let r = 0; r < 20; r++) {
  const t = performance.now();
  for (let i = 0; i < 20000; i++) { const root = ours.startSpan({ name: 'GET /orders' }); full(ours, root); ours.endSpan(root); }
  if (r % 5 === 4) console.log(((performance.now() - t) * 1e6 / 40000).toFixed(0), 'ns/span');
  await child.flush();
}
const plain = createBufferedTracer('plain', { export: async () => ({ status: 'success' }) }, { scheduledDelayMillis: 3_600_000 } as never);
for (let r = 0; r < 20; r++) {
  const t = performance.now();
  for (let i = 0; i < 20000; i++) { const root = plain.startSpan({ name: 'GET /orders' }); full(plain, root); plain.endSpan(root); }
  if (r % 5 === 4) console.log('plain', ((performance.now() - t) * 1e6 / 40000).toFixed(0), 'ns/span');
  await plain.flush();
}
