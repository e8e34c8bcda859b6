// What a review of the configuration found: secrets, key paths, Jaeger URLs, headers and endpoints across layers.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildTracer } from '../src/build-tracer.js';
import { formatPlan } from '../src/format-plan.js';
import { resolvePlan } from '../src/plan.js';
import { parseConfig } from '../src/tracing-config.js';

const file = fileURLToPath(new URL('./fixtures/plugins/tracing.toml', import.meta.url));
const plan = (toml: string, options: Parameters<typeof resolvePlan>[1] = {}) => resolvePlan(parseConfig(toml, file), { env: {}, ...options });

describe('secrets stay out of the printed plan and of error messages', () => {
  it('redacts plugin options at any depth, URL credentials in any option, and the Jaeger warning', () => {
    const text = formatPlan(
      plan(`[observability.export]
jaeger_endpoint = "http://admin:hunter2@jaeger.internal:14268/api/traces"
[plugins.nd]
path = "./minimal-plugin.mjs"
options = { exporter = { apiKey = "sk-live-123" }, endpoint = "https://u:pw@x.example/", dsn = "postgres://a:b@h/db", level = 3 }
`),
    );
    for (const secret of ['hunter2', 'sk-live-123', ':pw@', 'a:b@']) expect(text).not.toContain(secret);
    expect(text).toContain('exporter={"apiKey":"[redacted]"}');
    expect(text).toContain('level=3');
  });

  it('never echoes URL credentials or header values in errors', () => {
    expect(() => plan('[sites.api.observability.export]\notlp_endpoint = "ftp://user:s3cretpw@collector/"')).toThrow(/sites\.api\.observability\.export\.otlp_endpoint: must use http:\/\/ or https:\/\/, got "ftp:\/\/\[redacted\]@collector\/"/);
    expect(() => plan('', { env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'ftp://u:envpass@x' } })).toThrow(/got "ftp:\/\/\[redacted\]@x"/);
    let message = '';
    try {
      plan('[observability.export]\notlp_headers = { authorization = 1234567890 }');
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/otlp_headers\.authorization: must be a string \(quoted in TOML\), got number/);
    expect(message).not.toContain('1234567890');
  });
});

describe('layers', () => {
  it('headers go only with the endpoint they were written for: a layer that sets the endpoint drops the headers below it', () => {
    const toml = '[observability.export]\notlp_endpoint = "http://collector:4318/v1/traces"\notlp_headers = { authorization = "Bearer file" }';
    expect(plan(toml).exporters[0]).toMatchObject({ headers: { authorization: 'Bearer file' } });
    const moved = plan(toml, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://elsewhere:4318' } });
    expect(moved.exporters[0]).toMatchObject({ endpoint: 'http://elsewhere:4318/v1/traces', headers: {} });
    const withItsOwn = plan(toml, { env: { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://elsewhere:4318', OTEL_EXPORTER_OTLP_HEADERS: 'x-key=env' } });
    expect(withItsOwn.exporters[0]).toMatchObject({ headers: { 'x-key': 'env' } });
  });

  it('a site turns off an exporter of the file with false', () => {
    const toml = '[observability.export]\notlp_endpoint = "http://collector:4318/v1/traces"\nzipkin_endpoint = "http://zipkin:9411/api/v2/spans"\nstdout = "json"\n[sites.quiet.observability.export]\notlp_endpoint = false\nzipkin_endpoint = false';
    expect(plan(toml, { site: 'quiet' }).exporters.map((e) => e.name)).toEqual(['stdout']);
    expect(plan(toml).exporters.map((e) => e.name)).toEqual(['otlp', 'zipkin', 'stdout']);
  });

  it('decision_wait must be longer than 0, caught in the file, not at build', () => {
    expect(() => plan('[observability.traces]\ndecision_wait = "0ms"')).toThrow(/observability\.traces\.decision_wait: must be longer than 0/);
  });
});

describe('Jaeger URLs', () => {
  it.each([
    ['http://jaeger:14268/api/traces', 'http://jaeger:4318/v1/traces'],
    ['http://admin:hunter2@jaeger.internal:14268/api/traces', 'http://admin:hunter2@jaeger.internal:4318/v1/traces'],
    ['https://gw.example.com/jaeger/api/traces?tenant=a', 'https://gw.example.com/jaeger/v1/traces?tenant=a'],
    ['https://[::1]:14268/api/traces', 'https://[::1]:4318/v1/traces'],
    ['http://jaeger:4318', 'http://jaeger:4318/v1/traces'],
    ['http://jaeger:4318/v1/traces', 'http://jaeger:4318/v1/traces'],
  ])('%s is sent OTLP at %s, credentials, prefix and query kept', (given, sent) => {
    expect(plan(`[observability.export]\njaeger_endpoint = "${given}"`).exporters[0]).toMatchObject({ name: 'jaeger', endpoint: sent });
  });
});

describe('building', () => {
  it('a build error points at the key where the value was set (a site, an option)', async () => {
    // HTTP/2 forbids connection-specific headers: the schema lets the header through, the gRPC exporter refuses it.
    const grpc = 'otlp_endpoint = "http://collector:4317"\notlp_protocol = "grpc"\notlp_headers = { connection = "keep-alive" }';
    await expect(buildTracer(plan(`[sites.api.observability.export]\n${grpc}`, { site: 'api' }))).rejects.toThrow(
      /tracing\.toml: sites\.api\.observability\.export\.otlp_endpoint: the otlp exporter refused its settings: .*connection/,
    );
    await expect(
      buildTracer(plan('', { overrides: { export: { otlp_endpoint: 'http://collector:4317', otlp_protocol: 'grpc', otlp_headers: { connection: 'close' } } } })),
    ).rejects.toThrow(/<options>: export\.otlp_endpoint: the otlp exporter refused its settings/);
  });

  it('shuts down what it built when a later part fails: nothing starts half-configured', async () => {
    const events: string[] = ((globalThis as { pluginLifecycle?: string[] }).pluginLifecycle = []);
    const half = plan('[plugins.first]\npath = "./lifecycle-plugin.mjs"\noptions = { tag = "a" }\n[plugins.second]\npath = "./no-such-plugin.mjs"');
    expect(half.exporters.map((e) => e.name)).toEqual(['first', 'second']);
    await expect(buildTracer(half)).rejects.toThrow(/no-such-plugin\.mjs.*does not exist/);
    expect(events).toEqual(['created a', 'shutdown a']);
  });
});
