import { SpanHandle } from '@x/tracer-core';
import { Span } from '../span.js';
import { activeSpan } from '../span-context.js';
import { readValues, writeValue, type CarrierGetter, type CarrierSetter } from './carriers.js';
import { RemoteContext } from './remote-context.js';
import { FLAG_RANDOM, FLAG_SAMPLED, formatTraceParent, parseTraceParent } from './traceparent.js';
import { parseTraceState, withEntry } from './tracestate.js';

export const TRACEPARENT = 'traceparent';
export const TRACESTATE = 'tracestate';

/** Our own tracestate member's key; null: add none. Set by `configure({ traceStateKey })` (default 'xtrace'). */
export const propagationSettings: { traceStateKey: string | null } = { traceStateKey: 'xtrace' };

/**
 * Reads W3C Trace Context from `carrier` (see `carriers.ts` for what carriers are understood).
 * Undefined when there is no valid `traceparent`: no header, a malformed one, or several (a repeated
 * header is invalid). A tracestate that breaks the grammar is dropped whole. Never throws.
 */
export function extract(carrier: unknown, getter?: CarrierGetter): RemoteContext | undefined {
  const parents = readValues(carrier, TRACEPARENT, getter);
  if (parents.length !== 1) return undefined;
  const parent = parseTraceParent(parents[0]);
  if (parent === undefined) return undefined;
  const members = parseTraceState(readValues(carrier, TRACESTATE, getter));
  return new RemoteContext(
    parent.traceId,
    parent.parentId,
    (parent.flags & FLAG_SAMPLED) !== 0,
    (parent.flags & FLAG_RANDOM) !== 0,
    members === undefined ? '' : members.join(','),
  );
}

/**
 * Writes `traceparent` (and `tracestate`) for `span` into `carrier`: the span's ids, the sampled
 * flag set when the span is recorded, the random flag as the trace has it, and its tracestate with
 * our entry first. A span that is not recorded still sends its trace id (sampled off), so the
 * decision travels on. `span` defaults to the current span; with none, nothing is written. Never throws.
 */
export function inject(span: Span | RemoteContext | undefined, carrier: unknown, setter?: CarrierSetter): void {
  const from = span ?? activeSpan();
  if (from === undefined) return;
  let traceId: string;
  let spanId: string;
  let flags: number;
  let traceState: string;
  if (from instanceof Span) {
    const context = from.propagation();
    if (context === undefined) return;
    ({ traceId, spanId, traceState } = context);
    flags = (context.sampled ? FLAG_SAMPLED : 0) | (context.random ? FLAG_RANDOM : 0);
  } else if (from instanceof RemoteContext) {
    // Passing a received context on unchanged: no span of ours, so no entry of ours either.
    writeValue(carrier, TRACEPARENT, formatTraceParent(from.traceId, from.spanId, (from.sampled ? FLAG_SAMPLED : 0) | (from.random ? FLAG_RANDOM : 0)), setter);
    if (from.traceState !== '') writeValue(carrier, TRACESTATE, from.traceState, setter);
    return;
  } else return;
  writeValue(carrier, TRACEPARENT, formatTraceParent(traceId, spanId, flags), setter);
  const key = propagationSettings.traceStateKey;
  const members = traceState === '' ? [] : traceState.split(',');
  const state = key === null ? members.join(',') : withEntry(members, key, spanId);
  if (state !== '') writeValue(carrier, TRACESTATE, state, setter);
}

/** The contract parent for a remote context: itself when sampled, INVALID when not. */
export function contractParent(remote: RemoteContext): SpanHandle {
  return remote.sampled ? remote : SpanHandle.INVALID;
}
