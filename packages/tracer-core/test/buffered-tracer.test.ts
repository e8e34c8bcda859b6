import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ExportFailedError,
  SpanHandle,
  TimeoutError,
  TracerError,
  TracerErrorCode,
  createBufferedTracer,
  ledgerProblem,
  type BufferedTracer,
  type BufferedTracerOptions,
  type ExportContext,
  type ExportResult,
  type FinishedSpan,
  type SpanExporter,
} from '@x/tracer-core';

type Behaviour = (batch: readonly FinishedSpan[], context: ExportContext) => Promise<ExportResult> | ExportResult;

/** An exporter that keeps what it was given and answers as the test says. */
function scriptedExporter(behaviour: Behaviour = () => ({ status: 'success' })) {
  const delivered: string[] = [];
  const batches: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const exporter: SpanExporter = {
    async export(batch, context) {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const result = await behaviour(batch, context);
        const deferred = new Set<FinishedSpan>(result.status === 'partial' ? (result.deferred ?? []) : []);
        if (result.status === 'success' || result.status === 'partial') delivered.push(...batch.filter((s) => !deferred.has(s)).map((s) => s.name));
        batches.push(batch.length);
        return result;
      } finally {
        inFlight--;
      }
    },
  };
  return { exporter, delivered, batches, maxInFlight: () => maxInFlight };
}

const tracers: BufferedTracer[] = [];
function tracer(exporter: SpanExporter, options: BufferedTracerOptions = {}): BufferedTracer {
  const t = createBufferedTracer('test', exporter, { hookProcessShutdown: false, scheduledDelayMillis: 60_000, ...options });
  tracers.push(t);
  return t;
}
afterEach(async () => {
  await Promise.allSettled(tracers.splice(0).map((t) => t.shutdown({ timeoutMillis: 100 })));
});

function record(t: BufferedTracer, count: number, prefix = 's'): void {
  for (let i = 0; i < count; i++) t.endSpan(t.startSpan({ name: `${prefix}${i}` }));
}

