/**
 * Turns on the library's automatic HTTP instrumentation for this process: the spans of incoming
 * requests, and `traceparent`/`tracestate` on outgoing `fetch` calls made while handling them.
 * The service adds no trace context by hand; all of it must come from here.
 *
 * For now it does nothing, so the service propagates no trace context at all.
 */
export function instrument(): void {
  // TODO(issue 13): instrumentHttp()
}
