import type { SpanEvent } from '../api-types.ts';
import { offsetMillis, type SpanNode, type TraceModel } from './trace-model.ts';

export interface TraceEvent {
  readonly node: SpanNode;
  readonly event: SpanEvent;
  /** Milliseconds from the trace's start. */
  readonly offsetMillis: number;
}

/** Every event of every span in one list, by time: the trace's log, with the span it came from. */
export function traceEvents(model: TraceModel): TraceEvent[] {
  const events: TraceEvent[] = [];
  for (const node of model.nodes) {
    for (const event of node.span.logs) events.push({ node, event, offsetMillis: offsetMillis(model, event.time_unix_nano) });
  }
  return events.sort((a, b) => a.offsetMillis - b.offsetMillis);
}
