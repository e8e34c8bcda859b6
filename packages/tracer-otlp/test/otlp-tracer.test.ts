import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import {
  ExportFailedError,
  SpanKind,
  SpanStatusCode,
  ledgerProblem,
} from '@x/tracer-core';
import { createOtlpTracer, type OtlpTracerOptions } from '@x/tracer-otlp';
import { describeConformance } from '@x/tracer-testkit/vitest';
import { startReceiver, type Receiver } from './support/receiver.js';
import { closedAfterEach, FAST_RETRY, names, record, spanIdsAndNames } from './support/tracers.js';

const { tracer, track } = closedAfterEach();
const receiver = async (...args: Parameters<typeof startReceiver>): Promise<Receiver> => track(await startReceiver(...args));

describe('createOtlpTracer against a real receiver on 127.0.0.1', () => {
  it('delivers protobuf with the resource, the scope, headers and every span field', async () => {
    const r = await receiver();
    const t = tracer({
      url: r.url,
      headers: { 'x-api-key': 'k-123456' },
      serviceName: 'checkout',
      resourceAttributes: { 'deployment.environment.name': 'test' },
    });
    const root = t.startSpan({ name: 'GET /orders', kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', big: 2n ** 60n } });
    const child = t.startSpan({ name: 'db', kind: SpanKind.CLIENT, parent: root });
    t.addEvent(child, { name: 'row', attributes: { n: 1.5 } });
    t.setStatus(child, { code: SpanStatusCode.ERROR, message: 'boom' });
    t.endSpan(child);
    t.endSpan(root);
    await t.flush();
    expect(r.requests).toHaveLength(1);
    const [request] = r.requests;
    expect(request!.contentType).toBe('application/x-protobuf');
    expect(request!.headers['x-api-key']).toBe('k-123456');
    expect(request!.headers['user-agent']).toMatch(/^@x\/tracer-otlp\/\d+\.\d+\.\d+ \(Node\.js v\d+/);
    const resourceSpans = request!.request.resourceSpans[0];
    const resource = Object.fromEntries(resourceSpans.resource.attributes.map((a: any) => [a.key, a.value.stringValue]));
    expect(resource).toMatchObject({ 'service.name': 'checkout', 'deployment.environment.name': 'test', 'telemetry.sdk.language': 'nodejs' });
    expect(resourceSpans.scopeSpans[0].scope.name).toBe('@x/tracer-otlp');
    const [db, orders] = resourceSpans.scopeSpans[0].spans;
    expect(db).toMatchObject({ traceId: root.traceId, spanId: child.spanId, parentSpanId: root.spanId, kind: 3, status: { code: 2, message: 'boom' } });
    expect(db.events[0]).toMatchObject({ name: 'row', attributes: [{ key: 'n', value: { doubleValue: 1.5 } }] });
    expect(orders.attributes).toContainEqual({ key: 'big', value: { intValue: String(2n ** 60n) } });
    expect(t.stats()).toMatchObject({ spansExported: 2, spansDropped: {} });
  });

  it.each(['http/protobuf', 'http/json'] as const)(
    '%s: each span arrives under its scope, name and version, and spans without one under the configured scope',
    async (protocol) => {
      const r = await receiver();
      const t = tracer({ url: r.url, protocol, scope: { name: 'checkout', version: '3.0.0' } });
      const http = { name: '@x/http', version: '2.1.0' };
      const root = t.startSpan({ name: 'GET /orders', kind: SpanKind.SERVER, scope: http });
      const query = t.startSpan({ name: 'SELECT orders', kind: SpanKind.CLIENT, parent: root, scope: { name: 'pg' } });
      t.endSpan(query);
      t.endSpan(t.startSpan({ name: 'render', parent: root }));
      t.endSpan(t.startSpan({ name: 'malformed scope', parent: root, scope: { name: '' } }));
      t.endSpan(root);
      await t.flush();
      expect(r.requests).toHaveLength(1);
      const scopeSpans = r.requests[0]!.request.resourceSpans[0].scopeSpans;
      // The receiver decodes protobuf with the independent schema (support/otlp-schema.ts): a version
      // that was not sent decodes as ''; in JSON it is absent.
      expect(scopeSpans.map((ss: any) => [ss.scope.name, ss.scope.version ?? '', ss.spans.map((s: any) => s.name)])).toEqual([
        ['pg', '', ['SELECT orders']],
        ['checkout', '3.0.0', ['render', 'malformed scope']],
        ['@x/http', '2.1.0', ['GET /orders']],
      ]);
      expect(scopeSpans[0].spans[0]).toMatchObject({ spanId: query.spanId, parentSpanId: root.spanId, kind: 3 });
      expect(t.stats()).toMatchObject({ spansExported: 4, invalidCalls: 1 });
    },
  );

  it.each(['http/protobuf', 'http/json'] as const)('%s: a span renamed before it ended arrives under its new name', async (protocol) => {
    const r = await receiver();
    const t = tracer({ url: r.url, protocol });
    const server = t.startSpan({ name: 'GET', kind: SpanKind.SERVER });
    const query = t.startSpan({ name: 'SELECT', kind: SpanKind.CLIENT, parent: server });
    t.updateName(query, 'SELECT users');
    t.endSpan(query);
    t.updateName(server, 'GET /users/:id');
    t.updateName(server, ['not', 'a', 'name'] as never);
    t.endSpan(server);
    t.updateName(server, 'too late');
    await t.flush();
    expect(r.requests).toHaveLength(1);
    const spans = r.requests[0]!.request.resourceSpans[0].scopeSpans[0].spans;
    expect(spans.map((s: any) => [s.name, s.spanId, s.kind])).toEqual([
      ['SELECT users', query.spanId, 3],
      ['GET /users/:id', server.spanId, 2],
    ]);
    expect(t.stats()).toMatchObject({ spansExported: 2, invalidCalls: 1 });
  });

  it('service.name defaults to unknown_service:<executable>', async () => {
    const r = await receiver();
    const t = tracer({ url: r.url });
    record(t, 1);
    await t.flush();
    const attrs = r.requests[0]!.request.resourceSpans[0].resource.attributes;
    expect(attrs.find((a: any) => a.key === 'service.name').value.stringValue).toMatch(/^unknown_service:node/);
    const custom = tracer({ url: r.url, headers: { 'User-Agent': 'my-app/2.0' } });
    record(custom, 1);
    await custom.flush();
    expect(r.requests[1]!.headers['user-agent']).toBe('my-app/2.0');
  });

  it('JSON protocol and gzip compression', async () => {
    const r = await receiver();
    const json = tracer({ url: r.url, protocol: 'http/json' });
    const gzip = tracer({ url: r.url, compression: 'gzip' });
    record(json, 3, 'json');
    record(gzip, 3, 'gzip');
    await json.flush();
    await gzip.flush();
    expect(r.requests.map((q) => [q.contentType, q.headers['content-encoding']])).toEqual([
      ['application/json', undefined],
      ['application/x-protobuf', 'gzip'],
    ]);
    expect(r.accepted()).toEqual([...names(3, 'json'), ...names(3, 'gzip')]);
    expect(r.requests[0]!.request.resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano).toMatch(/^\d{19}$/);
  });

  it.each([
    [503, { 'retry-after': '0' }],
    [429, { 'retry-after': '0' }],
    [502, {}],
    [504, {}],
  ])('retries HTTP %i and then delivers exactly once', async (status, headers) => {
    const r = await receiver();
    r.script({ status, headers }, { status, headers });
    const t = tracer({ url: r.url });
    record(t, 4);
    await t.flush();
    expect(r.requests.map((q) => q.status)).toEqual([status, status, 200]);
    expect(r.accepted()).toEqual(names(4));
    expect(t.stats()).toMatchObject({ spansExported: 4, spansDropped: {} });
  });

  it('honors Retry-After: waits as told, and gives up at once when it is past the deadline', async () => {
    const r = await receiver();
    r.script({ status: 429, headers: { 'retry-after': '1' } });
    const t = tracer({ url: r.url, timeoutMillis: 5000 });
    record(t, 1);
    const started = performance.now();
    await t.flush();
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(r.accepted()).toEqual(['s0']);

    const far = new Date(Date.now() + 3_600_000).toUTCString();
    r.script({ status: 503, headers: { 'retry-after': far } });
    record(t, 1, 'late');
    const error = await t.flush().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/HTTP 503 \(Retry-After 3\d{3} s is past the deadline\) after 1 attempt/);
    expect(r.requests.at(-1)!.status).toBe(503);
    expect(t.stats().spansBuffered).toBe(1);
  });

  it.each([500, 400, 413, 401])('HTTP %i is final: not retried, spans dropped with the status as reason', async (status) => {
    const r = await receiver();
    r.script({ status, body: 'nope' });
    const t = tracer({ url: r.url });
    record(t, 3);
    const error = await t.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportFailedError);
    expect((error as Error).message).toContain(`HTTP ${status}: nope (not retryable: 3 spans dropped)`);
    expect(r.requests).toHaveLength(1);
    expect(r.accepted()).toEqual([]);
    expect(t.stats().spansDropped).toEqual({ [`http-${status}`]: 3 });
    expect(ledgerProblem(t.stats())).toBeUndefined();
  });

  it('a response slower than the timeout: spans stay buffered, are delivered once it answers in time', async () => {
    const r = await receiver();
    r.script({ status: 503, delayMillis: 1500 });
    const t = tracer({ url: r.url, timeoutMillis: 300 });
    record(t, 5);
    await expect(t.flush()).rejects.toThrow(/no answer within/);
    expect(t.stats()).toMatchObject({ spansBuffered: 5, spansExported: 0 });
    await new Promise((resolve) => setTimeout(resolve, 1600));
    await t.flush();
    expect(r.accepted()).toEqual(names(5));
    expect(ledgerProblem(t.stats())).toBeUndefined();
  });

  it('a connection reset mid-request is retried', async () => {
    const r = await receiver();
    r.script({ reset: true });
    const t = tracer({ url: r.url });
    record(t, 2);
    await t.flush();
    expect(r.accepted()).toEqual(names(2));
    expect(t.stats().spansExported).toBe(2);
  });

  it('a receiver down for a while: memory stays under the cap, overflow counted, the rest delivered when back', async () => {
    const r = await receiver();
    await r.down();
    const t = tracer({ url: r.url, timeoutMillis: 300, maxBufferedSpans: 100 });
    record(t, 60, 'a');
    await expect(t.flush()).rejects.toThrow(/ECONNREFUSED/);
    record(t, 60, 'b');
    const during = t.stats();
    expect(during.spansBuffered).toBe(100);
    expect(during.spansDropped).toEqual({ 'queue-full': 20 });
    await r.up();
    await t.flush();
    expect(r.accepted()).toEqual([...names(60, 'a'), ...names(40, 'b')]);
    const after = t.stats();
    expect(after).toMatchObject({ spansExported: 100, spansBuffered: 0 });
    expect(ledgerProblem(after)).toBeUndefined();
  });

  it('a receiver that never comes back: shutdown ends by its deadline and counts what was left', async () => {
    const r = await receiver();
    await r.down();
    const t = tracer({ url: r.url, timeoutMillis: 60_000, retry: { initialBackoffMillis: 100 } });
    record(t, 7);
    await expect(t.shutdown({ timeoutMillis: 300 })).rejects.toThrow(/did not finish within 300 ms/);
    const stats = t.stats();
    expect(stats.spansDropped).toEqual({ shutdown: 7 });
    expect(stats.spansBuffered).toBe(0);
    expect(ledgerProblem(stats)).toBeUndefined();
  });

  it('surfaces a partial success: rejected spans counted, the warning in the flush result, nothing retried', async () => {
    const r = await receiver();
    r.script({ partialSuccess: { rejectedSpans: 2, errorMessage: 'span ids invalid' } });
    const t = tracer({ url: r.url });
    record(t, 5);
    await expect(t.flush()).rejects.toThrow('receiver rejected 2 of 5 spans: span ids invalid');
    expect(r.requests).toHaveLength(1);
    const stats = t.stats();
    expect(stats).toMatchObject({ spansExported: 3, spansDropped: { 'export-rejected': 2 } });
    expect(stats.lastError?.message).toBe('receiver rejected 2 of 5 spans: span ids invalid');
    const json = tracer({ url: r.url, protocol: 'http/json' });
    r.script({ partialSuccess: { rejectedSpans: 1, errorMessage: 'json says no' } });
    record(json, 2);
    await expect(json.flush()).rejects.toThrow(/json says no/);
    expect(json.stats().spansDropped).toEqual({ 'export-rejected': 1 });
  });

  it('splits a batch over maxRequestBytes into requests under it; a lone span over it is dropped and counted', async () => {
    const r = await receiver();
    const t = tracer({ url: r.url, maxRequestBytes: 2000 });
    for (let i = 0; i < 40; i++) t.endSpan(t.startSpan({ name: `s${i}`, attributes: { pad: 'x'.repeat(100) } }));
    t.endSpan(t.startSpan({ name: 'huge', attributes: { pad: 'y'.repeat(5000) } }));
    await expect(t.flush()).rejects.toThrow(/larger than maxRequestBytes/);
    expect(r.requests.length).toBeGreaterThan(2);
    expect(Math.max(...r.requests.map((q) => q.rawBytes))).toBeLessThanOrEqual(2000);
    expect(r.accepted()).toEqual(names(40));
    expect(t.stats().spansDropped).toEqual({ 'span-too-large': 1 });
    expect(ledgerProblem(t.stats())).toBeUndefined();
  });

  it('keeps at most maxConcurrentRequests requests in flight', async () => {
    const r = await receiver();
    r.script(...Array.from({ length: 10 }, () => ({ delayMillis: 30 })));
    const t = tracer({ url: r.url, maxConcurrentRequests: 2, maxExportBatchSize: 5 });
    record(t, 50);
    await t.flush();
    expect(r.accepted()).toHaveLength(50);
    expect(r.maxConcurrent()).toBe(2);
  });

  it('never shows header values or URL credentials in errors or stats, even when the receiver echoes them', async () => {
    const r = await receiver();
    const secret = 'sk-live-SECRET-0123456789';
    r.script({ status: 401, body: `invalid api key ${secret}` }, { status: 403, body: `bad login hunter2pass` });
    const t = tracer({ url: r.url, headers: { authorization: `Bearer ${secret}` } });
    record(t, 1);
    const error = (await t.flush().catch((e: unknown) => e)) as Error;
    const withUser = tracer({ url: r.url.replace('http://', 'http://admin:hunter2pass@') });
    record(withUser, 1);
    const error2 = (await withUser.flush().catch((e: unknown) => e)) as Error;
    expect(r.requests[1]!.headers.authorization).toBe(`Basic ${Buffer.from('admin:hunter2pass').toString('base64')}`);
    const everything = JSON.stringify([error.message, error2.message, t.stats(), withUser.stats(), String(error.cause), String(error2.cause)]);
    expect(everything).toContain('HTTP 401');
    expect(everything).toContain('[REDACTED]');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain('hunter2pass');
    expect(everything).not.toContain('admin:');
  });

  describe('TLS', () => {
    const fixture = (name: string) => readFileSync(new URL(`./fixtures/tls/${name}`, import.meta.url));
    const server = { key: fixture('server.key'), cert: fixture('server.pem') };

    it('verifies the receiver by default, and trusts a given CA', async () => {
      const r = await receiver(server);
      const unverified = tracer({ url: r.url.replace('127.0.0.1', 'localhost'), timeoutMillis: 1000, retry: { maxAttempts: 1 } });
      record(unverified, 1);
      await expect(unverified.flush()).rejects.toThrow(/certificate|SELF_SIGNED|UNABLE_TO_VERIFY/i);
      const trusted = tracer({ url: r.url.replace('127.0.0.1', 'localhost'), tls: { ca: fixture('ca.pem') } });
      record(trusted, 2);
      await trusted.flush();
      expect(r.accepted()).toEqual(names(2));
    });

    it('presents a client certificate for mutual TLS', async () => {
      const r = await receiver({ ...server, ca: fixture('ca.pem'), requestCert: true, rejectUnauthorized: true });
      const without = tracer({ url: r.url, tls: { ca: fixture('ca.pem') }, timeoutMillis: 1000, retry: { maxAttempts: 1 } });
      record(without, 1);
      await expect(without.flush()).rejects.toThrow();
      const withCert = tracer({ url: r.url, tls: { ca: fixture('ca.pem'), cert: fixture('client.pem'), key: fixture('client.key') } });
      record(withCert, 1, 'mtls');
      await withCert.flush();
      expect(r.accepted()).toEqual(['mtls0']);
    });
  });

  it.each([
    [{ url: 'ftp://x' }, /url must use http: or https:/],
    [{ url: 'not a url' }, /url must be an absolute http: or https: URL/],
    [{ protocol: 'http/2' }, /protocol must be one of 'http\/protobuf', 'http\/json', 'grpc', got "http\/2"/],
    [{ compression: 'br' }, /compression must be one of 'gzip', 'none'/],
    [{ headers: { 'bad name': 'v' } }, /"bad name" is not a valid header name/],
    [{ headers: { k: 'line\nbreak-secret' } }, /the value of "k" must be a string without CR, LF or NUL/],
    [{ timeoutMillis: -1 }, /timeoutMillis must be a non-negative number/],
    [{ retry: { multiplier: 0.5 } }, /retry.multiplier must be a number >= 1/],
    [{ scope: { name: 42 } }, /scope must be \{ name, version\? \} with a non-empty name/],
    [{ scope: { name: '' } }, /scope must be/],
    [{ scope: 'lib' }, /scope must be/],
  ])('rejects bad option %o', (options, message) => {
    expect(() => createOtlpTracer({ hookProcessShutdown: false, ...(options as OtlpTracerOptions) })).toThrow(message);
    try {
      createOtlpTracer({ hookProcessShutdown: false, ...(options as OtlpTracerOptions) });
    } catch (error) {
      expect((error as Error).message).not.toContain('break-secret');
    }
  });
});

describe('OTLP duration options at the longest timer Node keeps (2^31-1 ms)', () => {
  const durations: [string, (millis: number) => OtlpTracerOptions][] = [
    ['timeoutMillis', (millis) => ({ timeoutMillis: millis })],
    ['retry.initialBackoffMillis', (millis) => ({ retry: { initialBackoffMillis: millis } })],
    ['retry.maxBackoffMillis', (millis) => ({ retry: { maxBackoffMillis: millis } })],
  ];

  it.each(durations)('%s: 2147483647 is accepted and the tracer delivers', async (_name, option) => {
    const r = await receiver();
    const t = tracer({ url: r.url, ...option(2_147_483_647) });
    record(t, 2);
    await t.flush();
    expect(r.accepted()).toEqual(names(2));
  });

  it.each(durations)('%s: 2147483648 is refused, naming the option and the limit', (name, option) => {
    expect(() => createOtlpTracer({ hookProcessShutdown: false, ...option(2_147_483_648) })).toThrow(
      new RegExp(`^${name.replace('.', '\\.')} must be a non-negative number of milliseconds, at most 2147483647 .*got 2147483648$`),
    );
  });
});

let conformanceReceiver: Receiver | undefined;
describeConformance(
  'createOtlpTracer',
  async () => {
    conformanceReceiver ??= await startReceiver();
    return createOtlpTracer({ url: conformanceReceiver.url, retry: FAST_RETRY });
  },
  {
    // Every tracer of this run sends to the one receiver; span ids tell their spans apart.
    exported: () => spanIdsAndNames(conformanceReceiver!.requests.map((r) => r.request)),
  },
);
afterAll(() => conformanceReceiver?.close());
