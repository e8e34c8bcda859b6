import type { Context } from '@opentelemetry/api';

/**
 * The context key `@opentelemetry/core`'s `suppressTracing` sets: exporters and instrumentations
 * use it so that their own I/O makes no spans. Read by key, so the bridge needs no SDK package.
 */
const SUPPRESS_TRACING = Symbol.for('OpenTelemetry SDK Context Key SUPPRESS_TRACING');

export function isTracingSuppressed(context: Context | undefined): boolean {
  return context?.getValue(SUPPRESS_TRACING) === true;
}

/** `context` with tracing suppressed. */
export function suppressTracing(context: Context): Context {
  return context.setValue(SUPPRESS_TRACING, true);
}
