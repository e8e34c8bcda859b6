import type { AttributeList, AttributeValue, FinishedSpan } from '@x/tracer-core';
import type { RequestEncoder } from '@x/tracer-http/internal';
import { idWordsOfSpan } from '@x/tracer-core/internal';
import { unixNanosHalves } from './otlp-time.js';
import { KeyValueCache } from './key-value-cache.js';
import { ProtoWriter, WIRE_FIXED32, WIRE_FIXED64, WIRE_LENGTH, WIRE_VARINT } from './protobuf-writer.js';
import type { RequestHeader } from './request-header.js';
import { ScopeEncodings, ScopeGroups } from './scope-groups.js';

export type { RequestEncoder } from '@x/tracer-http/internal';

// Field numbers from opentelemetry/proto (trace/v1/trace.proto, common/v1/common.proto).
const SPAN_FLAGS_HAS_IS_REMOTE = 0x100;
const SPAN_FLAGS_IS_REMOTE = 0x200;
const SAMPLED = 0x01;

function anyValue(w: ProtoWriter, value: AttributeValue): void {
  switch (typeof value) {
    case 'string':
      w.string(1, value);
      return;
    case 'boolean':
      w.tag(2, WIRE_VARINT);
      w.varint(value ? 1 : 0);
      return;
    case 'number':
      if (Number.isInteger(value)) {
        w.tag(3, WIRE_VARINT);
        w.int64(value);
      } else {
        w.tag(4, WIRE_FIXED64);
        w.double(value);
      }
      return;
    case 'bigint':
      w.tag(3, WIRE_VARINT);
      w.int64Big(value);
      return;
    default: {
      const array = w.fork(5);
      for (let i = 0; i < value.length; i++) {
        const item = w.fork(1);
        anyValue(w, value[i] as AttributeValue);
        w.ldelim(item);
      }
      w.ldelim(array);
    }
  }
}

/** A KeyValue's fields: key (1) and value (2). */
function keyValueFields(w: ProtoWriter, key: string, value: AttributeValue): void {
  w.string(1, key);
  const at = w.fork(2);
  anyValue(w, value);
  w.ldelim(at);
}

/** Repeated KeyValue `field` from a flat attribute list; with `cache`, repeated attributes are copied in as they were encoded. */
export function keyValues(w: ProtoWriter, field: number, list: AttributeList, cache?: KeyValueCache): void {
  for (let i = 0; i < list.length; i += 2) {
    const key = list[i] as string;
    const value = list[i + 1] as AttributeValue;
    const encoded = cache?.encoded(key, value, i >> 1);
    if (encoded !== undefined) {
      w.tag(field, WIRE_LENGTH);
      w.varint(encoded.length);
      w.raw(encoded);
      continue;
    }
    const kv = w.fork(field);
    keyValueFields(w, key, value);
    w.ldelim(kv);
  }
}

function count(w: ProtoWriter, field: number, value: number): void {
  if (value === 0) return;
  w.tag(field, WIRE_VARINT);
  w.varint(value);
}

const time = { lo: 0, hi: 0 };
function timestamp(w: ProtoWriter, field: number, reading: number): void {
  unixNanosHalves(reading, time);
  w.tag(field, WIRE_FIXED64);
  w.fixed64(time.lo, time.hi);
}

/** Trace id (1), span id (2), trace state (3) and parent span id (4): from words when the span keeps them. */
function ids(w: ProtoWriter, s: FinishedSpan): void {
  const words = idWordsOfSpan(s);
  if (words === undefined) {
    w.hexBytes(1, s.traceId);
    w.hexBytes(2, s.spanId);
    if (s.traceState !== '') w.string(3, s.traceState);
    if (s.parentSpanId !== '') w.hexBytes(4, s.parentSpanId);
    return;
  }
  w.wordBytes(1, 4, words.t0, words.t1, words.t2, words.t3);
  w.wordBytes(2, 2, words.s0, words.s1);
  if (s.traceState !== '') w.string(3, s.traceState);
  if ((words.p0 | words.p1) !== 0) w.wordBytes(4, 2, words.p0, words.p1);
}

function span(w: ProtoWriter, s: FinishedSpan, cache: KeyValueCache): void {
  ids(w, s);
  w.string(5, s.name);
  w.tag(6, WIRE_VARINT);
  w.varint(s.kind + 1); // OTLP's enum has UNSPECIFIED at 0
  timestamp(w, 7, s.startTime);
  timestamp(w, 8, s.endTime);
  keyValues(w, 9, s.attributes, cache);
  count(w, 10, s.droppedAttributesCount);
  for (const event of s.events) {
    const e = w.fork(11);
    timestamp(w, 1, event.time);
    w.string(2, event.name);
    keyValues(w, 3, event.attributes, cache);
    count(w, 4, event.droppedAttributesCount);
    w.ldelim(e);
  }
  count(w, 12, s.droppedEventsCount);
  for (const link of s.links) {
    const l = w.fork(13);
    w.hexBytes(1, link.traceId);
    w.hexBytes(2, link.spanId);
    if (link.traceState !== '') w.string(3, link.traceState);
    keyValues(w, 4, link.attributes);
    count(w, 5, link.droppedAttributesCount);
    w.tag(6, WIRE_FIXED32);
    w.fixed32(SAMPLED | SPAN_FLAGS_HAS_IS_REMOTE);
    w.ldelim(l);
  }
  count(w, 14, s.droppedLinksCount);
  const status = w.fork(15);
  if (s.status.message !== undefined) w.string(2, s.status.message);
  if (s.status.code !== 0) {
    w.tag(3, WIRE_VARINT);
    w.varint(s.status.code);
  }
  w.ldelim(status);
  w.tag(16, WIRE_FIXED32);
  w.fixed32(SAMPLED | SPAN_FLAGS_HAS_IS_REMOTE | (s.parentIsRemote ? SPAN_FLAGS_IS_REMOTE : 0));
}


