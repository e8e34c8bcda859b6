import type { ClientRequest, IncomingMessage } from 'node:http';
import { SpanKind } from '@x/tracer-core';
import { inject } from '../propagation/propagation.js';
import type { Span } from '../span.js';
import type { Tracer } from '../tracer.js';
import type { ResolvedHttpOptions } from './http-options.js';
import { isInternal } from './internal-endpoints.js';
import { ATTR, errorTypeOf, errorTypeOfStatus, normalizeMethod, redactUrl } from './semantic-conventions.js';

/**
 * CLIENT spans for HTTP requests: `node:http`/`node:https` (`ClientRequest`) and fetch/undici share
 * the span's shape; only where the events come from differs (this file and `fetch-spans.ts`). A
 * span is a child of the span current where the request is made, and ends when the response body
 * has been read, or on an error.
 */
export interface ClientTarget {
  readonly method: unknown;
  readonly url: URL;
  readonly request: unknown;
}

const byRequest = new WeakMap<object, { span: Span; options: ResolvedHttpOptions; ended: boolean }>();

/** Opens the client span of `target`; undefined for an exporter's own request (see internal-endpoints.ts). */
export function openClientSpan(tracer: Tracer, options: ResolvedHttpOptions, target: ClientTarget): Span | undefined {
  const { url } = target;
  if (isInternal(url.origin, url.pathname)) return undefined;
  const { method, original } = normalizeMethod(target.method);
  const attributes: Record<string, string | number> = {
    [ATTR.method]: method,
    [ATTR.urlFull]: redactUrl(url, options.sensitive),
    [ATTR.serverAddress]: url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname,
    [ATTR.serverPort]: url.port === '' ? (url.protocol === 'https:' ? 443 : 80) : Number(url.port),
  };
  if (original !== undefined) attributes[ATTR.methodOriginal] = original;
  const span = tracer.openDetached(method === '_OTHER' ? 'HTTP' : method, { kind: SpanKind.CLIENT, attributes });
  byRequest.set(target.request as object, { span, options, ended: false });
  if (options.onSpan !== undefined) {
    try {
      options.onSpan(span, { kind: 'client', request: target.request });
    } catch {
      // The user's hook: its errors are its own.
    }
  }
  return span;
}

export function clientSpanOf(request: object): Span | undefined {
  return byRequest.get(request)?.span;
}

/** Records the response status (and captured headers) on the request's span. */
export function clientResponse(request: object, status: number, header: (name: string) => string[] | undefined): void {
  const entry = byRequest.get(request);
  if (entry === undefined || entry.ended) return;
  const { options } = entry;
  entry.span.setAttribute(ATTR.statusCode, status);
  const errorType = errorTypeOfStatus(status, 'client');
  if (errorType !== undefined) {
    entry.span.setAttribute(ATTR.errorType, errorType);
    entry.span.setStatus('error');
  }
  for (const name of options.responseHeaders) {
    const values = header(name);
    if (values !== undefined) entry.span.setAttribute(`http.response.header.${name}`, values);
  }
}

/** Ends the request's span; with `error`, as an error of that type. */
export function endClientSpan(request: object, error?: unknown): void {
  const entry = byRequest.get(request);
  if (entry === undefined || entry.ended) return;
  entry.ended = true;
  if (error !== undefined) {
    entry.span.setAttribute(ATTR.errorType, errorTypeOf(error));
    entry.span.recordException(error);
    entry.span.setStatus('error', error instanceof Error ? error.message : undefined);
  }
  entry.span.finish(undefined, false);
}

/** The URL a `ClientRequest` goes to. */
function urlOf(request: ClientRequest): URL | undefined {
  try {
    const host = request.getHeader('host') ?? request.host;
    return new URL(`${request.protocol}//${String(host)}${request.path}`);
  } catch {
    return undefined;
  }
}

/**
 * `http.client.request.created` (Node >= 22.12): the request exists and its headers are not sent,
 * so the span is opened and `traceparent`/`tracestate` are set on it. `http.client.request.start`
 * (every Node): the span is opened there when `created` did not run (older Node: no injection).
 */
export function onClientRequest(tracer: Tracer, options: ResolvedHttpOptions, message: unknown, canInject: boolean): void {
  const { request } = message as { request: ClientRequest };
  if (byRequest.has(request)) return;
  const url = urlOf(request);
  if (url === undefined) return;
  const span = openClientSpan(tracer, options, { method: request.method, url, request });
  if (span === undefined) return;
  if (canInject && !request.headersSent && request.getHeader('traceparent') === undefined) {
    // A tracestate the caller set stays theirs; the traceparent is added all the same.
    const ownState = request.getHeader('tracestate') !== undefined;
    inject(span, request, (carrier, key, value) => {
      if (key !== 'tracestate' || !ownState) (carrier as ClientRequest).setHeader(key, value);
    });
  }
  // The request's own end, whatever happens to the response (unread body, socket gone).
  request.once('close', () => endClientSpan(request));
  for (const name of options.requestHeaders) {
    const value = request.getHeader(name);
    if (value !== undefined) span.setAttribute(`http.request.header.${name}`, Array.isArray(value) ? value : [String(value)]);
  }
}

/**
 * `http.client.response.finish`: the response's status; the span ends when its body has been read,
 * at once when no body can follow (HEAD, 1xx, 204, 304, `content-length: 0`), or when the request
 * closes (see {@link onClientRequest}).
 */
export function onClientResponse(message: unknown): void {
  const { request, response } = message as { request: ClientRequest; response: IncomingMessage };
  const status = response.statusCode ?? 0;
  clientResponse(request, status, (name) => response.headersDistinct[name]);
  if (request.method === 'HEAD' || status < 200 || status === 204 || status === 304 || response.headers['content-length'] === '0') {
    endClientSpan(request);
    return;
  }
  const done = () => endClientSpan(request);
  response.once('end', done);
  response.once('close', done);
  response.once('error', (error) => endClientSpan(request, error));
}

/** `http.client.request.error`. */
export function onClientError(message: unknown): void {
  const { request, error } = message as { request: ClientRequest; error: unknown };
  endClientSpan(request, error);
}
