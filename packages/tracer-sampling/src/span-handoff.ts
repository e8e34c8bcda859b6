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

  /**
   * Applies `decision` to `span` (the threshold; the rule on a local root, `isRoot`) and hands it
   * on; false when the child refused it.
   */
  handOff(span: FinishedSpan, decision: Decision, isRoot: boolean): boolean {
    this.#applyDecision(span, decision, isRoot);
    const sink = this.#sink;
    if (sink !== undefined) return sink.accept(sink.packs && span instanceof MutableSpan ? packSpan(span) : span);
    return this.#replay(span);
  }

  /**
   * Hands on a held trace. Through the contract: every span is started in start order (parents
   * first, so each parent is live when its children start), then each is ended in end order.
   */
  handOffHeld(spans: readonly FinishedSpan[], decision: Decision, isRoot: (span: FinishedSpan) => boolean): number {
    if (this.#sink !== undefined) {
      let accepted = 0;
      for (const span of spans) if (this.handOff(span, decision, isRoot(span))) accepted++;
      return accepted;
    }
    const started: [FinishedSpan, SpanHandle][] = [];
    for (const span of [...spans].sort((a, b) => a.startTime - b.startTime)) {
      this.#applyDecision(span, decision, isRoot(span));
      const handle = this.#replayStart(span);
      if (handle !== undefined) started.push([span, handle]);
    }
    started.sort(([a], [b]) => a.endTime - b.endTime);
    for (const [span, handle] of started) this.#replayEnd(span, handle);
    return started.length;
  }

  #applyDecision(span: FinishedSpan, decision: Decision, isRoot: boolean): void {
    if (!(span instanceof MutableSpan)) return;
    if (decision.traceState !== undefined) span.traceState = decision.traceState.write(span.traceState);
    if (decision.keptBy === undefined || !isRoot) return;
    this.#put(span, RULE_ATTRIBUTE, decision.keptBy);
    if (decision.early !== undefined) this.#put(span, EARLY_ATTRIBUTE, decision.early);
  }

  /** An attribute added as `setAttribute` adds one: within the limits, a drop counted, the size kept. */
  #put(span: MutableSpan, key: string, value: string): void {
    const limits = this.#limits;
    const added = putAttribute(span.attributes, key, value, limits, limits.attributeCountLimit);
    if (added < 0) span.droppedAttributesCount++;
    else span.byteSize += added;
  }

  /** The span through the contract's recording calls; false when the child did not record it. */
  #replay(span: FinishedSpan): boolean {
    const handle = this.#replayStart(span);
    if (handle === undefined) return false;
    this.#replayEnd(span, handle);
    return true;
  }

  /** Starts `span` in the child with its ids, time, attributes, links, tracestate and scope; undefined when refused. */
  #replayStart(span: FinishedSpan): SpanHandle | undefined {
    try {
      const plain = toPlainSpan(span);
      const parent = plain.parentSpanId === undefined ? undefined : SpanHandle.of(plain.traceId, plain.parentSpanId);
      const handle = this.#child.startSpan({
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
      return SpanHandle.isValid(handle) ? handle : undefined;
    } catch {
      // A child that throws breaks the contract; the span counts as refused.
      return undefined;
    }
  }

  /** Events, status and end of a replayed span. */
  #replayEnd(span: FinishedSpan, handle: SpanHandle): void {
    const child = this.#child;
    try {
      const plain = toPlainSpan(span);
      for (const event of plain.events) child.addEvent(handle, { name: event.name, timeUnixNanos: event.timeUnixNanos, attributes: event.attributes });
      if (plain.status.code !== SpanStatusCode.UNSET) child.setStatus(handle, plain.status);
      child.endSpan(handle, plain.endTimeUnixNanos);
    } catch {
      // As above: the child's fault; it had the span started.
    }
  }
}
