// The Zipkin tracer against a real endpoint that misbehaves on command: the shared HTTP machinery
// (retries, deadline, size split, headers, redaction) as the Zipkin tracer wires it, and the ledger.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { InvalidOptionError, ledgerProblem, type BufferedTracer, type TracerPlugin } from '@x/tracer-core';
import { describeConformance } from '@x/tracer-testkit/vitest';
import { createZipkinTracer, type ZipkinTracerOptions } from '@x/tracer-zipkin';
import { startZipkinReceiver, type ZipkinReceiver } from './support/zipkin-receiver.js';

const FAST_RETRY = { initialBackoffMillis: 10, maxBackoffMillis: 40 };
const open: { receivers: ZipkinReceiver[]; tracers: BufferedTracer[] } = { receivers: [], tracers: [] };
afterEach(async () => {
  await Promise.allSettled(open.tracers.splice(0).map((t) => t.shutdown({ timeoutMillis: 200 })));
  await Promise.allSettled(open.receivers.splice(0).map((r) => r.close()));
});

async function setup(options: ZipkinTracerOptions = {}): Promise<{ receiver: ZipkinReceiver; tracer: BufferedTracer }> {
  const receiver = await startZipkinReceiver();
  open.receivers.push(receiver);
  const tracer = createZipkinTracer({ url: receiver.url, serviceName: 'svc', hookProcessShutdown: false, scheduledDelayMillis: 60_000, retry: FAST_RETRY, ...options });
  open.tracers.push(tracer);
  return { receiver, tracer };
}

function record(t: TracerPlugin, count: number, prefix = 's'): string[] {
  const names = Array.from({ length: count }, (_, i) => `${prefix}${i}`);
  for (const name of names) t.endSpan(t.startSpan({ name, attributes: { i: name } }));
  return names;
}

/** The ledger balances, and what the tracer calls exported is what the endpoint accepted. */
function expectBalanced(tracer: BufferedTracer, receiver: ZipkinReceiver): void {
  const stats = tracer.stats();
  expect(ledgerProblem(stats)).toBeUndefined();
  expect(stats.spansExported).toBe(receiver.accepted().length);
  expect(receiver.problems).toEqual([]);
}

