// From a decoded ExportTraceServiceRequest to store rows: the one place OTLP's fields meet the
// columns, shared by the protobuf and JSON decoders so both encodings store the same rows.
import {
  cut,
  MAX_OPERATION_NAME,
  MAX_SERVICE_NAME,
  nodeIdFrom,
  SPAN_KIND_NAMES,
  type JsonObject,
  type SpanLink,
  type SpanLog,
  type SpanRow,
} from '../span-row.js';
import { attributesObject } from './otlp-attributes.js';
import type { IdReader, PlainEvent, PlainLink, PlainRequest, PlainSpan } from './otlp-plain.js';

/** The rows of a request, and how many of its spans could not be stored (and why, for the sender). */
export interface DecodedSpans {
  rows: SpanRow[];
  rejected: number;
  /** The first reason a span was rejected, for `partial_success.error_message`; absent when none was. */
  rejectionMessage?: string;
}

const DEFAULT_SERVICE_NAME = 'unknown_service';
const ZERO_TRACE_ID = '0'.repeat(32);
const ZERO_SPAN_ID = '0'.repeat(16);

export function rowsOf(request: PlainRequest, readId: IdReader): DecodedSpans {
  const rows: SpanRow[] = [];
  let rejected = 0;
  let rejectionMessage: string | undefined;
  for (const resourceSpans of request.resourceSpans ?? []) {
    const resource = attributesObject(resourceSpans.resource?.attributes);
    const service = resource['service.name'];
    const shared = {
      serviceName: cut(typeof service === 'string' && service !== '' ? service : DEFAULT_SERVICE_NAME, MAX_SERVICE_NAME),
      nodeId: nodeIdFrom(resource),
      resource,
    };
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      const scope = { scopeName: scopeSpans.scope?.name || null, scopeVersion: scopeSpans.scope?.version || null };
      for (const span of scopeSpans.spans ?? []) {
        const ids = idsOf(span, readId);
        if (typeof ids === 'string') {
          rejected++;
          rejectionMessage ??= ids;
          continue;
        }
        const times = timesOf(span);
        if (typeof times === 'string') {
          rejected++;
          rejectionMessage ??= times;
          continue;
        }
        rows.push({ ...ids, ...shared, ...scope, ...times, ...spanFields(span, readId) });
      }
    }
  }
  return rejectionMessage === undefined ? { rows, rejected } : { rows, rejected, rejectionMessage };
}

type SpanIds = Pick<SpanRow, 'traceId' | 'spanId' | 'parentSpanId'>;

/** The span's ids, or why they cannot key a row (a message naming the span, for the sender). */
function idsOf(span: PlainSpan, readId: IdReader): SpanIds | string {
  const traceId = readId(span.traceId);
  const spanId = readId(span.spanId);
  const parentSpanId = readId(span.parentSpanId);
  const which = `span ${JSON.stringify(span.name ?? '')}`;
  if (traceId === null || traceId.length !== 32 || traceId === ZERO_TRACE_ID) {
    return `${which}: trace id must be 16 bytes, not all zero`;
  }
  if (spanId === null || spanId.length !== 16 || spanId === ZERO_SPAN_ID) {
    return `${which}: span id must be 8 bytes, not all zero`;
  }
  if (parentSpanId === null || (parentSpanId !== '' && parentSpanId.length !== 16)) {
    return `${which}: parent span id must be empty or 8 bytes`;
  }
  return { traceId, spanId, parentSpanId: parentSpanId === '' || parentSpanId === ZERO_SPAN_ID ? null : parentSpanId };
}

type SpanTimes = Pick<SpanRow, 'startUnixNanos' | 'durationNanos'>;

/** Largest time a row keeps: the columns are signed 64-bit. */
const MAX_NANOS = 2n ** 63n - 1n;

/**
 * The span's start and duration, or why they cannot be stored: a start of 0 is a span without one
 * (OTLP requires it), and times past 2^63 do not fit the columns (a protobuf decoder reads a
 * negative or non-numeric fixed64 in JSON as such a value, or as 0).
 */
function timesOf(span: PlainSpan): SpanTimes | string {
  const start = nanos(span.startTimeUnixNano);
  const end = nanos(span.endTimeUnixNano);
  const which = `span ${JSON.stringify(span.name ?? '')}`;
  if (start === 0n) return `${which}: start_time_unix_nano is missing or 0`;
  if (start > MAX_NANOS || end > MAX_NANOS) return `${which}: times must be nanoseconds since 1970 below 2^63`;
  return { startUnixNanos: start, durationNanos: end > start ? end - start : 0n };
}

type SpanFields = Omit<SpanRow, keyof SpanIds | keyof SpanTimes | 'serviceName' | 'nodeId' | 'resource' | 'scopeName' | 'scopeVersion'>;

function spanFields(span: PlainSpan, readId: IdReader): SpanFields {
  const code = span.status?.code;
  const links = (span.links ?? []).flatMap((link) => linkOf(link, readId));
  return {
    operationName: cut(span.name ?? '', MAX_OPERATION_NAME),
    kind: SPAN_KIND_NAMES[span.kind ?? 0] ?? 'unspecified',
    statusCode: code === 1 || code === 2 ? code : 0,
    statusMessage: span.status?.message || null,
    tags: attributesObject(span.attributes),
    logs: (span.events ?? []).map(logOf),
    links,
    traceState: span.traceState || null,
    droppedAttributesCount: span.droppedAttributesCount ?? 0,
    droppedEventsCount: span.droppedEventsCount ?? 0,
    // Links left out for unreadable ids are counted as dropped: nothing goes missing unsaid.
    droppedLinksCount: (span.droppedLinksCount ?? 0) + (span.links?.length ?? 0) - links.length,
  };
}

function logOf(event: PlainEvent): SpanLog {
  return {
    name: event.name ?? '',
    time_unix_nano: nanos(event.timeUnixNano).toString(),
    attributes: attributesObject(event.attributes),
    dropped_attributes_count: event.droppedAttributesCount ?? 0,
  };
}

// A link whose ids are unreadable points nowhere: it is left out (and counted as dropped) rather
// than costing the whole span, which is sound.
function linkOf(link: PlainLink, readId: IdReader): SpanLink[] {
  const traceId = readId(link.traceId);
  const spanId = readId(link.spanId);
  if (traceId?.length !== 32 || spanId?.length !== 16) return [];
  const attributes: JsonObject = attributesObject(link.attributes);
  return [{ trace_id: traceId, span_id: spanId, trace_state: link.traceState ?? '', attributes, dropped_attributes_count: link.droppedAttributesCount ?? 0 }];
}

// fixed64 arrives as a decimal string (toObject's `longs: String`); absent means 0.
function nanos(decimal: string | undefined): bigint {
  return decimal === undefined || !/^\d+$/.test(decimal) ? 0n : BigInt(decimal);
}
