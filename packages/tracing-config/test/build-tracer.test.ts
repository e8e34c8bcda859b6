import { createServer } from 'node:http2';
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

  it('the FORGE export section is all or nothing: its OTLP/gRPC exporter builds, its Zipkin one needs a package, and the error says so', async () => {
    const plan = resolvePlan(loadConfig(fixture('forge.toml')), { env: NO_ENV });
    await expect(buildTracer(plan)).rejects.toThrow(/forge\.toml: observability\.export\.zipkin_endpoint: needs the package @x\/tracer-zipkin/);
  });

  it('otlp_protocol = "grpc" builds an OTLP tracer that calls TraceService/Export on the endpoint', async () => {
    const paths: string[] = [];
    const server = createServer((request, response) => {
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

  it('zipkin needs its package, and says how to get it', async () => {
    const plan = resolvePlan(parseConfig('[observability.export]\nzipkin_endpoint = "http://zipkin:9411/api/v2/spans"', '/tmp/z.toml'), { env: NO_ENV });
    await expect(buildTracer(plan)).rejects.toThrow(/z\.toml: observability\.export\.zipkin_endpoint: needs the package @x\/tracer-zipkin, which is not installed here: npm install @x\/tracer-zipkin/);
  });
});
