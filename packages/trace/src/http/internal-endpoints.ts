/**
 * Endpoints whose requests get no client span: where tracers export to. Without this, every export
 * request would make a span, exported by the next request, which makes a span... A process-wide
 * set under a global symbol, so an exporter registers its endpoint without depending on this
 * package (`@x/tracer-otlp` does); entries are `origin + path` (`http://host:4318/v1/traces`).
 */
const KEY = Symbol.for('x-tracing.internal-endpoints');

export function internalEndpoints(): Set<string> {
  const holder = globalThis as { [KEY]?: Set<string> };
  return (holder[KEY] ??= new Set());
}

/** True when a request to `origin` + `path` (the query is ignored) is an exporter's. */
export function isInternal(origin: string, path: string): boolean {
  const endpoints = (globalThis as { [KEY]?: Set<string> })[KEY];
  if (endpoints === undefined || endpoints.size === 0) return false;
  const query = path.indexOf('?');
  return endpoints.has(origin + (query < 0 ? path : path.slice(0, query)));
}
