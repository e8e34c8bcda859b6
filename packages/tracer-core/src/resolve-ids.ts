import type { IdGenerator } from './id-generator.js';
import type { Identified, LiveSpanTable } from './live-span-table.js';
import { SpanHandle, ZERO_SPAN_ID } from './span-handle.js';
import { SpanRef } from './span-ref.js';
import type { TracerCounters } from './tracer-counters.js';
import type { SpanStart } from './tracer-plugin.js';

/**
 * Where a new span goes: its ids and its parent. Callers keep one and pass it to every
 * `resolveIds` call, so resolving allocates nothing.
 */
export interface ResolvedIds<T> {
  traceId: string;
  spanId: string;
  /** '' for a root. */
  parentSpanId: string;
  parentIsRemote: boolean;
  /** The parent when it is live in `live`. */
  localParent: T | undefined;
}

/** A fresh scratch for {@link resolveIds}. */
export function resolvedIds<T>(): ResolvedIds<T> {
  return { traceId: '', spanId: '', parentSpanId: '', parentIsRemote: false, localParent: undefined };
}

/**
 * The parent rules of the contract, in one place for every tracer: no parent gives a root (with
 * `start.traceId` when valid, else a fresh trace id); an all-zero parent span id gives `undefined`
 * (INVALID: the trace is not sampled); a parent live in `live` gives a local child; any other valid
 * handle is a remote parent, joined; anything else is counted as an invalid call and gives a root.
 * The span id is `start.spanId` when valid and not already live, else a fresh one. Writes the
 * answer into `out` and returns true, or returns false for INVALID. A parent that is a `SpanRef`
 * of `owner` is found without a table lookup.
 *
 * Reads each property of `start` and of the parent once; may throw on a hostile object (a throwing
 * getter), which callers catch.
 */
export function resolveIds<T extends Identified & { readonly endTime: number }>(
  start: SpanStart,
  live: LiveSpanTable<T>,
  ids: IdGenerator,
  counters: TracerCounters,
  owner: object,
  out: ResolvedIds<T>,
): boolean {
  const parent = start.parent;
  let parentSpanId = '';
  let parentIsRemote = false;
  let localParent: T | undefined;
  if (parent === undefined || parent === null) {
    const wanted = start.traceId;
    out.traceId = wanted !== undefined && SpanHandle.isValidTraceId(wanted) ? wanted : ids.traceId();
  } else {
    if (parent === SpanHandle.INVALID) return false;
    localParent = SpanRef.target<T>(parent, owner);
    if (localParent !== undefined && localParent.endTime !== LIVE) localParent = undefined;
    if (localParent === undefined) {
      const parentTraceId: unknown = parent.traceId;
      const parentId: unknown = parent.spanId;
      if (parentId === ZERO_SPAN_ID) return false;
      localParent = live.peek(parentTraceId, parentId);
      if (localParent === undefined) {
        if (SpanHandle.isValidTraceId(parentTraceId) && SpanHandle.isValidSpanId(parentId)) {
          out.traceId = parentTraceId;
          parentSpanId = parentId;
          parentIsRemote = true;
        } else {
          // Not a handle at all: a root rather than a lost span, and the misuse is counted.
          counters.invalidCalls++;
          out.traceId = ids.traceId();
        }
      }
    }
    if (localParent !== undefined) {
      out.traceId = localParent.traceId;
      parentSpanId = localParent.spanId;
    }
  }
  const wantedSpanId = start.spanId;
  out.spanId =
    wantedSpanId !== undefined && SpanHandle.isValidSpanId(wantedSpanId) && !live.has(wantedSpanId)
      ? wantedSpanId
      : ids.spanId();
  out.parentSpanId = parentSpanId;
  out.parentIsRemote = parentIsRemote;
  out.localParent = localParent;
  return true;
}

/** `endTime` of a span that is still live (`-2` marks one evicted from the live table). */
export const LIVE = -1;
export const EVICTED = -2;
