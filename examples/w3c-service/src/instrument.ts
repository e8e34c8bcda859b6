import { configure, instrumentHttp } from '@x/trace';

/**
 * Turns on the library's automatic HTTP instrumentation for this process: a SERVER span for each
 * incoming request, its context extracted from `traceparent`/`tracestate`, and a CLIENT span with
 * the context injected on every outgoing `fetch` made while handling it. The service adds no trace
 * context by hand; all of it comes from here. With no tracer configured, spans are kept as the
 * seed API's records (bounded), which is all a propagation test needs.
 */
export function instrument(): void {
  configure({ service: 'w3c-service' });
  instrumentHttp();
}
