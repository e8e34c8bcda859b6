// The fault matrix for the OTLP tracer, against a real receiver that misbehaves on command.
// After every step of every scenario: recording never threw, the buffer stayed under its caps, and
// the ledger balances against what the receiver decoded, span by span.
import { afterEach, describe, expect, it } from 'vitest';
import { ledgerProblem, type BufferedTracer } from '@x/tracer-core';
import { createOtlpTracer } from '@x/tracer-otlp';
import { startReceiver, type Receiver, type Reply } from './support/receiver.js';

const CAPS = { maxBufferedSpans: 60, maxBufferedBytes: 60 * 1000 };
const open: { receivers: Receiver[]; tracers: BufferedTracer[] } = { receivers: [], tracers: [] };
afterEach(async () => {
  await Promise.allSettled(open.tracers.splice(0).map((t) => t.shutdown({ timeoutMillis: 100 })));
  await Promise.allSettled(open.receivers.splice(0).map((r) => r.close()));
});

interface World {
  readonly tracer: BufferedTracer;
  readonly receiver: Receiver;
  readonly recorded: string[];
  wave(count: number): void;
  check(step: string): void;
}

async function world(): Promise<World> {
  const receiver = await startReceiver();
  const tracer = createOtlpTracer({
    url: receiver.url,
    hookProcessShutdown: false,
    scheduledDelayMillis: 60_000,
    timeoutMillis: 400,
    retry: { initialBackoffMillis: 10, maxBackoffMillis: 40 },
    ...CAPS,
  });
  open.receivers.push(receiver);
  open.tracers.push(tracer);
  const recorded: string[] = [];
  return {
    tracer,
    receiver,
    recorded,
    wave(count) {
      for (let i = 0; i < count; i++) {
        const name = `span-${recorded.length}`;
        recorded.push(name);
        expect(() => {
          const span = tracer.startSpan({ name, attributes: { i } });
          tracer.addEvent(span, { name: 'e' });
          tracer.endSpan(span);
        }).not.toThrow();
      }
    },
    check(step) {
      const stats = tracer.stats();
      const accepted = receiver.accepted();
      const dropped = Object.values(stats.spansDropped).reduce((a, b) => a + b, 0);
      expect(ledgerProblem(stats), step).toBeUndefined();
      expect(new Set(accepted).size, `${step}: no span delivered twice`).toBe(accepted.length);
      expect(accepted.every((name) => recorded.includes(name)), `${step}: nothing unknown delivered`).toBe(true);
      expect(stats.spansExported, `${step}: exported = what the receiver decoded`).toBe(accepted.length);
      expect(stats.spansEnded, `${step}: every ended span accounted for`).toBe(accepted.length + stats.spansBuffered + dropped);
      expect(stats.spansEnded).toBe(recorded.length);
      expect(stats.spansBuffered, `${step}: span cap`).toBeLessThanOrEqual(CAPS.maxBufferedSpans);
      expect(stats.bytesBuffered, `${step}: byte cap`).toBeLessThanOrEqual(CAPS.maxBufferedBytes);
    },
  };
}

const flushOutcome = (tracer: BufferedTracer) =>
  tracer.flush().then(
    () => 'delivered',
    (error: Error) => error.message,
  );

describe('fault matrix: OTLP tracer against a misbehaving receiver', () => {
  it.each<[string, Reply]>([
    ['503 with Retry-After', { status: 503, headers: { 'retry-after': '0' } }],
    ['429 with Retry-After', { status: 429, headers: { 'retry-after': '0' } }],
    ['a reset connection', { reset: true }],
  ])('%s: retried, delivered once', async (_name, reply) => {
    const w = await world();
    w.receiver.script(reply, reply);
    w.wave(20);
    w.check('recorded');
    expect(await flushOutcome(w.tracer)).toBe('delivered');
    w.check('flushed');
    expect(w.receiver.accepted()).toEqual(w.recorded);
  });

  it.each([500, 400, 413])('HTTP %i: dropped with the status, later spans still delivered', async (status) => {
    const w = await world();
    w.receiver.script({ status });
    w.wave(20);
    expect(await flushOutcome(w.tracer)).toMatch(`HTTP ${status}`);
    w.check('refused');
    expect(w.tracer.stats().spansDropped).toEqual({ [`http-${status}`]: 20 });
    w.wave(10);
    expect(await flushOutcome(w.tracer)).toBe('delivered');
    w.check('next batch');
    expect(w.receiver.accepted()).toEqual(w.recorded.slice(20));
  });

  it('replies slower than the timeout: kept, then delivered once it answers in time', async () => {
    const w = await world();
    w.receiver.script({ status: 503, delayMillis: 1200 });
    w.wave(20);
    expect(await flushOutcome(w.tracer)).toMatch(/no answer within/);
    w.check('timed out');
    expect(w.tracer.stats().spansBuffered).toBe(20);
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(await flushOutcome(w.tracer)).toBe('delivered');
    w.check('recovered');
    expect(w.receiver.accepted()).toEqual(w.recorded);
  });

  it('a receiver down for a while: bounded by the caps, overflow counted, the rest delivered when back', async () => {
    const w = await world();
    await w.receiver.down();
    w.wave(40);
    expect(await flushOutcome(w.tracer)).toMatch(/ECONNREFUSED/);
    w.check('down');
    w.wave(40);
    w.check('down, over the cap');
    expect(w.tracer.stats().spansDropped).toEqual({ 'queue-full': 20 });
    await w.receiver.up();
    expect(await flushOutcome(w.tracer)).toBe('delivered');
    w.check('back');
    expect(w.receiver.accepted()).toHaveLength(60);
  });

  it('a receiver that never comes back: shutdown ends by its deadline, everything counted', async () => {
    const w = await world();
    await w.receiver.down();
    w.wave(30);
    await expect(w.tracer.shutdown({ timeoutMillis: 300 })).rejects.toThrow();
    w.check('shut down');
    expect(w.tracer.stats().spansDropped).toEqual({ shutdown: 30 });
    expect(() => w.wave(1)).not.toThrow(); // recording after shutdown: a counted no-op
    expect(w.tracer.stats().ignoredAfterShutdown).toBeGreaterThan(0);
  });

  it('a partial success: the rejected spans are counted, the rest delivered', async () => {
    const w = await world();
    w.receiver.script({ partialSuccess: { rejectedSpans: 5, errorMessage: 'bad' } });
    w.wave(20);
    expect(await flushOutcome(w.tracer)).toMatch(/receiver rejected 5 of 20 spans: bad/);
    w.check('partial');
    expect(w.tracer.stats().spansDropped).toEqual({ 'export-rejected': 5 });
  });
});
