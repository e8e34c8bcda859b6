import {
  spanKindName,
  toUnixNanos,
  type AttributeList,
  type AttributeValue,
  type FinishedSpan,
  type InstrumentationScope,
} from '@x/tracer-core';
import { jsonString } from './escape.js';

const STATUS = ['unset', 'ok', 'error'] as const;

function jsonValue(value: AttributeValue): string {
  switch (typeof value) {
    case 'string':
      return jsonString(value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      // Exact: within the safe range a JSON number, beyond it a decimal string.
      return value >= -9007199254740991n && value <= 9007199254740991n ? String(value) : `"${value}"`;
    default: {
      let out = '[';
      for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + jsonValue(value[i] as AttributeValue);
      return `${out}]`;
    }
  }
}

function jsonAttributes(list: AttributeList): string {
  let out = '{';
  for (let i = 0; i < list.length; i += 2) {
    out += `${i === 0 ? '' : ','}${jsonString(list[i] as string)}:${jsonValue(list[i + 1] as AttributeValue)}`;
  }
  return `${out}}`;
}

/**
 * `,"scope":{...}` of each scope object, made once: the recorder gives every span of a scope the same
 * object, so a line costs a lookup. Weak: a scope no span holds any more is forgotten.
 */
const scopeFields = new WeakMap<InstrumentationScope, string>();

function scopeField(scope: InstrumentationScope): string {
  let field = scopeFields.get(scope);
  if (field === undefined) {
    const version = scope.version ? `,"version":${jsonString(scope.version)}` : '';
    field = `,"scope":{"name":${jsonString(scope.name)}${version}}`;
    scopeFields.set(scope, field);
  }
  return field;
}

/**
 * One finished span as one line of JSON (NDJSON), newline included. Field names are stable and
 * documented in the package README.
 */
export function jsonLine(span: FinishedSpan): string {
  let line =
    `{"traceId":"${span.traceId}","spanId":"${span.spanId}",` +
    `"parentSpanId":${span.parentSpanId === '' ? 'null' : `"${span.parentSpanId}"`},` +
    `"name":${jsonString(span.name)},"kind":"${spanKindName(span.kind)}",` +
    `"startTimeUnixNano":"${toUnixNanos(span.startTime)}","endTimeUnixNano":"${toUnixNanos(span.endTime)}",` +
    `"durationMs":${Math.round(span.endTime - span.startTime) / 1e6},` +
    `"status":{"code":"${STATUS[span.status.code]}"${span.status.message === undefined ? '' : `,"message":${jsonString(span.status.message)}`}},` +
    `"attributes":${jsonAttributes(span.attributes)}`;
  if (span.scope !== undefined) line += scopeField(span.scope);
  if (span.parentIsRemote) line += ',"remoteParent":true';
  if (span.traceState !== '') line += `,"traceState":${jsonString(span.traceState)}`;
  if (span.events.length > 0) {
    line += ',"events":[';
    for (let i = 0; i < span.events.length; i++) {
      const event = span.events[i]!;
      line += `${i === 0 ? '' : ','}{"name":${jsonString(event.name)},"timeUnixNano":"${toUnixNanos(event.time)}","attributes":${jsonAttributes(event.attributes)}}`;
    }
    line += ']';
  }
  if (span.links.length > 0) {
    line += ',"links":[';
    for (let i = 0; i < span.links.length; i++) {
      const link = span.links[i]!;
      line += `${i === 0 ? '' : ','}{"traceId":"${link.traceId}","spanId":"${link.spanId}","attributes":${jsonAttributes(link.attributes)}}`;
    }
    line += ']';
  }
  if (span.droppedAttributesCount + span.droppedEventsCount + span.droppedLinksCount > 0) {
    line += `,"dropped":{"attributes":${span.droppedAttributesCount},"events":${span.droppedEventsCount},"links":${span.droppedLinksCount}}`;
  }
  return `${line}}\n`;
}
