import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ExportFailedError,
  TimeoutError,
  TracerError,
  TracerErrorCode,
  type ExportResult,
  type ExportSchedulerOptions,
  type FinishedSpan,
  type SpanExporter,
} from '@x/tracer-core';
import { ExportScheduler, SpanBuffer, TracerCounters } from '@x/tracer-core/internal';

/** One call of the exporter, answered when the test says. */
interface Call {
  readonly batch: readonly FinishedSpan[];
  readonly names: string[];
  readonly flushing: boolean;
  readonly signal: AbortSignal;
  settled: boolean;
  answer(result: ExportResult): void;
}

/** An exporter whose every call waits for the test to answer it. */
function heldExporter() {
  const calls: Call[] = [];
  const exporter: SpanExporter = {
    export(batch, { signal, flushing }) {
      return new Promise((resolve) => {
        const call: Call = {
          batch,
          names: batch.map((span) => span.name),
          flushing,
          signal,
          settled: false,
          answer(result) {
            call.settled = true;
            resolve(result);
          },
        };
        calls.push(call);
      });
    },
  };
  const inFlight = () => calls.filter((call) => !call.settled).length;
  return { exporter, calls, inFlight };
}

const schedulers: ExportScheduler[] = [];
afterEach(() => {
  for (const scheduler of schedulers.splice(0)) scheduler.stop();
  vi.useRealTimers();
});

function setup(exporter: SpanExporter, options: ExportSchedulerOptions = {}) {
  const counters = new TracerCounters();
  const buffer = new SpanBuffer(1000, 1e9, counters);
  const scheduler = new ExportScheduler(buffer, exporter, counters, {
    maxExportBatchSize: 4,
    scheduledDelayMillis: 60_000,
    exportTimeoutMillis: 30_000,
    maxConcurrentExports: 1,
    ...options,
  });
  schedulers.push(scheduler);
  let next = 0;
  /** Adds `count` finished spans named s0, s1, ... as the buffered tracer does. */
  const add = (count: number) => {
    for (let i = 0; i < count; i++) buffer.push({ name: `s${next++}`, byteSize: 10 } as unknown as FinishedSpan);
  };
  return { counters, buffer, scheduler, add };
}

