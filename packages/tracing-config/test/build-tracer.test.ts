import { createServer } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildTracer } from '../src/build-tracer.js';
import { resolvePlan } from '../src/plan.js';
import { loadConfig, parseConfig } from '../src/tracing-config.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const NO_ENV = {};

describe('buildTracer', () => {
  it('two sites in one process get different tracers: a tail sampler over stdout, an OTLP tracer', async () => {
    const config = loadConfig(fixture('checkout.toml'));
    const web = await buildTracer(resolvePlan(config, { site: 'web', env: NO_ENV }));
    const batch = await buildTracer(resolvePlan(config, { site: 'batch', env: NO_ENV }));
    expect(web?.name).toBe('sampling');
    expect((web?.stats?.() as unknown as { sampling: { mode: string } }).sampling.mode).toBe('tail');
    expect(Object.keys(web?.stats?.().children ?? {})).toEqual(['stdout']);
    expect(batch?.name).toBe('otlp');
    expect(web).not.toBe(batch);
    await Promise.all([web?.shutdown?.({ timeoutMillis: 0 }), batch?.shutdown?.({ timeoutMillis: 0 }).catch(() => undefined)]);
  });

  it('several exporters become a fan-out behind the sampler', async () => {
    const config = parseConfig('[observability.traces]\nsample_rate = 0.5\n[observability.export]\nstdout = "json"\notlp_endpoint = "http://127.0.0.1:1/v1/traces"', '/tmp/tracing.toml');
    const tracer = await buildTracer(resolvePlan(config, { env: NO_ENV }));
    const children = tracer?.stats?.().children ?? {};
    expect(tracer?.name).toBe('sampling');
    expect(Object.keys(children)).toEqual(['exporters']);
    expect(Object.keys(children.exporters?.children ?? {})).toEqual(['otlp', 'stdout']);
    await tracer?.shutdown?.({ timeoutMillis: 0 }).catch(() => undefined);
  });

  it('a site with no exporter gets no tracer', async () => {
    expect(await buildTracer(resolvePlan(undefined, { env: NO_ENV }))).toBeUndefined();
  });

  it('the FORGE document builds whole: the tail sampler over a fan-out of OTLP/gRPC, Jaeger (OTLP/HTTP) and Zipkin', async () => {
    const tracer = await buildTracer(resolvePlan(loadConfig(fixture('forge.toml')), { env: NO_ENV }));
    expect(tracer?.name).toBe('sampling');
    const [fanout] = Object.values(tracer?.stats?.().children ?? {});
    expect(Object.keys(fanout?.children ?? {})).toEqual(['otlp', 'jaeger', 'zipkin']);
    // Nothing listens at the document's hosts: shut down at once, what is buffered counted as dropped.
    await tracer?.shutdown?.({ timeoutMillis: 0 }).catch(() => undefined);
  });

  it('otlp_protocol = "grpc" builds an OTLP tracer that calls TraceService/Export on the endpoint', async () => {
    const paths: string[] = [];
    const server = createHttp2Server((request, response) => {
      paths.push(request.url);
      request.resume();
      request.on('end', () => {
        // An OK with an empty ExportTraceServiceResponse: a frame header of length 0, status in the trailers.
        response.writeHead(200, { 'content-type': 'application/grpc' });
        response.addTrailers({ 'grpc-status': '0' });
        response.end(Buffer.alloc(5));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const config = parseConfig(`[observability.export]\notlp_endpoint = "http://127.0.0.1:${port}"\notlp_protocol = "grpc"`, '/tmp/tracing.toml');
      const tracer = await buildTracer(resolvePlan(config, { env: NO_ENV }));
      expect(tracer?.name).toBe('otlp');
      tracer!.endSpan(tracer!.startSpan({ name: 'over grpc' }));
      await tracer!.flush();
      expect(paths).toEqual(['/opentelemetry.proto.collector.trace.v1.TraceService/Export']);
      await tracer!.shutdown?.({ timeoutMillis: 1000 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('zipkin_endpoint builds a Zipkin tracer that POSTs the site\'s spans to it as Zipkin v2 JSON', async () => {
    const bodies: any[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        bodies.push({ path: req.url, spans: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v2/spans`;
    const config = parseConfig(`[observability.traces]\nservice_name = "cart"\n[observability.export]\nzipkin_endpoint = "${url}"`, '/tmp/z.toml');
    const tracer = await buildTracer(resolvePlan(config, { env: NO_ENV }));
    expect(tracer?.name).toBe('zipkin');
    tracer!.endSpan(tracer!.startSpan({ name: 'checkout' }));
    await tracer!.flush();
    await tracer!.shutdown?.({ timeoutMillis: 100 });
    server.close();
    expect(bodies).toMatchObject([{ path: '/api/v2/spans', spans: [{ name: 'checkout', localEndpoint: { serviceName: 'cart' } }] }]);
  });
});
