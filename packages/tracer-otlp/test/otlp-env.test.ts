import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createOtlpTracer, otlpOptionsFromEnv } from '@x/tracer-otlp';
import { startReceiver, type Receiver } from './support/receiver.js';

const CA = fileURLToPath(new URL('./fixtures/tls/ca.pem', import.meta.url));

describe('otlpOptionsFromEnv', () => {
  it.each([
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }, 'http://collector:4318/v1/traces'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }, 'http://collector:4318/v1/traces'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://api.example/otlp' }, 'https://api.example/otlp/v1/traces'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://tempo:4318/custom/path' }, 'http://tempo:4318/custom/path'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://generic:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://specific:9999/t' }, 'http://specific:9999/t'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, 'http://collector:4317'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'https://collector:4317', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' }, 'https://collector:4317'],
  ])('endpoint from %o is %s', (env, url) => {
    expect(otlpOptionsFromEnv(env).url).toBe(url);
  });

  it('reads every variable, the TRACES_ name winning over the generic one', () => {
    const options = otlpOptionsFromEnv({
      OTEL_EXPORTER_OTLP_HEADERS: 'x-generic=1',
      OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'api-key=a%20b%3Dc, x-team = core ',
      OTEL_EXPORTER_OTLP_TIMEOUT: '2500',
      OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '7000',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/json',
      OTEL_EXPORTER_OTLP_CERTIFICATE: CA,
      OTEL_SERVICE_NAME: 'billing',
      OTEL_RESOURCE_ATTRIBUTES: 'service.name=ignored,deployment.environment.name=prod%2Feu',
    });
    expect(options).toMatchObject({
      headers: { 'api-key': 'a b=c', 'x-team': 'core' },
      timeoutMillis: 7000,
      compression: 'gzip',
      protocol: 'http/json',
      serviceName: 'billing',
      resourceAttributes: { 'service.name': 'ignored', 'deployment.environment.name': 'prod/eu' },
    });
    expect(String(options.tls?.ca)).toContain('BEGIN CERTIFICATE');
  });

  it('sets nothing when nothing is set', () => {
    expect(otlpOptionsFromEnv({})).toEqual({});
  });

  it.each([
    [{ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc/json' }, /OTEL_EXPORTER_OTLP_TRACES_PROTOCOL must be http\/protobuf, http\/json or grpc, got "grpc\/json"/],
    [{ OTEL_EXPORTER_OTLP_COMPRESSION: 'zstd' }, /OTEL_EXPORTER_OTLP_COMPRESSION must be gzip or none, got "zstd"/],
    [{ OTEL_EXPORTER_OTLP_TIMEOUT: '10s' }, /OTEL_EXPORTER_OTLP_TIMEOUT must be a whole number of milliseconds, got "10s"/],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }, /OTEL_EXPORTER_OTLP_ENDPOINT must use http: or https:/],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '::nope' }, /OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be an absolute http: or https: URL/],
    [{ OTEL_EXPORTER_OTLP_HEADERS: 'novalue-secret' }, /OTEL_EXPORTER_OTLP_HEADERS must be a comma-separated list of key=value pairs/],
    [{ OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'k=%E0%A4%A-secret' }, /OTEL_EXPORTER_OTLP_TRACES_HEADERS has an entry that is not valid percent-encoding/],
    [{ OTEL_EXPORTER_OTLP_CLIENT_KEY: '/nonexistent/key.pem' }, /OTEL_EXPORTER_OTLP_CLIENT_KEY: cannot read the file "\/nonexistent\/key.pem"/],
    [{ OTEL_RESOURCE_ATTRIBUTES: '=x' }, /OTEL_RESOURCE_ATTRIBUTES must be a comma-separated list/],
  ])('names the variable when %o cannot be used', (env, message) => {
    expect(() => otlpOptionsFromEnv(env)).toThrow(message);
    try {
      otlpOptionsFromEnv(env);
    } catch (error) {
      expect((error as Error).message).not.toContain('secret');
    }
  });
});

describe('duration variables at the longest timer Node keeps (2^31-1 ms)', () => {
  const variables = ['OTEL_EXPORTER_OTLP_TIMEOUT', 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT'];

  it.each(variables)('%s=2147483647 is accepted, and a tracer takes it', async (name) => {
    const options = otlpOptionsFromEnv({ [name]: '2147483647' });
    expect(options.timeoutMillis).toBe(2_147_483_647);
    await createOtlpTracer({ ...options, hookProcessShutdown: false }).shutdown();
  });

  it.each(variables)('%s=2147483648 is refused, naming the variable and the limit', (name) => {
    expect(() => otlpOptionsFromEnv({ [name]: '2147483648' })).toThrow(
      new RegExp(`^${name} must be a non-negative number of milliseconds, at most 2147483647 .*got 2147483648$`),
    );
  });
});

describe('environment end to end', () => {
  let receiver: Receiver | undefined;
  afterEach(() => receiver?.close());

  it('OTEL_SERVICE_NAME wins over service.name in OTEL_RESOURCE_ATTRIBUTES; headers reach the receiver', async () => {
    receiver = await startReceiver();
    const tracer = createOtlpTracer({
      ...otlpOptionsFromEnv({
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_HEADERS: 'x-tenant=acme',
        OTEL_SERVICE_NAME: 'billing',
        OTEL_RESOURCE_ATTRIBUTES: 'service.name=ignored,team=payments',
      }),
      hookProcessShutdown: false,
    });
    tracer.endSpan(tracer.startSpan({ name: 'x' }));
    await tracer.shutdown();
    const [request] = receiver.requests;
    expect(request!.headers['x-tenant']).toBe('acme');
    const resource = Object.fromEntries(request!.request.resourceSpans[0].resource.attributes.map((a: any) => [a.key, a.value.stringValue]));
    expect(resource).toMatchObject({ 'service.name': 'billing', team: 'payments' });
  });
});
