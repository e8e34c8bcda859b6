import { context as otelContext, SpanKind, trace, type Context, type Span, type SpanOptions, type Tracer } from '@opentelemetry/api';
import type { InstrumentationScope } from '@x/tracer-core';
import { activeSpan, httpInstrumentedParts } from '@x/trace/internal';
import { xSpanOf } from './context-manager.js';
import { PassThroughSpan } from './pass-through-span.js';
import { otelSpanOf } from './runtime-span.js';
import type { SpanStarter } from './span-starters.js';
import { isTracingSuppressed } from './suppress-tracing.js';

const UNDICI_SCOPE = '@opentelemetry/instrumentation-undici';
/** Scopes whose spans `@x/trace`'s `instrumentHttp()` makes itself, while it is enabled. */
export const HTTP_INSTRUMENTATION_SCOPES: ReadonlySet<string> = new Set(['@opentelemetry/instrumentation-http', UNDICI_SCOPE]);

/**
 * OpenTelemetry's `Tracer` of one scope. Records nothing (hands back a pass-through span) where
 * tracing is suppressed (an exporter's own requests) and, for the HTTP instrumentations' scopes,
 * where `instrumentHttp()` makes the same span (its server, client or fetch spans are on): then
 * `@x/trace`'s HTTP spans win, one span per request.
 */
export class BridgeTracer implements Tracer {
  readonly #starter: SpanStarter;
  readonly #scope: InstrumentationScope;
  readonly #yieldsHttp: boolean;

  constructor(starter: SpanStarter, scope: InstrumentationScope, yieldsHttp: boolean) {
    this.#starter = starter;
    this.#scope = scope;
    this.#yieldsHttp = yieldsHttp;
  }

  startSpan(name: string, options: SpanOptions = {}, given?: Context): Span {
    // Recording never throws: a null or foreign context is the active one.
    const context = given !== null && typeof given?.getValue === 'function' ? given : otelContext.active();
    if (isTracingSuppressed(context)) return new PassThroughSpan(trace.getSpanContext(context), xSpanOf(trace.getSpan(context)));
    if (this.#yieldsHttp && this.#madeByXTrace(options?.kind)) {
      // The HTTP instrumentation runs its handlers in the context it gives this span: make that
      // `@x/trace`'s span (the request's server span is current by now), not its extracted parent.
      const current = activeSpan();
      return new PassThroughSpan(current === undefined ? trace.getSpanContext(context) : otelSpanOf(current).spanContext(), current);
    }
    return this.#starter.start(name, options ?? {}, options?.root ? undefined : trace.getSpan(context), this.#scope);
  }

  /**
   * Whether `instrumentHttp()` makes this span itself: undici's spans when its fetch spans are on;
   * the http instrumentation's SERVER spans when its server spans are, CLIENT when its client spans.
   */
  #madeByXTrace(kind: SpanKind | undefined): boolean {
    const parts = httpInstrumentedParts();
    if (parts === undefined) return false;
    if (this.#scope.name === UNDICI_SCOPE) return parts.fetch;
    return kind === SpanKind.SERVER ? parts.server : kind === SpanKind.CLIENT ? parts.client : false;
  }

  startActiveSpan<F extends (span: Span) => unknown>(name: string, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, options: SpanOptions, context: Context, fn: F): ReturnType<F>;
  startActiveSpan<F extends (span: Span) => unknown>(name: string, a?: SpanOptions | F, b?: Context | F, c?: F): ReturnType<F> {
    let options: SpanOptions | undefined;
    let parent: Context | undefined;
    let fn: F;
    if (typeof a === 'function') fn = a;
    else if (typeof b === 'function') {
      options = a;
      fn = b;
    } else {
      options = a;
      parent = b;
      fn = c!;
    }
    const context = parent ?? otelContext.active();
    const span = this.startSpan(name, options, context);
    return otelContext.with(trace.setSpan(context, span), fn as (span: Span) => ReturnType<F>, undefined, span);
  }
}

/** Whether the bridge's tracer of `scope` makes way for `instrumentHttp()`'s spans. */
export function yieldsToHttpInstrumentation(scope: InstrumentationScope, option: boolean): boolean {
  return option && HTTP_INSTRUMENTATION_SCOPES.has(scope.name);
}
