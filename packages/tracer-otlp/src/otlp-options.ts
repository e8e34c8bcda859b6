import { InvalidOptionError, type Attributes, type BufferedTracerOptions, type InstrumentationScope } from '@x/tracer-core';
import { booleanOption, describe, durationMillis, MAX_SCOPE_FIELD_LENGTH, normalizeScope, positiveInteger } from '@x/tracer-core/internal';
import type { TlsOptions } from './http-transport.js';
import type { ResolvedRetry, RetryOptions } from './retry-policy.js';

/** Options of `createOtlpTracer`. Buffering and schedule options come from the core. */
export interface OtlpTracerOptions extends BufferedTracerOptions {
  /** @defaultValue 'otlp' */
  readonly name?: string;
  /**
   * Full URL of the traces endpoint. Credentials in it are sent as Basic auth and kept out of messages.
   * With `protocol: 'grpc'` only its origin counts (the method's path is fixed).
   * @defaultValue 'http://localhost:4318/v1/traces', or 'http://localhost:4317' with `protocol: 'grpc'`
   */
  readonly url?: string;
  /** OTLP/HTTP protobuf or JSON, or OTLP/gRPC (unary `TraceService/Export` over HTTP/2). @defaultValue 'http/protobuf' */
  readonly protocol?: 'http/protobuf' | 'http/json' | 'grpc';
  /** Extra request headers, for example API keys. Their values never appear in errors or stats. */
  readonly headers?: Readonly<Record<string, string>>;
  /** @defaultValue 'none' */
  readonly compression?: 'gzip' | 'none';
  /** Deadline of one export, all its requests and retries included. @defaultValue 10000 */
  readonly timeoutMillis?: number;
  readonly tls?: TlsOptions;
  /** Largest request body (before compression); a bigger batch is split. @defaultValue 4194304 */
  readonly maxRequestBytes?: number;
  /** Requests in flight at once (also the connection pool's size). @defaultValue 2 */
  readonly maxConcurrentRequests?: number;
  readonly retry?: RetryOptions;
  /** `service.name`; wins over `resourceAttributes['service.name']`. @defaultValue 'unknown_service:<executable>' */
  readonly serviceName?: string;
  readonly resourceAttributes?: Attributes;
  /**
   * Instrumentation scope of spans started without one; a span started with `SpanStart.scope` is sent
   * under its own (one `ScopeSpans` per distinct scope). @defaultValue { name: '@x/tracer-otlp', version: the package version }
   */
  readonly scope?: { readonly name: string; readonly version?: string };
}