/** Lets pending promise callbacks and immediates run. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
const delivered: ExportResult = { status: 'success' };
const names = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `s${from + i}`);
// Fake only the timers the scheduler arms; setImmediate stays real so `turn()` works.
const FAKE_TIMERS: Parameters<typeof vi.useFakeTimers>[0] = { toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] };

describe('ExportScheduler', () => {
  it('exports a full batch on the next turn of the event loop, never inline', async () => {
    const { exporter, calls } = heldExporter();
    const { scheduler, add } = setup(exporter);
    add(4);
    scheduler.notify();
    expect(calls).toHaveLength(0);
    await turn();
    expect(calls.map((call) => [call.names, call.flushing])).toEqual([[names(0, 4), false]]);
  });

  it('starts nothing on notify while the batch is not full', async () => {
    const { exporter, calls } = heldExporter();
    const { scheduler, add } = setup(exporter);
    add(3);
    scheduler.notify();
    await turn();
    expect(calls).toHaveLength(0);
  });

  it('exports what is waiting on the interval, and not after stop()', async () => {
    vi.useFakeTimers(FAKE_TIMERS);
    const { exporter, calls } = heldExporter();
    const { scheduler, add } = setup(exporter, { scheduledDelayMillis: 1000 });
    add(2);
    vi.advanceTimersByTime(999);
    expect(calls).toHaveLength(0);
    vi.advanceTimersByTime(1);
    expect(calls.map((call) => call.names)).toEqual([names(0, 2)]);
    calls[0]!.answer(delivered);
    await turn();
    add(1);
    scheduler.stop();
    vi.advanceTimersByTime(10_000);
    expect(calls).toHaveLength(1);
  });

  it('aborts an export that outlives exportTimeoutMillis, counts its spans as export-timeout, and ignores a late answer', async () => {
    vi.useFakeTimers(FAKE_TIMERS);
    const { exporter, calls } = heldExporter();
    const { counters, buffer, scheduler, add } = setup(exporter, { exportTimeoutMillis: 50 });
    add(3);
    const flushed = scheduler.flush().catch((error: unknown) => error);
    expect(calls).toHaveLength(1);
    vi.advanceTimersByTime(49);
    expect(calls[0]!.signal.aborted).toBe(false);
    vi.advanceTimersByTime(1);
    expect(calls[0]!.signal.aborted).toBe(true);
    const error = await flushed;
    expect(error).toBeInstanceOf(ExportFailedError);
    expect((error as ExportFailedError).cause).toBeInstanceOf(TimeoutError);
    expect(counters.dropped('export-timeout')).toBe(3);
    expect(counters.exportFailures).toBe(1);
    expect(buffer.size).toBe(0);
    calls[0]!.answer(delivered);
    await turn();
    expect(counters.spansExported).toBe(0);
    expect(buffer.size).toBe(0);
  });

  it('keeps at most maxConcurrentExports in flight, starting the next as one settles', async () => {
    const { exporter, calls, inFlight } = heldExporter();
    const { counters, scheduler, add } = setup(exporter, { maxExportBatchSize: 2, maxConcurrentExports: 2 });
    add(7);
    const flushed = scheduler.flush();
    expect(inFlight()).toBe(2);
    let most = 0;
    while (calls.some((call) => !call.settled)) {
      calls.find((call) => !call.settled)!.answer(delivered);
      await turn();
      most = Math.max(most, inFlight());
    }
    await flushed;
    expect(most).toBe(2);
    expect(calls.map((call) => call.names)).toEqual([names(0, 2), names(2, 4), names(4, 6), names(6, 7)]);
    expect(counters.spansExported).toBe(7);
  });

  it('after a delivered batch the next full batch goes at once; after a deferral it waits for the schedule', async () => {
    const { exporter, calls } = heldExporter();
    const { scheduler, add, buffer } = setup(exporter, { maxExportBatchSize: 2 });
    add(6);
    scheduler.notify();
    await turn();
    calls[0]!.answer(delivered);
    await turn();
    expect(calls.map((call) => call.names)).toEqual([names(0, 2), names(2, 4)]);
    calls[1]!.answer({ status: 'partial', deferred: calls[1]!.batch });
    await turn();
    expect(calls).toHaveLength(2);
    expect(buffer.waiting).toBe(4);
  });

  it('makes a flush wait for an export the schedule started with its share while it waited for room', async () => {
    const { exporter, calls } = heldExporter();
    const { scheduler, add } = setup(exporter, { maxExportBatchSize: 2, maxConcurrentExports: 2 });
    add(4);
    scheduler.notify();
    await turn();
    add(2);
    let outcome: unknown = 'pending';
    const flushed = scheduler.flush().then(
      () => (outcome = 'resolved'),
      (error: unknown) => (outcome = error),
    );
    // No room: the flush waits. A delivery makes room and the schedule takes the flush's share at once.
    calls[0]!.answer(delivered);
    await turn();
    expect(calls.map((call) => [call.names, call.flushing])).toEqual([
      [names(0, 2), false],
      [names(2, 4), false],
      [names(4, 6), false],
    ]);
    calls[1]!.answer(delivered);
    await turn();
    expect(outcome).toBe('pending');
    calls[2]!.answer({ status: 'retryable', error: new TracerError(TracerErrorCode.ExportFailed, 'HTTP 503') });
    await flushed;
    expect(outcome).toBeInstanceOf(ExportFailedError);
    expect((outcome as Error).message).toMatch(/HTTP 503/);
  });

  it('leaves spans that arrive during a flush for the next round', async () => {
    const { exporter, calls } = heldExporter();
    const { scheduler, add, buffer } = setup(exporter);
    add(2);
    const flushed = scheduler.flush();
    add(2);
    calls[0]!.answer(delivered);
    await flushed;
    expect(calls.map((call) => call.names)).toEqual([names(0, 2)]);
    expect(buffer.waiting).toBe(2);
  });

  it('abandon aborts every export in flight and counts its spans for the reason given; late answers are ignored', async () => {
    const { exporter, calls } = heldExporter();
    const { counters, buffer, scheduler, add } = setup(exporter, { maxExportBatchSize: 2, maxConcurrentExports: 2 });
    add(4);
    const flushed = scheduler.flush().catch((error: unknown) => error);
    expect(calls).toHaveLength(2);
    scheduler.abandon('shutdown');
    expect(calls.map((call) => call.signal.aborted)).toEqual([true, true]);
    expect(counters.dropped('shutdown')).toBe(4);
    expect(buffer.size).toBe(0);
    const error = await flushed;
    expect(error).toBeInstanceOf(ExportFailedError);
    expect((error as ExportFailedError).message).toMatch(/2 export\(s\) did not deliver/);
    for (const call of calls) call.answer(delivered);
    await turn();
    expect(counters.spansExported).toBe(0);
    expect(counters.dropped('export-timeout')).toBe(0);
  });
});
