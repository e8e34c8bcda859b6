import { pairValues } from '../propagation/carriers.js';
import { inject } from '../propagation/propagation.js';
import type { Tracer } from '../tracer.js';
import { clientResponse, endClientSpan, openClientSpan } from './client-spans.js';
import type { ResolvedHttpOptions } from './http-options.js';

/**
 * fetch and undici publish `undici:request:create` when a request is made (in the caller's context,
 * before its headers are written: `addHeader` adds ours), `undici:request:headers` with the
 * response head, `undici:request:trailers` once the body has been read, `undici:request:error`.
 * Node's bundled undici (fetch) and undici from npm publish the same channels.
 */
interface UndiciRequest {
  readonly origin: string;
  readonly method: string;
  readonly path: string;
  readonly headers: string[] | string | undefined;
  addHeader(name: string, value: string): unknown;
}

export function onFetchCreate(tracer: Tracer, options: ResolvedHttpOptions, message: unknown): void {
  const { request } = message as { request: UndiciRequest };
  let url: URL;
  try {
    url = new URL(request.path, request.origin);
  } catch {
    return;
  }
  const span = openClientSpan(tracer, options, { method: request.method, url, request });
  if (span === undefined) return;
  if (!hasHeader(request.headers, 'traceparent')) {
    // A tracestate the caller set stays theirs; the traceparent is added all the same.
    const ownState = hasHeader(request.headers, 'tracestate');
    inject(span, request, (carrier, key, value) => {
      if (key !== 'tracestate' || !ownState) (carrier as UndiciRequest).addHeader(key, value);
    });
  }
  for (const name of options.requestHeaders) {
    const values = headerValues(request.headers, name);
    if (values.length > 0) span.setAttribute(`http.request.header.${name}`, values);
  }
}

export function onFetchHeaders(message: unknown): void {
  const { request, response } = message as { request: object; response: { statusCode: number; headers: (Buffer | string)[] } };
  clientResponse(request, response.statusCode, (name) => {
    const values = pairValues(response.headers ?? [], name);
    return values.length > 0 ? values : undefined;
  });
}

export function onFetchTrailers(message: unknown): void {
  endClientSpan((message as { request: object }).request);
}

export function onFetchError(message: unknown): void {
  const { request, error } = message as { request: object; error: unknown };
  endClientSpan(request, error);
}

/** undici keeps request headers as `[name, value, ...]` (v6+) or as `name: value\r\n` text (older). */
function headerValues(headers: UndiciRequest['headers'], name: string): string[] {
  if (Array.isArray(headers)) return pairValues(headers, name);
  const values: string[] = [];
  if (typeof headers === 'string') {
    for (const line of headers.split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) values.push(line.slice(colon + 1).trim());
    }
  }
  return values;
}

function hasHeader(headers: UndiciRequest['headers'], name: string): boolean {
  return headerValues(headers, name).length > 0;
}
