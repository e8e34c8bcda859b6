import { SpanHandle, type AttributeValue, type ShutdownOptions, type SpanEvent, type SpanStart, type SpanStatus, type TracerPlugin } from '@x/tracer-core';
import { createIdGenerator, idWordsOf, readTraceId, traceIdHex, type TraceWords } from '@x/tracer-core/internal';
import type { KeepRule } from './decision.js';
import { withTraceState } from './restart.js';
import { readOtSampling, ThresholdWriter, traceRandomness, withThreshold } from './ot-trace-state.js';
import type { ResolvedSamplingOptions } from './sampling-options.js';
import { earlyCounts, keepCounts, NO_STATS, type SamplingStats } from './sampling-stats.js';
import { traceIdOf } from './tail-sampling-tracer.js';
import { keeps, probabilityToThreshold, randomnessOfWords, type Threshold } from './threshold.js';

/**
 * Head sampling: each trace is decided when its root starts, from its trace id (consistent
 * probability sampling), and what is not kept gets INVALID, so an unsampled trace costs what any
 * unsampled span costs. Local children follow their root (an INVALID parent gives INVALID, a
 * recorded one is recorded); a remote parent is followed (`parentBased`) or decided by the ratio
 * like a root. Everything recorded goes straight to the child, which keeps its own ledger.
 */
export class HeadSamplingTracer implements TracerPlugin {
  readonly name: string;
  readonly #child: TracerPlugin;
  readonly #parentBased: boolean;
  /** Undefined at sample rate 0: no root is kept. */
  readonly #threshold: Threshold | undefined;
  readonly #alwaysOn: boolean;
  readonly #ids = idWordsOf(createIdGenerator());
  readonly #words: TraceWords = { t0: 0, t1: 0, t2: 0, t3: 0 };
  readonly #randomness = { hi: 0, lo: 0 };
  /** Writes this sampler's threshold into a kept root's tracestate. */
  readonly #ownThreshold: ThresholdWriter | undefined;
  readonly #kept = keepCounts();
  #sampledOut = 0;
  /** The last remote tracestate checked for consistency, and what it became. */
  #checkedIn: string | undefined;
  #checkedTraceId = '';
  #checkedOut: string | undefined;

  constructor(child: TracerPlugin, options: ResolvedSamplingOptions) {
    this.name = options.name;
    this.#child = child;
    this.#parentBased = options.parentBased;
    this.#alwaysOn = options.sampleRate === 1;
    this.#threshold = options.sampleRate > 0 ? probabilityToThreshold(options.sampleRate, options.thresholdPrecision) : undefined;
    this.#ownThreshold = this.#threshold === undefined ? undefined : new ThresholdWriter(this.#threshold.th);
  }

  startSpan(start: SpanStart): SpanHandle {
    try {
      return this.#decide(start);
    } catch {
      // A start whose fields throw when read: the child refuses it and counts it as invalid.
      return refusedByChild(this.#child, start);
    }
  }

  #decide(start: SpanStart): SpanHandle {
    const parent = start.parent;
    const traceState = start.traceState;
    if (parent === undefined || parent === null) return this.#startRoot(start, traceState);
    if (SpanHandle.isInvalid(parent)) return SpanHandle.INVALID;
    // A parent the child records is a local one: its root decided for it.
    if (this.#child.traceState?.(parent) !== undefined) return this.#child.startSpan(start);
    const traceId = traceIdOf(parent);
    if (traceId === undefined) return this.#child.startSpan(start);
    if (this.#parentBased) {
      this.#kept.parent++;
      const checked = this.#consistent(traceState, traceId);
      return this.#child.startSpan(checked === traceState ? start : withTraceState(start, checked ?? ''));
    }
    return this.#byRatio(start, traceState, traceRandomness(traceState, traceId));
  }

  #startRoot(start: SpanStart, traceState: string | undefined): SpanHandle {
    if (this.#alwaysOn) {
      this.#kept.always_on++;
      return this.#child.startSpan(withTraceState(start, this.#ownThreshold!.write(traceState)));
    }
    if (this.#threshold === undefined) {
      this.#sampledOut++;
      return SpanHandle.INVALID;
    }
    // The trace id decides: the caller's (a fan-out gives every child the same), else one drawn here.
    const words = this.#words;
    let given = start.traceId;
    const randomness = this.#randomness;
    if (given !== undefined && readTraceId(given, words)) randomnessOfWords(words.t2, words.t3, randomness);
    else {
      given = undefined;
      this.#ids.traceWords(words);
      randomnessOfWords(words.t2, words.t3, randomness);
    }
    const explicit = traceState !== undefined && traceState.includes('rv:') ? readOtSampling(traceState).randomness : undefined;
    if (!keeps(explicit ?? randomness, this.#threshold)) {
      this.#sampledOut++;
      return SpanHandle.INVALID;
    }
    this.#kept.ratio++;
    const traceId = given ?? traceIdHex(words.t0, words.t1, words.t2, words.t3);
    return this.#child.startSpan(withTraceState(start, this.#ownThreshold!.write(traceState), traceId));
  }

  /** A span with a remote parent, not parent-based: kept when the ratio keeps its trace (with this sampler's threshold), else INVALID. */
  #byRatio(start: SpanStart, traceState: string | undefined, randomness: { hi: number; lo: number } | undefined): SpanHandle {
    const threshold = this.#threshold;
    if (threshold === undefined || randomness === undefined || !keeps(randomness, threshold)) {
      this.#sampledOut++;
      return SpanHandle.INVALID;
    }
    this.#kept.ratio++;
    return this.#child.startSpan(withTraceState(start, this.#ownThreshold!.write(traceState)));
  }

