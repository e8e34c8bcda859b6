import { ledgerProblem } from '@x/tracer-core';
import { describe, expect, it } from 'vitest';
import { fromOtelExporter, type OtelSpanExporter } from '../src/index.js';

const QUIET = { hookProcessShutdown: false, scheduledDelayMillis: 60_000 } as const;

describe('found in review: exporter probes', () => {
  it('a forceFlush that is not a promise (sync void) does not turn a delivered batch into drops', async () => {
    const exporter = {
      export: (_s: unknown[], cb: (r: { code: number }) => void) => cb({ code: 0 }),
      shutdown: () => Promise.resolve(),
      forceFlush: () => undefined as never,
    } satisfies OtelSpanExporter;
    const t = fromOtelExporter(exporter, QUIET);
    const h = t.startSpan({ name: 'a' });
    t.endSpan(h);
    await t.flush().catch(() => undefined);
    const stats = t.stats();
    expect(stats.spansExported).toBe(1);
    expect(stats.spansDropped).toEqual({});
    expect(ledgerProblem(stats)).toBeUndefined();
    await t.shutdown();
  });

  it('an exporter without shutdown(): our shutdown resolves', async () => {
    const exporter = { export: (_s: unknown[], cb: (r: { code: number }) => void) => cb({ code: 0 }) } as unknown as OtelSpanExporter;
    const t = fromOtelExporter(exporter, QUIET);
    t.endSpan(t.startSpan({ name: 'a' }));
    await expect(t.shutdown()).resolves.toBeUndefined();
    expect(t.stats().spansExported).toBe(1);
  });

  it('a forceFlush that rejects / never resolves does not hang flush', async () => {
    const exporter = {
      export: (_s: unknown[], cb: (r: { code: number }) => void) => cb({ code: 0 }),
      shutdown: () => Promise.resolve(),
      forceFlush: () => new Promise<void>(() => {}),
    } satisfies OtelSpanExporter;
    const t = fromOtelExporter(exporter, { ...QUIET, exportTimeoutMillis: 200 });
    t.endSpan(t.startSpan({ name: 'a' }));
    const r = await Promise.race([t.flush().then(() => 'done', () => 'rejected'), new Promise((res) => setTimeout(() => res('hung'), 2000))]);
    expect(r).not.toBe('hung');
    const stats = t.stats();
    expect(ledgerProblem(stats)).toBeUndefined();
    expect(stats.spansExported).toBe(1);
  });
});
