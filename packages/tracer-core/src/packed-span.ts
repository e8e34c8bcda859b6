import type { AttributeValue } from './attributes.js';
import {
  BASE_SPAN_BYTES,
  EVENT_OBJECT_BYTES,
  LINK_OBJECT_BYTES,
  type FinishedEvent,
  type FinishedLink,
  type FinishedSpan,
  type MutableSpan,
} from './finished-span.js';
import { spanIdHex, traceIdHex, type SpanIdWords } from './id-words.js';
import type { SpanKind } from './span-kind.js';
import type { SpanStatus } from './span-status.js';
import type { InstrumentationScope } from './tracer-plugin.js';

/**
 * Finished spans, packed: when a span ends, everything it recorded is copied into one array of
 * exactly its size (numbers as small integers, strings and values by reference), read through a
 * {@link PackedSpan}. Why: a span as recorded is about eight V8 objects (the span, boxed times, its
 * attribute list with room to grow, an event array, event objects, their lists); kept until export,
 * each is copied by the young generation's collections and traced by the old one, which set the
 * memory of a buffered span (~625 bytes). Packed, it is two objects, ~425 bytes in all (`pnpm bench`,
 * heap-buffered), and the recording objects die young. The copy costs ~100-150 ns per span, which is
 * why packing is an option (`packFinishedSpans`) and not the default.
 *
 * Times are kept as two small integers (whole nanoseconds since the clock's origin, split at 2^30),
 * so that no number is boxed.
 */

// The record: HEADER fixed slots, then the attributes (key, value, ...), then each event (name,
// time high, time low, droppedAttributesCount, attribute slot count, attributes...), then each link
// (traceId, spanId, traceState, droppedAttributesCount, attribute slot count, attributes...).
const T0 = 0; // ..T0 + 3: the trace id words
const S0 = 4; // S0, S0 + 1: the span id words
const P0 = 6; // P0, P0 + 1: the parent's span id words (0, 0 for a root)
const KIND_AND_REMOTE = 8; // kind | 8 when the parent is remote
const NAME = 9;
const TRACE_STATE = 10;
const STATUS = 11;
const START = 12; // START, START + 1: start time high, low
const END = 14; // END, END + 1
const DROPPED_ATTRIBUTES = 16;
const DROPPED_EVENTS = 17;
const DROPPED_LINKS = 18;
const BYTE_SIZE = 19;
const EVENTS_AT = 20;
const LINKS_AT = 21;
const EVENT_COUNT = 22;
const LINK_COUNT = 23;
// The recorder's scope object itself, shared with every span of that scope: a reference, never a
// copy. Its bytes are in the recorder's estimate (`dataBytes`) only for the span that made it.
const SCOPE = 24;
const HEADER = 25;

const EVENT_SLOTS = 5;
const LINK_SLOTS = 5;
const REMOTE = 8;
const SPLIT = 2 ** 30;

/** V8 sizes (64-bit, no pointer compression): the reader, the array and its store's header, a slot. */
const READER_AND_ARRAY_BYTES = 32 + 32 + 16;
const SLOT_BYTES = 8;

/**
 * The bytes a packed span is counted for against the buffer's byte cap: the reader, the array, one
 * slot per value, and what the recorder estimated for the data itself (`dataBytes`: the live span's
 * estimate less its own per-object overheads; it already counts two slots per attribute).
 */
function packedBytes(events: number, links: number, dataBytes: number): number {
  return READER_AND_ARRAY_BYTES + SLOT_BYTES * (HEADER + EVENT_SLOTS * events + LINK_SLOTS * links) + dataBytes;
}

/** Packs a span that ended. Costs one array of its exact size and a store per value. Never throws. */
export function packSpan(span: MutableSpan): PackedSpan {
  const attributes = span.attributes;
  const events = span.events;
  const links = span.links;
  const dataBytes = span.byteSize - BASE_SPAN_BYTES - EVENT_OBJECT_BYTES * events.length - LINK_OBJECT_BYTES * links.length;
  let slots = HEADER + attributes.length;
  for (let e = 0; e < events.length; e++) slots += EVENT_SLOTS + events[e]!.attributes.length;
  for (let l = 0; l < links.length; l++) slots += LINK_SLOTS + links[l]!.attributes.length;
  const r: unknown[] = new Array(slots);
  r[T0] = span.t0;
  r[T0 + 1] = span.t1;
  r[T0 + 2] = span.t2;
  r[T0 + 3] = span.t3;
  r[S0] = span.s0;
  r[S0 + 1] = span.s1;
  r[P0] = span.p0;
  r[P0 + 1] = span.p1;
  r[KIND_AND_REMOTE] = span.parentIsRemote ? span.kind | REMOTE : span.kind;
  r[NAME] = span.name;
  r[TRACE_STATE] = span.traceState;
  r[STATUS] = span.status;
  r[SCOPE] = span.scope;
  putTime(r, START, span.startTime);
  putTime(r, END, span.endTime);
  r[DROPPED_ATTRIBUTES] = span.droppedAttributesCount;
  r[DROPPED_EVENTS] = span.droppedEventsCount;
  r[DROPPED_LINKS] = span.droppedLinksCount;
  r[BYTE_SIZE] = packedBytes(events.length, links.length, dataBytes);
  r[EVENT_COUNT] = events.length;
  r[LINK_COUNT] = links.length;
  let at = HEADER;
  for (let i = 0; i < attributes.length; i++) r[at++] = attributes[i];
  r[EVENTS_AT] = at;
  for (let e = 0; e < events.length; e++) {
    const event = events[e]!;
    r[at] = event.name;
    putTime(r, at + 1, event.time);
    r[at + 3] = event.droppedAttributesCount;
    r[at + 4] = event.attributes.length;
    at += EVENT_SLOTS;
    for (let i = 0; i < event.attributes.length; i++) r[at++] = event.attributes[i];
  }
  r[LINKS_AT] = at;
  for (let l = 0; l < links.length; l++) {
    const link = links[l]!;
    r[at] = link.traceId;
    r[at + 1] = link.spanId;
    r[at + 2] = link.traceState;
    r[at + 3] = link.droppedAttributesCount;
    r[at + 4] = link.attributes.length;
    at += LINK_SLOTS;
    for (let i = 0; i < link.attributes.length; i++) r[at++] = link.attributes[i];
  }
  return new PackedSpan(r);
}

