import {
  estimateValueBytes,
  isAttributeKey,
  normalizeAttributeValue,
  type AttributeValue,
  type Attributes,
} from './attributes.js';
import { spanIdHex, traceIdHex } from './id-words.js';
import { LIVE } from './live-spans.js';
import type { SpanKind } from './span-kind.js';
import type { SpanLimits } from './span-limits.js';
import { UNSET_STATUS, type SpanStatus } from './span-status.js';
import type { InstrumentationScope } from './tracer-plugin.js';

/**
 * Attributes as they are kept while recording: a flat list `[key0, value0, key1, value1, ...]`
 * of unique keys in insertion order. One array per span instead of a dictionary object keeps
 * a buffered span small; {@link attributesToRecord} gives the object form.
 */
export type AttributeList = readonly (string | AttributeValue)[];

/** An event as kept on a recorded span. `time` is a clock reading (see `clock.ts`). */
export interface FinishedEvent {
  readonly name: string;
  readonly time: number;
  readonly attributes: AttributeList;
  readonly droppedAttributesCount: number;
}

/** A link as kept on a recorded span. */
export interface FinishedLink {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceState: string;
  readonly attributes: AttributeList;
  readonly droppedAttributesCount: number;
}

/**
 * A span as tracers keep it, live and finished: what exporters and encoders read. Times are
 * clock readings (nanoseconds since `ORIGIN_UNIX_NANOS`); `toUnixNanos` converts them.
 * Exporters must treat it as read-only.
 */
export interface FinishedSpan {
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root. */
  readonly parentSpanId: string;
  /** True when the parent came from elsewhere (a handle this tracer never issued). */
  readonly parentIsRemote: boolean;
  /** W3C tracestate, '' when none. */
  readonly traceState: string;
  readonly name: string;
  readonly kind: SpanKind;
  readonly startTime: number;
  /** Negative while the span is live (see `live-spans.ts`); the end reading once ended. */
  readonly endTime: number;
  readonly attributes: AttributeList;
  readonly droppedAttributesCount: number;
  readonly events: readonly FinishedEvent[];
  readonly droppedEventsCount: number;
  readonly links: readonly FinishedLink[];
  readonly droppedLinksCount: number;
  readonly status: SpanStatus;
  /**
   * What produced the span (`SpanStart.scope`), validated: frozen, `version` undefined when none.
   * Undefined when the caller gave none or a malformed one: the exporter's default scope applies.
   * Spans started with the same scope object share one scope object, so exporters may key caches on
   * it; two different objects may still hold the same name and version.
   */
  readonly scope: InstrumentationScope | undefined;
  /** A rough retained size in bytes, kept up to date while recording, for byte-capped buffers. */
  readonly byteSize: number;
}

const NONE: readonly never[] = Object.freeze([]);
/** What a live span's `byteSize` counts for the span object itself, before any of its data. */
export const BASE_SPAN_BYTES = 320;
/** What a live span's `byteSize` counts for each event's and each link's objects, beyond their data. */
export const EVENT_OBJECT_BYTES = 64;
export const LINK_OBJECT_BYTES = 96;
/** Longest span or event name kept; longer names are cut, so no name can hold a buffer hostage. */
export const MAX_NAME_LENGTH = 4096;

/** A name as kept: a string cut to {@link MAX_NAME_LENGTH}; anything else becomes ''. */
export function normalizeName(value: unknown): string {
  if (typeof value !== 'string') return '';
  return value.length > MAX_NAME_LENGTH ? value.slice(0, MAX_NAME_LENGTH) : value;
}

/**
 * Adds or overwrites `key` in a flat list, honoring `countLimit` for new keys. Returns the byte
 * estimate added, or -1 when the attribute was dropped (bad key, bad value or over the limit).
 */
export function putAttribute(
  list: (string | AttributeValue)[],
  key: unknown,
  value: unknown,
  limits: SpanLimits,
  countLimit: number,
): number {
  if (!isAttributeKey(key)) return -1;
  const normalized = normalizeAttributeValue(value, limits.attributeValueLengthLimit);
  if (normalized === undefined) return -1;
  for (let i = 0; i < list.length; i += 2) {
    if (list[i] === key) {
      list[i + 1] = normalized;
      return 0;
    }
  }
  if (list.length >= countLimit * 2) return -1;
  list.push(key, normalized);
  return 16 + 2 * key.length + estimateValueBytes(normalized);
}

