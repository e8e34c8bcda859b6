import type { InstrumentationScope, SpanHandle, SpanKind, SpanLink } from '@x/tracer-core';
import { fromUnixNanos } from '@x/tracer-core/internal';
import { getTracer } from './index.js';
import { INERT_SPAN, type Span } from './span.js';
import type { ParentLike } from './tracer.js';

/**
 * Spans of this runtime opened and ended from outside it, with times given by the caller: the
 * OpenTelemetry bridge makes its spans here so that they are `@x/trace` spans (the same tracer,
 * records and context as `withSpan`'s), whatever times and links OpenTelemetry's API passes.
 */
export interface DetachedSpanStart {
  readonly name: string;
  readonly scope: InstrumentationScope;
  readonly kind?: SpanKind | undefined;
  /** Absent: the current span. */
  readonly parent?: ParentLike | undefined;
  readonly attributes?: unknown;
  /** Unix nanoseconds; default now. */
  readonly startTimeUnixNanos?: bigint | undefined;
  readonly links?: readonly SpanLink[] | undefined;
}

/**
 * Opens a span that does not become current (the caller decides where it is current); the inert
 * span while tracing is off (`setEnabled(false)`). Throws what `getTracer` throws for a bad scope,
 * and TraceError for a malformed parent.
 */
export function openDetachedSpan(start: DetachedSpanStart): Span {
  const tracer = getTracer(start.scope.name, start.scope.version);
  if (!tracer.enabled) return INERT_SPAN;
  const at = start.startTimeUnixNanos === undefined ? undefined : fromUnixNanos(start.startTimeUnixNanos);
  return tracer.openDetached(
    start.name,
    { attributes: start.attributes, kind: start.kind, ...(start.parent === undefined ? {} : { parent: start.parent }) },
    { at, links: start.links },
  );
}

/** Ends `span` at `endTimeUnixNanos` (default now). A second call does nothing. */
export function endSpanAt(span: Span, endTimeUnixNanos: bigint | undefined): void {
  span.finish(undefined, false, endTimeUnixNanos === undefined ? undefined : fromUnixNanos(endTimeUnixNanos));
}

/** Adds an event at `timeUnixNanos` (default now). */
export function addEventAt(span: Span, name: string, attributes: unknown, timeUnixNanos: bigint | undefined): void {
  span.addEventAt(name, attributes, timeUnixNanos);
}

/**
 * A span standing for a parent this runtime did not open (a remote span context, or another
 * tracer's span): current under the bridge's `context.with`, it makes `withSpan`'s spans its
 * children. Records nothing. `handle` INVALID: not sampled, `traceId` carried on.
 */
export function standInSpan(handle: SpanHandle, traceId: string, traceState: string): Span {
  return getTracer(STAND_IN_SCOPE).standIn(handle, traceId, traceState);
}

const STAND_IN_SCOPE = '@x/trace/stand-in';
