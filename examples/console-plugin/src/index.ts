import { createBufferedTracer, toPlainSpan, type BufferedTracerOptions, type SpanExporter } from '@x/tracer-core';

/**
 * A third-party plugin: it supplies only the exporter (one JSON line per span to `write`);
 * recording, buffering, scheduling, shutdown hooks and stats come from the core.
 */
export function createConsoleTracer(write: (line: string) => void = console.log, options?: BufferedTracerOptions) {
  const exporter: SpanExporter = {
    async export(batch) {
      for (const span of batch) {
        write(JSON.stringify(toPlainSpan(span), (_key, value) => (typeof value === 'bigint' ? String(value) : value)));
      }
      return { status: 'success' };
    },
  };
  return createBufferedTracer('console', exporter, options);
}
