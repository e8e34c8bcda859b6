import type { Attributes, Context, HrTime, Link, SpanContext, SpanKind, SpanStatus } from '@opentelemetry/api';
import {
  SpanHandle,
  type AttributeValue as XAttributeValue,
  type Attributes as XAttributes,
  type InstrumentationScope,
  type SpanKind as XSpanKind,
  type TracerPlugin,
} from '@x/tracer-core';
import { checkPlugin } from '@x/tracer-core/internal';
import { unixNanosOf } from './otel-time.js';
import { linksOf, statusOf } from './span-arguments.js';

/** What the processor reads of the SDK's spans (`Span` at start, `ReadableSpan` at end; 1.x and 2.x). */
export interface OtelSdkSpan {
  readonly name: string;
  readonly kind: SpanKind;
  spanContext(): SpanContext;
  readonly parentSpanContext?: SpanContext | undefined;
  readonly parentSpanId?: string | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: readonly { readonly name: string; readonly time: HrTime; readonly attributes?: Attributes }[];
  readonly instrumentationScope?: { readonly name: string; readonly version?: string };
  readonly instrumentationLibrary?: { readonly name: string; readonly version?: string };
}

/** OpenTelemetry's `SpanProcessor` (`@opentelemetry/sdk-trace-base`), structurally. */
export interface OtelSpanProcessor {
  onStart(span: OtelSdkSpan, parentContext: Context): void;
  onEnd(span: OtelSdkSpan): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * For applications that keep their own OpenTelemetry SDK provider: a `SpanProcessor` that records
 * every span it sees on `plugin`, with the SDK's ids (the plugin takes caller-chosen ids), parent and
 * start time at `onStart`, and at `onEnd` the final attributes, events with their times, status,
 * name and end time. The plugin's sampling runs after the SDK's. `forceFlush`/`shutdown` are the
 * plugin's. Never throws from `onStart`/`onEnd`.
 *
 * The SDK applies its span limits before we see a span, so what its limits dropped is not counted
 * on our side; ours apply again on top.
 * @throws InvalidOptionError when `plugin` is not a TracerPlugin.
 */
export function createOtelSpanProcessor(plugin: TracerPlugin): OtelSpanProcessor {
  checkPlugin(plugin, 'createOtelSpanProcessor(plugin)');
  const handles = new WeakMap<object, SpanHandle>();
  const scopes = new WeakMap<object, InstrumentationScope>();
  const scopeOf = (span: OtelSdkSpan): InstrumentationScope | undefined => {
    const given = span.instrumentationScope ?? span.instrumentationLibrary;
    if (given === undefined) return undefined;
    let scope = scopes.get(given);
    if (scope === undefined) {
      scope = Object.freeze(given.version === undefined ? { name: given.name } : { name: given.name, version: given.version });
      scopes.set(given, scope);
    }
    return scope;
  };
  return {
    onStart(span) {
      try {
        const context = span.spanContext();
        const parentSpanId = span.parentSpanContext?.spanId ?? span.parentSpanId;
        const handle = plugin.startSpan({
          name: span.name,
          kind: span.kind as number as XSpanKind,
          parent: parentSpanId === undefined ? null : (SpanHandle.of(context.traceId, parentSpanId) ?? null),
          traceId: context.traceId,
          spanId: context.spanId,
          attributes: span.attributes as XAttributes,
          startTimeUnixNanos: unixNanosOf(span.startTime),
          links: linksOf(span.links),
          scope: scopeOf(span),
          traceState: context.traceState?.serialize(),
        });
        if (handle !== SpanHandle.INVALID) handles.set(span, handle);
      } catch {
        // The SDK's span stays as it is; ours is not recorded.
      }
    },
    onEnd(span) {
      const handle = handles.get(span);
      if (handle === undefined) return;
      handles.delete(span);
      try {
        for (const key of Object.keys(span.attributes)) {
          const value = span.attributes[key];
          if (value !== undefined && value !== null) plugin.setAttribute(handle, key, value as XAttributeValue);
        }
        for (const event of span.events) {
          plugin.addEvent(handle, { name: event.name, timeUnixNanos: unixNanosOf(event.time), ...(event.attributes ? { attributes: event.attributes as XAttributes } : {}) });
        }
        const status = statusOf(span.status);
        if (status !== undefined) plugin.setStatus(handle, status);
        plugin.updateName?.(handle, span.name);
        plugin.endSpan(handle, unixNanosOf(span.endTime));
      } catch {
        // A plugin must not throw; one that does loses the rest of this span.
      }
    },
    forceFlush: () => plugin.flush(),
    shutdown: () => Promise.resolve(plugin.shutdown?.()),
  };
}
