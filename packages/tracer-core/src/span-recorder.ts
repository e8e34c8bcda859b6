import { fromUnixNanos, now } from './clock.js';
import { createIdGenerator, type IdGenerator } from './id-generator.js';
import { ScopeCache } from './instrumentation-scope.js';
import { LiveSpans, type Placement } from './live-spans.js';
import { copyAttributes, EVENT_OBJECT_BYTES, LINK_OBJECT_BYTES, MutableSpan, type FinishedSpan, normalizeName, putAttribute, type CopyCounts, type FinishedEvent, type FinishedLink } from './finished-span.js';
import { SpanHandle } from './span-handle.js';
import { packSpan } from './packed-span.js';
import { isSpanKind, SpanKind } from './span-kind.js';
import { resolveSpanLimits, type SpanLimits } from './span-limits.js';
import { normalizeStatus } from './span-status.js';
import type { TracerCounters } from './tracer-counters.js';
import type { SpanEvent, SpanLink, SpanStart } from './tracer-plugin.js';
import { booleanOption, positiveInteger } from './validate.js';

/** Options shared by every tracer built on {@link SpanRecorder}. */
export interface RecorderOptions {
  /**
   * Spans started and not ended that may be held at once. When full, the oldest is evicted and
   * counted as dropped (`live-evicted`), so a leak of never-ended spans cannot grow memory.
   * @defaultValue 16384
   */
  readonly maxLiveSpans?: number;
  /** Caps per span; see {@link SpanLimits}. @defaultValue DEFAULT_SPAN_LIMITS */
  readonly spanLimits?: Partial<SpanLimits>;
  /** Where new ids come from. @defaultValue createIdGenerator() */
  readonly idGenerator?: IdGenerator;
  /**
   * Pack each span when it ends into one array of its exact size (see `packed-span.ts`): a buffered
   * span then holds about 425 bytes instead of about 625 (the benchmark's span; `pnpm bench`,
   * heap-buffered), for about 100-150 ns more per span on the recording path (copying some 40 values
   * costs that in V8). For services whose buffer is large for long (a collector down for minutes)
   * and whose span rate is modest. @defaultValue false
   */
  readonly packFinishedSpans?: boolean;
}

export const DEFAULT_MAX_LIVE_SPANS = 16_384;

const NO_ATTRIBUTES: readonly never[] = Object.freeze([]);

/**
 * The recording half of a tracer: turns the recording calls into {@link MutableSpan}s and
 * hands each one to `onEnd` when it ends. It enforces the contract every plugin shares (never
 * throw, no-op on unknown handles, parent rules, limits, counted drops) so that tracers differ
 * only in what they do with finished spans.
 *
 * Cost: `startSpan` reads the clock once, draws one span id (and a trace id for a root) and
 * allocates the span, its attribute list and the handle (a `SpanRef`, which lets the other
 * calls find the span without a lookup). Nothing else allocates unless it adds data. No method does
 * I/O or throws: a hostile argument (throwing getter, proxy) is caught and counted in `invalidCalls`.
 */
export class SpanRecorder {
  readonly #live: LiveSpans<MutableSpan>;
  readonly #limits: SpanLimits;
  readonly #counters: TracerCounters;
  /** Hands a span that ended to `onEnd`: as it is, or packed (chosen once, from the options). */
  readonly #finish: (span: MutableSpan) => void;
  readonly #packs: boolean;
  readonly #counts: CopyCounts = { dropped: 0, bytes: 0 };
  readonly #scopes: ScopeCache;

