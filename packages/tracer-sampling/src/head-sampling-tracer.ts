import { SpanHandle, type AttributeValue, type ShutdownOptions, type SpanEvent, type SpanStart, type SpanStatus, type TracerPlugin } from '@x/tracer-core';
import { createIdGenerator, idWordsOf, readTraceId, traceIdHex, type TraceWords } from '@x/tracer-core/internal';
import { RULE_ATTRIBUTE, type KeepRule } from './decision.js';
import { childFlush, childShutdown, childStats } from './child-calls.js';
import { parentVerdict } from './parent-verdict.js';
import { withTraceState } from './restart.js';
import { readOtSampling, ThresholdWriter, traceRandomness } from './ot-trace-state.js';
import type { ResolvedSamplingOptions } from './sampling-options.js';
import { earlyCounts, keepCounts, type SamplingStats } from './sampling-stats.js';
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
  readonly #keptTraces = keepCounts();
  #sampledOut = 0;
  #shutdown: Promise<void> | undefined;

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
    // Parent-based: a sampled remote parent is followed, unless its threshold says it was not a
    // decision (a tail sampler upstream still deciding): then the ratio decides, as for a root.
    if (this.#parentBased && parentVerdict(traceState, traceId) === 'parent') {
      this.#keptTraces.parent++;
      return this.#kept(start, 'parent');
    }
    return this.#byRatio(start, traceState, traceRandomness(traceState, traceId));
  }

  /** Starts a kept local root in the child, with the rule that kept it as `sampling.rule`. */
  #kept(start: SpanStart, rule: KeepRule): SpanHandle {
    const handle = this.#child.startSpan(start);
    if (handle !== SpanHandle.INVALID) this.#child.setAttribute(handle, RULE_ATTRIBUTE, rule);
    return handle;
  }

  #startRoot(start: SpanStart, traceState: string | undefined): SpanHandle {
    if (this.#alwaysOn) {
      this.#keptTraces.always_on++;
      return this.#kept(withTraceState(start, this.#ownThreshold!.write(traceState)), 'always_on');
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
    this.#keptTraces.ratio++;
    const traceId = given ?? traceIdHex(words.t0, words.t1, words.t2, words.t3);
    return this.#kept(withTraceState(start, this.#ownThreshold!.write(traceState), traceId), 'ratio');
  }

  /** A span with a remote parent, not parent-based: kept when the ratio keeps its trace (with this sampler's threshold), else INVALID. */
  #byRatio(start: SpanStart, traceState: string | undefined, randomness: { hi: number; lo: number } | undefined): SpanHandle {
    const threshold = this.#threshold;
    if (threshold === undefined || randomness === undefined || !keeps(randomness, threshold)) {
      this.#sampledOut++;
      return SpanHandle.INVALID;
    }
    this.#keptTraces.ratio++;
    return this.#kept(withTraceState(start, this.#ownThreshold!.write(traceState)), 'ratio');
  }

  // The sampled-out span's handle goes no further: what a sampled-out trace costs is these comparisons.
  setAttribute(span: SpanHandle, key: string, value: AttributeValue): void {
    if (span === SpanHandle.INVALID) return;
    try {
      this.#child.setAttribute(span, key, value);
    } catch {
      // The child broke the contract; recording through the sampler still never throws.
    }
  }

  setStatus(span: SpanHandle, status: SpanStatus): void {
    if (span === SpanHandle.INVALID) return;
    try {
      this.#child.setStatus(span, status);
    } catch {
      // The child broke the contract; recording through the sampler still never throws.
    }
  }

  addEvent(span: SpanHandle, event: SpanEvent): void {
    if (span === SpanHandle.INVALID) return;
    try {
      this.#child.addEvent(span, event);
    } catch {
      // The child broke the contract; recording through the sampler still never throws.
    }
  }

  endSpan(span: SpanHandle, endTimeUnixNanos?: bigint): void {
    if (span === SpanHandle.INVALID) return;
    try {
      this.#child.endSpan(span, endTimeUnixNanos);
    } catch {
      // The child broke the contract; recording through the sampler still never throws.
    }
  }

  updateName(span: SpanHandle, name: string): void {
    if (span === SpanHandle.INVALID) return;
    try {
      this.#child.updateName?.(span, name);
    } catch {
      // As above.
    }
  }

  traceState(span: SpanHandle): string | undefined {
    try {
      const answer = this.#child.traceState?.(span);
      return typeof answer === 'string' ? answer : undefined;
    } catch {
      return undefined;
    }
  }

  flush(): Promise<void> {
    return childFlush(this.#child);
  }

  shutdown(options?: ShutdownOptions): Promise<void> {
    return (this.#shutdown ??= childShutdown(this.#child, options));
  }

  stats(): SamplingStats {
    const ofChild = childStats(this.#child);
    return Object.freeze({
      ...ofChild,
      sampling: Object.freeze({
        mode: 'head' as const,
        tracesKept: Object.freeze({ ...this.#keptTraces }) as Readonly<Record<KeepRule, number>>,
        tracesSampledOut: this.#sampledOut,
        decidedEarly: Object.freeze(earlyCounts()),
        pendingTraces: 0,
        pendingSpans: 0,
        startsRefused: 0,
      }),
      children: Object.freeze({ [this.#child.name]: ofChild }),
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
