// An independent decoder for what our encoder writes: protobufjs with a schema written here from
// the OTLP specification (opentelemetry-proto v1.x: common, resource, trace, collector/trace).
// Tests decode with this, never by running our encoder backwards.
import protobuf from 'protobufjs';

const SCHEMA = `
syntax = "proto3";
package opentelemetry.proto;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message Resource {
  repeated KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}
message ResourceSpans {
  Resource resource = 1;
  repeated ScopeSpans scope_spans = 2;
  string schema_url = 3;
}
message ScopeSpans {
  InstrumentationScope scope = 1;
  repeated Span spans = 2;
  string schema_url = 3;
}
message Span {
  bytes trace_id = 1;
  bytes span_id = 2;
  string trace_state = 3;
  bytes parent_span_id = 4;
  fixed32 flags = 16;
  string name = 5;
  enum SpanKind {
    SPAN_KIND_UNSPECIFIED = 0;
    SPAN_KIND_INTERNAL = 1;
    SPAN_KIND_SERVER = 2;
    SPAN_KIND_CLIENT = 3;
    SPAN_KIND_PRODUCER = 4;
    SPAN_KIND_CONSUMER = 5;
  }
  SpanKind kind = 6;
  fixed64 start_time_unix_nano = 7;
  fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9;
  uint32 dropped_attributes_count = 10;
  message Event {
    fixed64 time_unix_nano = 1;
    string name = 2;
    repeated KeyValue attributes = 3;
    uint32 dropped_attributes_count = 4;
  }
  repeated Event events = 11;
  uint32 dropped_events_count = 12;
  message Link {
    bytes trace_id = 1;
    bytes span_id = 2;
    string trace_state = 3;
    repeated KeyValue attributes = 4;
    uint32 dropped_attributes_count = 5;
    fixed32 flags = 6;
  }
  repeated Link links = 13;
  uint32 dropped_links_count = 14;
  Status status = 15;
}
message Status {
  reserved 1;
  string message = 2;
  enum StatusCode {
    STATUS_CODE_UNSET = 0;
    STATUS_CODE_OK = 1;
    STATUS_CODE_ERROR = 2;
  }
  StatusCode code = 3;
}
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ExportTraceServiceResponse { ExportTracePartialSuccess partial_success = 1; }
message ExportTracePartialSuccess {
  int64 rejected_spans = 1;
  string error_message = 2;
}
`;

const root = protobuf.parse(SCHEMA, { keepCase: false }).root;
export const ExportTraceServiceRequest = root.lookupType('opentelemetry.proto.ExportTraceServiceRequest');
export const ExportTraceServiceResponse = root.lookupType('opentelemetry.proto.ExportTraceServiceResponse');

/** Decodes a protobuf request to plain data: ids as hex, 64-bit values as decimal strings, enums as numbers. */
export function decodeRequest(bytes: Uint8Array): any {
  const message = ExportTraceServiceRequest.decode(bytes);
  return hexIds(ExportTraceServiceRequest.toObject(message, { longs: String, enums: Number, bytes: Array, defaults: true, oneofs: false }));
}

const ID_KEYS = new Set(['traceId', 'spanId', 'parentSpanId']);
function hexIds(value: any): any {
  if (Array.isArray(value)) return value.map(hexIds);
  if (value === null || typeof value !== 'object') return value;
  const out: any = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] = ID_KEYS.has(key) && Array.isArray(v) ? Buffer.from(v as number[]).toString('hex') : hexIds(v);
  }
  return out;
}

/** A protobuf ExportTraceServiceResponse, for the test receiver's replies. */
export function encodeResponse(rejectedSpans = 0, errorMessage = ''): Uint8Array {
  const payload = rejectedSpans || errorMessage ? { partialSuccess: { rejectedSpans, errorMessage } } : {};
  return ExportTraceServiceResponse.encode(ExportTraceServiceResponse.create(payload)).finish();
}
