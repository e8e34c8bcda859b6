/**
 * OpenTelemetry's stable HTTP semantic conventions (v1.2x): attribute names, method normalization,
 * URL redaction. Written out here rather than taken from `@opentelemetry/semantic-conventions`:
 * the dozen names below are all this package uses, and the core stays free of dependencies.
 */
export const ATTR = Object.freeze({
  method: 'http.request.method',
  methodOriginal: 'http.request.method_original',
  statusCode: 'http.response.status_code',
  route: 'http.route',
  urlFull: 'url.full',
  urlPath: 'url.path',
  urlQuery: 'url.query',
  urlScheme: 'url.scheme',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  clientAddress: 'client.address',
  protocolVersion: 'network.protocol.version',
  userAgent: 'user_agent.original',
  errorType: 'error.type',
});

const KNOWN_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH']);

/** The method as the conventions want it: known methods as they are, anything else `_OTHER`. */
export function normalizeMethod(method: unknown): { method: string; original: string | undefined } {
  const text = typeof method === 'string' ? method : 'GET';
  if (KNOWN_METHODS.has(text)) return { method: text, original: undefined };
  const upper = text.toUpperCase();
  return KNOWN_METHODS.has(upper) ? { method: upper, original: text } : { method: '_OTHER', original: text };
}

/** The query parameters whose values the conventions say to redact (plus any configured). */
export const DEFAULT_SENSITIVE_QUERY_PARAMETERS: readonly string[] = Object.freeze(['AWSAccessKeyId', 'Signature', 'sig', 'X-Goog-Signature']);

/**
 * `query` (without `?`) with the values of `sensitive` parameters replaced by `REDACTED`. Runs
 * on every server request: the query is scanned in place, and a new string is built only when a
 * value is redacted (the split/map/join it replaced cost ~1.3 µs a request in bench http-server).
 */
export function redactQuery(query: string, sensitive: ReadonlySet<string>): string {
  if (query === '' || sensitive.size === 0) return query;
  let redacted: string | undefined;
  let kept = 0; // query[0, kept) is in `redacted` already
  for (let start = 0; start <= query.length; ) {
    let end = query.indexOf('&', start);
    if (end < 0) end = query.length;
    const equals = query.indexOf('=', start);
    if (equals >= 0 && equals < end && sensitive.has(parameterName(query.slice(start, equals)))) {
      redacted = (redacted ?? '') + query.slice(kept, equals + 1) + 'REDACTED';
      kept = end;
    }
    start = end + 1;
  }
  return redacted === undefined ? query : redacted + query.slice(kept);
}

/** A query parameter's name, percent-decoded when it can be (`X%2DGoog-Signature`). */
function parameterName(raw: string): string {
  if (!raw.includes('%')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** `url` for `url.full`: credentials replaced by `REDACTED`, sensitive query values redacted. */
export function redactUrl(url: URL, sensitive: ReadonlySet<string>): string {
  const copy = new URL(url.href);
  if (copy.username !== '' || copy.password !== '') {
    copy.username = 'REDACTED';
    copy.password = 'REDACTED';
  }
  const query = copy.search.slice(1);
  if (query !== '') copy.search = `?${redactQuery(query, sensitive)}`;
  return copy.href;
}

/** `error.type` for a status: the code as text for 4xx/5xx (clients) or 5xx (servers), else undefined. */
export function errorTypeOfStatus(status: number, kind: 'server' | 'client'): string | undefined {
  return status >= 500 || (kind === 'client' && status >= 400) ? String(status) : undefined;
}

/** `error.type` for a thrown value: its code (`ECONNREFUSED`), else its class name, else `_OTHER`. */
export function errorTypeOf(error: unknown): string {
  try {
    const code = (error as { code?: unknown })?.code;
    if (typeof code === 'string' && code !== '') return code;
    if (error instanceof Error) return error.name;
  } catch {
    // Unreadable: the fallback below.
  }
  return '_OTHER';
}