/** An `InstrumentationScope` as field 1 of `ScopeSpans`, tag and length included. */
function scopeField(name: string, version: string): Uint8Array {
  const w = new ProtoWriter(64 + 3 * (name.length + version.length));
  const at = w.fork(1);
  w.string(1, name);
  if (version !== '') w.string(2, version);
  w.ldelim(at);
  return w.finish();
}

/**
 * The spans of one `ScopeSpans` while a request is written. The first scope seen writes straight
 * into the request (`at` is where its length goes), so a batch of one scope, the usual case, is
 * written exactly as before; any other scope gets a writer of its own, copied in after the first
 * at `end` (protobuf needs a message's fields together, and spans of scopes interleave).
 */
interface ScopeSpansGroup {
  readonly w: ProtoWriter;
  readonly at: number;
  readonly scope: Uint8Array;
}

interface ProtobufRequest {
  readonly w: ProtoWriter;
  readonly resourceSpans: number;
  readonly groups: ScopeGroups<Uint8Array, ScopeSpansGroup>;
}

/** Room a request's writer starts with at least; and at most, whatever the last request took. */
const MIN_REQUEST_BYTES = 64 * 1024;
const MAX_START_BYTES = 8 * 1024 * 1024;

/** Room a second scope's writer starts with: a few spans' worth, not the request's 64 KiB. */
const GROUP_WRITER_BYTES = 4096;

/**
 * An `ExportTraceServiceRequest` encoder, straight from recorded spans to protobuf bytes (no
 * intermediate objects). The resource, the same on every request, is encoded once; each scope once,
 * the first time a span of it is seen (`ScopeEncodings`). Spans are grouped into one `ScopeSpans`
 * per distinct scope (name and version) in first-seen order, spans without a scope under the
 * configured one. Pure: spans in, bytes out; each request has its own writer and its bytes are the
 * caller's.
 */
export function createProtobufEncoder(header: RequestHeader): RequestEncoder {
  const prefix = new ProtoWriter();
  const resource = prefix.fork(1);
  keyValues(prefix, 1, header.resource);
  prefix.ldelim(resource);
  const resourceBytes = prefix.finish();
  const scopes = new ScopeEncodings(header, scopeField);
  const cache = new KeyValueCache(keyValueFields);
  /**
   * Room the next request's writer starts with: the last request's size, so that a steady stream
   * of full batches allocates one buffer a request instead of doubling its way up from 64 KiB (a
   * 2048-span request went through five buffers, each zeroed and copied into the next).
   */
  let startBytes = MIN_REQUEST_BYTES;

  return {
    begin(): ProtobufRequest {
      const w = new ProtoWriter(startBytes);
      const resourceSpans = w.fork(1);
      w.raw(resourceBytes);
      const groups = new ScopeGroups(scopes, (scope, first): ScopeSpansGroup => {
        if (!first) return { w: new ProtoWriter(GROUP_WRITER_BYTES), at: -1, scope: scope.encoded };
        const at = w.fork(2);
        w.raw(scope.encoded);
        return { w, at, scope: scope.encoded };
      });
      return { w, resourceSpans, groups };
    },
    append(request, spans, from, to) {
      const { groups } = request as ProtobufRequest;
      for (let i = from; i < to; i++) {
        const s = spans[i]!;
        const { w } = groups.of(s.scope);
        const at = w.fork2(2);
        span(w, s, cache);
        w.ldelim2(at);
      }
    },
    end(request) {
      const { w, resourceSpans, groups } = request as ProtobufRequest;
      for (const group of groups.groups.values()) {
        if (group.w === w) {
          w.ldelim(group.at);
          continue;
        }
        const at = w.fork(2);
        w.raw(group.scope);
        w.raw(group.w.buf.subarray(0, group.w.pos));
        w.ldelim(at);
      }
      w.ldelim(resourceSpans);
      // Never below 64 KiB, and shrinking only when a request used less than half of it.
      startBytes = Math.max(MIN_REQUEST_BYTES, w.pos * 2 < startBytes ? startBytes >> 1 : Math.min(w.buf.length, MAX_START_BYTES));
      return w.buf.subarray(0, w.pos);
    },
  };
}

/** Encodes `spans` as one request at once (for callers that do not slice). */
export function encodeAll(encoder: RequestEncoder, spans: readonly FinishedSpan[]): Uint8Array {
  const request = encoder.begin();
  encoder.append(request, spans, 0, spans.length);
  return encoder.end(request);
}
