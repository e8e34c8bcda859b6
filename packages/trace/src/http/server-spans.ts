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
  readonly options: ResolvedHttpOptions;
  ended: boolean;
}

/** Marks a request whose path is ignored: its handler runs with no span, not the listener's context. */
const IGNORED = Object.freeze({ ignored: true });

/**
 * The server span of a request and of its response, kept on the objects themselves under a symbol
 * (a WeakMap entry per request costs more, in the garbage collector's ephemeron work, than a property).
 */
const ENTRY = Symbol('x-trace.server-span');
type Carrying = { [ENTRY]?: ServerSpan | typeof IGNORED };
const entryOf = (message: object): ServerSpan | undefined => {
  const entry = (message as Carrying)[ENTRY];
  return entry === undefined || entry === IGNORED ? undefined : (entry as ServerSpan);
};
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
  const { path, query } = splitTarget(request.url ?? '/');
  if (isIgnored(path, options.ignorePaths)) {
    (request as Carrying)[ENTRY] = IGNORED;
    patchServer(server);
    return;
  }
  const { method, original } = normalizeMethod(request.method);
  const attributes: Record<string, string | number | string[]> = {
    [ATTR.method]: method,
    [ATTR.urlPath]: path,
    [ATTR.urlScheme]: (request.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http',
    [ATTR.protocolVersion]: request.httpVersion,
  };
  if (original !== undefined) attributes[ATTR.methodOriginal] = original;
  if (query !== undefined) attributes[ATTR.urlQuery] = redactQuery(query, options.sensitive);
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
  const entry: ServerSpan = { span, method: method === '_OTHER' ? 'HTTP' : method, options, ended: false };
  (request as Carrying)[ENTRY] = entry;
  (response as Carrying)[ENTRY] = entry;
  bySpan.set(span, entry);
  // No span before it: once it ends, code it started runs in no span, not in the listener's context.
  span.previous = undefined;
  runEmitsIn(request, span, undefined);
  // The response's own `finish` ends the span (so a disable() in between changes nothing), and a
  // client that goes away first (`close` before `finish`) ends it as an error.
  runEmitsIn(response, span, (event) => {
    if (entry.ended) return;
    if (event === 'finish') end(entry, response, undefined);
    else if (event === 'close') end(entry, response, 'aborted');
  });
  patchServer(server);
  if (options.onSpan !== undefined) {
    try {
      options.onSpan(span, { kind: 'server', request });
    } catch {
      // The user's hook: its errors are its own.
    }
  }
}

/**
 * Wraps `server.emit` once: a request event runs its listeners in the request's span (an ignored
 * request in none). A server whose `emit` cannot be replaced keeps it: its handlers then run
 * without the span as current, the span itself is unaffected.
 */
function patchServer(server: Server & { [PATCHED]?: true }): void {
  if (server[PATCHED]) return;
  try {
    const emit = server.emit;
    server.emit = function (this: Server, event: string | symbol, request?: unknown) {
      if (REQUEST_EVENTS.has(event) && typeof request === 'object' && request !== null) {
        const entry = (request as Carrying)[ENTRY];
        if (entry !== undefined) return runWith(entry === IGNORED ? undefined : (entry as ServerSpan).span, Reflect.apply, emit, this, arguments) as boolean;
      }
      return Reflect.apply(emit, this, arguments) as boolean;
    } as Server['emit'];
    Object.defineProperty(server, PATCHED, { value: true });
  } catch {
    // A frozen server or a non-writable emit: see above.
  }
}

/** Makes `emitter`'s listeners run in `span`; `after` is told each event once its listeners ran. */
function runEmitsIn(emitter: IncomingMessage | ServerResponse, span: Span, after: ((event: string | symbol) => void) | undefined): void {
  try {
    const emit = emitter.emit;
    emitter.emit = function (this: typeof emitter, event: string | symbol) {
      // An event nobody listens to has no code to run in the span: no context switch for it.
      const result = (this.listenerCount(event) === 0 ? Reflect.apply(emit, this, arguments) : runWith(span, Reflect.apply, emit, this, arguments)) as boolean;
      if (after !== undefined) after(event);
      return result;
    } as typeof emitter.emit;
  } catch {
    // A frozen emitter: its listeners run without the span as current.
  }
}

function end(entry: ServerSpan, response: ServerResponse, aborted: string | undefined): void {
  const { options } = entry;
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

/**
 * `server.address` and `server.port` from a Host header: `[::1]:8080` is `::1` and 8080, an empty
 * or malformed port is absent.
 */
function hostAndPort(host: string | undefined): { address: string; port: number | undefined } | undefined {
  if (host === undefined || host === '') return undefined;
  const bracket = host.startsWith('[') ? host.indexOf(']') : -1;
  const colon = bracket >= 0 ? host.indexOf(':', bracket) : host.lastIndexOf(':');
  const address = bracket >= 0 ? host.slice(1, bracket) : colon < 0 ? host : host.slice(0, colon);
  const portText = colon < 0 ? '' : host.slice(colon + 1);
  const port = portText === '' ? Number.NaN : Number(portText);
  return { address, port: Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined };
}

/** Path and query of a request target; an absolute-form target (`GET http://host/path`) too. */
function splitTarget(target: string): { path: string; query: string | undefined } {
  let text = target;
  if (!text.startsWith('/')) {
    try {
      const url = new URL(text);
      text = url.pathname + url.search;
    } catch {
      // Not a URL either (`*` of OPTIONS): kept as it is.
    }
  }
  const mark = text.indexOf('?');
  return mark < 0 ? { path: text, query: undefined } : { path: text.slice(0, mark), query: text.slice(mark + 1) };
}
