import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { SpanKind } from '@x/tracer-core';
import { extract } from '../propagation/propagation.js';
import { activeSpan, runWith } from '../span-context.js';
import type { Span } from '../span.js';
import type { Tracer } from '../tracer.js';
import { isIgnored, type ResolvedHttpOptions } from './http-options.js';
import { ATTR, errorTypeOfStatus, normalizeMethod, redactQuery } from './semantic-conventions.js';

/** What a server span needs at the end, and to be renamed by its route. */
interface ServerSpan {
  readonly span: Span;
  readonly method: string;
  ended: boolean;
}

/**
 * The server span of a request and of its response, kept on the objects themselves under a symbol
 * (a WeakMap entry per request costs more, in the garbage collector's ephemeron work, than a property).
 */
const ENTRY = Symbol('x-trace.server-span');
type Carrying = { [ENTRY]?: ServerSpan };
const entryOf = (message: object): ServerSpan | undefined => (message as Carrying)[ENTRY];
const bySpan = new WeakMap<Span, ServerSpan>();

/** Events a server emits with a request whose handler must run in the request's span. */
const REQUEST_EVENTS = new Set<string | symbol>(['request', 'checkContinue', 'checkExpectation']);
const PATCHED = Symbol('x-trace.server-emit');

/**
 * `http.server.request.start`: a SERVER span per request, its parent extracted from the request
 * (or none: a server request starts a trace, it is never a child of whatever the listening code's
 * context held). The channel is published just before the server emits `request`, but a
 * subscriber cannot scope a context to that emit, so the server's own `emit` is wrapped (once per
 * server object, not the `http` module): the handler runs in `AsyncLocalStorage.run` with the span,
 * its whole async flow included, and the context ends with it. The request's and response's `emit`
 * are wrapped the same way, so `req.on('data')` and `res.on('finish')` listeners run in the span on
 * every Node (Node 24's AsyncLocalStorage gives them the socket's context otherwise), and a
 * response that closes before it finished ends its span as `aborted`.
 *
 * Measured (bench http-server): patching each listener method of both emitters instead cost ~19 µs
 * a request, `enterWith` plus its Node 20/22 restore ~10 µs, a `close` listener ~8 µs.
 */
