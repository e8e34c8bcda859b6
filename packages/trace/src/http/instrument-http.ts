import diagnostics from 'node:diagnostics_channel';
import { getTracer } from '../index.js';
import { PACKAGE_VERSION } from '../version.js';
import { onClientError, onClientRequest, onClientResponse } from './client-spans.js';
import { onFetchCreate, onFetchError, onFetchHeaders, onFetchTrailers } from './fetch-spans.js';
import { resolveHttpOptions, type HttpInstrumentationOptions } from './http-options.js';
import { onRequestStart } from './server-spans.js';

/** What `instrumentHttp` returns. */
export interface HttpInstrumentation {
  /** Stops creating spans; spans in flight still end. Idempotent. */
  disable(): void;
}

let active: HttpInstrumentation | undefined;
/** Which spans the enabled instrumentation makes; undefined while none is enabled. */
let activeParts: HttpInstrumentedParts | undefined;

/** Which automatic HTTP spans are on: `node:http` server and client spans, fetch/undici spans. */
export interface HttpInstrumentedParts {
  readonly server: boolean;
  readonly client: boolean;
  readonly fetch: boolean;
}

/**
 * Which spans `instrumentHttp()` makes while it is enabled, else undefined: the OpenTelemetry bridge
 * leaves those to it.
 */
export function httpInstrumentedParts(): HttpInstrumentedParts | undefined {
  return activeParts;
}

/** Subscribes `handler` to `channel`; a throw in it never reaches the request it observes. */
function subscribe(channel: string, handler: (message: unknown) => void): (message: unknown) => void {
  const safe = (message: unknown) => {
    try {
      handler(message);
    } catch {
      // The request goes on untraced.
    }
  };
  diagnostics.subscribe(channel, safe);
  return safe;
}

let endsSubscribed = false;

/**
 * The channels that end client spans stay subscribed once the first instrumentation started:
 * `disable()` stops new spans, and the spans already in flight still end. They cost a WeakMap
 * lookup per event when nothing is in flight. (Server spans end through their response's own emit.)
 */
function subscribeEnds(): void {
  if (endsSubscribed) return;
  endsSubscribed = true;
  subscribe('http.client.response.finish', onClientResponse);
  subscribe('http.client.request.error', onClientError);
  subscribe('undici:request:headers', onFetchHeaders);
  subscribe('undici:request:trailers', onFetchTrailers);
  subscribe('undici:request:error', onFetchError);
}

/**
 * Automatic HTTP spans through `diagnostics_channel` only: no patching of the `http` module, no
 * loader flags, the same under ESM and CommonJS. SERVER spans for `node:http`/`node:https`
 * servers, CLIENT spans for their requests and for `fetch`/undici, with W3C Trace Context extracted
 * from requests and injected into outgoing ones. One call per process; a second call replaces the
 * first.
 * @throws InvalidOptionError for a bad option.
 */
export function instrumentHttp(options?: HttpInstrumentationOptions): HttpInstrumentation {
  const resolved = resolveHttpOptions(options);
  active?.disable();
  const tracer = getTracer('@x/trace/http', PACKAGE_VERSION);
  subscribeEnds();
  const starts: [string, (message: unknown) => void][] = [];
  const on = (channel: string, handler: (message: unknown) => void) => starts.push([channel, subscribe(channel, handler)]);
  if (resolved.server) on('http.server.request.start', (message) => onRequestStart(tracer, resolved, message));
  if (resolved.client) {
    on('http.client.request.created', (message) => onClientRequest(tracer, resolved, message, true));
    on('http.client.request.start', (message) => onClientRequest(tracer, resolved, message, false));
  }
  if (resolved.fetch) on('undici:request:create', (message) => onFetchCreate(tracer, resolved, message));
  const instrumentation: HttpInstrumentation = {
    disable() {
      for (const [channel, handler] of starts.splice(0)) diagnostics.unsubscribe(channel, handler);
      if (active === instrumentation) {
        active = undefined;
        activeParts = undefined;
      }
    },
  };
  active = instrumentation;
  activeParts = Object.freeze({ server: resolved.server, client: resolved.client, fetch: resolved.fetch });
  return instrumentation;
}
