// Turns our recorded spans into the shape @opentelemetry/otlp-transformer reads (ReadableSpan), so
// the reference serializer and ours can encode the same spans.
import { TraceState } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { attributesToRecord, toUnixNanos, type AttributeList, type FinishedSpan } from '@x/tracer-core';

const hrTime = (reading: number): [number, number] => {
  const nanos = toUnixNanos(reading);
  return [Number(nanos / 1_000_000_000n), Number(nanos % 1_000_000_000n)];
};
const attrs = (list: AttributeList) => ({ ...attributesToRecord(list) }) as Record<string, any>;

/** `defaultScope` is the scope of spans that have none, as our encoders' `RequestHeader` gives it. */
export function toReadableSpans(
  spans: readonly FinishedSpan[],
  resource: Record<string, any>,
  defaultScope: { name: string; version: string },
): ReadableSpan[] {
  const otelResource = resourceFromAttributes(resource);
  // One scope object per name and version, as the SDK has it (`getTracer` caches a tracer, which holds
  // its scope, per name@version): the transformer's protobuf serializer groups spans by the identity
  // of that object, its JSON one by name@version, so both group as the SDK would.
  const scopes = new Map<string, { name: string; version: string | undefined }>([[`${defaultScope.name}@${defaultScope.version}`, defaultScope]]);
  const scopeOf = (scope: FinishedSpan['scope']) => {
    if (scope === undefined) return defaultScope;
    const key = `${scope.name}@${scope.version ?? ''}`;
    let otelScope = scopes.get(key);
    if (otelScope === undefined) scopes.set(key, (otelScope = { name: scope.name, version: scope.version }));
    return otelScope;
  };
  return spans.map((s) => {
    const traceState = s.traceState === '' ? undefined : new TraceState(s.traceState);
    return {
      name: s.name,
      kind: s.kind,
      spanContext: () => ({ traceId: s.traceId, spanId: s.spanId, traceFlags: 1, traceState }),
      parentSpanContext:
        s.parentSpanId === '' ? undefined : { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: 1, isRemote: s.parentIsRemote },
      startTime: hrTime(s.startTime),
      endTime: hrTime(s.endTime),
      status: s.status.message === undefined ? { code: s.status.code } : { code: s.status.code, message: s.status.message },
      attributes: attrs(s.attributes),
      links: s.links.map((l) => ({
        context: {
          traceId: l.traceId,
          spanId: l.spanId,
          traceFlags: 1,
          traceState: l.traceState === '' ? undefined : new TraceState(l.traceState),
        },
        attributes: attrs(l.attributes),
        droppedAttributesCount: l.droppedAttributesCount,
      })),
      events: s.events.map((e) => ({
        name: e.name,
        time: hrTime(e.time),
        attributes: attrs(e.attributes),
        droppedAttributesCount: e.droppedAttributesCount,
      })),
      duration: [0, 0],
      ended: true,
      resource: otelResource,
      instrumentationScope: scopeOf(s.scope),
      droppedAttributesCount: s.droppedAttributesCount,
      droppedEventsCount: s.droppedEventsCount,
      droppedLinksCount: s.droppedLinksCount,
    } as unknown as ReadableSpan;
  });
}
