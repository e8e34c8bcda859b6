import { TraceFlags, type Span, type SpanContext, type SpanOptions } from '@opentelemetry/api';
import { SpanHandle, type Attributes as XAttributes, type InstrumentationScope, type SpanKind, type TracerPlugin } from '@x/tracer-core';
import { createIdGenerator } from '@x/tracer-core/internal';
import type { ParentLike } from '@x/trace';
import { openDetachedSpan } from '@x/trace/internal';
import { currentFor, xSpanOf } from './context-manager.js';
import { unixNanosOf } from './otel-time.js';
import { PassThroughSpan } from './pass-through-span.js';
import { PluginSpan } from './plugin-span.js';
import { handleOfContext, linksOf } from './span-arguments.js';
import { RuntimeSpan } from './runtime-span.js';

/**
 * How the bridge's tracer records a span once it has decided to: chosen once, when the provider is
 * created. `parent` is OpenTelemetry's parent span (from the context), undefined for a root.
 */
export interface SpanStarter {
  start(name: string, options: SpanOptions, parent: Span | undefined, scope: InstrumentationScope): Span;
}

/** OpenTelemetry's kind numbering is the contract's; anything else is INTERNAL. */
function kindOf(kind: unknown): SpanKind | undefined {
  return typeof kind === 'number' && kind >= 0 && kind <= 4 && Number.isInteger(kind) ? (kind as SpanKind) : undefined;
}

/**
 * Spans as `@x/trace` spans: the tracer, records and context of `@x/trace`'s runtime (whatever
 * `configure()` set), so `withSpan` and OpenTelemetry instrumentations nest in each other.
 */
export const runtimeStarter: SpanStarter = {
  start(name, options, parent, scope) {
    // A foreign parent through its stand-in, which carries its trace id on when it is not sampled,
    // and its tracestate.
    const xParent = currentFor(parent, true);
    const given: ParentLike | null = xParent ?? (parent === undefined ? null : (handleOfContext(parent.spanContext()) ?? null));
    try {
      const xSpan = openDetachedSpan({
        name,
        scope,
        kind: kindOf(options.kind),
        parent: given,
        attributes: options.attributes,
        startTimeUnixNanos: unixNanosOf(options.startTime),
        links: linksOf(options.links),
      });
      // Tracing off (setEnabled(false)): nothing recorded, and the parent's context passes through
      // untouched, so their instrumentations still carry the trace on.
      if (xSpan.propagation() === undefined) return new PassThroughSpan(parent?.spanContext(), xParent);
      // A wrapper of its own, not `otelSpanOf`'s: a WeakMap entry per span costs the garbage
      // collector's ephemeron work. `context.active()` never needs to look this one up: the context
      // that makes it current holds it (see `context-manager.ts`).
      return new RuntimeSpan(xSpan);
    } catch {
      // A malformed parent or scope: OpenTelemetry's API never throws, so the span records nothing.
      return new PassThroughSpan(parent?.spanContext(), xParent);
    }
  },
};

/** Spans recorded directly on `plugin`, whatever `@x/trace` is configured with. */
export function pluginStarter(plugin: TracerPlugin): SpanStarter {
  // Ids for spans the plugin does not record: their context still carries the trace on.
  const ids = createIdGenerator();
  return {
    start(name, options, parent, scope) {
      let parentHandle: SpanHandle | undefined;
      let parentContext: SpanContext | undefined;
      if (parent instanceof PluginSpan) {
        parentHandle = parent.handle;
        // An unsampled parent's handle is INVALID: its context still names the trace to carry on.
        parentContext = parent.spanContext();
      } else if (parent !== undefined) {
        parentHandle = xSpanOf(parent)?.handle;
        parentContext = parent.spanContext();
        parentHandle ??= handleOfContext(parentContext);
      }
      let handle: SpanHandle;
      try {
        handle = plugin.startSpan({
          name: typeof name === 'string' ? name : String(name),
          kind: kindOf(options.kind),
          parent: parentHandle ?? null,
          attributes: options.attributes as XAttributes | undefined,
          startTimeUnixNanos: unixNanosOf(options.startTime),
          links: linksOf(options.links),
          scope,
          traceState: parentContext?.traceState?.serialize(),
        });
      } catch {
        handle = SpanHandle.INVALID;
      }
      if (handle === SpanHandle.INVALID || SpanHandle.isInvalid(handle)) {
        const traceId = parentHandle !== undefined && parentHandle !== SpanHandle.INVALID ? parentHandle.traceId : (parentContext?.traceId ?? ids.traceId());
        return new PluginSpan(plugin, SpanHandle.INVALID, { traceId, spanId: ids.spanId(), traceFlags: TraceFlags.NONE });
      }
      return new PluginSpan(plugin, handle, undefined);
    },
  };
}
