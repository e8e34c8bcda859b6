/**
 * Tells automatic HTTP instrumentation (`@x/trace`'s `instrumentHttp`) that requests to `endpoint`
 * are an exporter's: they get no client span, else each export would make a span for the next
 * export to carry. A process-wide set under a global symbol, so neither package depends on the
 * other. It stays after shutdown (a handful of URLs at most).
 */
export function markInternalEndpoint(endpoint: string): void {
  const holder = globalThis as { [key: symbol]: Set<string> | undefined };
  const key = Symbol.for('x-tracing.internal-endpoints');
  (holder[key] ??= new Set()).add(endpoint);
}
