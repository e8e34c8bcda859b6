import { toUnixNanos, type AttributeList, type AttributeValue, type FinishedSpan } from '@x/tracer-core';
import type { RequestEncoder } from './otlp-protobuf.js';
import type { RequestHeader } from './request-header.js';
import { ScopeEncodings, ScopeGroups } from './scope-groups.js';

// OTLP/JSON (the protobuf JSON mapping with OTLP's exceptions): lowerCamelCase keys, trace and
// span ids as hex, enums as integers, 64-bit integers (times, intValue) as decimal strings.

const str = JSON.stringify;

function anyValue(value: AttributeValue): string {
  switch (typeof value) {
    case 'string':
      return `{"stringValue":${str(value)}}`;
    case 'boolean':
      return `{"boolValue":${value}}`;
    case 'number':
      return Number.isInteger(value) ? `{"intValue":"${value}"}` : `{"doubleValue":${value}}`;
    case 'bigint':
      return `{"intValue":"${value}"}`;
    default: {
      let out = '{"arrayValue":{"values":[';
      for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + anyValue(value[i] as AttributeValue);
      return `${out}]}}`;
    }
  }
}

function keyValues(list: AttributeList): string {
  let out = '[';
  for (let i = 0; i < list.length; i += 2) {
    out += `${i === 0 ? '' : ','}{"key":${str(list[i])},"value":${anyValue(list[i + 1] as AttributeValue)}}`;
  }
  return `${out}]`;
}

function span(s: FinishedSpan): string {
  let out = `{"traceId":"${s.traceId}","spanId":"${s.spanId}"`;
  if (s.traceState !== '') out += `,"traceState":${str(s.traceState)}`;
  if (s.parentSpanId !== '') out += `,"parentSpanId":"${s.parentSpanId}"`;
  out +=
    `,"flags":${0x101 | (s.parentIsRemote ? 0x200 : 0)},"name":${str(s.name)},"kind":${s.kind + 1}` +
    `,"startTimeUnixNano":"${toUnixNanos(s.startTime)}","endTimeUnixNano":"${toUnixNanos(s.endTime)}"` +
    `,"attributes":${keyValues(s.attributes)},"droppedAttributesCount":${s.droppedAttributesCount},"events":[`;
  for (let i = 0; i < s.events.length; i++) {
    const e = s.events[i]!;
    out +=
      `${i === 0 ? '' : ','}{"timeUnixNano":"${toUnixNanos(e.time)}","name":${str(e.name)}` +
      `,"attributes":${keyValues(e.attributes)},"droppedAttributesCount":${e.droppedAttributesCount}}`;
  }
  out += `],"droppedEventsCount":${s.droppedEventsCount},"links":[`;
  for (let i = 0; i < s.links.length; i++) {
    const l = s.links[i]!;
    out +=
      `${i === 0 ? '' : ','}{"traceId":"${l.traceId}","spanId":"${l.spanId}"` +
      `${l.traceState === '' ? '' : `,"traceState":${str(l.traceState)}`}` +
      `,"attributes":${keyValues(l.attributes)},"droppedAttributesCount":${l.droppedAttributesCount},"flags":257}`;
  }
  const status = s.status.message === undefined ? '' : `,"message":${str(s.status.message)}`;
  return `${out}],"droppedLinksCount":${s.droppedLinksCount},"status":{"code":${s.status.code}${status}}}`;
}

/** The start of a `ScopeSpans`: its scope, and the spans array opened. */
function scopeSpansHead(name: string, version: string): string {
  return `{"scope":{"name":${str(name)}${version === '' ? '' : `,"version":${str(version)}`}},"spans":[`;
}

/** The spans of one `ScopeSpans` while a request is written. */
interface ScopeSpansText {
  readonly head: string;
  spans: string;
  count: number;
}

/**
 * An `ExportTraceServiceRequest` as OTLP/JSON bytes (UTF-8), in steps like the protobuf encoder, with
 * the same grouping: one `ScopeSpans` per distinct scope in first-seen order. Pure.
 */
export function createJsonEncoder(header: RequestHeader): RequestEncoder {
  const prefix = `{"resourceSpans":[{"resource":{"attributes":${keyValues(header.resource)},"droppedAttributesCount":0},"scopeSpans":[`;
  const scopes = new ScopeEncodings(header, scopeSpansHead);
  const open = (scope: { encoded: string }): ScopeSpansText => ({ head: scope.encoded, spans: '', count: 0 });
  return {
    begin: () => new ScopeGroups(scopes, open),
    append(request, spans, from, to) {
      const groups = request as ScopeGroups<string, ScopeSpansText>;
      for (let i = from; i < to; i++) {
        const s = spans[i]!;
        const group = groups.of(s.scope);
        group.spans += (group.count++ === 0 ? '' : ',') + span(s);
      }
    },
    end(request) {
      let text = prefix;
      let first = true;
      for (const group of (request as ScopeGroups<string, ScopeSpansText>).groups.values()) {
        text += `${first ? '' : ','}${group.head}${group.spans}]}`;
        first = false;
      }
      return Buffer.from(`${text}]}]}`, 'utf8');
    },
  };
}
