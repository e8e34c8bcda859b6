// The seed documents' usage examples (test/seed/, verbatim but for the import line) run against
// @x/trace, and what they print, return, send or write is checked.
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, getGlobalDispatcher, setGlobalDispatcher, type Dispatcher } from 'undici';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { end, flush, recordEvent, start, TraceErrorCode, withSpan, type SpanRecord } from '@x/trace';
import { fsRoot } from './seed/runtime-fs.js';

/** A real HTTP server on 127.0.0.1 that answers with `respond`, and keeps what it received. */
async function startServer(respond: (req: http.IncomingMessage, body: string, res: http.ServerResponse) => void) {
  const received: { url: string; host: string | undefined; body: string }[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      received.push({ url: req.url ?? '', host: req.headers.host, body });
      respond(req, body, res);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as net.AddressInfo).port;
  return { server, port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

let logged: unknown[][] = [];
let errors: unknown[][] = [];
beforeEach(() => {
  flush();
  logged = [];
  errors = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => void logged.push(args));
  vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args));
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.useRealTimers();
});

const byName = (records: SpanRecord[], name: string) => records.filter((r) => r.name === name);

describe('000: the runtime:trace extension guide', () => {
  it('Basic Span Tracing: one processData span around every item', async () => {
    const { processData, processed } = await import('./seed/000-basic-span-tracing.js');
    await processData(['a', 'b', 'c']);
    expect(processed).toEqual(['a', 'b', 'c']);
    const [record] = flush();
    expect(record).toMatchObject({ name: 'processData', parent_id: null, events: [] });
    expect(record!.id).toBe(record!.span_id);
    expect(record!.duration_ms).toBeGreaterThan(0);
  });

  it('Nested Spans: parseBody and processRequest are children of handleRequest', async () => {
    const { handleRequest } = await import('./seed/000-nested-spans.js');
    const req = new Request('http://shop.test/api/orders', { method: 'POST', body: JSON.stringify({ items: [2, 3] }) });
    await expect(handleRequest(req)).resolves.toEqual({ total: 5 });
    const records = flush();
    expect(records.map((r) => r.name)).toEqual(['parseBody', 'processRequest', 'handleRequest']);
    const [parse, process, request] = records;
    expect(request!.attributes).toEqual({ method: 'POST', path: 'http://shop.test/api/orders' });
    expect(parse!.parent_id).toBe(request!.id);
    expect(process!.parent_id).toBe(request!.id);
    expect(parse!.trace_id).toBe(request!.trace_id);
    expect(parse!.wire_parent_span_id).toBe(request!.wire_span_id);
  });

  it('Recording Events: attempts, errors and the success land on the fetchWithRetry span', async () => {
    const { fetchWithRetry } = await import('./seed/000-recording-events.js');
    let calls = 0;
    const backend = await startServer((req, _body, res) => {
      // The first two attempts fail at the socket, as a flaky network does.
      if (++calls < 3) req.socket.destroy();
      else res.writeHead(200).end('ok');
    });
    try {
      const url = `http://127.0.0.1:${backend.port}/flaky`;
      const response = await fetchWithRetry(url);
      expect(response!.status).toBe(200);
      const [record] = flush();
      expect(record!.name).toBe('fetchWithRetry');
      expect(record!.attributes).toEqual({ url });
      expect(record!.events.map((e) => [e.name, e.attributes])).toEqual([
        ['attempt', { attemptNumber: 1 }],
        ['error', { error: 'fetch failed', attempt: 1 }],
        ['attempt', { attemptNumber: 2 }],
        ['error', { error: 'fetch failed', attempt: 2 }],
        ['attempt', { attemptNumber: 3 }],
        ['success', { status: 200 }],
      ]);
      const times = record!.events.map((e) => e.timestamp);
      expect([...times].sort((a, b) => a - b)).toEqual(times);
    } finally {
      await backend.close();
    }
  });

  it('Exporting Traces: prints each record and its events, then clears', async () => {
    const { flushTraces } = await import('./seed/000-exporting-traces.js');
    withSpan('handleRequest', () => {
      recordEvent('parseBody');
      recordEvent('queryDatabase');
    });
    await flushTraces();
    expect(logged.map((args) => String(args[0]).replace(/[\d.]+ms$/, 'Nms'))).toEqual([
      'handleRequest: Nms',
      '  - parseBody',
      '  - queryDatabase',
    ]);
    expect(flush()).toEqual([]);
  });

  it('Trace Output Format: a record serializes to the documented JSON', () => {
    withSpan('handleRequest', () => recordEvent('parseBody'), { attributes: { method: 'POST', path: '/api/users' } });
    const json = JSON.parse(JSON.stringify(flush()[0]));
    expect(json).toMatchObject({
      span_id: expect.any(Number),
      name: 'handleRequest',
      duration_ms: expect.any(Number),
      parent_id: null,
      attributes: { method: 'POST', path: '/api/users' },
      events: [{ name: 'parseBody', timestamp: expect.any(Number) }],
    });
    expect(json.id).toBe(json.span_id);
    expect(json.trace_id).toMatch(/^[0-9a-f]{32}$/);
    expect(json.wire_span_id).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('001: the ext_trace reference', () => {
  it('Basic Span Tracking: fetchUser returns its record, with the relative URL served locally', async () => {
    const { fetchUser } = await import('./seed/001-basic-span-tracking.js');
    const backend = await startServer((_req, _body, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":7}'));
    // What a page's location does for a relative fetch: undici resolves against this origin.
    const ORIGIN = Symbol.for('undici.globalOrigin.1');
    const before = (globalThis as Record<symbol, unknown>)[ORIGIN];
    (globalThis as Record<symbol, unknown>)[ORIGIN] = new URL(`http://127.0.0.1:${backend.port}`);
    try {
      const record = await fetchUser(7);
      expect(backend.received.map((r) => r.url)).toEqual(['/api/users/7']);
      expect(record).toMatchObject({ name: 'fetchUser', attributes: { userId: 7 }, result: { status: 200 } });
      expect(typeof record.id).toBe('bigint');
      expect(typeof record.started_at).toBe('bigint');
      expect(Number(record.started_at)).toBeGreaterThan(Date.now() - 60_000);
      expect(Number(record.started_at)).toBeLessThanOrEqual(Date.now());
    } finally {
      (globalThis as Record<symbol, unknown>)[ORIGIN] = before;
      await backend.close();
    }
    // Without a server the example takes its catch branch and still returns the record.
    const failed = await fetchUser(8);
    expect(failed.result).toEqual({ error: expect.stringMatching(/URL|parse/i) });
  });

  it('Instant Events: three zero-duration records', async () => {
    await import('./seed/001-instant-events.js');
    const records = flush();
    expect(records.map((r) => [r.name, r.duration_ms, r.attributes])).toEqual([
      ['cache_miss', 0, { key: 'user:123' }],
      ['user_click', 0, { target: 'submit_button' }],
      ['state_change', 0, { from: 'loading', to: 'ready' }],
    ]);
  });

  it('Periodic Export: every 60 s, drains what finished since the last run', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    await import('./seed/001-periodic-export.js');
    end(start('a'));
    end(start('b'));
    vi.advanceTimersByTime(60_000);
    expect(logged).toEqual([['Exporting 2 spans']]);
    vi.advanceTimersByTime(60_000);
    expect(logged).toHaveLength(1);
    end(start('c'));
    vi.advanceTimersByTime(60_000);
    expect(logged).toEqual([['Exporting 2 spans'], ['Exporting 1 spans']]);
    vi.clearAllTimers();
  });

  it('Console Logging: the processed line and the trace report', async () => {
    const { processItems, dumpTraces } = await import('./seed/001-console-logging.js');
    processItems([1, 2, 3]);
    dumpTraces();
    const lines = logged.map((args) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
    expect(lines[0]).toMatch(/^Processed 3 items in \d+(\.\d+)?(e-\d+)?ms$/);
    expect(lines.slice(1)).toEqual([
      '\n=== Trace Report ===',
      expect.stringMatching(/^processItems: \d+\.\d\dms$/),
      '  Attributes: {"count":3}',
      '  Result: {"processed":3}',
    ]);
  });

  it('File Export: writes the drained records as JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'x-trace-seed-'));
    fsRoot.dir = dir;
    try {
      const { saveTracesToFile } = await import('./seed/001-file-export.js');
        end(start('one', { n: 1 }), { ok: true });
      await saveTracesToFile();
      const [file] = await readdir(dir);
      expect(file).toMatch(/^traces-\d{4}-\d\d-\d\dT.*Z\.json$/);
      expect(logged).toEqual([[`Saved 1 spans to ${file}`]]);
      const saved = JSON.parse(await readFile(join(dir, file!), 'utf8'));
      expect(saved).toEqual([expect.objectContaining({ name: 'one', attributes: { n: 1 }, result: { ok: true }, id: expect.any(Number) })]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('HTTP Export', () => {
    let backend: Awaited<ReturnType<typeof startServer>>;
    let previous: Dispatcher;
    beforeAll(async () => {
      backend = await startServer((_req, _body, res) => res.writeHead(202).end());
      previous = getGlobalDispatcher();
      // tracing.example.com is this test's server: the dispatcher connects every origin to it
      // (plain TCP on 127.0.0.1), so the example's URL stays as written.
      setGlobalDispatcher(
        new Agent({
          connect: (_options, callback) => {
            const socket = net.connect(backend.port, '127.0.0.1');
            socket.once('connect', () => callback(null, socket));
            socket.once('error', (error) => callback(error, null));
            return socket;
          },
        }),
      );
    });
    afterAll(async () => {
      setGlobalDispatcher(previous);
      await backend.close();
    });

    it('posts the drained records as JSON every minute', async () => {
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      await import('./seed/001-http-export.js');
        end(start('checkout', { cart: 3 }), { status: 201 });
      vi.advanceTimersByTime(60_000);
      await vi.waitFor(() => expect(backend.received).toHaveLength(1));
      const [request] = backend.received;
      expect(request!.host).toBe('tracing.example.com');
      expect(request!.url).toBe('/api/traces');
      const spans = JSON.parse(request!.body);
      expect(spans).toEqual([expect.objectContaining({ name: 'checkout', attributes: { cart: 3 }, result: { status: 201 } })]);
      // Nothing finished since: the next tick sends nothing.
      vi.advanceTimersByTime(60_000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(backend.received).toHaveLength(1);
      vi.clearAllTimers();
    });
  });

  it('Error Handling: a second end() throws SpanNotFound', async () => {
    await import('./seed/001-error-handling.js');
    expect(errors).toEqual([['Span already ended:', expect.stringContaining('no live span has id')]]);
    expect(flush().map((r) => r.name)).toEqual(['operation']);
  });

  it('Common Pitfalls: the good versions record what they say', async () => {
    await import('./seed/001-common-pitfalls.js');
    const records = flush();
    expect(byName(records, 'operation')).toHaveLength(1);
    expect(byName(records, 'operation1')).toHaveLength(1);
    expect(byName(records, 'operation2')[0]!.id).toBe(byName(records, 'operation1')[0]!.id + 1n);
    expect(byName(records, 'hotLoop')).toHaveLength(1000);
  });

  it('SpanNotFound carries the seed code', () => {
    const id = start('x');
    end(id);
    expect(() => end(id)).toThrowError(expect.objectContaining({ name: 'TraceError', code: TraceErrorCode.SpanNotFound }));
  });
});
