// The current span follows the async flow: withSpan, the seed's startSpan/finishSpan style, and
// what users hit with OpenTelemetry (timers, promise chains, emitters), under concurrency.
import { EventEmitter } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  bind,
  currentSpan,
  finishSpan,
  flush,
  recordEvent,
  startSpan,
  withSpan,
  type SpanRecord,
} from '@x/trace';

beforeEach(() => {
  flush();
});

/** A deterministic shuffle of delays, so interleavings differ between requests but not between runs. */
const delay = (i: number, step: number) => ((i * 7919 + step * 104729) % 5) + 1;

function only(records: SpanRecord[], name: string, pick: (r: SpanRecord) => boolean = () => true): SpanRecord {
  const found = records.filter((r) => r.name === name && pick(r));
  expect(found).toHaveLength(1);
  return found[0]!;
}

describe('withSpan', () => {
  it('makes its span current for the whole async flow and restores the caller after', async () => {
    expect(currentSpan().id).toBe(0n);
    const result = await withSpan('outer', async (outer) => {
      expect(currentSpan()).toBe(outer);
      await sleep(1);
      expect(currentSpan()).toBe(outer);
      const inner = withSpan('inner', (span) => {
        expect(currentSpan()).toBe(span);
        return 42;
      });
      expect(currentSpan()).toBe(outer);
      return inner;
    });
    expect(result).toBe(42);
    expect(currentSpan().id).toBe(0n);
    const records = flush();
    expect(only(records, 'inner').parent_id).toBe(only(records, 'outer').id);
  });

  it('records a sync throw as an exception event and ERROR, and rethrows the same error', () => {
    const error = new TypeError('bad input');
    expect(() =>
      withSpan('fails', () => {
        throw error;
      }),
    ).toThrow(error);
    const [record] = flush();
    expect(record).toMatchObject({ name: 'fails', status: 'error', status_message: 'bad input' });
    expect(record!.events).toEqual([
      {
        name: 'exception',
        timestamp: expect.any(Number),
        attributes: { 'exception.type': 'TypeError', 'exception.message': 'bad input', 'exception.stacktrace': expect.stringContaining('TypeError: bad input') },
      },
    ]);
    expect(currentSpan().id).toBe(0n);
  });

  it('records a rejection the same way and passes the rejection on', async () => {
    const error = new Error('timeout');
    await expect(
      withSpan('fails later', async () => {
        await sleep(1);
        throw error;
      }),
    ).rejects.toBe(error);
    const [record] = flush();
    expect(record).toMatchObject({ status: 'error', status_message: 'timeout' });
    expect(record!.events[0]!.name).toBe('exception');
    expect(record!.duration_ms).toBeGreaterThan(0);
  });

  it('ends the span only when the promise settles', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const done = withSpan('waits', () => gate);
    await sleep(5);
    expect(flush()).toEqual([]);
    release();
    await done;
    expect(flush().map((r) => r.name)).toEqual(['waits']);
  });
});

describe('the context survives what users hit with OpenTelemetry', () => {
  it('timers, immediates, nextTick, microtasks, promise chains and Promise.all', async () => {
    const seen: Record<string, string> = {};
    await withSpan('job', async () => {
      await Promise.all([
        new Promise<void>((resolve) => setTimeout(() => ((seen.timeout = currentSpan().name), resolve()), 1)),
        new Promise<void>((resolve) => setImmediate(() => ((seen.immediate = currentSpan().name), resolve()))),
        new Promise<void>((resolve) => process.nextTick(() => ((seen.nextTick = currentSpan().name), resolve()))),
        new Promise<void>((resolve) => queueMicrotask(() => ((seen.microtask = currentSpan().name), resolve()))),
        Promise.resolve()
          .then(() => sleep(1))
          .then(() => void (seen.chain = currentSpan().name)),
        (async () => {
          await sleep(2);
          seen.await = currentSpan().name;
        })(),
      ]);
      const interval = await new Promise<string>((resolve) => {
        const timer = setInterval(() => {
          clearInterval(timer);
          resolve(currentSpan().name);
        }, 1);
      });
      seen.interval = interval;
    });
    expect(seen).toEqual({ timeout: 'job', immediate: 'job', nextTick: 'job', microtask: 'job', chain: 'job', await: 'job', interval: 'job' });
  });

  it('listeners of a bound emitter run in the span they were added in, wherever emit is called', async () => {
    const shared = new EventEmitter();
    const unbound = new EventEmitter();
    // The emits come from a timer started outside any span, as a pooled connection's would.
    const emitLater = (emitter: EventEmitter) => new Promise<void>((resolve) => setTimeout(() => (emitter.emit('data', 1), resolve()), 5));
    const seen: string[] = [];
    const unboundSeen: string[] = [];
    const emitted = [emitLater(shared), emitLater(unbound)];
    await withSpan('request', async () => {
      bind(shared).on('data', () => seen.push(currentSpan().name));
      unbound.on('data', () => unboundSeen.push(currentSpan().name));
      await Promise.all(emitted);
    });
    expect(seen).toEqual(['request']);
    // Without bind the listener runs in the emitter's context: no span. This is what bind is for.
    expect(unboundSeen).toEqual(['']);
  });

  it('bind(emitter): off() removes a listener added through it; once() fires once', async () => {
    const emitter = bind(new EventEmitter());
    const calls: string[] = [];
    const listener = () => calls.push(currentSpan().name);
    const a = startSpan('a', { parent: null });
    emitter.on('x', listener);
    emitter.once('y', listener);
    finishSpan(startSpan('elsewhere', { parent: null }));
    await withSpan('b', async () => {
      emitter.emit('x');
      emitter.emit('y');
      emitter.emit('y');
      emitter.off('x', listener);
      emitter.emit('x');
    });
    emitter.on('late', listener);
    finishSpan(a);
    expect(calls).toEqual(['a', 'a']);
    expect(emitter.listenerCount('x')).toBe(0);
    // Once the span has ended it is no longer current, for bound listeners too.
    emitter.emit('late');
    expect(calls).toEqual(['a', 'a', '']);
  });

  it('bind(fn) runs the function in the span current at bind time', async () => {
    let release!: () => void;
    const open = new Promise<void>((resolve) => (release = resolve));
    let later!: () => string;
    const scheduler = withSpan('scheduler', async () => {
      later = bind(() => currentSpan().name);
      await open;
    });
    expect(later()).toBe('scheduler');
    await withSpan('other', async () => expect(later()).toBe('scheduler'));
    release();
    await scheduler;
  });
});