/** A clock reading as two small integers: whole nanoseconds, split at 2^30. */
function putTime(r: unknown[], at: number, reading: number): void {
  const nanos = Math.round(reading);
  const high = Math.floor(nanos / SPLIT);
  r[at] = high;
  r[at + 1] = nanos - high * SPLIT;
}

function getTime(r: readonly unknown[], at: number): number {
  return (r[at] as number) * SPLIT + (r[at + 1] as number);
}

function slice(r: readonly unknown[], from: number, length: number): (string | AttributeValue)[] {
  const list = new Array<string | AttributeValue>(length);
  for (let i = 0; i < length; i++) list[i] = r[from + i] as string | AttributeValue;
  return list;
}

/**
 * A finished span as exporters get it: the {@link FinishedSpan} reader over a packed record. Plain
 * fields are one array read; ids are made into hex when read (binary encoders take the words:
 * `idWordsOfSpan`); `attributes`, `events` and `links` build their arrays on each read, at export,
 * so an exporter reads each once. Read-only.
 */
export class PackedSpan implements FinishedSpan, SpanIdWords {
  readonly #r: readonly unknown[];

  constructor(record: readonly unknown[]) {
    this.#r = record;
  }

  get t0(): number {
    return this.#r[T0] as number;
  }
  get t1(): number {
    return this.#r[T0 + 1] as number;
  }
  get t2(): number {
    return this.#r[T0 + 2] as number;
  }
  get t3(): number {
    return this.#r[T0 + 3] as number;
  }
  get s0(): number {
    return this.#r[S0] as number;
  }
  get s1(): number {
    return this.#r[S0 + 1] as number;
  }
  get p0(): number {
    return this.#r[P0] as number;
  }
  get p1(): number {
    return this.#r[P0 + 1] as number;
  }
  get traceId(): string {
    const r = this.#r;
    return traceIdHex(r[T0] as number, r[T0 + 1] as number, r[T0 + 2] as number, r[T0 + 3] as number);
  }
  get spanId(): string {
    return spanIdHex(this.#r[S0] as number, this.#r[S0 + 1] as number);
  }
  get parentSpanId(): string {
    const p0 = this.#r[P0] as number;
    const p1 = this.#r[P0 + 1] as number;
    return (p0 | p1) === 0 ? '' : spanIdHex(p0, p1);
  }
  get parentIsRemote(): boolean {
    return ((this.#r[KIND_AND_REMOTE] as number) & REMOTE) !== 0;
  }
  get kind(): SpanKind {
    return ((this.#r[KIND_AND_REMOTE] as number) & (REMOTE - 1)) as SpanKind;
  }
  get name(): string {
    return this.#r[NAME] as string;
  }
  get traceState(): string {
    return this.#r[TRACE_STATE] as string;
  }
  get status(): SpanStatus {
    return this.#r[STATUS] as SpanStatus;
  }
  get scope(): InstrumentationScope | undefined {
    return this.#r[SCOPE] as InstrumentationScope | undefined;
  }
  get startTime(): number {
    return getTime(this.#r, START);
  }
  get endTime(): number {
    return getTime(this.#r, END);
  }
  get droppedAttributesCount(): number {
    return this.#r[DROPPED_ATTRIBUTES] as number;
  }
  get droppedEventsCount(): number {
    return this.#r[DROPPED_EVENTS] as number;
  }
  get droppedLinksCount(): number {
    return this.#r[DROPPED_LINKS] as number;
  }
  get byteSize(): number {
    return this.#r[BYTE_SIZE] as number;
  }

  get attributes(): (string | AttributeValue)[] {
    return slice(this.#r, HEADER, (this.#r[EVENTS_AT] as number) - HEADER);
  }

  get events(): FinishedEvent[] {
    const r = this.#r;
    const events = new Array<FinishedEvent>(r[EVENT_COUNT] as number);
    let at = r[EVENTS_AT] as number;
    for (let e = 0; e < events.length; e++) {
      const length = r[at + 4] as number;
      events[e] = {
        name: r[at] as string,
        time: getTime(r, at + 1),
        attributes: slice(r, at + EVENT_SLOTS, length),
        droppedAttributesCount: r[at + 3] as number,
      };
      at += EVENT_SLOTS + length;
    }
    return events;
  }

  get links(): FinishedLink[] {
    const r = this.#r;
    const links = new Array<FinishedLink>(r[LINK_COUNT] as number);
    let at = r[LINKS_AT] as number;
    for (let l = 0; l < links.length; l++) {
      const length = r[at + 4] as number;
      links[l] = {
        traceId: r[at] as string,
        spanId: r[at + 1] as string,
        traceState: r[at + 2] as string,
        attributes: slice(r, at + LINK_SLOTS, length),
        droppedAttributesCount: r[at + 3] as number,
      };
      at += LINK_SLOTS + length;
    }
    return links;
  }
}
