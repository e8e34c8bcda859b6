import { afterEach, describe, expect, it, vi } from 'vitest';
import { createBufferedTracer, ledgerProblem, type SpanExporter } from '@x/tracer-core';
import { MAX_DURATION_MILLIS, shutdownTimeout, startDeadline } from '@x/tracer-core/internal';

async function settledWithin(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => (settled = true));
  await vi.advanceTimersByTimeAsync(0);
  return settled;
}

describe('startDeadline', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('passes after exactly the time given, beyond the 2^31-1 ms a Node timer holds', async () => {
    vi.useFakeTimers();
    const deadline = startDeadline(MAX_DURATION_MILLIS + 5000);
    await vi.advanceTimersByTimeAsync(MAX_DURATION_MILLIS);
    expect(await settledWithin(deadline.passed)).toBe(false);
    await vi.advanceTimersByTimeAsync(4999);
    expect(await settledWithin(deadline.passed)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await settledWithin(deadline.passed)).toBe(true);
  });

  it('never passes for Infinity, and not once cancelled', async () => {
    vi.useFakeTimers();
    const forever = startDeadline(Infinity);
    const cancelled = startDeadline(10);
    cancelled.cancel();
    await vi.advanceTimersByTimeAsync(10 * MAX_DURATION_MILLIS);
    expect(await settledWithin(forever.passed)).toBe(false);
    expect(await settledWithin(cancelled.passed)).toBe(false);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('shutdown({ timeoutMillis })', () => {
  it.each([
    [{ timeoutMillis: 250 }, 250],
    [{ timeoutMillis: 1e10 }, 1e10],
    [{ timeoutMillis: Infinity }, Infinity],
    [{ timeoutMillis: 0 }, 0],
    [{ timeoutMillis: -1 }, 5000],
    [{ timeoutMillis: Number.NaN }, 5000],
    [{ timeoutMillis: '100' as never }, 5000],
    [undefined, 5000],
  ])('%o means %d ms', (options, expected) => {
    expect(shutdownTimeout(options, 5000)).toBe(expected);
  });

  it('a deadline past the timer limit means what it says: a slow final export still delivers', async () => {
    let exported = 0;
    const slow: SpanExporter = {
      async export(batch) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        exported += batch.length;
        return { status: 'success' };
      },
    };
    const tracer = createBufferedTracer('slow', slow, { hookProcessShutdown: false });
    for (let i = 0; i < 3; i++) tracer.endSpan(tracer.startSpan({ name: `s${i}` }));
    // 1e10 ms used to reach Node as a 1 ms timer: the flush "timed out" and the spans were dropped.
    await tracer.shutdown({ timeoutMillis: 1e10 });
    const stats = tracer.stats();
    expect(exported).toBe(3);
    expect(stats.spansExported).toBe(3);
    expect(stats.spansDropped).toEqual({});
    expect(ledgerProblem(stats)).toBeUndefined();
  });
});