describe('the seed style (startSpan / recordEvent / finishSpan) under concurrency', () => {
  async function seedRequest(i: number) {
    const span = await startSpan('request', { attributes: { i } });
    try {
      await recordEvent('received', { i });
      await sleep(delay(i, 1));
      const db = await startSpan('db.query');
      await recordEvent('query', { i });
      await sleep(delay(i, 2));
      await finishSpan(db);
      await recordEvent('responded', { i });
    } finally {
      await finishSpan(span);
    }
  }

  it('100 requests started in one loop: events on the right span, parents right, nothing shared', async () => {
    await withSpan('server', async () => {
      await Promise.all(Array.from({ length: 100 }, (_, i) => seedRequest(i)));
      expect(currentSpan().name).toBe('server');
    });
    const records = flush();
    const server = only(records, 'server');
    expect(records).toHaveLength(201);
    for (let i = 0; i < 100; i++) {
      const request = only(records, 'request', (r) => (r.attributes as { i: number }).i === i);
      expect(request.parent_id).toBe(server.id);
      expect(request.events.map((e) => [e.name, e.attributes])).toEqual([
        ['received', { i }],
        ['responded', { i }],
      ]);
      const db = records.filter((r) => r.name === 'db.query' && r.parent_id === request.id);
      expect(db).toHaveLength(1);
      expect(db[0]!.events.map((e) => [e.name, e.attributes])).toEqual([['query', { i }]]);
      expect(db[0]!.trace_id).toBe(request.trace_id);
    }
  });

  it('requests arriving from separate event-loop turns (timers) do not see each other', async () => {
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => new Promise<void>((resolve) => setTimeout(() => void seedRequest(i).then(resolve), delay(i, 3)))),
    );
    const records = flush();
    const requests = records.filter((r) => r.name === 'request');
    expect(requests).toHaveLength(100);
    for (const request of requests) expect(request.parent_id).toBeNull();
    expect(new Set(requests.map((r) => r.trace_id)).size).toBe(100);
  });

  it('the caller of an async function is not left with its span, and a finished span stops being current', async () => {
    let calleeSpan = '';
    async function callee() {
      const span = await startSpan('callee');
      calleeSpan = currentSpan().name;
      await sleep(5);
      recordEvent('inside callee');
      await finishSpan(span);
      // Finished: the context is back where it was when the span started.
      recordEvent('after finish');
    }
    await withSpan('caller', async (caller) => {
      const pending = callee();
      expect(currentSpan()).toBe(caller);
      recordEvent('caller while callee runs');
      await pending;
      expect(currentSpan()).toBe(caller);
      recordEvent('caller after callee');
    });
    expect(calleeSpan).toBe('callee');
    const records = flush();
    expect(only(records, 'callee').events.map((e) => e.name)).toEqual(['inside callee']);
    expect(only(records, 'caller').events.map((e) => e.name)).toEqual(['caller while callee runs', 'after finish', 'caller after callee']);
  });

  it('a caller that awaits without touching the API still gets its span back once the callee finishes', async () => {
    async function callee() {
      const span = await startSpan('callee');
      await sleep(2);
      await finishSpan(span);
    }
    await withSpan('caller', async (caller) => {
      await callee();
      expect(currentSpan()).toBe(caller);
      const child = startSpan('next');
      expect(child.parentId).toBe(caller.id);
      finishSpan(child);
    });
  });

  it('startSpan inside withSpan does not outlive the withSpan call', () => {
    withSpan('outer', () => {
      startSpan('left open');
    });
    expect(currentSpan().id).toBe(0n);
  });
});
