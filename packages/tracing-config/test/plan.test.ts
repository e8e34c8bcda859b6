import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../src/config-error.js';
import { formatPlan } from '../src/format-plan.js';
import { resolvePlan } from '../src/plan.js';
import { loadConfig, parseConfig } from '../src/tracing-config.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const NO_ENV = {};

describe('the FORGE snippets', () => {
  it('load and give the expected plan: tail sampling at 0.1 keeping errors and slow requests over 1 s, three backends in a fan-out', () => {
    const plan = resolvePlan(loadConfig(fixture('forge.toml')), { env: NO_ENV });
    expect(plan.sampling).toEqual({ sampleRate: 0.1, alwaysSample: ['errors', 'slow_requests'], slowThresholdMillis: 1000, parentBased: true, decisionWaitMillis: undefined, maxPendingTraces: undefined });
    expect(plan.exporters).toEqual([
      { kind: 'otlp', name: 'otlp', endpoint: 'http://otel-collector:4317', protocol: 'grpc', headers: {}, compression: undefined, timeoutMillis: undefined },
      // Jaeger's Thrift collector URL goes to the same host's OTLP/HTTP port, with a warning.
      { kind: 'otlp', name: 'jaeger', endpoint: 'http://jaeger:4318/v1/traces', protocol: 'http/protobuf', headers: {}, compression: undefined, timeoutMillis: undefined },
      { kind: 'zipkin', name: 'zipkin', endpoint: 'http://zipkin:9411/api/v2/spans' },
    ]);
    expect(plan.warnings).toEqual([expect.stringMatching(/^jaeger_endpoint http:\/\/jaeger:14268\/api\/traces is Jaeger's legacy Thrift collector.*http:\/\/jaeger:4318\/v1\/traces/)]);
    expect(plan.serviceName).toBe('unknown_service:node');
    expect(formatPlan(plan)).toMatch(/sampling {3}rate 0\.1, tail sampling, always keeping errors and slow_requests, slow over 1000 ms, following remote parents/);
  });
});

describe('sites', () => {
  const config = loadConfig(fixture('two-sites.toml'));

  it("a site's sections override the top level key by key; tables merge", () => {
    const api = resolvePlan(config, { site: 'api', env: NO_ENV });
    expect(api.serviceName).toBe('shop-api');
    expect(api.sampling).toMatchObject({ sampleRate: 0.5, alwaysSample: ['errors'] });
    expect(api.exporters.map((e) => e.name)).toEqual(['otlp']);
    expect(api.resourceAttributes).toEqual({ 'deployment.environment': 'test' });
    const worker = resolvePlan(config, { site: 'worker', env: NO_ENV });
    expect(worker.serviceName).toBe('shop');
    expect(worker.sampling).toBeUndefined();
    expect(worker.exporters).toEqual([{ kind: 'stdout', name: 'stdout', format: 'json' }]);
    const top = resolvePlan(config, { env: NO_ENV });
    expect(top.sampling?.alwaysSample).toEqual([]);
  });

  it('an unknown site is an error listing the sites, with a suggestion', () => {
    expect(() => resolvePlan(config, { site: 'apl', env: NO_ENV })).toThrow(ConfigError);
    expect(() => resolvePlan(config, { site: 'apl', env: NO_ENV })).toThrow(/two-sites\.toml: sites: no site "apl" \(did you mean "api"\?\); the sites are api, worker/);
  });

  it('precedence: programmatic options > environment > site > file', () => {
    const env = { OTEL_SERVICE_NAME: 'from-env', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    const plan = resolvePlan(config, { site: 'api', env, overrides: { traces: { sample_rate: 0.75 } } });
    expect(plan.serviceName).toBe('from-env');
    expect(plan.sampling).toMatchObject({ sampleRate: 0.75, parentBased: false });
    expect(plan.exporters[0]).toMatchObject({ endpoint: 'http://collector:4318/v1/traces' });
    expect(Object.fromEntries(plan.origins)).toMatchObject({
      'traces.sample_rate': 'options',
      'traces.parent_based': 'env OTEL_TRACES_SAMPLER',
      'traces.service_name': 'env OTEL_SERVICE_NAME',
      'traces.always_sample': 'site api',
      'export.otlp_endpoint': 'env OTEL_EXPORTER_OTLP_ENDPOINT',
      'export.stdout': 'site api',
    });
  });

  it('the printed plan redacts header values and URL credentials', () => {
    const text = formatPlan(resolvePlan(config, { site: 'api', env: NO_ENV }));
    expect(text).toContain('x-api-key=[redacted]');
    expect(text).not.toContain('s3cr3t');
    const fromEnv = formatPlan(resolvePlan(config, { site: 'api', env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://user:pw@collector/v1/traces' } }));
    expect(fromEnv).not.toContain(':pw@');
    expect(fromEnv).toContain('https://%5Bredacted%5D@collector/v1/traces');
  });
});

describe('errors name the file, the key, the bad value and what is allowed', () => {
  const bad = (toml: string) => () => parseConfig(toml, '/etc/app/tracing.toml');
  it.each([
    ['[observability.traces]\nsample_rat = 0.1', /tracing\.toml: observability\.traces\.sample_rat: unknown key \(did you mean "sample_rate"\?\); the keys here are sample_rate, always_sample/],
    ['[observability.traces]\nsample_rate = 1.5', /observability\.traces\.sample_rate: must be a number from 0 to 1 \(0\.1 keeps one trace in ten\), got 1\.5/],
    ['[observability.traces]\nsample_rate = "10%"', /observability\.traces\.sample_rate: must be a number from 0 to 1.*got "10%"/],
    ['[observability.traces]\nslow_threshold = "soon"', /observability\.traces\.slow_threshold: must be a duration such as "1s", "250ms" or "2m".*got "soon"/],
    ['[observability.traces]\nalways_sample = ["errors", "slow"]', /observability\.traces\.always_sample\.1: must be one of "errors", "slow_requests", got "slow"/],
    ['[observability.traces]\nalways_sample = "errors"', /always_sample: must be an array/],
    ['[observability.export]\notlp_endpoint = "collector:4318"', /observability\.export\.otlp_endpoint: must use http:\/\/ or https:\/\/, got "collector:4318"/],
    ['[observability.export]\notlp_endpoint = "not a url"', /otlp_endpoint: must be an absolute http:\/\/ or https:\/\/ URL, got "not a url"/],
    ['[observability.export]\notlp_protocol = "grcp"', /otlp_protocol: must be one of "http\/protobuf", "http\/json", "grpc", got "grcp" \(did you mean "grpc"\?\)/],
    ['[observability.export]\nstdout = true', /observability\.export\.stdout: must be one of "pretty", "json", "off", got true/],
    ['[observability.export]\nplugins = ["mine"]', /observability\.export\.plugins\.0: no \[plugins\.mine\] table; declared plugins: none/],
    ['[sites.api.observability.trace]\nsample_rate = 1', /sites\.api\.observability\.trace: unknown key \(did you mean "traces"\?\)/],
    ['[observabilty.traces]\nsample_rate = 1', /tracing\.toml: observabilty: unknown key \(did you mean "observability"\?\)/],
    ['[plugins.mine]\noptions = {}', /plugins\.mine: needs exactly one of package = "<npm package>" or path = /],
    ['[plugins.otlp]\npackage = "x"', /plugins\.otlp: "otlp" is the name of a built-in exporter/],
    ['[plugins.mine]\npackage = "a"\n[plugins.mine]\npackage = "b"', /tracing\.toml: not valid TOML at line 3, column \d+: .*/],
    ['sample_rate = [', /tracing\.toml: not valid TOML at line 1/],
  ])('%j', (toml, message) => {
    expect(bad(toml)).toThrow(ConfigError);
    expect(bad(toml)).toThrow(message);
  });

  it('a file that cannot be read names the file', () => {
    expect(() => loadConfig('/nonexistent/tracing.toml')).toThrow(/\/nonexistent\/tracing\.toml: cannot read the file \(ENOENT\)/);
  });

  it.each([
    [{ OTEL_TRACES_SAMPLER: 'sometimes' }, /<environment>: OTEL_TRACES_SAMPLER: .*OTEL_TRACES_SAMPLER has "sometimes"/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' }, /<environment>: OTEL_EXPORTER_OTLP_ENDPOINT: must be an absolute http/],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: '10s' }, /<environment>: OTEL_EXPORTER_OTLP_TIMEOUT: must be a whole number of milliseconds, got "10s"/],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'udp' }, /OTEL_EXPORTER_OTLP_PROTOCOL: must be http\/protobuf, http\/json or grpc/],
  ])('the environment %j', (env, message) => {
    expect(() => resolvePlan(undefined, { env })).toThrow(message);
  });

  it('bad programmatic overrides name the option', () => {
    expect(() => resolvePlan(undefined, { env: NO_ENV, overrides: { traces: { sample_rate: 2 } } })).toThrow(/<options>: traces\.sample_rate: must be a number from 0 to 1/);
  });
});