export interface ResolvedOtlp {
  readonly url: URL;
  /** Origin and path only: safe in messages. */
  readonly endpoint: string;
  readonly protocol: 'http/protobuf' | 'http/json' | 'grpc';
  readonly headers: Readonly<Record<string, string>>;
  readonly secrets: readonly string[];
  readonly gzip: boolean;
  readonly timeoutMillis: number;
  readonly tls: TlsOptions | undefined;
  readonly maxRequestBytes: number;
  readonly maxConcurrentRequests: number;
  readonly retry: ResolvedRetry;
  /** The configured default scope, checked; undefined: the exporter's own. */
  readonly scope: InstrumentationScope | undefined;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

const AUTH_SCHEMES = new Set(['basic', 'bearer', 'token', 'digest', 'apikey']);

/**
 * Every string that must never be shown: each header value, each word of it (a receiver may echo
 * the token of `Bearer <token>`) but the scheme names, and the URL's user, password and Basic value.
 */
function secretsOf(headers: Readonly<Record<string, string>>, credentials: readonly string[]): string[] {
  const secrets = new Set<string>(credentials);
  for (const value of Object.values(headers)) {
    secrets.add(value);
    for (const word of value.split(/[\s,;]+/)) if (!AUTH_SCHEMES.has(word.toLowerCase())) secrets.add(word);
  }
  // Longest first, so a secret that contains another is replaced whole.
  return [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}

function resolveUrl(value: unknown, fallback: string): { url: URL; basicAuth: string | undefined; credentials: string[] } {
  const text = value ?? fallback;
  let url: URL;
  try {
    if (typeof text !== 'string') throw new TypeError();
    url = new URL(text);
  } catch {
    throw new InvalidOptionError(`url must be an absolute http: or https: URL, got ${describe(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidOptionError(`url must use http: or https: (https: for TLS), got ${url.protocol}`);
  }
  let basicAuth: string | undefined;
  const credentials: string[] = [];
  if (url.username !== '' || url.password !== '') {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    basicAuth = Buffer.from(`${user}:${password}`).toString('base64');
    credentials.push(user, password, url.username, url.password);
    url.username = '';
    url.password = '';
  }
  return { url, basicAuth, credentials };
}

function resolveHeaders(value: unknown): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InvalidOptionError(`headers must be an object of header names to string values, got ${describe(value)}`);
  }
  const out: Record<string, string> = {};
  for (const [name, header] of Object.entries(value)) {
    if (!HEADER_NAME.test(name)) throw new InvalidOptionError(`headers: ${JSON.stringify(name)} is not a valid header name`);
    // The value is never echoed: it may be a credential.
    if (typeof header !== 'string' || /[\r\n\0]/.test(header)) {
      throw new InvalidOptionError(`headers: the value of ${JSON.stringify(name)} must be a string without CR, LF or NUL`);
    }
    out[name.toLowerCase()] = header;
  }
  return out;
}

function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new InvalidOptionError(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

/**
 * Validates `options` and applies the defaults.
 * @throws InvalidOptionError naming the option and what it allows (never a header's value).
 */
export function resolveOtlpOptions(options: OtlpTracerOptions): ResolvedOtlp {
  const protocol = oneOf('protocol', options.protocol, ['http/protobuf', 'http/json', 'grpc'] as const, 'http/protobuf');
  const { url, basicAuth, credentials } = resolveUrl(options.url, protocol === 'grpc' ? 'http://localhost:4317' : 'http://localhost:4318/v1/traces');
  const headers = resolveHeaders(options.headers);
  if (basicAuth !== undefined && headers.authorization === undefined) headers.authorization = `Basic ${basicAuth}`;
  const retry = options.retry ?? {};
  if (typeof retry !== 'object' || retry === null) throw new InvalidOptionError(`retry must be an object, got ${describe(retry)}`);
  const multiplier = retry.multiplier ?? 1.5;
  if (typeof multiplier !== 'number' || !(multiplier >= 1) || !Number.isFinite(multiplier)) {
    throw new InvalidOptionError(`retry.multiplier must be a number >= 1, got ${describe(multiplier)}`);
  }
  if (options.tls !== undefined && (typeof options.tls !== 'object' || options.tls === null)) {
    throw new InvalidOptionError(`tls must be an object with ca, cert, key, rejectUnauthorized, got ${describe(options.tls)}`);
  }
  if (options.tls !== undefined) booleanOption('tls.rejectUnauthorized', options.tls.rejectUnauthorized, true);
  const scope = options.scope === undefined ? undefined : normalizeScope(options.scope as object);
  if (options.scope !== undefined && scope === undefined) {
    throw new InvalidOptionError(
      `scope must be { name, version? } with a non-empty name and strings of at most ${MAX_SCOPE_FIELD_LENGTH} characters, got ${describe(options.scope)}`,
    );
  }
  return {
    url,
    endpoint: `${url.origin}${url.pathname}`,
    protocol,
    headers,
    secrets: secretsOf(headers, credentials),
    gzip: oneOf('compression', options.compression, ['gzip', 'none'] as const, 'none') === 'gzip',
    timeoutMillis: durationMillis('timeoutMillis', options.timeoutMillis, 10_000),
    tls: options.tls,
    maxRequestBytes: positiveInteger('maxRequestBytes', options.maxRequestBytes, 4 * 1024 * 1024),
    maxConcurrentRequests: positiveInteger('maxConcurrentRequests', options.maxConcurrentRequests, 2),
    retry: {
      maxAttempts: positiveInteger('retry.maxAttempts', retry.maxAttempts, 5),
      initialBackoffMillis: durationMillis('retry.initialBackoffMillis', retry.initialBackoffMillis, 1000),
      maxBackoffMillis: durationMillis('retry.maxBackoffMillis', retry.maxBackoffMillis, 5000),
      multiplier,
    },
    scope,
  };
}
