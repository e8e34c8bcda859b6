import { trace } from '@opentelemetry/api';
import { configure } from '@x/trace';
import { fromOtelExporter } from '../src/index.js';
import { createOtelTracerProvider } from '../src/index.js';
import { describe, expect, it } from 'vitest';

describe('found in review: leak probes', () => {
  it('spans never ended (runtime provider, buffered exporter plugin) do not grow the heap without bound', async () => {
    const t = fromOtelExporter({ export: (_s, cb) => cb({ code: 0 }), shutdown: () => Promise.resolve() }, { hookProcessShutdown: false, scheduledDelayMillis: 60_000 });
    configure({ tracer: t });
    const tracer = createOtelTracerProvider().getTracer('leaky');
    const g = globalThis as { gc?: () => void }; if (!g.gc) { const v8 = await import('node:v8'); const vm = await import('node:vm'); v8.setFlagsFromString('--expose-gc'); g.gc = vm.runInNewContext('gc'); }
    const heap = () => { g.gc?.(); return process.memoryUsage().heapUsed; };
    for (let i = 0; i < 20_000; i++) tracer.startSpan('x', { attributes: { i } });
    const before = heap();
    for (let i = 0; i < 200_000; i++) tracer.startSpan('x', { attributes: { i } });
    const after = heap();
    expect((after - before) / 1e6).toBeLessThan(20);
    await t.shutdown();
  });
  it('getTracer with many names', () => {
    const p = createOtelTracerProvider();
    for (let i = 0; i < 10; i++) p.getTracer(`n${i}`);
    expect(true).toBe(true);
  });
});
