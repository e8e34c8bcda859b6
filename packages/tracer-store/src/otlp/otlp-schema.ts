// The OTLP trace messages the receiver reads and writes, as a protobufjs descriptor built in code:
// field numbers from opentelemetry-proto v1 (collector/trace, trace, resource, common) and
// google/rpc/status.proto. Field names are the lowerCamelCase ones of the JSON mapping, so one
// schema names fields the way OTLP/JSON does and `fromObject` reads OTLP/JSON keys directly.
// Only what the receiver needs is here: fields it does not know are skipped by the decoder.
import protobuf from 'protobufjs';

type Fields = Record<string, { type: string; id: number; rule?: 'repeated' }>;

const one = (type: string, id: number) => ({ type, id });
const many = (type: string, id: number) => ({ type, id, rule: 'repeated' as const });

/** The id fields of Span and Link: bytes on the wire, hex strings in OTLP/JSON. */
const ID = 'bytes';

function messages(idType: string): Record<string, { fields: Fields }> {
  return {
    ExportTraceServiceRequest: { fields: { resourceSpans: many('ResourceSpans', 1) } },
    ExportTraceServiceResponse: { fields: { partialSuccess: one('ExportTracePartialSuccess', 1) } },
    ExportTracePartialSuccess: { fields: { rejectedSpans: one('int64', 1), errorMessage: one('string', 2) } },
    ResourceSpans: { fields: { resource: one('Resource', 1), scopeSpans: many('ScopeSpans', 2), schemaUrl: one('string', 3) } },
    Resource: { fields: { attributes: many('KeyValue', 1), droppedAttributesCount: one('uint32', 2) } },
    ScopeSpans: { fields: { scope: one('InstrumentationScope', 1), spans: many('Span', 2), schemaUrl: one('string', 3) } },
    InstrumentationScope: {
      fields: { name: one('string', 1), version: one('string', 2), attributes: many('KeyValue', 3), droppedAttributesCount: one('uint32', 4) },
    },
    Span: {
      fields: {
        traceId: one(idType, 1),
        spanId: one(idType, 2),
        traceState: one('string', 3),
        parentSpanId: one(idType, 4),
        name: one('string', 5),
        kind: one('int32', 6),
        startTimeUnixNano: one('fixed64', 7),
        endTimeUnixNano: one('fixed64', 8),
        attributes: many('KeyValue', 9),
        droppedAttributesCount: one('uint32', 10),
        events: many('Event', 11),
        droppedEventsCount: one('uint32', 12),
        links: many('Link', 13),
        droppedLinksCount: one('uint32', 14),
        status: one('Status', 15),
        flags: one('fixed32', 16),
      },
    },
    Event: {
      fields: { timeUnixNano: one('fixed64', 1), name: one('string', 2), attributes: many('KeyValue', 3), droppedAttributesCount: one('uint32', 4) },
    },
    Link: {
      fields: {
        traceId: one(idType, 1),
        spanId: one(idType, 2),
        traceState: one('string', 3),
        attributes: many('KeyValue', 4),
        droppedAttributesCount: one('uint32', 5),
        flags: one('fixed32', 6),
      },
    },
    // Status.code is an enum on the wire (a varint), read as int32 so unknown codes survive to be judged.
    Status: { fields: { message: one('string', 2), code: one('int32', 3) } },
    KeyValue: { fields: { key: one('string', 1), value: one('AnyValue', 2) } },
    AnyValue: {
      fields: {
        stringValue: one('string', 1),
        boolValue: one('bool', 2),
        intValue: one('int64', 3),
        doubleValue: one('double', 4),
        arrayValue: one('ArrayValue', 5),
        kvlistValue: one('KeyValueList', 6),
        bytesValue: one('bytes', 7),
      },
    },
    ArrayValue: { fields: { values: many('AnyValue', 1) } },
    KeyValueList: { fields: { values: many('KeyValue', 1) } },
    // google.rpc.Status, the body of every 4xx and 5xx answer (OTLP does not use `code`; sent anyway).
    RpcStatus: { fields: { code: one('int32', 1), message: one('string', 2) } },
  };
}

function typesOf(idType: string) {
  const root = protobuf.Root.fromJSON({ nested: messages(idType) });
  return {
    request: root.lookupType('ExportTraceServiceRequest'),
    response: root.lookupType('ExportTraceServiceResponse'),
    rpcStatus: root.lookupType('RpcStatus'),
  };
}

/** The binary protobuf messages. */
export const wireTypes = typesOf(ID);

/**
 * The same messages for OTLP/JSON: ids are hex strings there (not the base64 of proto3's JSON
 * mapping), so they are read as strings and checked by the mapper like any other input.
 */
export const jsonTypes = typesOf('string');