export function onRequestStart(tracer: Tracer, options: ResolvedHttpOptions, message: unknown): void {
  const { request, response, server } = message as { request: IncomingMessage; response: ServerResponse; server: Server };
  const target = request.url ?? '/';
  const query = target.indexOf('?');
  const path = query < 0 ? target : target.slice(0, query);
  if (isIgnored(path, options.ignorePaths)) return;
  const { method, original } = normalizeMethod(request.method);
  const attributes: Record<string, string | number | string[]> = {
    [ATTR.method]: method,
    [ATTR.urlPath]: path,
    [ATTR.urlScheme]: (request.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http',
    [ATTR.protocolVersion]: request.httpVersion,
  };
  if (original !== undefined) attributes[ATTR.methodOriginal] = original;
  if (query >= 0) attributes[ATTR.urlQuery] = redactQuery(target.slice(query + 1), options.sensitive);
  const host = hostAndPort(request.headers.host);
  if (host !== undefined) {
    attributes[ATTR.serverAddress] = host.address;
    if (host.port !== undefined) attributes[ATTR.serverPort] = host.port;
  }
  if (request.socket?.remoteAddress !== undefined) attributes[ATTR.clientAddress] = request.socket.remoteAddress;
  const agent = request.headers['user-agent'];
  if (agent !== undefined) attributes[ATTR.userAgent] = agent;
  for (const name of options.requestHeaders) {
    const values = request.headersDistinct[name];
    if (values !== undefined) attributes[`http.request.header.${name}`] = values;
  }
  const span = tracer.openDetached(method === '_OTHER' ? 'HTTP' : method, {
    kind: SpanKind.SERVER,
    parent: extract(request) ?? null,
    attributes,
  });
  const entry: ServerSpan = { span, method: method === '_OTHER' ? 'HTTP' : method, ended: false };
  (request as Carrying)[ENTRY] = entry;
  (response as Carrying)[ENTRY] = entry;
  bySpan.set(span, entry);
  span.previous = activeSpan();
  patchServer(server);
  runEmitsIn(request, span, undefined);
  // A client that goes away before the response is finished: the span still ends, as an error.
  runEmitsIn(response, span, () => {
    if (!entry.ended) end(entry, options, response, 'aborted');
  });
  if (options.onSpan !== undefined) {
    try {
      options.onSpan(span, { kind: 'server', request });
    } catch {
      // The user's hook: its errors are its own.
    }
  }
}

/** Wraps `server.emit` once: a request event runs its listeners in the request's span. */
function patchServer(server: Server & { [PATCHED]?: true }): void {
  if (server[PATCHED]) return;
  const emit = server.emit;
  Object.defineProperty(server, PATCHED, { value: true });
  server.emit = function (this: Server, event: string | symbol, request?: unknown) {
    if (REQUEST_EVENTS.has(event) && typeof request === 'object' && request !== null) {
      const entry = entryOf(request);
      if (entry !== undefined) return runWith(entry.span, Reflect.apply, emit, this, arguments) as boolean;
    }
    return Reflect.apply(emit, this, arguments) as boolean;
  } as Server['emit'];
}

/** Makes `emitter`'s listeners run in `span`; `onClose` runs after its `close` event. */
function runEmitsIn(emitter: IncomingMessage | ServerResponse, span: Span, onClose: (() => void) | undefined): void {
  const emit = emitter.emit;
  emitter.emit = function (this: typeof emitter, event: string | symbol) {
    const result = runWith(span, Reflect.apply, emit, this, arguments) as boolean;
    if (onClose !== undefined && event === 'close') onClose();
    return result;
  } as typeof emitter.emit;
}

/** `http.server.response.finish`: the status, then the end. */
export function onResponseFinish(options: ResolvedHttpOptions, message: unknown): void {
  const { response } = message as { response: ServerResponse };
  const entry = entryOf(response);
  if (entry !== undefined && !entry.ended) end(entry, options, response, undefined);
}

function end(entry: ServerSpan, options: ResolvedHttpOptions, response: ServerResponse, aborted: string | undefined): void {
  entry.ended = true;
  const { span } = entry;
  const status = response.statusCode;
  if (aborted === undefined) span.setAttribute(ATTR.statusCode, status);
  const errorType = aborted ?? errorTypeOfStatus(status, 'server');
  if (errorType !== undefined) {
    span.setAttribute(ATTR.errorType, errorType);
    span.setStatus('error');
  }
  for (const name of options.responseHeaders) {
    const value = response.getHeader(name);
    if (value !== undefined) span.setAttribute(`http.response.header.${name}`, Array.isArray(value) ? value : [String(value)]);
  }
  span.finish(undefined, false);
}

/**
 * Sets the route of the current request's server span (`http.route`) and renames it `{method}
 * {route}`, as OpenTelemetry's conventions name server spans. For routers and frameworks: call it
 * once the route template is known (`/users/:id`, never the raw path). `request` finds the span
 * directly; without it, the server span of the current context is used. Never throws.
 */
export function setHttpRoute(route: string, request?: IncomingMessage): void {
  if (typeof route !== 'string' || route === '') return;
  const entry = request !== undefined ? entryOf(request) : serverSpanOf(activeSpan());
  if (entry === undefined || entry.ended) return;
  entry.span.setAttribute(ATTR.route, route);
  entry.span.updateName(`${entry.method} ${route}`);
}

/** The nearest server span from `span` back through the spans current before it. */
function serverSpanOf(span: Span | undefined): ServerSpan | undefined {
  for (let at = span; at !== undefined; at = at.previous) {
    const entry = bySpan.get(at);
    if (entry !== undefined) return entry;
  }
  return undefined;
}

function hostAndPort(host: string | undefined): { address: string; port: number | undefined } | undefined {
  if (host === undefined || host === '') return undefined;
  const bracket = host.startsWith('[') ? host.indexOf(']') : -1;
  const colon = bracket >= 0 ? host.indexOf(':', bracket) : host.lastIndexOf(':');
  if (colon < 0) return { address: host, port: undefined };
  const port = Number(host.slice(colon + 1));
  return { address: host.slice(0, colon), port: Number.isInteger(port) ? port : undefined };
}
