import { EventEmitter } from 'node:events';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { SpanKind } from '@x/tracer-core';
import { extract } from '../propagation/propagation.js';
import { activeSpan, applyWith } from '../span-context.js';
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
  /** The request's and the response's `emit` before they were wrapped (see {@link runEmitsIn}). */
  requestEmit: EmitterEmit | undefined;
  responseEmit: EmitterEmit | undefined;
}

type EmitterEmit = (this: unknown, event: string | symbol, ...args: unknown[]) => boolean;

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
  const { path, query } = splitTarget(target);
  if (isIgnored(path, options.ignorePaths)) {
    (request as Carrying)[ENTRY] = IGNORED;
    patchServer(server);
    return;
  }
  const { method, original } = normalizeMethod(request.method);
  // Literal keys (the values of ATTR): V8 builds this object from a template in one step.
  const attributes: Record<string, string | number | string[]> = {
    'http.request.method': method,
    'url.path': path,
    'url.scheme': (request.socket as { encrypted?: boolean } | undefined)?.encrypted ? 'https' : 'http',
    'network.protocol.version': request.httpVersion,
  };
  if (original !== undefined) attributes[ATTR.methodOriginal] = original;
  if (query !== undefined) attributes[ATTR.urlQuery] = redactQuery(query, options.sensitive);
  const headers = readHostAndAgent(request);
  const host = hostAndPort(headers.host);
  if (host !== undefined) {
    attributes[ATTR.serverAddress] = host.address;
    if (host.port !== undefined) attributes[ATTR.serverPort] = host.port;
  }
  if (request.socket?.remoteAddress !== undefined) attributes[ATTR.clientAddress] = request.socket.remoteAddress;
  if (headers.agent !== undefined) attributes[ATTR.userAgent] = headers.agent;
  for (const name of options.requestHeaders) {
    const values = request.headersDistinct[name];
    if (values !== undefined) attributes[`http.request.header.${name}`] = values;
  }
  const name = method === '_OTHER' ? 'HTTP' : method;
  const span = tracer.openDetached(name, { kind: SpanKind.SERVER, parent: extract(request) ?? null, attributes });
  const entry: ServerSpan = { span, method: name, options, ended: false, requestEmit: undefined, responseEmit: undefined };
  (request as Carrying)[ENTRY] = entry;
  (response as Carrying)[ENTRY] = entry;
  span.httpServer = entry;
  // No span before it: once it ends, code it started runs in no span, not in the listener's context.
  span.previous = undefined;
  // The response's own `finish` ends the span (so a disable() in between changes nothing), and a
  // client that goes away first (`close` before `finish`) ends it as an error.
  entry.requestEmit = runEmitsIn(request, requestEmitInSpan);
  entry.responseEmit = runEmitsIn(response, responseEmitInSpan);
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
        if (entry !== undefined) return applyWith(entry === IGNORED ? undefined : (entry as ServerSpan).span, emit, this, arguments) as boolean;
      }
      return Reflect.apply(emit, this, arguments) as boolean;
    } as Server['emit'];
    Object.defineProperty(server, PATCHED, { value: true });
  } catch {
    // A frozen server or a non-writable emit: see above.
  }
}

/**
 * Replaces `emitter.emit` with `wrapper` (one function for every request, which finds its span on
 * the emitter: no closures per request) and returns the emit it replaced; undefined when it cannot
 * be replaced (a frozen emitter: its listeners run without the span as current).
 */
function runEmitsIn<E extends IncomingMessage | ServerResponse>(emitter: E, wrapper: (this: E, event: string | symbol) => boolean): EmitterEmit | undefined {
  try {
    const emit = emitter.emit as EmitterEmit;
    emitter.emit = wrapper as typeof emitter.emit;
    return emit;
  } catch {
    return undefined;
  }
}

