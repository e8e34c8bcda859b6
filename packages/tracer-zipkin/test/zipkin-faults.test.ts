// The faults of the OTLP fault matrix that zipkin-tracer.test.ts leaves out, for the Zipkin tracer
// against a real endpoint: a reset connection, an outage longer than the buffer holds, and an
// endpoint that never comes back. After every step: recording never threw, the buffer stayed under
// its caps, and the ledger balances against what the endpoint accepted, span by span.
import { afterEach, describe, expect, it } from 'vitest';
import { ledgerProblem, type BufferedTracer } from '@x/tracer-core';
import { createZipkinTracer } from '@x/tracer-zipkin';
import { startZipkinReceiver, type ZipkinReceiver } from './support/zipkin-receiver.js';

const CAPS = { maxBufferedSpans: 60, maxBufferedBytes: 60 * 1000 };
const open: { receivers: ZipkinReceiver[]; tracers: BufferedTracer[] } = { receivers: [], tracers: [] };
afterEach(async () => {
  await Promise.allSettled(open.tracers.splice(0).map((t) => t.shutdown({ timeoutMillis: 100 })));
  await Promise.allSettled(open.receivers.splice(0).map((r) => r.close()));
});

interface World {
  readonly tracer: BufferedTracer;
  readonly receiver: ZipkinReceiver;
  readonly recorded: string[];
  wave(count: number): void;
  check(step: string): void;
}

async function world(): Promise<World> {
  const receiver = await startZipkinReceiver();
  const tracer = createZipkinTracer({
    url: receiver.url,
    serviceName: 'svc',
    hookProcessShutdown: false,
    scheduledDelayMillis: 60_000,
    timeoutMillis: 400,
    retry: { initialBackoffMillis: 10, maxBackoffMillis: 40 },
    ...CAPS,
  });
  open.receivers.push(receiver);
  open.tracers.push(tracer);
  const recorded: string[] = [];
  const acceptedNames = () => receiver.accepted().map((span) => span.name as string);
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
      const accepted = acceptedNames();
      const dropped = Object.values(stats.spansDropped).reduce((a, b) => a + b, 0);
      expect(ledgerProblem(stats), step).toBeUndefined();
      expect(receiver.problems, `${step}: every body valid Zipkin v2`).toEqual([]);
      expect(new Set(accepted).size, `${step}: no span delivered twice`).toBe(accepted.length);
      expect(accepted.every((name) => recorded.includes(name)), `${step}: nothing unknown delivered`).toBe(true);
      expect(stats.spansExported, `${step}: exported = what the endpoint accepted`).toBe(accepted.length);
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

describe('Zipkin tracer against an endpoint that fails', () => {
  it('a connection reset mid-request (twice): retried, delivered once', async () => {
    const w = await world();
    w.receiver.script({ reset: true }, { reset: true });
    w.wave(20);
    w.check('recorded');
    expect(await flushOutcome(w.tracer)).toBe('delivered');
    w.check('flushed');
    // The reset requests were read in full but never answered: they are not among the requests.
    expect(w.receiver.requests.map((r) => r.status)).toEqual([202]);
    expect(w.receiver.accepted().map((s) => s.name)).toEqual(w.recorded);
  });

  it('an endpoint down for a while: bounded by the caps, overflow counted, the rest delivered when back', async () => {
    const w = await world();
    await w.receiver.down();
    w.wave(40);
    expect(await flushOutcome(w.tracer)).toMatch(/ECONNREFUSED/);
    w.check('down');
    expect(w.tracer.stats().spansBuffered).toBe(40);
    w.wave(40);
    w.check('down, over the cap');
    expect(w.tracer.stats().spansDropped).toEqual({ 'queue-full': 20 });
    await w.receiver.up();
    expect(await flushOutcome(w.tracer)).toBe('delivered');
    w.check('back');
    expect(w.receiver.accepted().map((s) => s.name)).toEqual(w.recorded.slice(0, 60));
  });

  it('an endpoint that never comes back: shutdown ends by its deadline, everything counted', async () => {
    const w = await world();
    await w.receiver.down();
    w.wave(30);
    const started = performance.now();
    await expect(w.tracer.shutdown({ timeoutMillis: 300 })).rejects.toThrow();
    expect(performance.now() - started).toBeLessThan(300 + 250);
    w.check('shut down');
    expect(w.tracer.stats().spansDropped).toEqual({ shutdown: 30 });
    expect(() => w.wave(1)).not.toThrow(); // recording after shutdown: a counted no-op
    expect(w.tracer.stats().ignoredAfterShutdown).toBeGreaterThan(0);
  });
});