/** Counts filled in by {@link copyAttributes}: reuse one to avoid allocating. */
export interface CopyCounts {
  dropped: number;
  bytes: number;
}

const scratch: (string | AttributeValue)[] = [];

/**
 * Copies a caller's attribute record into a new flat list, dropping what is not valid (counted in
 * `counts`). Keys of an object are unique, so there is no duplicate scan. With `spare` 0 (events,
 * links: nothing is added later) the list is built in a scratch array and copied at its exact size
 * (a pushed-to array holds 16 slots); otherwise it is pushed to directly, which leaves V8's room for
 * later `setAttribute`s (measured: 20% faster than the scratch copy, for ~50 bytes more per span).
 * Never throws.
 */
export function copyAttributes(
  record: unknown,
  limits: SpanLimits,
  countLimit: number,
  counts: CopyCounts,
  spare = 0,
): (string | AttributeValue)[] {
  counts.dropped = 0;
  counts.bytes = 0;
  if (typeof record !== 'object' || record === null) return [];
  const pushed = spare > 0;
  const list: (string | AttributeValue)[] = pushed ? [] : scratch;
  let length = 0;
  try {
    for (const key in record) {
      if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
      const value = normalizeAttributeValue((record as Record<string, unknown>)[key], limits.attributeValueLengthLimit);
      if (value === undefined || key === '' || length >= countLimit * 2) {
        counts.dropped++;
        continue;
      }
      list[length++] = key;
      list[length++] = value;
      counts.bytes += 16 + 2 * key.length + estimateValueBytes(value);
    }
  } catch {
    counts.dropped++;
  }
  if (pushed) return list;
  const exact: (string | AttributeValue)[] = new Array(length);
  for (let i = 0; i < length; i++) {
    exact[i] = scratch[i]!;
    scratch[i] = '';
  }
  return exact;
}

/** The object form of an attribute list, with a null prototype (so `__proto__` is just a key). */
export function attributesToRecord(list: AttributeList): Attributes {
  const out: Attributes = Object.create(null);
  for (let i = 0; i < list.length; i += 2) out[list[i] as string] = list[i + 1] as AttributeValue;
  return out;
}

/**
 * The mutable span behind {@link FinishedSpan}; only recorders write to it. Its ids are kept as words
 * (see `id-words.ts`); `traceId`, `spanId` and `parentSpanId` make the hex when read, at export.
 */
export class MutableSpan implements FinishedSpan {
  /** `LIVE` while live, `EVICTED` once evicted from the live table, else the end reading. */
  endTime = LIVE;
  /** The live table's slot for this span (see `LiveSpanTable`). */
  liveSlot = -1;
  attributes: (string | AttributeValue)[];
  droppedAttributesCount: number;
  events: FinishedEvent[] = NONE as never;
  droppedEventsCount = 0;
  links: readonly FinishedLink[] = NONE;
  droppedLinksCount = 0;
  status: SpanStatus = UNSET_STATUS;
  byteSize: number;

  // The ids as parameters, not a base class: a derived constructor costs ~30 ns per span here.
  constructor(
    readonly t0: number,
    readonly t1: number,
    readonly t2: number,
    readonly t3: number,
    readonly s0: number,
    readonly s1: number,
    /** The parent's span id words; both 0 for a root. */
    readonly p0: number,
    readonly p1: number,
    readonly parentIsRemote: boolean,
    /** Written again only by a tail sampler, which restates its decision's threshold before handing the span on. */
    public traceState: string,
    /** Written again only by `SpanRecorder.updateName`, which keeps `byteSize` in step. */
    public name: string,
    readonly kind: SpanKind,
    readonly startTime: number,
    readonly scope: InstrumentationScope | undefined,
    attributes: (string | AttributeValue)[],
    droppedAttributesCount: number,
    /** What the attributes and the scope add to the estimate (see `ScopeCache.bytesAdded`). */
    dataBytes: number,
  ) {
    this.attributes = attributes;
    this.droppedAttributesCount = droppedAttributesCount;
    this.byteSize = BASE_SPAN_BYTES + 2 * name.length + dataBytes;
  }

  get traceId(): string {
    return traceIdHex(this.t0, this.t1, this.t2, this.t3);
  }

  get spanId(): string {
    return spanIdHex(this.s0, this.s1);
  }

  get parentSpanId(): string {
    return (this.p0 | this.p1) === 0 ? '' : spanIdHex(this.p0, this.p1);
  }
}
