// The shape both decoders hand to the mapper: protobufjs's `toObject` of an
// ExportTraceServiceRequest with 64-bit integers as decimal strings, bytes as base64 and defaults
// left out (so every field may be absent). Ids are the one difference between the encodings:
// base64 of the bytes from protobuf, the sender's hex from OTLP/JSON; an `IdReader` evens it out.

export interface PlainRequest { resourceSpans?: PlainResourceSpans[] }
export interface PlainResourceSpans { resource?: { attributes?: PlainKeyValue[] }; scopeSpans?: PlainScopeSpans[] }
export interface PlainScopeSpans { scope?: { name?: string; version?: string }; spans?: PlainSpan[] }

export interface PlainSpan {
  traceId?: string;
  spanId?: string;
  traceState?: string;
  parentSpanId?: string;
  name?: string;
  kind?: number;
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  attributes?: PlainKeyValue[];
  droppedAttributesCount?: number;
  events?: PlainEvent[];
  droppedEventsCount?: number;
  links?: PlainLink[];
  droppedLinksCount?: number;
  status?: { message?: string; code?: number };
}

export interface PlainEvent { timeUnixNano?: string; name?: string; attributes?: PlainKeyValue[]; droppedAttributesCount?: number }
export interface PlainLink {
  traceId?: string;
  spanId?: string;
  traceState?: string;
  attributes?: PlainKeyValue[];
  droppedAttributesCount?: number;
}

export interface PlainKeyValue { key?: string; value?: PlainAnyValue }
export interface PlainAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values?: PlainAnyValue[] };
  kvlistValue?: { values?: PlainKeyValue[] };
  bytesValue?: string;
}

/** An id as lowercase hex, '' when absent, or null when it is not an id at all (bad hex). */
export type IdReader = (raw: string | undefined) => string | null;

/** The options of `toObject` that produce the shapes above. */
export const PLAIN_OPTIONS = { longs: String, bytes: String, enums: Number, defaults: false } as const;