  constructor(options: RecorderOptions, counters: TracerCounters, onEnd: (span: FinishedSpan) => void) {
    this.#live = new LiveSpans({
      maxSpans: positiveInteger('maxLiveSpans', options.maxLiveSpans, DEFAULT_MAX_LIVE_SPANS),
      ids: options.idGenerator ?? createIdGenerator(),
      counters,
    });
    this.#limits = resolveSpanLimits(options.spanLimits);
    this.#counters = counters;
    this.#scopes = new ScopeCache(counters);
    this.#packs = booleanOption('packFinishedSpans', options.packFinishedSpans, false);
    this.#finish = this.#packs ? (span) => onEnd(packSpan(span)) : onEnd;
  }

  get liveCount(): number {
    return this.#live.size;
  }

  /** Whether finished spans are packed (`packFinishedSpans`). */
  get packs(): boolean {
    return this.#packs;
  }

  /** The limits this recorder applies. */
  get limits(): SpanLimits {
    return this.#limits;
  }

  /**
   * Forgets a live span without ending it (its owner evicted it elsewhere and counted the drop).
   * Never throws.
   */
  discard(handle: SpanHandle): void {
    this.#live.discard(handle);
  }

  get closed(): boolean {
    return this.#live.closed;
  }

  /**
   * Stops recording: later calls are counted in `ignoredAfterShutdown`. Spans still live are
   * dropped and counted as `live-evicted` (they never ended, so there is nothing to export).
   */
  close(): void {
    this.#live.close();
  }

  startSpan(start: SpanStart): SpanHandle {
    return this.#live.start(start, this.#create, this);
  }

  /** A span where the live table placed it (`LiveSpans.start` guards the call and makes it live). */
  #create(start: SpanStart, placement: Placement<MutableSpan>): MutableSpan {
    const kind = isSpanKind(start.kind) ? start.kind : SpanKind.INTERNAL;
    const startTime = start.startTimeUnixNanos === undefined ? now() : (fromUnixNanos(start.startTimeUnixNanos) ?? now());
    const traceState = typeof start.traceState === 'string' ? start.traceState : '';
    // Most spans have no scope: then this is one read and one comparison.
    const scopeInput = start.scope;
    const scope = scopeInput === undefined ? undefined : this.#scopes.resolve(scopeInput);

    const limits = this.#limits;
    let attributes: MutableSpan['attributes'];
    let droppedAttributes = 0;
    let attributeBytes = 0;
    if (start.attributes === undefined) attributes = [];
    else {
      const counts = this.#counts;
      // Two spare slots: most spans get an attribute or two more after they start.
      attributes = copyAttributes(start.attributes, limits, limits.attributeCountLimit, counts, 2);
      droppedAttributes = counts.dropped;
      attributeBytes = counts.bytes;
      this.#counters.attributesDropped += droppedAttributes;
    }
    const span = new MutableSpan(
      placement.t0,
      placement.t1,
      placement.t2,
      placement.t3,
      placement.s0,
      placement.s1,
      placement.p0,
      placement.p1,
      placement.parentIsRemote,
      traceState,
      normalizeName(start.name),
      kind,
      startTime,
      scope,
      attributes,
      droppedAttributes,
      scope === undefined ? attributeBytes : attributeBytes + this.#scopes.bytesAdded,
    );
    if (start.links !== undefined) this.#addLinks(span, start.links);
    return span;
  }

  #addLinks(span: MutableSpan, links: readonly SpanLink[]): void {
    if (!Array.isArray(links)) {
      this.#counters.invalidCalls++;
      return;
    }
    const limits = this.#limits;
    const counts = this.#counts;
    const kept: FinishedLink[] = [];
    for (const link of links) {
      const context: unknown = typeof link === 'object' && link !== null ? link.context : undefined;
      if (!SpanHandle.isValid(context) || kept.length >= limits.linkCountLimit) {
        span.droppedLinksCount++;
        continue;
      }
      const attributes = copyAttributes(link.attributes, limits, limits.attributePerLinkCountLimit, counts);
      kept.push({
        traceId: context.traceId,
        spanId: context.spanId,
        traceState: typeof link.traceState === 'string' ? link.traceState : '',
        attributes,
        droppedAttributesCount: counts.dropped,
      });
      span.byteSize += LINK_OBJECT_BYTES + counts.bytes;
    }
    this.#counters.attributesDropped += span.droppedLinksCount;
    span.links = kept;
  }

  setAttribute(handle: SpanHandle, key: string, value: unknown): void {
    const span = this.#live.target(handle);
    if (span === undefined) return;
    try {
      const added = putAttribute(span.attributes, key, value, this.#limits, this.#limits.attributeCountLimit);
      if (added < 0) {
        span.droppedAttributesCount++;
        this.#counters.attributesDropped++;
      } else {
        span.byteSize += added;
      }
    } catch {
      this.#counters.invalidCalls++;
    }
  }

  setStatus(handle: SpanHandle, status: unknown): void {
    const span = this.#live.target(handle);
    if (span === undefined) return;
    try {
      const normalized = normalizeStatus(status);
      if (normalized === undefined) {
        this.#counters.invalidCalls++;
        return;
      }
      span.status = normalized;
      if (normalized.message !== undefined) span.byteSize += 2 * normalized.message.length;
    } catch {
      this.#counters.invalidCalls++;
    }
  }

  addEvent(handle: SpanHandle, event: SpanEvent): void {
    const span = this.#live.target(handle);
    if (span === undefined) return;
    try {
      if (typeof event !== 'object' || event === null) {
        this.#counters.invalidCalls++;
        return;
      }
      const limits = this.#limits;
      if (span.events.length >= limits.eventCountLimit) {
        span.droppedEventsCount++;
        this.#counters.attributesDropped++;
        return;
      }
      const name = normalizeName(event.name);
      const time = event.timeUnixNanos === undefined ? now() : (fromUnixNanos(event.timeUnixNanos) ?? now());
      const counts = this.#counts;
      let attributes: FinishedEvent['attributes'] = NO_ATTRIBUTES;
      counts.dropped = 0;
      counts.bytes = 0;
      if (event.attributes !== undefined) {
        attributes = copyAttributes(event.attributes, limits, limits.attributePerEventCountLimit, counts);
        this.#counters.attributesDropped += counts.dropped;
      }
      const recorded: FinishedEvent = { name, time, attributes, droppedAttributesCount: counts.dropped };
      // A one-element array literal: most spans have one event or none, so no spare capacity.
      if (span.events.length === 0) span.events = [recorded];
      else span.events.push(recorded);
      span.byteSize += EVENT_OBJECT_BYTES + 2 * name.length + counts.bytes;
    } catch {
      this.#counters.invalidCalls++;
    }
  }

  /**
   * Renames a live span, the name kept as a start name is (`normalizeName`); the byte estimate
   * follows the name's length. A name that is not a string is counted in `invalidCalls` and changes
   * nothing. After `endSpan` the handle finds no span, so a finished (or packed) span keeps the name
   * it ended with. No allocation beyond cutting an over-long name.
   */
  updateName(handle: SpanHandle, name: string): void {
    const span = this.#live.target(handle);
    if (span === undefined) return;
    if (typeof name !== 'string') {
      this.#counters.invalidCalls++;
      return;
    }
    const kept = normalizeName(name);
    span.byteSize += 2 * (kept.length - span.name.length);
    span.name = kept;
  }

  /**
   * The live span `handle` names, as recorded (its id words included), or undefined. For tracers
   * built on the recorder that keep their own tables by id: they read the words, not the hex.
   */
  liveSpan(handle: SpanHandle): FinishedSpan | undefined {
    return this.#live.target(handle);
  }

  /**
   * Whether this recorder issued `handle`, its span live or ended: a tracer that keeps its own
   * tables tells a local parent that ended from a remote one this way. Never throws.
   */
  issued(handle: unknown): boolean {
    return this.#live.issuedHere(handle);
  }

  /** The live span's tracestate ('' for none); undefined when `handle` names no live span. */
  traceState(handle: SpanHandle): string | undefined {
    return this.#live.target(handle)?.traceState;
  }

  endSpan(handle: SpanHandle, endTimeUnixNanos?: bigint): void {
    const span = this.#live.target(handle);
    if (span === undefined) return;
    try {
      const endTime = endTimeUnixNanos === undefined ? now() : (fromUnixNanos(endTimeUnixNanos) ?? now());
      // A caller-supplied end before the start would give a negative duration: clamp it.
      this.#live.end(span, handle, endTime < span.startTime ? span.startTime : endTime);
      this.#counters.spansEnded++;
      this.#finish(span);
    } catch {
      this.#counters.invalidCalls++;
    }
  }
}
