import { SpanStatusCode as OtelStatusCode, TraceFlags, type Link, type SpanStatus as OtelStatus, type SpanContext } from '@opentelemetry/api';
import { SpanHandle, SpanStatusCode, type SpanLink, type SpanStatus } from '@x/tracer-core';

// Conversions of OpenTelemetry API arguments to the contract's, shared by every bridge span. None
// of them throws: a recording call on a bridge span is a recording call of the contract.

/** The handle of a span context: its ids when sampled, INVALID when not (children are not recorded). */
export function handleOfContext(context: SpanContext | undefined): SpanHandle | undefined {
  if (context === undefined) return undefined;
  if ((context.traceFlags & TraceFlags.SAMPLED) === 0) return SpanHandle.INVALID;
  return SpanHandle.of(context.traceId, context.spanId) ?? undefined;
}

/** OpenTelemetry links as the contract's; malformed ones are left out. */
export function linksOf(links: readonly Link[] | undefined): SpanLink[] | undefined {
  if (!Array.isArray(links) || links.length === 0) return undefined;
  const out: SpanLink[] = [];
  for (const link of links) {
    try {
      const handle = SpanHandle.of(link.context.traceId, link.context.spanId);
      if (handle === undefined) continue;
      const traceState = link.context.traceState?.serialize();
      out.push({ context: handle, ...(link.attributes ? { attributes: link.attributes } : {}), ...(traceState ? { traceState } : {}) });
    } catch {
      // A link whose context cannot be read: left out.
    }
  }
  return out;
}

const OK: SpanStatus = Object.freeze({ code: SpanStatusCode.OK });
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });

/** OpenTelemetry's status as the contract's (same numbering; the message only with ERROR). */
export function statusOf(status: OtelStatus): SpanStatus | undefined {
  if (typeof status !== 'object' || status === null) return undefined;
  if (status.code === OtelStatusCode.OK) return OK;
  if (status.code === OtelStatusCode.UNSET) return UNSET;
  if (status.code !== OtelStatusCode.ERROR) return undefined;
  return typeof status.message === 'string' && status.message !== '' ? { code: SpanStatusCode.ERROR, message: status.message } : { code: SpanStatusCode.ERROR };
}

/**
 * The attributes of OpenTelemetry's `recordException` (its SDK's): `exception.type` from the
 * name or code, `exception.message`, `exception.stacktrace`.
 */
export function exceptionAttributesOf(exception: unknown): Record<string, string> {
  try {
    if (typeof exception === 'string') return { 'exception.message': exception };
    if (typeof exception !== 'object' || exception === null) return { 'exception.message': String(exception) };
    const { code, name, message, stack } = exception as { code?: unknown; name?: unknown; message?: unknown; stack?: unknown };
    const out: Record<string, string> = {};
    const type = code !== undefined && code !== null ? String(code) : name;
    if (typeof type === 'string' && type !== '') out['exception.type'] = type;
    if (typeof message === 'string') out['exception.message'] = message;
    if (typeof stack === 'string') out['exception.stacktrace'] = stack;
    return out;
  } catch {
    return { 'exception.message': 'unprintable exception' };
  }
}
