import { SpanKind, SpanStatusCode, type FinishedSpan, type InstrumentationScope } from '@x/tracer-core';
import { remoteEndpointOf, type ZipkinEndpoint } from './remote-endpoint.js';
import { attributeObject, putTags } from './zipkin-tags.js';
import { durationMicros, unixMicros } from './zipkin-time.js';

/** A Zipkin v2 span as sent (zipkin2-api.yaml `Span`); absent fields are left out, not null. */
export interface ZipkinSpan {
  traceId: string;
  id: string;
  parentId?: string;
  name: string;
  kind?: 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER';
  timestamp: number;
  duration: number;
  localEndpoint: ZipkinEndpoint;
  remoteEndpoint?: ZipkinEndpoint;
  annotations?: { timestamp: number; value: string }[];
  tags?: Record<string, string>;
}

/** What every span of one tracer shares, resolved once at creation. */
export interface ZipkinSpanContext {
  readonly localEndpoint: ZipkinEndpoint;
  /** Resource attributes other than `service.name`, as tags; a span's own attributes win over them. */
  readonly resourceTags: Readonly<Record<string, string>>;
  /** The scope of spans started without one. */
  readonly scope: InstrumentationScope;
}

// Indexed by the core's SpanKind; INTERNAL has no Zipkin kind and is left out, as the mapping says.
const KINDS = [undefined, 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const;

/** The spans whose peer Zipkin draws as a dependency, so the ones that get a remote endpoint. */
function hasRemoteEndpoint(kind: SpanKind): boolean {
  return kind === SpanKind.CLIENT || kind === SpanKind.PRODUCER;
}

function annotationsOf(span: FinishedSpan): ZipkinSpan['annotations'] {
  if (span.events.length === 0) return undefined;
  const seen = new Set<string>();
  const out: { timestamp: number; value: string }[] = [];
  for (const event of span.events) {
    // Zipkin annotations carry no attributes: the mapping puts them in the value as `"name": {...}`.
    const value = event.attributes.length === 0 ? event.name : `${JSON.stringify(event.name)}: ${JSON.stringify(attributeObject(event.attributes))}`;
    const timestamp = unixMicros(event.time);
    // The schema wants unique annotations; two equal events in one microsecond say no more than one.
    const key = `${timestamp} ${value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ timestamp, value });
  }
  return out;
}

function tagsOf(span: FinishedSpan, context: ZipkinSpanContext): Record<string, string> {
  // No prototype: an attribute named "__proto__" is a tag like any other.
  const tags: Record<string, string> = Object.assign(Object.create(null) as Record<string, string>, context.resourceTags);
  putTags(tags, span.attributes);
  const scope = span.scope ?? context.scope;
  tags['otel.scope.name'] = scope.name;
  if (scope.version !== undefined && scope.version !== '') tags['otel.scope.version'] = scope.version;
  if (span.droppedAttributesCount > 0) tags['otel.dropped_attributes_count'] = String(span.droppedAttributesCount);
  if (span.droppedEventsCount > 0) tags['otel.dropped_events_count'] = String(span.droppedEventsCount);
  // Zipkin has no links: the ones the span kept are lost here, so they count as dropped too.
  const droppedLinks = span.droppedLinksCount + span.links.length;
  if (droppedLinks > 0) tags['otel.dropped_links_count'] = String(droppedLinks);
  if (span.status.code === SpanStatusCode.ERROR) {
    tags['otel.status_code'] = 'ERROR';
    tags.error = span.status.message ?? '';
  } else {
    // Zipkin reads any `error` tag as a failure: only an ERROR status may set it.
    delete tags.error;
    if (span.status.code === SpanStatusCode.OK) tags['otel.status_code'] = 'OK';
    else delete tags['otel.status_code'];
  }
  return tags;
}

/**
 * One finished span as a Zipkin v2 span, as OpenTelemetry's "OpenTelemetry to Zipkin
 * Transformation" says: lowercase hex ids, microsecond times, INTERNAL without a kind, attributes,
 * status, dropped counts and scope as string tags, events as annotations. Pure.
 */
export function toZipkinSpan(span: FinishedSpan, context: ZipkinSpanContext): ZipkinSpan {
  const out: ZipkinSpan = {
    traceId: span.traceId,
    id: span.spanId,
    name: span.name,
    timestamp: unixMicros(span.startTime),
    duration: durationMicros(span.startTime, span.endTime),
    localEndpoint: context.localEndpoint,
  };
  if (span.parentSpanId !== '') out.parentId = span.parentSpanId;
  const kind = KINDS[span.kind];
  if (kind !== undefined) out.kind = kind;
  if (hasRemoteEndpoint(span.kind)) {
    const remote = remoteEndpointOf(span.attributes);
    if (remote !== undefined) out.remoteEndpoint = remote;
  }
  const annotations = annotationsOf(span);
  if (annotations !== undefined) out.annotations = annotations;
  out.tags = tagsOf(span, context);
  return out;
}