  /**
   * A followed remote parent's tracestate as it goes on: a threshold its randomness does not meet
   * is erased (the specification's consistency check), anything else is kept.
   */
  #consistent(traceState: string | undefined, traceId: string): string | undefined {
    if (traceState === undefined || !traceState.includes('th:')) return traceState;
    if (traceState === this.#checkedIn && traceId === this.#checkedTraceId) return this.#checkedOut;
    const { threshold } = readOtSampling(traceState);
    const randomness = traceRandomness(traceState, traceId);
    const out = threshold === undefined || (randomness !== undefined && keeps(randomness, threshold)) ? traceState : withThreshold(traceState, undefined);
    this.#checkedIn = traceState;
    this.#checkedTraceId = traceId;
    this.#checkedOut = out;
    return out;
  }

  // The sampled-out span's handle goes no further: what a sampled-out trace costs is these comparisons.
  setAttribute(span: SpanHandle, key: string, value: AttributeValue): void {
    if (span !== SpanHandle.INVALID) this.#child.setAttribute(span, key, value);
  }

  setStatus(span: SpanHandle, status: SpanStatus): void {
    if (span !== SpanHandle.INVALID) this.#child.setStatus(span, status);
  }

  addEvent(span: SpanHandle, event: SpanEvent): void {
    if (span !== SpanHandle.INVALID) this.#child.addEvent(span, event);
  }

  endSpan(span: SpanHandle, endTimeUnixNanos?: bigint): void {
    if (span !== SpanHandle.INVALID) this.#child.endSpan(span, endTimeUnixNanos);
  }

  updateName(span: SpanHandle, name: string): void {
    this.#child.updateName?.(span, name);
  }

  traceState(span: SpanHandle): string | undefined {
    return this.#child.traceState?.(span);
  }

  flush(): Promise<void> {
    return this.#child.flush();
  }

  shutdown(options?: ShutdownOptions): Promise<void> {
    return this.#child.shutdown !== undefined ? this.#child.shutdown(options) : this.#child.flush();
  }

  stats(): SamplingStats {
    const childStats = this.#child.stats?.() ?? NO_STATS;
    return Object.freeze({
      ...childStats,
      sampling: Object.freeze({
        mode: 'head' as const,
        tracesKept: Object.freeze({ ...this.#kept }) as Readonly<Record<KeepRule, number>>,
        tracesSampledOut: this.#sampledOut,
        decidedEarly: Object.freeze(earlyCounts()),
        pendingTraces: 0,
        pendingSpans: 0,
        startsRefused: 0,
      }),
      children: Object.freeze({ [this.#child.name]: childStats }),
    });
  }
}

/** The child's answer to a start the sampler could not read (INVALID, counted there); INVALID if the child throws too. */
function refusedByChild(child: TracerPlugin, start: SpanStart): SpanHandle {
  try {
    return child.startSpan(start);
  } catch {
    return SpanHandle.INVALID;
  }
}
