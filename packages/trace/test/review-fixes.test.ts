// Patterns a review found wrong, each fixed: long-lived resources on Node 20/22, a span read as a
// thenable in its own context, thenables that are not promises, values that throw when read,
// records that must stay bounded and unchanged, forgotten spans, bound emitters with once().
import { EventEmitter, once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  bind,
  configure,
  currentSpan,
  end,
  finishSpan,
  flush,
  recordEvent,
  start,
  startSpan,
  stats,
  TraceErrorCode,
  withSpan,
  type Span,
} from '@x/trace';
import type { TracerPlugin } from '@x/tracer-core';
import { createMemoryTracer } from '@x/tracer-memory';

beforeEach(() => {
  configure();
  flush();
});

describe('long-lived async resources (a keep-alive socket, an interval timer)', () => {
  it('the next request on a keep-alive connection does not start inside the previous one', async () => {
    let n = 0;
    const entry: string[] = [];
    const server = http.createServer(async (_req, res) => {
      entry.push(currentSpan().name);
      const span = await startSpan(`request ${++n}`);
      res.end('ok');
      await sleep(30); // cleanup after answering: the span is still open when the next request arrives
      await finishSpan(span);
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<void>((resolve, reject) => {
        http.get({ port: (server.address() as AddressInfo).port, host: '127.0.0.1', agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
      });
    try {
      await get();
      await get();
      await sleep(40);
    } finally {
      agent.destroy();
      server.close();
    }
    expect(entry).toEqual(['', '']);
    expect(flush().map((r) => [r.name, r.parent_id])).toEqual([
      ['request 1', null],
      ['request 2', null],
    ]);
  });

  it('each setInterval tick starts outside the previous tick\'s span', async () => {
    let n = 0;
    await new Promise<void>((resolve) => {
      const timer = setInterval(async () => {
        if (n === 3) return;
        const span = await startSpan(`batch ${++n}`);
        await sleep(25);
        await finishSpan(span);
        if (n === 3) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    await sleep(30);
    expect(flush().map((r) => r.parent_id)).toEqual([null, null, null]);
  });
});

describe('the span as a thenable', () => {
  it('a later Promise.resolve(span) in its own context does not take the context away from it', async () => {
    await withSpan('request', async () => {
      const span = await startSpan('db');
      const ready = Promise.resolve(span);
      recordEvent('query sent');
      await ready;
      await finishSpan(span);
    });
    const records = flush();
    expect(records.find((r) => r.name === 'db')!.events.map((e) => e.name)).toEqual(['query sent']);
    expect(records.find((r) => r.name === 'request')!.events).toEqual([]);
  });
});

describe('withSpan and thenables that are not promises', () => {
  it('waits for them like await does, and returns a promise', async () => {
    const minimal = { then: (resolve: (value: number) => void) => setTimeout(() => resolve(5), 5) };
    const result: Promise<number> = withSpan('minimal', () => minimal);
    expect(result).toBeInstanceOf(Promise);
    expect(flush()).toEqual([]); // not ended before it settles
    await expect(result).resolves.toBe(5);
    expect(flush().map((r) => r.name)).toEqual(['minimal']);
  });

  it('a throwing then() becomes a recorded rejection, and the span ends', async () => {
    const before = stats();
    const broken = { then: () => { throw new Error('then exploded'); } };
    await expect(withSpan('broken', () => broken)).rejects.toThrow('then exploded');
    const [record] = flush();
    expect(record).toMatchObject({ name: 'broken', status: 'error', status_message: 'then exploded' });
    const after = stats();
    expect(after.spansEnded - before.spansEnded).toBe(after.spansStarted - before.spansStarted);
  });
});

describe('recording never throws, whatever it is given', () => {
  it('errors and values whose reads throw, revoked proxies', async () => {
    configure({ tracer: createMemoryTracer() });
    const odd = new Error('original');
    Object.defineProperty(odd, 'message', { get() { throw new Error('message getter exploded'); } });
    expect(() => withSpan('a', () => { throw odd; })).toThrow(odd);
    await expect(withSpan('a2', async () => { throw odd; })).rejects.toBe(odd);
    const trap = new Proxy({}, { getPrototypeOf() { throw new Error('trap'); } });
    let caught: unknown;
    try {
      withSpan('a3', () => { throw trap; });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBe(trap);
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(() => end(start('b1', proxy))).not.toThrow();
    expect(() => finishSpan(startSpan('b2', { attributes: proxy }))).not.toThrow();
    expect(() => withSpan('b3', (span) => { recordEvent('e', proxy); span.addEvent('f', proxy).setAttribute('k', proxy); })).not.toThrow();
    // Returning it is like awaiting it: reading its `then` throws, so the result is a rejection.
    await expect(withSpan('b4', () => proxy)).rejects.toThrow(/revoked/);
    const counts = stats();
    expect(counts.spansEnded).toBe(counts.spansStarted);
  });
});

describe('records are bounded copies', () => {
  it('a record does not change when the caller mutates its objects afterwards', () => {
    const attributes = { items: ['a'] };
    const result = { rows: 1 };
    const record = end(start('copy', attributes), result);
    attributes.items.push('later');
    result.rows = 99;
    expect(record.attributes).toEqual({ items: ['a'] });
    expect(flush()[0]!.result).toEqual({ rows: 1 });
  });

  it('huge values are cut and counted, and the store holds no more than its byte bound', () => {
    configure({ records: { maxBytes: 1024 * 1024 } });
    const before = stats().recordValuesTruncated;
    const huge = 'x'.repeat(1_000_000);
    for (let i = 0; i < 200; i++) end(start('query', { sql: huge, params: Array.from({ length: 2000 }, (_, k) => k) }));
    const counts = stats();
    expect(counts.recordsBytes).toBeLessThanOrEqual(1024 * 1024);
    expect(counts.recordValuesTruncated - before).toBeGreaterThanOrEqual(200);
    const [first] = flush();
    const kept = first!.attributes as { params: unknown[]; sql: string };
    expect(kept.sql.length).toBe(16 * 1024 + 1);
    expect(kept.sql.endsWith('…')).toBe(true);
    expect(kept.params.length).toBeLessThan(2000);
    expect(kept.params.at(-1)).toBe('[truncated]');
  });

  it('cycles and unreadable values become markers', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const unreadable = { get value() { throw new Error('no'); } };
    const record = end(start('odd', { cyclic, unreadable }));
    expect(record.attributes).toEqual({ cyclic: { name: 'loop', self: '[circular]' }, unreadable: '[unreadable]' });
  });
});

describe('spans nobody finishes', () => {
  it('evicted spans let go of the spans before them', async () => {
    configure({ maxLiveSpans: 2 });
    const spans: Span[] = [];
    for (let i = 0; i < 4; i++) spans.push(await startSpan(`job ${i}`));
    // job 0 and job 1 were evicted; job 1 links to nothing, so job 0 can be collected.
    expect(spans[1]!.ended).toBe(true);
    expect((spans[1] as unknown as { previous: unknown }).previous).toBeUndefined();
    expect(stats().spansLive).toBe(2);
    for (const span of spans.slice(2)) finishSpan(span);
  });

  it('lowering maxLiveSpans forgets the oldest at once', () => {
    configure({ maxLiveSpans: 100 });
    for (let i = 0; i < 50; i++) start(`open ${i}`);
    configure({ maxLiveSpans: 10 });
    expect(stats().spansLive).toBe(10);
  });
});

describe('bound emitters', () => {
  it('once() listeners leave nothing behind once fired; off() and listeners() see the originals', () => {
    const emitter = bind(new EventEmitter());
    const seen: string[] = [];
    const listener = () => seen.push(currentSpan().name);
    const span = startSpan('conn', { parent: null });
    for (let i = 0; i < 1000; i++) {
      emitter.once('reply', listener);
      emitter.emit('reply');
    }
    expect(emitter.rawListeners('reply')).toHaveLength(0);
    emitter.on('data', listener);
    emitter.once('data', listener);
    expect(emitter.listeners('data')).toEqual([listener, listener]);
    emitter.emit('data');
    emitter.off('data', listener);
    expect(emitter.listenerCount('data')).toBe(0);
    finishSpan(span);
    expect(seen).toHaveLength(1002);
    expect(new Set(seen)).toEqual(new Set(['conn']));
  });
});

describe('bind types', () => {
  it('keeps a function\'s own this type', () => {
    class Counter {
      count = 0;
    }
    const increment = bind(function (this: Counter, by: number) {
      this.count += by;
      return this.count;
    });
    const counter = new Counter();
    expect(increment.call(counter, 2)).toBe(2);
  });
});

describe('a withSpan span belongs to withSpan', () => {
  it('finishSpan of it is SpanNotFound, as end() of its id is; its own end() gives no record when none is kept', () => {
    configure({ tracer: createMemoryTracer(), records: false });
    withSpan('w', (span) => {
      expect(() => finishSpan(span)).toThrowError(expect.objectContaining({ code: TraceErrorCode.SpanNotFound }));
      expect(() => end(span.id)).toThrowError(expect.objectContaining({ code: TraceErrorCode.SpanNotFound }));
      expect(span.end()).toBeUndefined();
    });
  });
});

describe('a tracer that throws', () => {
  it('loses its own copy of the span, not the record', () => {
    let calls = 0;
    const throwing: TracerPlugin = {
      name: 'throwing',
      startSpan() {
        if (++calls === 1) throw new Error('bug in a plugin');
        return { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
      },
      setAttribute() {},
      setStatus() {},
      addEvent() {},
      endSpan() {},
      flush: async () => {},
    };
    configure({ tracer: throwing });
    const before = stats().tracerErrors;
    end(start('first'));
    end(start('second'));
    expect(flush().map((r) => r.name)).toEqual(['first', 'second']);
    expect(stats().tracerErrors - before).toBe(1);
  });
});
