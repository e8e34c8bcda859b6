import diagnostics from 'node:diagnostics_channel';
import { getTracer } from '../index.js';
import { PACKAGE_VERSION } from '../version.js';
import { onClientError, onClientRequest, onClientResponse } from './client-spans.js';
import { onFetchCreate, onFetchError, onFetchHeaders, onFetchTrailers } from './fetch-spans.js';
import { resolveHttpOptions, type HttpInstrumentationOptions } from './http-options.js';
import { onRequestStart, onResponseFinish } from './server-spans.js';

/** What `instrumentHttp` returns. */
export interface HttpInstrumentation {
  /** Stops creating spans (spans in flight still end). Idempotent. */
  disable(): void;
}

let active: HttpInstrumentation | undefined;

/**
 * Automatic HTTP spans through `diagnostics_channel` only: no patching of `http`, no loader flags,
 * the same under ESM and CommonJS. SERVER spans for `node:http`/`node:https` servers, CLIENT spans
 * for their requests and for `fetch`/undici, with W3C Trace Context extracted from requests and
 * injected into outgoing ones. One call per process; a second call replaces the first.
 * @throws InvalidOptionError for a bad option.
 */
export function instrumentHttp(options?: HttpInstrumentationOptions): HttpInstrumentation {
  const resolved = resolveHttpOptions(options);
  active?.disable();
  const tracer = getTracer('@x/trace/http', PACKAGE_VERSION);
  const subscriptions: [string, (message: unknown) => void][] = [];
  const on = (channel: string, handler: (message: unknown) => void) => {
    // Instrumentation must never break the request it observes.
    const safe = (message: unknown) => {
      try {
        handler(message);
      } catch {
        // Counted nowhere better: the request goes on untraced.
      }
    };
    diagnostics.subscribe(channel, safe);
    subscriptions.push([channel, safe]);
  };
  if (resolved.server) {
    on('http.server.request.start', (message) => onRequestStart(tracer, resolved, message));
    on('http.server.response.finish', (message) => onResponseFinish(resolved, message));
  }
  if (resolved.client) {
    on('http.client.request.created', (message) => onClientRequest(tracer, resolved, message, true));
    on('http.client.request.start', (message) => onClientRequest(tracer, resolved, message, false));
    on('http.client.response.finish', (message) => onClientResponse(resolved, message));
    on('http.client.request.error', onClientError);
  }
  if (resolved.fetch) {
    on('undici:request:create', (message) => onFetchCreate(tracer, resolved, message));
    on('undici:request:headers', (message) => onFetchHeaders(resolved, message));
    on('undici:request:trailers', onFetchTrailers);
    on('undici:request:error', onFetchError);
  }
  const instrumentation: HttpInstrumentation = {
    disable() {
      for (const [channel, handler] of subscriptions.splice(0)) diagnostics.unsubscribe(channel, handler);
      if (active === instrumentation) active = undefined;
    },
  };
  active = instrumentation;
  return instrumentation;
}
