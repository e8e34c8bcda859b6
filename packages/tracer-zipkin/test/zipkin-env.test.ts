import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '@x/tracer-core';
import { zipkinOptionsFromEnv } from '@x/tracer-zipkin';

describe('zipkinOptionsFromEnv', () => {
  it('reads the endpoint, the timeout in milliseconds and the service name', () => {
    expect(
      zipkinOptionsFromEnv({
        OTEL_EXPORTER_ZIPKIN_ENDPOINT: ' https://zipkin.example:9411/api/v2/spans ',
        OTEL_EXPORTER_ZIPKIN_TIMEOUT: '2500',
        OTEL_SERVICE_NAME: 'checkout',
      }),
    ).toEqual({ url: 'https://zipkin.example:9411/api/v2/spans', timeoutMillis: 2500, serviceName: 'checkout' });
  });

  it('leaves out what is unset or blank', () => {
    expect(zipkinOptionsFromEnv({ OTEL_EXPORTER_ZIPKIN_ENDPOINT: ' ', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x:4318' })).toEqual({});
  });

  it.each([
    [{ OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'zipkin:9411' }, 'OTEL_EXPORTER_ZIPKIN_ENDPOINT must be an absolute http: or https: URL'],
    [{ OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'ftp://zipkin/api/v2/spans' }, 'OTEL_EXPORTER_ZIPKIN_ENDPOINT must be an absolute http: or https: URL'],
    [{ OTEL_EXPORTER_ZIPKIN_TIMEOUT: '10s' }, 'OTEL_EXPORTER_ZIPKIN_TIMEOUT must be a whole number of milliseconds, got "10s"'],
    [{ OTEL_EXPORTER_ZIPKIN_TIMEOUT: '99999999999' }, 'OTEL_EXPORTER_ZIPKIN_TIMEOUT'],
  ])('%j is rejected, naming the variable', (env, message) => {
    expect(() => zipkinOptionsFromEnv(env)).toThrow(InvalidOptionError);
    expect(() => zipkinOptionsFromEnv(env)).toThrow(message);
  });
});
