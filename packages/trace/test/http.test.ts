// Automatic HTTP spans through diagnostics_channel: real servers and clients on 127.0.0.1.
import diagnostics from 'node:diagnostics_channel';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { configure, currentSpan, flush, instrumentHttp, setHttpRoute, SpanKind, withSpan, type HttpInstrumentation } from '@x/trace';
import type { PlainSpan } from '@x/tracer-core';
import { createMemoryTracer, type MemoryTracer } from '@x/tracer-memory';
import { createOtlpTracer } from '@x/tracer-otlp';

/** Node >= 22.12 publishes `http.client.request.created`, where headers can still be set. */
const nodeHttpInjects = diagnostics.hasSubscribers !== undefined && Number(process.versions.node.split('.')[0]) * 100 + Number(process.versions.node.split('.')[1]) >= 2212;

let memory: MemoryTracer;
let instrumentation: HttpInstrumentation;
const servers: http.Server[] = [];

beforeEach(() => {
  memory = createMemoryTracer();
  configure({ tracer: memory, service: 'shop' });
});
afterEach(async () => {
  instrumentation?.disable();
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  configure();
  flush();
});

async function serve(handler: http.RequestListener): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Spans once the ones in flight have ended (a server span ends when its response is finished). */
async function spans(count: number): Promise<PlainSpan[]> {
  const out: PlainSpan[] = [];
  for (let i = 0; i < 200 && out.length < count; i++) {
    out.push(...memory.drain());
    if (out.length < count) await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return out;
}

const byKind = (list: PlainSpan[], kind: SpanKind) => list.filter((span) => span.kind === kind);

describe('server spans', () => {
  it('one SERVER span per request with the conventions attributes, current for the whole handler', async () => {
    instrumentation = instrumentHttp({ requestHeaders: ['x-request-id'], responseHeaders: ['content-type'] });
    const seen: string[] = [];
    const url = await serve(async (req, res) => {
      seen.push(currentSpan().name);
      req.on('data', () => seen.push(`data: ${currentSpan().name}`));
      await once(req, 'end');
      await new Promise((resolve) => setTimeout(resolve, 2));
      seen.push(`later: ${currentSpan().name}`);
      res.setHeader('content-type', 'text/plain');
      res.end('ok');
    });
    const response = await fetch(`${url}/users/42?sig=secret&page=2`, { method: 'POST', body: 'hello', headers: { 'x-request-id': 'r-1', 'user-agent': 'test/1' } });
    await response.text();
    const [server] = byKind(await spans(2), SpanKind.SERVER);
    expect(server).toMatchObject({ name: 'POST', kind: SpanKind.SERVER });
    expect(server!.attributes).toMatchObject({
      'http.request.method': 'POST',
      'url.path': '/users/42',
      'url.query': 'sig=REDACTED&page=2',
      'url.scheme': 'http',
      'server.address': '127.0.0.1',
      'server.port': Number(new URL(url).port),
      'client.address': '127.0.0.1',
      'user_agent.original': 'test/1',
      'network.protocol.version': '1.1',
      'http.response.status_code': 200,
      'http.request.header.x-request-id': ['r-1'],
      'http.response.header.content-type': ['text/plain'],
    });
    expect(server!.scope).toEqual({ name: '@x/trace/http', version: '0.1.0' });
    expect(seen).toEqual(['POST', 'data: POST', 'later: POST']);
  });

  it('setHttpRoute names the span {method} {route}; 5xx is an error on the server, 4xx is not; unknown methods are _OTHER', async () => {
    instrumentation = instrumentHttp();
    const url = await serve((req, res) => {
      setHttpRoute('/users/:id');
      res.statusCode = req.url === '/users/1' ? 503 : 404;
      res.end();
    });
    await (await fetch(`${url}/users/1`)).text();
    await (await fetch(`${url}/users/2`)).text();
    await new Promise<void>((resolve) => http.request(`${url}/x`, { method: 'PURGE' }, (res) => res.resume().on('end', resolve)).end());
    const servers = byKind(await spans(6), SpanKind.SERVER);
    const records = flush().filter((record) => record.scope.name === '@x/trace/http' && record.attributes !== undefined);
    expect(records.map((record) => record.name)).toContain('GET /users/:id');
    const [failing, missing, purge] = servers;
    expect(failing!.attributes).toMatchObject({ 'http.route': '/users/:id', 'http.response.status_code': 503, 'error.type': '503' });
    expect(failing!.status.code).toBe(2);
    expect(missing!.attributes['http.response.status_code']).toBe(404);
    expect(missing!.attributes['error.type']).toBeUndefined();
    expect(missing!.status.code).toBe(0);
    expect(purge!.attributes).toMatchObject({ 'http.request.method': '_OTHER', 'http.request.method_original': 'PURGE' });
    expect(purge!.name).toBe('HTTP /users/:id');
    // The rename reaches the tracer (the contract's optional updateName).
    expect(failing!.name).toBe('GET /users/:id');
  });

  it('ignorePaths: no span for health checks', async () => {
    instrumentation = instrumentHttp({ ignorePaths: ['/health', /^\/metrics/] });
    const url = await serve((_req, res) => res.end());
    for (const path of ['/health', '/metrics/x', '/work']) await (await fetch(url + path)).text();
    const servers = byKind(await spans(4), SpanKind.SERVER);
    expect(servers.map((span) => span.attributes['url.path'])).toEqual(['/work']);
  });

  it('a request whose client goes away still ends its span, as an error', async () => {
    instrumentation = instrumentHttp({ fetch: false, client: false });
    let closed!: () => void;
    const gone = new Promise<void>((resolve) => (closed = resolve));
    const url = await serve((req) => req.on('close', closed));
    const request = http.get(url);
    request.on('error', () => undefined);
    setTimeout(() => request.destroy(), 10);
    await gone;
    const [server] = await spans(1);
    expect(server!.attributes['error.type']).toBe('aborted');
  });

  it('an incoming traceparent makes the server span a child of the caller; unsampled records nothing but passes the trace on', async () => {
    instrumentation = instrumentHttp();
    const downstream: (string | undefined)[] = [];
    const backend = await serve((req, res) => (downstream.push(req.headers.traceparent as string | undefined), res.end()));
    const url = await serve(async (_req, res) => {
      await (await fetch(`${backend}/next`)).text();
      res.end();
    });
    const trace = '4bf92f3577b34da6a3ce929d0e0e4736';
    await (await fetch(url, { headers: { traceparent: `00-${trace}-00f067aa0ba902b7-01` } })).text();
    const sampled = await spans(5);
    const entry = sampled.find((span) => span.kind === SpanKind.SERVER && span.parentSpanId === '00f067aa0ba902b7')!;
    expect(entry).toMatchObject({ traceId: trace, parentIsRemote: true });
    const call = sampled.find((span) => span.kind === SpanKind.CLIENT)!;
    expect(call.parentSpanId).toBe(entry.spanId);
    expect(downstream[0]).toBe(`00-${trace}-${call.spanId}-01`);

    await (await fetch(url, { headers: { traceparent: `00-${trace}-00f067aa0ba902b7-00` } })).text();
    await new Promise((resolve) => setTimeout(resolve, 20));
    // The test's own call is a root CLIENT span (it set traceparent itself, so nothing is injected);
    // the server, its call and the backend record nothing: their trace is not sampled.
    expect(memory.drain().map((span) => [span.kind, span.attributes['url.full']])).toEqual([[SpanKind.CLIENT, `${url}/`]]);
    expect(downstream[1]).toMatch(new RegExp(`^00-${trace}-[0-9a-f]{16}-00$`));
  });
});

describe('what a review found', () => {
  it('disable() mid-request: spans in flight still end with their status', async () => {
    instrumentation = instrumentHttp();
    // Disabled once both requests are in their handlers: every span has started, none has ended.
    let arrived = 0;
    const url = await serve(async (_req, res) => {
      if (++arrived === 2) instrumentation.disable();
      await new Promise((resolve) => setTimeout(resolve, 30));
      res.end('late');
    });
    await Promise.all([
      fetch(url).then((r) => r.text()),
      new Promise<void>((resolve) => http.get(url, (res) => res.resume().on('end', resolve))),
    ]);
    const all = await spans(4);
    expect(all).toHaveLength(4);
    for (const span of byKind(all, SpanKind.SERVER)) {
      expect(span.attributes['http.response.status_code']).toBe(200);
      expect(span.attributes['error.type']).toBeUndefined();
    }
  });

  it('node:http responses with no body to read end their span: HEAD, 204, and an unread body once the request closes', async () => {
    instrumentation = instrumentHttp({ server: false });
    const url = await serve((req, res) => {
      res.setHeader('connection', 'close');
      res.statusCode = req.url === '/empty' ? 204 : 200;
      res.end(req.method === 'HEAD' || req.url === '/empty' ? undefined : 'body nobody reads');
    });
    // The responses are never read: the spans must end without that.
    const send = (path: string, method: string) =>
      new Promise<void>((resolve) => http.request(`${url}${path}`, { method, agent: false }, () => setTimeout(resolve, 30)).end());
    await send('/', 'HEAD');
    await send('/empty', 'GET');
    await new Promise<void>((resolve) => http.request(`${url}/unread`, { agent: false }, () => setTimeout(resolve, 30)).end());
    const clients = byKind(await spans(3), SpanKind.CLIENT);
    expect(clients.map((span) => span.attributes['http.response.status_code']).sort()).toEqual([200, 200, 204]);
  });

  it('the listener\'s context reaches neither ignored requests nor work a handler leaves after its span ended', async () => {
    instrumentation = instrumentHttp({ ignorePaths: ['/health'] });
    const seen: string[] = [];
    let later!: Promise<void>;
    const url = await withSpan('boot', () =>
      serve((req, res) => {
        seen.push(`${req.url}: ${currentSpan().name}`);
        later = new Promise((resolve) => setTimeout(() => (seen.push(`after: ${currentSpan().name}`), resolve()), 20));
        res.end();
      }),
    );
    await (await fetch(`${url}/health`)).text();
    await (await fetch(`${url}/work`)).text();
    await later;
    expect(seen.sort()).toEqual(['/health: ', '/work: GET', 'after: ', 'after: '].sort());
  });

  it('a tracestate the caller set is kept, and traceparent is added anyway (fetch and node:http)', async () => {
    instrumentation = instrumentHttp({ server: false });
    const received: [unknown, unknown][] = [];
    const url = await serve((req, res) => (received.push([req.headers.traceparent, req.headers.tracestate]), res.end()));
    await withSpan('job', async () => {
      await (await fetch(url, { headers: { tracestate: 'v=1' } })).text();
      await new Promise<void>((resolve) => http.get(url, { headers: { tracestate: 'v=1' } }, (res) => res.resume().on('end', resolve)));
    });
    expect(received[0]).toEqual([expect.stringMatching(/^00-/), 'v=1']);
    expect(received[1]![1]).toBe('v=1');
    if (nodeHttpInjects) expect(received[1]![0]).toMatch(/^00-/);
  });

  it('server attributes: bracketed IPv6 hosts, empty ports, absolute-form targets', async () => {
    instrumentation = instrumentHttp({ client: false, fetch: false });
    const url = await serve((_req, res) => res.end());
    const { port } = new URL(url);
    const raw = (lines: string[]) =>
      new Promise<void>((resolve, reject) => {
        const socket = net.connect(Number(port), '127.0.0.1', () => socket.end(`${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`));
        socket.on('error', reject).on('close', () => resolve()).resume();
      });
    await raw(['GET /a HTTP/1.1', 'Host: [::1]:8080']);
    await raw(['GET /b HTTP/1.1', 'Host: example.com:']);
    await raw(['GET http://example.com/abs?q=1 HTTP/1.1', 'Host: example.com']);
    const servers = byKind(await spans(3), SpanKind.SERVER);
    expect(servers.map((span) => [span.attributes['server.address'], span.attributes['server.port'], span.attributes['url.path'], span.attributes['url.query']])).toEqual([
      ['::1', 8080, '/a', undefined],
      ['example.com', undefined, '/b', undefined],
      ['example.com', undefined, '/abs', 'q=1'],
    ]);
  });

  it.each([false, true])('Host and User-Agent as request.headers has them, however spelled or repeated (joinDuplicateHeaders %s)', async (joinDuplicateHeaders) => {
    instrumentation = instrumentHttp({ client: false, fetch: false });
    const seen: [unknown, unknown][] = [];
    const server = http.createServer({ joinDuplicateHeaders }, (req, res) => {
      seen.push([req.headers.host, req.headers['user-agent']]);
      res.end();
    });
    servers.push(server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const raw = (lines: string[]) =>
      new Promise<void>((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1', () => socket.end(`${lines.join('\r\n')}\r\nConnection: close\r\n\r\n`));
        socket.on('error', reject).on('close', () => resolve()).resume();
      });
    await raw(['GET /a HTTP/1.1', 'HOST: one.example:81', 'user-AGENT: first/1', 'User-Agent: second/2']);
    await raw(['GET /b HTTP/1.1', 'host: two.example:82', 'Host: three.example:83', 'USER-AGENT: only/1']);
    await raw(['GET /c HTTP/1.1', 'Host: one.example:81']);
    const traced = byKind(await spans(3), SpanKind.SERVER);
    expect(seen).toHaveLength(3);
    expect(traced.map((span) => [span.attributes['server.address'], span.attributes['server.port'], span.attributes['user_agent.original']])).toEqual(
      seen.map(([host, agent]) => {
        const text = String(host);
        const colon = text.lastIndexOf(':');
        return [text.slice(0, colon), Number(text.slice(colon + 1)), agent];
      }),
    );
  });
});

describe('client spans', () => {
  it('fetch: a CLIENT span, child of the current span, context injected; 4xx is a client error', async () => {
    instrumentation = instrumentHttp({ server: false });
    const received: (string | undefined)[] = [];
    const url = await serve((req, res) => {
      received.push(req.headers.traceparent as string | undefined);
      res.statusCode = req.url === '/missing' ? 404 : 200;
      res.end();
    });
    await withSpan('job', async () => {
      await (await fetch(`${url}/ok?X-Goog-Signature=abc`)).text();
      await (await fetch(`${url}/missing`)).text();
    });
    const all = await spans(3);
    const job = all.find((span) => span.name === 'job')!;
    const [ok, missing] = byKind(all, SpanKind.CLIENT);
    expect(ok).toMatchObject({ name: 'GET', parentSpanId: job.spanId, traceId: job.traceId });
    expect(ok!.attributes).toMatchObject({ 'http.request.method': 'GET', 'url.full': `${url}/ok?X-Goog-Signature=REDACTED`, 'server.address': '127.0.0.1', 'http.response.status_code': 200 });
    expect(received[0]).toBe(`00-${job.traceId}-${ok!.spanId}-03`);
    expect(missing!.attributes['error.type']).toBe('404');
    expect(missing!.status.code).toBe(2);
  });

  it('a connection error ends the span with error.type', async () => {
    instrumentation = instrumentHttp();
    const closed = await serve((_req, res) => res.end());
    const port = new URL(closed).port;
    await new Promise((resolve) => servers.pop()!.close(resolve));
    await withSpan('job', () => fetch(`http://127.0.0.1:${port}/`).catch(() => undefined));
    const [client] = byKind(await spans(2), SpanKind.CLIENT);
    expect(client!.attributes['error.type']).toMatch(/ECONNREFUSED|Error/);
    expect(client!.status.code).toBe(2);
  });

  it(`node:http requests: a CLIENT span; headers injected on Node >= 22.12 (this Node: ${nodeHttpInjects ? 'yes' : 'no'})`, async () => {
    instrumentation = instrumentHttp({ server: false });
    const received: (string | undefined)[] = [];
    const url = await serve((req, res) => (received.push(req.headers.traceparent as string | undefined), res.end('x')));
    await withSpan('job', () => new Promise<void>((resolve) => http.get(`${url}/a`, (res) => res.resume().on('end', resolve))));
    const all = await spans(2);
    const job = all.find((span) => span.name === 'job')!;
    const [client] = byKind(all, SpanKind.CLIENT);
    expect(client).toMatchObject({ parentSpanId: job.spanId });
    expect(client!.attributes).toMatchObject({ 'url.full': `${url}/a`, 'http.response.status_code': 200 });
    expect(received[0]).toBe(nodeHttpInjects ? `00-${job.traceId}-${client!.spanId}-03` : undefined);
  });

  it('node:https too: both sides, url.scheme https', async () => {
    instrumentation = instrumentHttp();
    const fixture = (name: string) => readFileSync(new URL(`../../tracer-otlp/test/fixtures/tls/${name}`, import.meta.url));
    const received: (string | undefined)[] = [];
    const server = https.createServer({ key: fixture('server.key'), cert: fixture('server.pem') }, (req, res) => {
      received.push(req.headers.traceparent as string | undefined);
      res.end('secure');
    });
    servers.push(server as unknown as http.Server);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const url = `https://localhost:${(server.address() as AddressInfo).port}/secure`;
    await withSpan('job', () => new Promise<void>((resolve) => https.get(url, { ca: fixture('ca.pem') }, (res) => res.resume().on('end', resolve))));
    const all = await spans(3);
    const client = byKind(all, SpanKind.CLIENT)[0]!;
    const entry = byKind(all, SpanKind.SERVER)[0]!;
    expect(client.attributes).toMatchObject({ 'url.full': url, 'server.address': 'localhost', 'http.response.status_code': 200 });
    expect(entry.attributes).toMatchObject({ 'url.scheme': 'https', 'url.path': '/secure' });
    if (nodeHttpInjects) expect(entry.parentSpanId).toBe(client.spanId);
    else expect(received[0]).toBeUndefined();
  });

  it('requests to an exporter\'s own endpoint get no span (no export feedback loop)', async () => {
    const bodies: number[] = [];
    const collector = await serve((req, res) => {
      req.resume().on('end', () => (bodies.push(1), res.end('{}')));
    });
    const otlp = createOtlpTracer({ url: `${collector}/v1/traces`, protocol: 'http/json', hookProcessShutdown: false });
    configure({ tracer: otlp });
    // The collector runs in this process here: its own server spans are left out by path.
    instrumentation = instrumentHttp({ ignorePaths: ['/v1/traces'] });
    await withSpan('work', () => undefined);
    await otlp.flush();
    await withSpan('more work', () => undefined);
    await otlp.flush();
    await otlp.shutdown();
    expect(otlp.stats().spansExported).toBe(2);
  });

  it('disable() stops new spans', async () => {
    instrumentation = instrumentHttp();
    const url = await serve((_req, res) => res.end());
    instrumentation.disable();
    await (await fetch(url)).text();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(memory.drain()).toEqual([]);
  });
});
