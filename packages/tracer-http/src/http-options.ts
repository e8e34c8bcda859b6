import { InvalidOptionError } from '@x/tracer-core';
import { booleanOption, describe, durationMillis, positiveInteger } from '@x/tracer-core/internal';
import type { TlsOptions } from './http-transport.js';
import type { ResolvedRetry, RetryOptions } from './retry-policy.js';

/** The options every HTTP span exporter shares (OTLP/HTTP, Zipkin). Each protocol adds its `url`. */
export interface HttpExportOptions {
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
}

/** {@link HttpExportOptions} checked, with defaults applied, and the URL's credentials moved out of it. */
export interface ResolvedHttpExport {
  /** Without user or password (they became a Basic `authorization` header). */
  readonly url: URL;
  /** Origin and path only: safe in messages. */
  readonly endpoint: string;
  /** Lowercase names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Every string that must never be shown, longest first; `redact` removes them. */
  readonly secrets: readonly string[];
  readonly gzip: boolean;
  readonly timeoutMillis: number;
  readonly tls: TlsOptions | undefined;
  readonly maxRequestBytes: number;
  readonly maxConcurrentRequests: number;
  readonly retry: ResolvedRetry;
  /** Replaces every secret in `text` (a receiver's reply may echo one) with `[REDACTED]`. */
  readonly redact: (text: string) => string;
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

function resolveUrl(value: unknown, fallback: string, protocol: string): { url: URL; basicAuth: string | undefined; credentials: string[] } {
  const text = value ?? fallback;
  let url: URL;
  try {
    if (typeof text !== 'string') throw new TypeError();
    url = new URL(text);
  } catch {
    throw new InvalidOptionError(`url must be an absolute http: or https: URL, got ${describe(text)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidOptionError(`url must use http: or https: (${protocol}), got ${url.protocol}`);
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

/**
 * `value` if it is one of `allowed`, `fallback` if undefined.
 * @throws InvalidOptionError naming the option and the values it allows.
 */
export function oneOf<T extends string>(name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new InvalidOptionError(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

function resolveRetry(value: unknown): ResolvedRetry {
  const retry = (value ?? {}) as RetryOptions;
  if (typeof retry !== 'object' || retry === null) throw new InvalidOptionError(`retry must be an object, got ${describe(retry)}`);
  const multiplier = retry.multiplier ?? 1.5;
  if (typeof multiplier !== 'number' || !(multiplier >= 1) || !Number.isFinite(multiplier)) {
    throw new InvalidOptionError(`retry.multiplier must be a number >= 1, got ${describe(multiplier)}`);
  }
  return {
    maxAttempts: positiveInteger('retry.maxAttempts', retry.maxAttempts, 5),
    initialBackoffMillis: durationMillis('retry.initialBackoffMillis', retry.initialBackoffMillis, 1000),
    maxBackoffMillis: durationMillis('retry.maxBackoffMillis', retry.maxBackoffMillis, 5000),
    multiplier,
  };
}

function resolveTls(tls: unknown): TlsOptions | undefined {
  if (tls === undefined) return undefined;
  if (typeof tls !== 'object' || tls === null) {
    throw new InvalidOptionError(`tls must be an object with ca, cert, key, rejectUnauthorized, got ${describe(tls)}`);
  }
  booleanOption('tls.rejectUnauthorized', (tls as TlsOptions).rejectUnauthorized, true);
  return tls as TlsOptions;
}

/**
 * Validates the shared HTTP export options and applies their defaults. `url` is the protocol's
 * own option, `defaultUrl` its default; `protocol` names it in messages ('OTLP/HTTP').
 * @throws InvalidOptionError naming the option and what it allows (never a header's value).
 */
export function resolveHttpExport(
  options: HttpExportOptions & { readonly url?: string },
  defaultUrl: string,
  protocol: string,
): ResolvedHttpExport {
  const { url, basicAuth, credentials } = resolveUrl(options.url, defaultUrl, protocol);
  const headers = resolveHeaders(options.headers);
  if (basicAuth !== undefined && headers.authorization === undefined) headers.authorization = `Basic ${basicAuth}`;
  const retry = resolveRetry(options.retry);
  const tls = resolveTls(options.tls);
  const secrets = secretsOf(headers, credentials);
  return {
    url,
    endpoint: `${url.origin}${url.pathname}`,
    headers,
    secrets,
    gzip: oneOf('compression', options.compression, ['gzip', 'none'] as const, 'none') === 'gzip',
    timeoutMillis: durationMillis('timeoutMillis', options.timeoutMillis, 10_000),
    tls,
    maxRequestBytes: positiveInteger('maxRequestBytes', options.maxRequestBytes, 4 * 1024 * 1024),
    maxConcurrentRequests: positiveInteger('maxConcurrentRequests', options.maxConcurrentRequests, 2),
    retry,
    redact: (text) => secrets.reduce((out, secret) => out.split(secret).join('[REDACTED]'), text),
  };
}
