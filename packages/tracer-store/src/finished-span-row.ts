import { attributesToRecord, spanKindName, toPlainSpan, type AttributeList, type FinishedSpan } from '@x/tracer-core';
import { cut, MAX_OPERATION_NAME, MAX_SERVICE_NAME, nodeIdFrom, type JsonObject, type SpanRow } from './span-row.js';

/** What every span of one tracer shares: its resource, and the service and node read from it. */
export interface RowResource {
  readonly attributes: JsonObject;
  readonly serviceName: string;
  readonly nodeId: string | null;
}

export function rowResource(resource: AttributeList): RowResource {
  const attributes = attributesToRecord(resource) as JsonObject;
  const service = attributes['service.name'];
  return {
    attributes,
    serviceName: cut(typeof service === 'string' ? service : 'unknown_service', MAX_SERVICE_NAME),
    nodeId: nodeIdFrom(attributes),
  };
}

/** A recorded span as the store keeps it: the core's plain form, in the store's columns. */
export function finishedSpanRow(span: FinishedSpan, resource: RowResource): SpanRow {
  const plain = toPlainSpan(span);
  return {
    traceId: plain.traceId,
    spanId: plain.spanId,
    parentSpanId: plain.parentSpanId ?? null,
    operationName: cut(plain.name, MAX_OPERATION_NAME),
    serviceName: resource.serviceName,
    nodeId: resource.nodeId,
    startUnixNanos: plain.startTimeUnixNanos,
    durationNanos: plain.durationNanos > 0n ? plain.durationNanos : 0n,
    kind: spanKindName(plain.kind),
    statusCode: plain.status.code,
    statusMessage: plain.status.message ?? null,
    tags: plain.attributes as JsonObject,
    logs: plain.events.map((event) => ({
      name: event.name,
      time_unix_nano: event.timeUnixNanos.toString(),
      attributes: event.attributes as JsonObject,
      dropped_attributes_count: event.droppedAttributesCount,
    })),
    links: plain.links.map((link) => ({
      trace_id: link.traceId,
      span_id: link.spanId,
      trace_state: link.traceState,
      attributes: link.attributes as JsonObject,
      dropped_attributes_count: link.droppedAttributesCount,
    })),
    resource: resource.attributes,
    scopeName: plain.scope?.name ?? null,
    scopeVersion: plain.scope?.version ?? null,
    traceState: plain.traceState === '' ? null : plain.traceState,
    droppedAttributesCount: plain.droppedAttributesCount,
    droppedEventsCount: plain.droppedEventsCount,
    droppedLinksCount: plain.droppedLinksCount,
  };
}
