import type { IdGenerator } from './id-generator.js';
import type { Identified, LiveSpanTable } from './live-span-table.js';
import { SpanHandle, ZERO_SPAN_ID } from './span-handle.js';
import type { TracerCounters } from './tracer-counters.js';
import type { SpanStart } from './tracer-plugin.js';

/** Where a new span goes: its ids and its parent. */
export interface ResolvedIds<T> {
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root. */
  readonly parentSpanId: string;
  readonly parentIsRemote: boolean;
  /** The parent when it is live in `live`. */
  readonly localParent: T | undefined;
}

/**
 * The parent rules of the contract, in one place for every tracer: no parent gives a root (with
 * `start.traceId` when valid, else a fresh trace id); an all-zero parent span id gives `undefined`
 * (INVALID: the trace is not sampled); a parent live in `live` gives a local child; any other valid
 * handle is a remote parent, joined; anything else is counted as an invalid call and gives a root.
 * The span id is `start.spanId` when valid and not already live, else a fresh one.
 *
 * Reads each property of `start` and of the parent once; may throw on a hostile object (a throwing
 * getter), which callers catch.
 */
export function resolveIds<T extends Identified>(
  start: SpanStart,
  live: LiveSpanTable<T>,
  ids: IdGenerator,
  counters: TracerCounters,
): ResolvedIds<T> | undefined {
  const parent = start.parent;
  let traceId: string;
  let parentSpanId = '';
  let parentIsRemote = false;
  let localParent: T | undefined;
  if (parent === undefined || parent === null) {
    const wanted = start.traceId;
    traceId = wanted !== undefined && SpanHandle.isValidTraceId(wanted) ? wanted : ids.traceId();
  } else {
    const parentTraceId: unknown = parent.traceId;
    const parentId: unknown = parent.spanId;
    if (parentId === ZERO_SPAN_ID) return undefined;
    localParent = live.get(parentTraceId, parentId);
    if (localParent !== undefined) {
      traceId = localParent.traceId;
      parentSpanId = localParent.spanId;
    } else if (SpanHandle.isValidTraceId(parentTraceId) && SpanHandle.isValidSpanId(parentId)) {
      traceId = parentTraceId;
      parentSpanId = parentId;
      parentIsRemote = true;
    } else {
      // Not a handle at all: a root rather than a lost span, and the misuse is counted.
      counters.invalidCalls++;
      traceId = ids.traceId();
    }
  }
  const wantedSpanId = start.spanId;
  const spanId =
    wantedSpanId !== undefined && SpanHandle.isValidSpanId(wantedSpanId) && !live.has(wantedSpanId)
      ? wantedSpanId
      : ids.spanId();
  return { traceId, spanId, parentSpanId, parentIsRemote, localParent };
}
