import { InvalidOptionError } from '@x/tracer-core';
import { describe } from '@x/tracer-core/internal';
import type { Span } from '../span.js';
import { DEFAULT_SENSITIVE_QUERY_PARAMETERS } from './semantic-conventions.js';

/** What the `onSpan` hook is told about a span it may add attributes to. */
export interface HttpSpanInfo {
  readonly kind: 'server' | 'client';
  /** `IncomingMessage` (server), `ClientRequest` (node:http client) or undici's request (fetch). */
  readonly request: unknown;
}

/** What `instrumentHttp` takes. */
export interface HttpInstrumentationOptions {
  /** SERVER spans for `node:http`/`node:https` servers. @defaultValue true */
  readonly server?: boolean;
  /** CLIENT spans for `node:http`/`node:https` requests. @defaultValue true */
  readonly client?: boolean;
  /** CLIENT spans for `fetch` and undici. @defaultValue true */
  readonly fetch?: boolean;
  /** Server paths (without the query) that get no span: exact strings or RegExps, e.g. `['/health']`. */
  readonly ignorePaths?: readonly (string | RegExp)[];
  /** Request headers recorded as `http.request.header.<name>` (lowercase names; values as lists). */
  readonly requestHeaders?: readonly string[];
  /** Response headers recorded as `http.response.header.<name>`. */
  readonly responseHeaders?: readonly string[];
  /**
   * Query parameters whose values are recorded as `REDACTED` (in `url.query` and `url.full`).
   * @defaultValue OpenTelemetry's list: AWSAccessKeyId, Signature, sig, X-Goog-Signature
   */
  readonly sensitiveQueryParameters?: readonly string[];
  /** Called once per span, after its start attributes are set: add your own. Its throws are caught. */
  readonly onSpan?: (span: Span, info: HttpSpanInfo) => void;
}

export interface ResolvedHttpOptions {
  readonly server: boolean;
  readonly client: boolean;
  readonly fetch: boolean;
  readonly ignorePaths: readonly (string | RegExp)[];
  readonly requestHeaders: readonly string[];
  readonly responseHeaders: readonly string[];
  readonly sensitive: ReadonlySet<string>;
  readonly onSpan: ((span: Span, info: HttpSpanInfo) => void) | undefined;
}

const KEYS = ['server', 'client', 'fetch', 'ignorePaths', 'requestHeaders', 'responseHeaders', 'sensitiveQueryParameters', 'onSpan'];

/** @throws InvalidOptionError naming the option and what it allows. */
export function resolveHttpOptions(options: HttpInstrumentationOptions | undefined): ResolvedHttpOptions {
  const given = options ?? {};
  if (typeof given !== 'object' || given === null || Array.isArray(given)) {
    throw new InvalidOptionError(`instrumentHttp() takes an options object, got ${describe(given)}`);
  }
  for (const key of Object.keys(given)) {
    if (!KEYS.includes(key)) throw new InvalidOptionError(`instrumentHttp(): unknown option ${JSON.stringify(key)}; the options are ${KEYS.join(', ')}`);
  }
  const flag = (name: 'server' | 'client' | 'fetch') => {
    const value = given[name];
    if (value !== undefined && typeof value !== 'boolean') throw new InvalidOptionError(`instrumentHttp(): ${name} must be true or false, got ${describe(value)}`);
    return value ?? true;
  };
  const names = (name: 'requestHeaders' | 'responseHeaders' | 'sensitiveQueryParameters', fallback: readonly string[]) => {
    const value = given[name];
    if (value === undefined) return fallback;
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string' && item !== '')) {
      throw new InvalidOptionError(`instrumentHttp(): ${name} must be an array of non-empty strings, got ${describe(value)}`);
    }
    return name === 'sensitiveQueryParameters' ? [...value] : value.map((item) => item.toLowerCase());
  };
  const ignorePaths = given.ignorePaths ?? [];
  if (!Array.isArray(ignorePaths) || !ignorePaths.every((item) => typeof item === 'string' || item instanceof RegExp)) {
    throw new InvalidOptionError(`instrumentHttp(): ignorePaths must be an array of strings and RegExps, got ${describe(ignorePaths)}`);
  }
  if (given.onSpan !== undefined && typeof given.onSpan !== 'function') {
    throw new InvalidOptionError(`instrumentHttp(): onSpan must be a function, got ${describe(given.onSpan)}`);
  }
  return {
    server: flag('server'),
    client: flag('client'),
    fetch: flag('fetch'),
    ignorePaths,
    requestHeaders: names('requestHeaders', []),
    responseHeaders: names('responseHeaders', []),
    sensitive: new Set(names('sensitiveQueryParameters', DEFAULT_SENSITIVE_QUERY_PARAMETERS)),
    onSpan: given.onSpan,
  };
}

/** Whether `path` matches one of the ignored paths. */
export function isIgnored(path: string, ignorePaths: readonly (string | RegExp)[]): boolean {
  for (const pattern of ignorePaths) if (typeof pattern === 'string' ? pattern === path : pattern.test(path)) return true;
  return false;
}