/** Runs `emit` with `span` current, unless nobody listens to `event`: then there is no code to run in it. */
function emitIn(emitter: EventEmitter, span: Span, emit: EmitterEmit, event: string | symbol, args: IArguments): boolean {
  return (emitter.listenerCount(event) === 0 ? Reflect.apply(emit, emitter, args) : applyWith(span, emit, emitter, args)) as boolean;
}

/** The request's `emit`: its listeners (`data`, `end`) run in its span. */
function requestEmitInSpan(this: IncomingMessage, event: string | symbol): boolean {
  // Without an entry (the function was moved to another object), a plain emit.
  const entry = entryOf(this);
  if (entry === undefined || entry.requestEmit === undefined) return Reflect.apply(EventEmitter.prototype.emit, this, arguments) as boolean;
  return emitIn(this, entry.span, entry.requestEmit, event, arguments);
}

/** The response's `emit`: its listeners run in its span, and `finish` (or `close` before it) ends the span. */
function responseEmitInSpan(this: ServerResponse, event: string | symbol): boolean {
  const entry = entryOf(this);
  if (entry === undefined || entry.responseEmit === undefined) return Reflect.apply(EventEmitter.prototype.emit, this, arguments) as boolean;
  const result = emitIn(this, entry.span, entry.responseEmit, event, arguments);
  if (!entry.ended) {
    if (event === 'finish') end(entry, this, undefined);
    else if (event === 'close') end(entry, this, 'aborted');
  }
  return result;
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
    if (at.httpServer !== undefined) return at.httpServer as ServerSpan;
  }
  return undefined;
}

type HostAndPort = { readonly address: string; readonly port: number | undefined };

/** The last Host header parsed, and what it gave: a server mostly sees the same one. */
let lastHost = '';
let lastHostAndPort: HostAndPort | undefined;

/**
 * `server.address` and `server.port` from a Host header: `[::1]:8080` is `::1` and 8080, an empty
 * or malformed port is absent.
 */
function hostAndPort(host: string | undefined): HostAndPort | undefined {
  if (host === undefined || host === '') return undefined;
  if (host === lastHost) return lastHostAndPort;
  const bracket = host.startsWith('[') ? host.indexOf(']') : -1;
  const colon = bracket >= 0 ? host.indexOf(':', bracket) : host.lastIndexOf(':');
  const address = bracket >= 0 ? host.slice(1, bracket) : colon < 0 ? host : host.slice(0, colon);
  const portText = colon < 0 ? '' : host.slice(colon + 1);
  const port = portText === '' ? Number.NaN : Number(portText);
  lastHost = host;
  lastHostAndPort = Object.freeze({ address, port: Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined });
  return lastHostAndPort;
}

const hostAndAgent: { host: string | undefined; agent: string | undefined } = { host: undefined, agent: undefined };

/**
 * The Host and User-Agent headers as `request.headers` has them, read from the raw header lines:
 * `request.headers` is built on its first read (every header parsed into an object), which the
 * application may never need. Node keeps the first of repeated Host and User-Agent lines, or joins
 * them when the server was made with `joinDuplicateHeaders`: then `request.headers` itself is read.
 * Returns one object that the next call reuses: read it at once.
 */
function readHostAndAgent(request: IncomingMessage): { host: string | undefined; agent: string | undefined } {
  const out = hostAndAgent;
  const raw = request.rawHeaders;
  if ((request as { joinDuplicateHeaders?: unknown }).joinDuplicateHeaders || !Array.isArray(raw)) {
    out.host = request.headers.host;
    out.agent = request.headers['user-agent'];
    return out;
  }
  out.host = undefined;
  out.agent = undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    // The usual spellings compare without making a lowercase copy.
    if (name.length === 4) {
      if (out.host === undefined && (name === 'Host' || name === 'host' || name.toLowerCase() === 'host')) out.host = raw[i + 1];
    } else if (name.length === 10 && out.agent === undefined && (name === 'User-Agent' || name === 'user-agent' || name.toLowerCase() === 'user-agent')) {
      out.agent = raw[i + 1];
    }
  }
  return out;
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
