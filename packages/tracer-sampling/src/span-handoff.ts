import { SpanHandle, SpanStatusCode, toPlainSpan, type FinishedSpan, type SpanLimits, type TracerPlugin } from '@x/tracer-core';
import { MutableSpan, packSpan, putAttribute, sinkOf, type FinishedSpanSink } from '@x/tracer-core/internal';
import { EARLY_ATTRIBUTE, RULE_ATTRIBUTE, type Decision } from './decision.js';

/**
 * Hands the spans of kept traces to the child. A child built on the core (it accepts finished
 * spans, see the core's `FinishedSpanSink`) gets the span object itself: no second recording. Any
 * other plugin gets the span again through the contract's calls, with its ids, times, tracestate
 * and scope; its parent is then live there only if it started first, which it did for a held trace
 * (replayed in start order) but not for spans handed on as they end (children end before their
 * parents), so such a plugin may take their parents for remote ones.
 */
export class SpanHandoff {
  readonly #child: TracerPlugin;
  readonly #sink: FinishedSpanSink | undefined;
  readonly #limits: SpanLimits;

  constructor(child: TracerPlugin, limits: SpanLimits) {
    this.#child = child;
    this.#sink = sinkOf(child);
    this.#limits = limits;
  }

  /** Applies `decision` to `span` (root attributes, threshold) and hands it on; false when the child refused it. */
  handOff(span: FinishedSpan, decision: Decision): boolean {
    this.#applyDecision(span, decision);
    const sink = this.#sink;
    if (sink !== undefined) return sink.accept(sink.packs && span instanceof MutableSpan ? packSpan(span) : span);
    return this.#replay(span);
  }

  /** Hands on a held trace: starts every span in start order (parents first), then ends them. */
  handOffHeld(spans: readonly FinishedSpan[], decision: Decision): number {
    if (this.#sink !== undefined) {
      let accepted = 0;
      for (const span of spans) if (this.handOff(span, decision)) accepted++;
      return accepted;
    }
    const ordered = [...spans].sort((a, b) => a.startTime - b.startTime);
    let accepted = 0;
    for (const span of ordered) {
      this.#applyDecision(span, decision);
      if (this.#replay(span)) accepted++;
    }
    return accepted;
  }

  #applyDecision(span: FinishedSpan, decision: Decision): void {
    if (!(span instanceof MutableSpan)) return;
    if (decision.traceState !== undefined) span.traceState = decision.traceState.write(span.traceState);
    if (span.spanId !== decision.rootSpanId || decision.keptBy === undefined) return;
    const limits = this.#limits;
    putAttribute(span.attributes, RULE_ATTRIBUTE, decision.keptBy, limits, limits.attributeCountLimit);
    if (decision.early !== undefined) putAttribute(span.attributes, EARLY_ATTRIBUTE, decision.early, limits, limits.attributeCountLimit);
  }

  /** The span through the contract's recording calls; false when the child did not record it. */
  #replay(span: FinishedSpan): boolean {
    const child = this.#child;
    try {
      const plain = toPlainSpan(span);
      const parent = plain.parentSpanId === undefined ? undefined : SpanHandle.of(plain.traceId, plain.parentSpanId);
      const handle = child.startSpan({
        name: plain.name,
        kind: plain.kind,
        parent,
        attributes: plain.attributes,
        startTimeUnixNanos: plain.startTimeUnixNanos,
        links: plain.links.map((link) => ({ context: SpanHandle.of(link.traceId, link.spanId) ?? SpanHandle.INVALID, attributes: link.attributes, traceState: link.traceState })),
        traceId: plain.traceId,
        spanId: plain.spanId,
        traceState: plain.traceState,
        ...(plain.scope === undefined ? {} : { scope: plain.scope }),
      });
      if (!SpanHandle.isValid(handle)) return false;
      for (const event of plain.events) child.addEvent(handle, { name: event.name, timeUnixNanos: event.timeUnixNanos, attributes: event.attributes });
      if (plain.status.code !== SpanStatusCode.UNSET) child.setStatus(handle, plain.status);
      child.endSpan(handle, plain.endTimeUnixNanos);
      return true;
    } catch {
      // A child that throws breaks the contract; the span counts as refused.
      return false;
    }
  }
}
