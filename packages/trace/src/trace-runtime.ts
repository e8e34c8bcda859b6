import type { IdGenerator, InstrumentationScope, TracerPlugin } from '@x/tracer-core';
import { createIdGenerator } from '@x/tracer-core/internal';
import { LocalIds, type LocalId } from './local-id.js';
import { RecordStore, type RecordLimits } from './record-store.js';
import type { Span } from './span.js';

/** Counters of the API layer; `stats()` returns a copy. */
export interface TraceStats {
  /** Spans opened by `start`, `startSpan`, `withSpan` and `instant` (recorded or not). */
  spansStarted: number;
  spansEnded: number;
  /** Spans `start`/`startSpan` opened and nobody has ended yet. */
  spansLive: number;
  /** Live spans forgotten because more than `maxLiveSpans` were open (their `end` then throws SpanNotFound). */
  spansEvicted: number;
  /** Records kept for `flush()` / `exportRecords()`, and their estimated bytes. */
  recordsKept: number;
  recordsBytes: number;
  /** Records the store let go because it was full (the oldest first). */
  recordsDropped: number;
  /** Events past the per-span limit of a record (the tracer applies its own limits too). */
  eventsDropped: number;
  /** Values in records cut or replaced by a marker: too long, too deep, too many, circular, unreadable. */
  recordValuesTruncated: number;
  /** Events and attributes recorded with no current span to put them on. */
  callsWithoutSpan: number;
  /** Calls into the configured tracer that threw (a plugin must not; these are caught). */
  tracerErrors: number;
}

/**
 * The state every scope shares: the site's tracer, the record store, local ids, live spans by
 * id, and counters. One per process (see `index.ts`); `getTracer` scopes are views of it.
 */
export class TraceRuntime {
  enabled = true;
  /** The site's tracer; undefined: records only (the seed's behaviour). */
  plugin: TracerPlugin | undefined = undefined;
  /** undefined when records are switched off. */
  records: RecordStore | undefined;
  defaultScope: InstrumentationScope;
  maxLiveSpans: number;
  /** Records dropped by stores that a later `configure` replaced, so `recordsDropped` never goes back. */
  droppedWithOldStores = 0;
  readonly ids: LocalIds;
  /** Wire ids for records when no tracer is configured (a tracer issues its own). */
  readonly wireIds: IdGenerator = createIdGenerator();
  /** Spans that `end(id)` and `finishSpan(handle)` can reach, oldest first. */
  readonly live = new Map<LocalId, Span>();
  readonly counters: Omit<TraceStats, 'spansLive' | 'recordsKept' | 'recordsBytes' | 'recordsDropped'> = {
    spansStarted: 0,
    spansEnded: 0,
    spansEvicted: 0,
    eventsDropped: 0,
    recordValuesTruncated: 0,
    callsWithoutSpan: 0,
    tracerErrors: 0,
  };

  constructor(options: { scope: InstrumentationScope; records: RecordLimits | undefined; maxLiveSpans: number; firstLocalId?: bigint }) {
    this.defaultScope = options.scope;
    this.records = options.records === undefined ? undefined : new RecordStore(options.records);
    this.maxLiveSpans = options.maxLiveSpans;
    this.ids = new LocalIds(options.firstLocalId);
  }

  /** Makes `span` reachable by id, forgetting the oldest live span when there are too many. */
  register(span: Span): void {
    this.trim(this.maxLiveSpans - 1);
    this.live.set(span.localId, span);
    span.registered = true;
  }

  /** Forgets the oldest live spans, counted, until at most `size` are left. */
  trim(size: number): void {
    const live = this.live;
    for (const [id, oldest] of live) {
      if (live.size <= size) return;
      live.delete(id);
      oldest.evict();
      this.counters.spansEvicted++;
    }
  }

  stats(): TraceStats {
    const records = this.records;
    return {
      ...this.counters,
      spansLive: this.live.size,
      recordsKept: records?.size ?? 0,
      recordsBytes: records?.bytes ?? 0,
      recordsDropped: this.droppedWithOldStores + (records?.dropped ?? 0),
    };
  }
}
