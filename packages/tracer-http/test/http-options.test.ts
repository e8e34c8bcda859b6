import { describe, expect, it } from 'vitest';
import { InvalidOptionError } from '@x/tracer-core';
import { resolveHttpExport } from '../src/http-options.js';

const DEFAULT_URL = 'http://localhost:9411/api/v2/spans';

describe('resolveHttpExport', () => {
  it('applies the defaults', () => {
    const resolved = resolveHttpExport({}, DEFAULT_URL, 'Zipkin');
    expect(resolved).toMatchObject({
      endpoint: DEFAULT_URL,
      headers: {},
      secrets: [],
      gzip: false,
      timeoutMillis: 10_000,
      tls: undefined,
      maxRequestBytes: 4 * 1024 * 1024,
      maxConcurrentRequests: 2,
      retry: { maxAttempts: 5, initialBackoffMillis: 1000, maxBackoffMillis: 5000, multiplier: 1.5 },
    });
  });

  it('moves URL credentials to a Basic header (a given authorization header wins) and out of the endpoint', () => {
    const resolved = resolveHttpExport({ url: 'https://al%20ice:pa%3Ass@zipkin.example/api/v2/spans?x=1' }, DEFAULT_URL, 'Zipkin');
    expect(resolved.url.href).toBe('https://zipkin.example/api/v2/spans?x=1');
    expect(resolved.endpoint).toBe('https://zipkin.example/api/v2/spans');
    expect(resolved.headers.authorization).toBe(`Basic ${Buffer.from('al ice:pa:ss').toString('base64')}`);
    const given = resolveHttpExport({ url: 'https://u:p@z.example/', headers: { Authorization: 'Bearer tok-1234' } }, DEFAULT_URL, 'Zipkin');
    expect(given.headers.authorization).toBe('Bearer tok-1234');
  });

  it('redact removes header values, each word of them but the scheme, and URL credentials, longest first', () => {
    const { redact } = resolveHttpExport(
      { url: 'https://alice:s3cr3t-pw@z.example/', headers: { authorization: 'Bearer tok-123456', 'x-key': 'tok-123456-long' } },
      DEFAULT_URL,
      'Zipkin',
    );
    expect(redact('Bearer tok-123456 / tok-123456-long / alice:s3cr3t-pw')).toBe('[REDACTED] / [REDACTED] / [REDACTED]:[REDACTED]');
    expect(redact('a Bearer scheme, then the token tok-123456')).toBe('a Bearer scheme, then the token [REDACTED]');
  });

  it.each([
    [{ url: 'grpc://z:4317' }, 'url must use http: or https: (Zipkin), got grpc:'],
    [{ url: 42 }, 'url must be an absolute http: or https: URL, got 42'],
    [{ headers: ['x'] }, 'headers must be an object of header names to string values'],
    [{ headers: { 'x-key': 'a\r\nb' } }, 'headers: the value of "x-key" must be a string without CR, LF or NUL'],
    [{ tls: 'yes' }, 'tls must be an object with ca, cert, key, rejectUnauthorized'],
    [{ retry: { maxAttempts: 0 } }, 'retry.maxAttempts'],
    [{ maxRequestBytes: 1.5 }, 'maxRequestBytes'],
  ])('rejects %j, naming the option', (options, message) => {
    expect(() => resolveHttpExport(options as never, DEFAULT_URL, 'Zipkin')).toThrow(InvalidOptionError);
    expect(() => resolveHttpExport(options as never, DEFAULT_URL, 'Zipkin')).toThrow(message);
  });

  it('never echoes a header value in an error', () => {
    expect(() => resolveHttpExport({ headers: { 'x-key': 'secret-value\n' } }, DEFAULT_URL, 'Zipkin')).toThrow(/^(?!.*secret-value)/s);
  });
});
