import { readFileSync } from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import { afterAll, describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, ledgerProblem } from '@x/tracer-core';
import { createOtlpTracer } from '@x/tracer-otlp';
import { describeConformance } from '@x/tracer-testkit/vitest';
import { startBreakingFront, type Break } from './support/breaking-front.js';
import { startGrpcReceiver, type GrpcReceiver } from './support/grpc-receiver.js';
import { closedAfterEach, FAST_RETRY, names, record, spanIdsAndNames } from './support/tracers.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/tls/${name}`, import.meta.url));

const { tracer, track } = closedAfterEach({ protocol: 'grpc' });
const receiver = async (...args: Parameters<typeof startGrpcReceiver>): Promise<GrpcReceiver> => track(await startGrpcReceiver(...args));
const attributes = (list: any[]) => Object.fromEntries(list.map((a) => [a.key, a.value.stringValue]));

describe("createOtlpTracer({ protocol: 'grpc' }) against a @grpc/grpc-js server on 127.0.0.1", () => {
  it('delivers the spans, the resource and the scopes through TraceService/Export', async () => {
    const r = await receiver();
    const t = tracer({ url: r.url, serviceName: 'checkout', resourceAttributes: { 'deployment.environment.name': 'test' } });
    const root = t.startSpan({ name: 'GET /orders', kind: SpanKind.SERVER, attributes: { 'http.request.method': 'GET', big: 2n ** 60n } });
    const child = t.startSpan({ name: 'db', kind: SpanKind.CLIENT, parent: root, scope: { name: 'pg', version: '8.0.0' } });
    t.addEvent(child, { name: 'row', attributes: { n: 1.5 } });
    t.setStatus(child, { code: SpanStatusCode.ERROR, message: 'boom' });
    t.endSpan(child);
    t.endSpan(root);
    await t.flush();
    expect(r.calls).toHaveLength(1);
    const [resourceSpans] = r.calls[0]!.request.resourceSpans;
    expect(attributes(resourceSpans.resource.attributes)).toMatchObject({
      'service.name': 'checkout',
      'deployment.environment.name': 'test',
      'telemetry.sdk.language': 'nodejs',
    });
    const scopes = Object.fromEntries(resourceSpans.scopeSpans.map((ss: any) => [ss.scope.name, ss]));
    expect(scopes.pg.scope.version).toBe('8.0.0');
    expect(scopes.pg.spans[0]).toMatchObject({ traceId: root.traceId, spanId: child.spanId, parentSpanId: root.spanId, kind: 3, status: { code: 2, message: 'boom' } });
    expect(scopes.pg.spans[0].events[0]).toMatchObject({ name: 'row', attributes: [{ key: 'n', value: { doubleValue: 1.5 } }] });
    expect(scopes['@x/tracer-otlp'].spans[0].attributes).toContainEqual({ key: 'big', value: { intValue: String(2n ** 60n) } });
    expect(t.stats()).toMatchObject({ spansExported: 2, spansDropped: {} });
  });

  it('sends the headers as metadata, a user agent naming the exporter, and a grpc-timeout', async () => {
    const r = await receiver();
    const t = tracer({ url: r.url, headers: { 'x-api-key': 'k-123456', Authorization: 'Bearer t0ken' } });
    record(t, 1);
    await t.flush();
    const { metadata } = r.calls[0]!;
    expect(metadata['x-api-key']).toBe('k-123456');
    expect(metadata.authorization).toBe('Bearer t0ken');
    expect(metadata['user-agent']).toMatch(/@x\/tracer-otlp\/\d+\.\d+\.\d+ \(Node\.js v\d+/);
  });

  // That the frame is really compressed is asserted on the raw wire in grpc-transport.test.ts: grpc-js
  // hides grpc-encoding from the handler.
  it('refuses at creation a header that HTTP/2 cannot carry, naming it', () => {
    expect(() => createOtlpTracer({ protocol: 'grpc', hookProcessShutdown: false, headers: { Connection: 'keep-alive' } })).toThrow(
      /headers: "connection" is an HTTP\/1\.1 connection header, which HTTP\/2 \(protocol 'grpc'\) does not allow/,
    );
  });

  it('compresses with gzip when asked, and the server decodes the same spans', async () => {
    const r = await receiver();
    const t = tracer({ url: r.url, compression: 'gzip' });
    record(t, 50, 'gz');
    await t.flush();
    expect(r.accepted()).toEqual(names(50, 'gz'));
  });

  it('takes http://localhost:4317 when grpc is chosen without a url', async () => {
    tracer({ timeoutMillis: 300, retry: { maxAttempts: 1 } });
    // The tracer marks its endpoint for HTTP instrumentation to skip: a view of the resolved url.
    const marked = (globalThis as any)[Symbol.for('x-tracing.internal-endpoints')] as Set<string>;
    expect(marked).toContain('http://localhost:4317/');
    expect(marked).not.toContain('http://localhost:4317/v1/traces');
  });

  it('retries UNAVAILABLE, then delivers', async () => {
    const r = await receiver();
    r.script({ code: grpc.status.UNAVAILABLE }, { code: grpc.status.UNAVAILABLE });
    const t = tracer({ url: r.url });
    record(t, 3);
    await t.flush();
    expect(r.calls.map((c) => c.code)).toEqual([grpc.status.UNAVAILABLE, grpc.status.UNAVAILABLE, grpc.status.OK]);
    expect(r.accepted()).toEqual(names(3));
    expect(t.stats()).toMatchObject({ spansExported: 3, spansDropped: {} });
  });

  it.each([
    [grpc.status.CANCELLED],
    [grpc.status.ABORTED],
    [grpc.status.OUT_OF_RANGE],
    [grpc.status.DATA_LOSS],
    [grpc.status.DEADLINE_EXCEEDED],
  ])('retries status %i as the OTLP specification lists it', async (code) => {
    const r = await receiver();
    r.script({ code });
    const t = tracer({ url: r.url });
    record(t, 2);
    await t.flush();
    expect(r.calls.map((c) => c.code)).toEqual([code, grpc.status.OK]);
    expect(r.accepted()).toEqual(names(2));
  });

  it('drops INVALID_ARGUMENT without retrying, counts it by code and says so in the flush', async () => {
    const r = await receiver();
    r.script({ code: grpc.status.INVALID_ARGUMENT, message: 'bad span k-123456' });
    const t = tracer({ url: r.url, headers: { 'x-api-key': 'k-123456' } });
    record(t, 4);
    await expect(t.flush()).rejects.toThrow(/gRPC INVALID_ARGUMENT \(3\): bad span \[REDACTED\] \(not retryable: 4 spans dropped\)/);
    expect(r.calls).toHaveLength(1);
    const stats = t.stats();
    expect(stats.spansDropped).toEqual({ 'grpc-invalid-argument': 4 });
    expect(ledgerProblem(stats)).toBeUndefined();
  });

  it('drops RESOURCE_EXHAUSTED without RetryInfo', async () => {
    const r = await receiver();
    r.script({ code: grpc.status.RESOURCE_EXHAUSTED });
    const t = tracer({ url: r.url });
    record(t, 2);
    await expect(t.flush()).rejects.toThrow(/RESOURCE_EXHAUSTED/);
    expect(r.calls).toHaveLength(1);
    expect(t.stats().spansDropped).toEqual({ 'grpc-resource-exhausted': 2 });
  });

  it("retries RESOURCE_EXHAUSTED with RetryInfo after the server's delay, not the backoff", async () => {
    const r = await receiver();
    r.script({ code: grpc.status.RESOURCE_EXHAUSTED, retryDelayMillis: 300 });
    const t = tracer({ url: r.url, retry: { initialBackoffMillis: 1, maxBackoffMillis: 1 } });
    record(t, 2);
    const started = performance.now();
    await t.flush();
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(r.calls.map((c) => c.code)).toEqual([grpc.status.RESOURCE_EXHAUSTED, grpc.status.OK]);
    expect(r.accepted()).toEqual(names(2));
  });

  it('gives up a slow call at the deadline and keeps its spans for the next export', async () => {
    const r = await receiver();
    r.script({ delayMillis: 2000 });
    const t = tracer({ url: r.url, timeoutMillis: 300 });
    record(t, 3);
    const started = performance.now();
    await expect(t.flush()).rejects.toThrow(/(no answer within|DEADLINE_EXCEEDED).*\(spans kept for the next export\)/);
    expect(performance.now() - started).toBeLessThan(1500);
    expect(t.stats().spansBuffered).toBe(3);
    await t.flush();
    expect(r.accepted()).toEqual(names(3));
    expect(ledgerProblem(t.stats())).toBeUndefined();
  });

  it('keeps spans while the server is down and delivers them when it is back on the same port', async () => {
    const r = await receiver();
    await r.down();
    const t = tracer({ url: r.url, timeoutMillis: 200, retry: { maxAttempts: 2 } });
    record(t, 5);
    await expect(t.flush()).rejects.toThrow(/spans kept for the next export/);
    expect(t.stats().spansBuffered).toBe(5);
    await r.up();
    await t.flush();
    expect(r.accepted()).toEqual(names(5));
    expect(t.stats()).toMatchObject({ spansExported: 5, spansBuffered: 0 });
    expect(ledgerProblem(t.stats())).toBeUndefined();
  });

  it('a server that never comes up: shutdown ends by its deadline and counts what was left', async () => {
    const r = await receiver();
    await r.down();
    const t = tracer({ url: r.url, timeoutMillis: 60_000, retry: { initialBackoffMillis: 100 } });
    record(t, 7);
    await expect(t.shutdown({ timeoutMillis: 300 })).rejects.toThrow(/did not finish within 300 ms/);
    const stats = t.stats();
    expect(stats.spansDropped).toEqual({ shutdown: 7 });
    expect(ledgerProblem(stats)).toBeUndefined();
    expect(() => record(t, 1)).not.toThrow(); // recording after shutdown: a counted no-op
    expect(t.stats().ignoredAfterShutdown).toBeGreaterThan(0);
  });

  // The rows of fault-matrix.test.ts that HTTP/2 breaks differently from HTTP/1.1.
  it.each<[string, Break]>([
    ['RST_STREAM in the middle of a call', 'rst-stream'],
    ['a connection reset in the middle of a call', 'reset-connection'],
  ])('%s: retried, delivered once', async (_name, broken) => {
    const r = await receiver();
    const front = track(await startBreakingFront(r.url));
    front.script(broken, broken);
    const t = tracer({ url: front.url });
    record(t, 20);
    await t.flush();
    expect(front.broken).toBe(2);
    expect(r.accepted()).toEqual(names(20));
    expect(t.stats()).toMatchObject({ spansExported: 20, spansBuffered: 0, spansDropped: {} });
    expect(ledgerProblem(t.stats())).toBeUndefined();
  });

  it('a server down for a while: bounded by the caps, overflow counted, the rest delivered when back', async () => {
    const r = await receiver();
    await r.down();
    const t = tracer({ url: r.url, timeoutMillis: 400, maxBufferedSpans: 60, maxBufferedBytes: 60_000 });
    record(t, 40, 'a');
    await expect(t.flush()).rejects.toThrow(/ECONNREFUSED/);
    record(t, 40, 'b');
    expect(t.stats()).toMatchObject({ spansEnded: 80, spansBuffered: 60, spansDropped: { 'queue-full': 20 } });
    expect(t.stats().bytesBuffered).toBeLessThanOrEqual(60_000);
    await r.up();
    await t.flush();
    const accepted = r.accepted();
    expect(accepted).toHaveLength(60);
    expect(new Set(accepted).size).toBe(60);
    expect(accepted.every((name) => [...names(40, 'a'), ...names(40, 'b')].includes(name))).toBe(true);
    expect(t.stats()).toMatchObject({ spansExported: 60, spansBuffered: 0 });
    expect(ledgerProblem(t.stats())).toBeUndefined();
  });

  it('surfaces a partial success: rejected spans counted, the warning in the flush, nothing retried', async () => {
    const r = await receiver();
    r.script({ partialSuccess: { rejectedSpans: 2, errorMessage: 'two spans too old' } });
    const t = tracer({ url: r.url });
    record(t, 5);
    await expect(t.flush()).rejects.toThrow(/two spans too old/);
    expect(r.calls).toHaveLength(1);
    const stats = t.stats();
    expect(stats.spansDropped).toEqual({ 'export-rejected': 2 });
    expect(stats.spansExported).toBe(3);
    expect(ledgerProblem(stats)).toBeUndefined();
  });

  it('speaks TLS to an https: URL with the tracer tls options, mutual TLS included', async () => {
    const r = await receiver({ key: fixture('server.key'), cert: fixture('server.pem'), ca: fixture('ca.pem') });
    const without = tracer({ url: r.url, tls: { ca: fixture('ca.pem') }, timeoutMillis: 500, retry: { maxAttempts: 1 } });
    record(without, 1);
    await expect(without.flush()).rejects.toThrow();
    const withCert = tracer({ url: r.url, tls: { ca: fixture('ca.pem'), cert: fixture('client.pem'), key: fixture('client.key') } });
    record(withCert, 1, 'mtls');
    await withCert.flush();
    expect(r.accepted()).toEqual(['mtls0']);
  });

  it('keeps the ledger balanced across a run of mixed statuses', async () => {
    const r = await receiver();
    r.script(
      { code: grpc.status.UNAVAILABLE },
      { code: grpc.status.INVALID_ARGUMENT },
      { partialSuccess: { rejectedSpans: 1, errorMessage: 'one' } },
      { code: grpc.status.PERMISSION_DENIED },
    );
    const t = tracer({ url: r.url, maxExportBatchSize: 3 });
    for (let round = 0; round < 4; round++) {
      record(t, 3, `r${round}-`);
      await t.flush().catch(() => undefined);
      expect(ledgerProblem(t.stats()), `round ${round}`).toBeUndefined();
    }
    const stats = t.stats();
    expect(stats.spansDropped).toEqual({ 'grpc-invalid-argument': 3, 'export-rejected': 1, 'grpc-permission-denied': 3 });
    expect(stats.spansExported).toBe(5);
  });
});

let conformanceReceiver: GrpcReceiver | undefined;
describeConformance(
  "createOtlpTracer({ protocol: 'grpc' })",
  async () => {
    conformanceReceiver ??= await startGrpcReceiver();
    return createOtlpTracer({ protocol: 'grpc', url: conformanceReceiver.url, retry: FAST_RETRY });
  },
  {
    // Every tracer of this run sends to the one receiver; span ids tell their spans apart.
    exported: () => spanIdsAndNames(conformanceReceiver!.calls.map((c) => c.request)),
  },
);
afterAll(() => conformanceReceiver?.close());