describe('createBufferedTracer', () => {
  it('exports a full batch soon after it fills, without waiting for the interval', async () => {
    const { exporter, delivered } = scriptedExporter();
    const t = tracer(exporter, { maxExportBatchSize: 10 });
    record(t, 10);
    expect(delivered).toEqual([]); // never inline with recording
    await vi.waitFor(() => expect(delivered).toHaveLength(10));
  });

  it('exports what is waiting on the interval', async () => {
    const { exporter, delivered } = scriptedExporter();
    const t = tracer(exporter, { scheduledDelayMillis: 20 });
    record(t, 3);
    await vi.waitFor(() => expect(delivered).toEqual(['s0', 's1', 's2']));
  });

  it('flush delivers everything in batches and the ledger balances', async () => {
    const { exporter, delivered, batches } = scriptedExporter();
    const t = tracer(exporter, { maxExportBatchSize: 4 });
    record(t, 10);
    await t.flush();
    expect(delivered).toHaveLength(10);
    expect(batches).toEqual([4, 4, 2]);
    const stats = t.stats();
    expect(stats).toMatchObject({ spansStarted: 10, spansEnded: 10, spansExported: 10, spansBuffered: 0 });
    expect(ledgerProblem(stats)).toBeUndefined();
  });

  it('keeps one export in flight by default, more when configured', async () => {
    const slow: Behaviour = () => new Promise((resolve) => setTimeout(() => resolve({ status: 'success' }), 5));
    const one = scriptedExporter(slow);
    const t1 = tracer(one.exporter, { maxExportBatchSize: 2 });
    record(t1, 10);
    await t1.flush();
    expect(one.maxInFlight()).toBe(1);
    const three = scriptedExporter(slow);
    const t3 = tracer(three.exporter, { maxExportBatchSize: 2, maxConcurrentExports: 3 });
    record(t3, 10);
    await t3.flush();
    expect(three.maxInFlight()).toBe(3);
    expect(three.delivered).toHaveLength(10);
  });

  it('a failed export rejects flush with ExportFailedError and counts the spans dropped', async () => {
    const cause = new TracerError(TracerErrorCode.ExportFailed, 'HTTP 400 Bad Request');
    const { exporter } = scriptedExporter(() => ({ status: 'failure', error: cause, reason: 'http-400' }));
    const t = tracer(exporter);
    record(t, 3);
    const error = await t.flush().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ExportFailedError);
    expect((error as ExportFailedError).cause).toBe(cause);
    const stats = t.stats();
    expect(stats.spansDropped).toEqual({ 'http-400': 3 });
    expect(stats.exportFailures).toBe(1);
    expect(stats.lastError).toMatchObject({ code: 'ERR_TRACER_EXPORT_FAILED', message: 'HTTP 400 Bad Request' });
    expect(ledgerProblem(stats)).toBeUndefined();
  });

  it('a retryable failure keeps the spans buffered and a later flush delivers them', async () => {
    let down = true;
    const { exporter, delivered } = scriptedExporter(() =>
      down ? { status: 'retryable', error: new TracerError(TracerErrorCode.ExportFailed, 'HTTP 503') } : { status: 'success' },
    );
    const t = tracer(exporter);
    record(t, 5);
    await expect(t.flush()).rejects.toThrow(/HTTP 503/);
    expect(t.stats()).toMatchObject({ spansBuffered: 5, spansExported: 0 });
    expect(ledgerProblem(t.stats())).toBeUndefined();
    down = false;
    await t.flush();
    expect(delivered).toEqual(['s0', 's1', 's2', 's3', 's4']);
    expect(t.stats()).toMatchObject({ spansBuffered: 0, spansExported: 5 });
  });

  it('an export that never settles times out, is aborted, and its spans are counted', async () => {
    let aborted = false;
    const { exporter } = scriptedExporter(
      (_batch, { signal }) =>
        new Promise(() => {
          signal.addEventListener('abort', () => (aborted = true));
        }),
    );
    const t = tracer(exporter, { exportTimeoutMillis: 50 });
    record(t, 2);
    const error = await t.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportFailedError);
    expect((error as ExportFailedError).cause).toBeInstanceOf(TimeoutError);
    expect(aborted).toBe(true);
    expect(t.stats().spansDropped).toEqual({ 'export-timeout': 2 });
    expect(ledgerProblem(t.stats())).toBeUndefined();
  });

  it('an exporter that throws or returns garbage is a failure, and flush never throws synchronously', async () => {
    const throwing: SpanExporter = {
      export() {
        throw new Error('kaboom');
      },
    };
    const t = tracer(throwing);
    record(t, 1);
    let promise: Promise<void> | undefined;
    expect(() => (promise = t.flush())).not.toThrow();
    await expect(promise).rejects.toThrow(/kaboom/);
    const garbage = tracer({ export: async () => 42 as never });
    record(garbage, 1);
    await expect(garbage.flush()).rejects.toThrow(/not an ExportResult/);
    expect(garbage.stats().spansDropped).toEqual({ 'export-failed': 1 });
  });

  it('surfaces a partial success: rejected spans counted, the warning in the flush result and stats, not retried', async () => {
    const { exporter, batches } = scriptedExporter(() => ({ status: 'partial', rejected: 2, message: 'bad span ids' }));
    const t = tracer(exporter);
    record(t, 5);
    await expect(t.flush()).rejects.toThrow('receiver rejected 2 of 5 spans: bad span ids');
    const stats = t.stats();
    expect(stats.exportFailures).toBe(0);
    expect(stats.spansExported).toBe(3);
    expect(stats.spansDropped).toEqual({ 'export-rejected': 2 });
    expect(stats.lastError?.message).toBe('receiver rejected 2 of 5 spans: bad span ids');
    expect(batches).toEqual([5]);
    expect(ledgerProblem(stats)).toBeUndefined();
    // A warning alone (nothing rejected) leaves the flush resolved and the warning in stats.
    const warned = tracer(scriptedExporter(() => ({ status: 'success', message: 'deprecated field' })).exporter);
    record(warned, 1);
    await warned.flush();
    expect(warned.stats().lastError?.message).toBe('receiver rejected 0 of 1 spans: deprecated field');
  });

  it('deferred spans stay buffered, come back first, and a flush tells the exporter not to defer', async () => {
    const seen: [string[], boolean][] = [];
    const { exporter, delivered } = scriptedExporter((batch, { flushing }) => {
      seen.push([batch.map((s) => s.name), flushing]);
      return { status: 'partial', deferred: flushing ? [] : batch.filter((s) => s.name.startsWith('wait')) };
    });
    const t = tracer(exporter, { scheduledDelayMillis: 20 });
    record(t, 1, 'wait');
    record(t, 1, 'go');
    await vi.waitFor(() => expect(delivered).toEqual(['go0']));
    expect(t.stats()).toMatchObject({ spansBuffered: 1, spansExported: 1 });
    expect(ledgerProblem(t.stats())).toBeUndefined();
    await t.flush();
    expect(delivered).toEqual(['go0', 'wait0']);
    expect(seen[0]).toEqual([['wait0', 'go0'], false]);
    expect(seen.at(-1)).toEqual([['wait0'], true]);
    expect(t.stats()).toMatchObject({ spansBuffered: 0, spansExported: 2 });
  });

  it('a split outcome: parts delivered, dropped by reason, deferred, with an error that fails the flush', async () => {
    const error = new TracerError(TracerErrorCode.ExportFailed, 'part of the batch got HTTP 400');
    const { exporter } = scriptedExporter((batch, { flushing }) =>
      flushing
        ? { status: 'partial', deferred: batch.slice(0, 2), dropped: { 'http-400': 3, bogus: 99 }, rejected: 1, error }
        : { status: 'success' },
    );
    const t = tracer(exporter);
    record(t, 10);
    await expect(t.flush()).rejects.toThrow(/HTTP 400/);
    const stats = t.stats();
    // 10 = 2 deferred + 1 rejected + 3 http-400 + 4 left for 'bogus' (capped) + 0 exported.
    expect(stats).toMatchObject({ spansBuffered: 2, spansExported: 0, exportFailures: 1 });
    expect(stats.spansDropped).toEqual({ 'http-400': 3, bogus: 4, 'export-rejected': 1 });
    expect(ledgerProblem(stats)).toBeUndefined();
  });

  it('an exporter cannot defer spans that were not in its batch', async () => {
    const stranger = { name: 'stranger', byteSize: 1 } as unknown as FinishedSpan;
    const { exporter } = scriptedExporter(() => ({ status: 'partial', deferred: [stranger] }));
    const t = tracer(exporter);
    record(t, 2);
    await t.flush();
    expect(t.stats()).toMatchObject({ spansBuffered: 0, spansExported: 2 });
  });

  it('recording continues while a flush is in flight', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const { exporter, delivered } = scriptedExporter(async () => {
      await gate;
      return { status: 'success' };
    });
    const t = tracer(exporter);
    record(t, 2, 'before');
    const flushing = t.flush();
    record(t, 2, 'during');
    release();
    await flushing;
    expect(delivered).toEqual(['before0', 'before1']);
    await t.flush();
    expect(delivered).toEqual(['before0', 'before1', 'during0', 'during1']);
  });

  it('shutdown flushes, is idempotent, and makes later recording a counted no-op', async () => {
    const { exporter, delivered } = scriptedExporter();
    const t = tracer(exporter);
    record(t, 3);
    const first = t.shutdown();
    expect(t.shutdown()).toBe(first);
    await first;
    expect(delivered).toHaveLength(3);
    expect(t.startSpan({ name: 'late' })).toBe(SpanHandle.INVALID);
    t.endSpan({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) });
    t.updateName({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }, 'late');
    expect(t.stats().ignoredAfterShutdown).toBe(3);
  });

  it('exports the name a span was renamed to before it ended, and counts a name that is not a string', async () => {
    const { exporter, delivered } = scriptedExporter();
    const t = tracer(exporter);
    const span = t.startSpan({ name: 'GET' });
    t.updateName(span, 'GET /users/:id');
    t.updateName(span, 42 as never);
    t.endSpan(span);
    t.updateName(span, 'too late');
    await t.flush();
    expect(delivered).toEqual(['GET /users/:id']);
    expect(t.stats().invalidCalls).toBe(1);
  });

  it("traceState: a live span's as it started; undefined once ended, for a foreign handle and after shutdown", async () => {
    const t = tracer(scriptedExporter().exporter);
    const other = tracer(scriptedExporter().exporter);
    // `BufferedTracer` does not declare the optional member; every tracer built on the core has it.
    const traceState = (from: BufferedTracer, span: SpanHandle) => from.traceState!(span);
    const server = t.startSpan({ name: 'server', parent: { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' }, traceState: 'a=1,b=2' });
    const plain = t.startSpan({ name: 'plain' });
    const ended = t.startSpan({ name: 'ended', traceState: 'a=1' });
    t.endSpan(ended);
    expect(traceState(t, server)).toBe('a=1,b=2');
    expect(traceState(t, plain)).toBe('');
    expect(traceState(t, ended)).toBeUndefined();
    expect(traceState(other, server)).toBeUndefined();
    expect(traceState(t, SpanHandle.INVALID)).toBeUndefined();
    await t.shutdown();
    expect(traceState(t, server)).toBeUndefined();
    expect(t.stats()).toMatchObject({ ignoredAfterShutdown: 1, invalidCalls: 0 });
  });

  it('shutdown ends by its deadline when the exporter hangs, dropping and counting what is left', async () => {
    const { exporter } = scriptedExporter(() => new Promise(() => {}));
    const t = tracer(exporter, { maxExportBatchSize: 2 });
    record(t, 5);
    const live = t.startSpan({ name: 'never ended' });
    expect(SpanHandle.isValid(live)).toBe(true);
    const error = await t.shutdown({ timeoutMillis: 100 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    const stats = t.stats();
    expect(stats.spansBuffered).toBe(0);
    expect(stats.spansDropped).toEqual({ shutdown: 5, 'live-evicted': 1 });
    expect(ledgerProblem(stats)).toBeUndefined();
  });

  it.each([
    [{ maxExportBatchSize: 0 }, /maxExportBatchSize must be a positive integer, got 0/],
    [{ maxBufferedSpans: 1.5 }, /maxBufferedSpans must be a positive integer, got 1.5/],
    [{ scheduledDelayMillis: -1 }, /scheduledDelayMillis must be a non-negative number of milliseconds/],
    [{ exportTimeoutMillis: 'soon' }, /exportTimeoutMillis .* got "soon"/],
    [{ hookProcessShutdown: 'yes' }, /hookProcessShutdown must be true or false/],
  ])('rejects bad option %o', (options, message) => {
    expect(() => createBufferedTracer('x', scriptedExporter().exporter, options as BufferedTracerOptions)).toThrow(message);
  });

  describe('duration options at the longest timer Node keeps (2^31-1 ms)', () => {
    it.each(['scheduledDelayMillis', 'exportTimeoutMillis', 'shutdownTimeoutMillis'])('%s: 2147483647 is accepted and the tracer works', async (name) => {
      const { exporter, delivered } = scriptedExporter();
      const t = tracer(exporter, { [name]: 2_147_483_647 });
      record(t, 2);
      await t.shutdown();
      expect(delivered).toEqual(['s0', 's1']);
      expect(t.stats().spansDropped).toEqual({});
    });

    it.each(['scheduledDelayMillis', 'exportTimeoutMillis', 'shutdownTimeoutMillis'])('%s: 2147483648 is refused, naming the option and the limit', (name) => {
      expect(() => createBufferedTracer('x', scriptedExporter().exporter, { hookProcessShutdown: false, [name]: 2_147_483_648 })).toThrow(
        new RegExp(`^${name} must be a non-negative number of milliseconds, at most 2147483647 .*got 2147483648$`),
      );
    });

    it('a shutdown given a longer deadline than Node keeps waits for the exporter instead of timing out at once', async () => {
      const slow: Behaviour = () => new Promise((resolve) => setTimeout(() => resolve({ status: 'success' }), 30));
      const { exporter, delivered } = scriptedExporter(slow);
      const t = tracer(exporter);
      record(t, 2);
      await t.shutdown({ timeoutMillis: 2 ** 31 });
      expect(delivered).toEqual(['s0', 's1']);
      expect(t.stats().spansDropped).toEqual({});
    });
  });
});