describe('createZipkinTracer', () => {
  it('POSTs Zipkin JSON to /api/v2/spans and takes 202 as delivered', async () => {
    const { receiver, tracer } = await setup();
    const names = record(tracer, 3);
    await tracer.flush();
    expect(receiver.requests).toHaveLength(1);
    expect(receiver.requests[0]).toMatchObject({ method: 'POST', path: '/api/v2/spans', status: 202 });
    expect(receiver.requests[0]!.headers['user-agent']).toMatch(/^@x\/tracer-zipkin\/0\.1\.0 /);
    expect(receiver.accepted().map((s) => s.name)).toEqual(names);
    expect(tracer.stats().spansExported).toBe(3);
    expectBalanced(tracer, receiver);
  });

  it('takes 200 as delivered too', async () => {
    const { receiver, tracer } = await setup();
    receiver.script({ status: 200 });
    record(tracer, 2);
    await tracer.flush();
    expect(tracer.stats().spansExported).toBe(2);
    expectBalanced(tracer, receiver);
  });

  it.each([429, 503])('retries %i, then delivers', async (status) => {
    const { receiver, tracer } = await setup();
    receiver.script({ status, headers: { 'retry-after': '0' } }, { status });
    record(tracer, 4);
    await tracer.flush();
    expect(receiver.requests.map((r) => r.status)).toEqual([status, status, 202]);
    expect(tracer.stats().spansExported).toBe(4);
    expectBalanced(tracer, receiver);
  });

  it('does not retry 400: the spans are dropped and counted as http-400, the reply in the error', async () => {
    const { receiver, tracer } = await setup();
    receiver.script({ status: 400, body: 'Malformed reading List<Span> from json' });
    record(tracer, 3);
    await tracer.flush().catch(() => undefined);
    expect(receiver.requests).toHaveLength(1);
    const stats = tracer.stats();
    expect(stats.spansDropped['http-400']).toBe(3);
    expect(stats.lastError?.message).toContain('Zipkin export to');
    expect(stats.lastError?.message).toContain('HTTP 400: Malformed reading');
    expectBalanced(tracer, receiver);
  });

  it('a reply slower than timeoutMillis: the spans stay buffered and go with the next export', async () => {
    const { receiver, tracer } = await setup({ timeoutMillis: 150 });
    receiver.script({ delayMillis: 600 });
    record(tracer, 2);
    await tracer.flush().catch(() => undefined);
    expect(tracer.stats().spansExported).toBe(0);
    expect(tracer.stats().spansBuffered).toBe(2);
    await tracer.flush();
    expect(tracer.stats().spansExported).toBe(2);
    expect(ledgerProblem(tracer.stats())).toBeUndefined();
  });

  it('the endpoint down, then up: spans are kept, then delivered once each', async () => {
    const { receiver, tracer } = await setup({ timeoutMillis: 300 });
    await receiver.down();
    const names = record(tracer, 5);
    await tracer.flush().catch(() => undefined);
    expect(tracer.stats().spansBuffered).toBe(5);
    expect(tracer.stats().lastError?.message).toMatch(/ECONNREFUSED/);
    await receiver.up();
    await tracer.flush();
    expect(receiver.accepted().map((s) => s.name)).toEqual(names);
    expectBalanced(tracer, receiver);
  });

  it('splits a batch larger than maxRequestBytes, and drops (and counts) a span too large alone', async () => {
    const { receiver, tracer } = await setup({ maxRequestBytes: 2000 });
    record(tracer, 20);
    tracer.endSpan(tracer.startSpan({ name: 'huge', attributes: { blob: 'x'.repeat(5000) } }));
    await tracer.flush().catch(() => undefined);
    expect(receiver.requests.length).toBeGreaterThan(1);
    expect(receiver.accepted()).toHaveLength(20);
    expect(tracer.stats().spansDropped['span-too-large']).toBe(1);
    expectBalanced(tracer, receiver);
  });

  it('sends gzip when asked, with headers and URL credentials; their values never appear in errors', async () => {
    const receiver = await startZipkinReceiver();
    open.receivers.push(receiver);
    const url = receiver.url.replace('http://', 'http://alice:s3cr3t-pw@');
    const tracer = createZipkinTracer({ url, compression: 'gzip', headers: { 'X-Api-Key': 'key-123456' }, hookProcessShutdown: false, scheduledDelayMillis: 60_000 });
    open.tracers.push(tracer);
    receiver.script({ status: 401, body: 'bad key key-123456 for alice:s3cr3t-pw' });
    record(tracer, 1);
    await tracer.flush().catch(() => undefined);
    const request = receiver.requests[0]!;
    expect(request.headers['content-encoding']).toBe('gzip');
    expect(request.headers['x-api-key']).toBe('key-123456');
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from('alice:s3cr3t-pw').toString('base64')}`);
    const message = tracer.stats().lastError?.message ?? '';
    expect(message).toContain('HTTP 401');
    expect(message).not.toContain('key-123456');
    expect(message).not.toContain('s3cr3t-pw');
    expect(message).toContain('[REDACTED]');
  });

  it.each([
    [{ url: 'ftp://zipkin:9411/api/v2/spans' }, 'url must use http: or https: (Zipkin), got ftp:'],
    [{ url: 'not a url' }, 'url must be an absolute http: or https: URL'],
    [{ headers: { 'bad header': 'x' } }, 'headers: "bad header" is not a valid header name'],
    [{ compression: 'brotli' }, "compression must be one of 'gzip', 'none'"],
    [{ serviceName: 42 }, 'serviceName must be a non-empty string'],
    [{ resourceAttributes: 'service.name=x' }, 'resourceAttributes must be an object'],
    [{ scope: { name: '' } }, 'scope must be { name, version? }'],
    [{ retry: { multiplier: 0.5 } }, 'retry.multiplier must be a number >= 1'],
    [{ timeoutMillis: -1 }, 'timeoutMillis'],
  ])('rejects %j with an error naming the option', (options, message) => {
    expect(() => createZipkinTracer(options as ZipkinTracerOptions)).toThrow(InvalidOptionError);
    expect(() => createZipkinTracer(options as ZipkinTracerOptions)).toThrow(message);
  });

  it('defaults to http://localhost:9411/api/v2/spans', async () => {
    const tracer = createZipkinTracer({ hookProcessShutdown: false, retry: { maxAttempts: 1 }, timeoutMillis: 200 });
    record(tracer, 1);
    await tracer.flush().catch(() => undefined);
    expect(tracer.stats().lastError?.message ?? '').toContain('Zipkin export to http://localhost:9411/api/v2/spans failed');
    await tracer.shutdown({ timeoutMillis: 100 }).catch(() => undefined);
  });
});

let conformanceReceiver: ZipkinReceiver | undefined;
describeConformance(
  'createZipkinTracer',
  async () => {
    conformanceReceiver ??= await startZipkinReceiver();
    return createZipkinTracer({ url: conformanceReceiver.url, retry: FAST_RETRY });
  },
  {
    // Every tracer of this run sends to the one endpoint; span ids tell their spans apart.
    exported: async () => conformanceReceiver!.accepted().map((s) => ({ spanId: s.id, name: s.name })),
  },
);
afterAll(async () => {
  expect(conformanceReceiver?.problems ?? []).toEqual([]);
  await conformanceReceiver?.close();
});
