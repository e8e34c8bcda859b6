import { InvalidOptionError, type SpanLimits } from '@x/tracer-core';
import { describe, durationMillis, MAX_DURATION_MILLIS, positiveInteger, booleanOption, optionsObject, pluginName } from '@x/tracer-core/internal';
import ms from 'ms';
import { DEFAULT_THRESHOLD_PRECISION, MIN_PROBABILITY } from './threshold.js';

/** The tail rules of FORGE's `always_sample`. */
export type AlwaysSampleRule = 'errors' | 'slow_requests';

const RULES: readonly AlwaysSampleRule[] = ['errors', 'slow_requests'];

/**
 * Options of `createSamplingTracer`: FORGE's `[observability.traces]` (`sample_rate`,
 * `always_sample`, `slow_threshold`) in camelCase, plus the bounds of the tail sampler.
 */
export interface SamplingTracerOptions {
  /** @defaultValue 'sampling' */
  readonly name?: string;
  /**
   * The probability of keeping a trace, 0 to 1, decided consistently from its trace id (0: keep
   * none by ratio, 1: keep all).
   * @defaultValue 1
   */
  readonly sampleRate?: number;
  /**
   * Traces to keep whatever the ratio says: `'errors'` (any span of the trace's local fragment has
   * status ERROR), `'slow_requests'` (its local root lasted longer than `slowThreshold`). Any rule
   * here makes the sampler decide when the trace's local root ends (tail sampling): every span is
   * recorded and held until then. None: the decision is made when the root starts (head sampling).
   * @defaultValue []
   */
  readonly alwaysSample?: readonly AlwaysSampleRule[];
  /** Milliseconds, or a duration such as `'1s'` or `'250ms'`: a root longer than this is a slow request. @defaultValue 1000 */
  readonly slowThreshold?: number | string;
  /**
   * Follow a remote parent's decision: a `traceparent` with the sampled flag keeps its trace, one
   * without gives INVALID (always, by the contract). False: the ratio decides for remote parents too.
   * @defaultValue true
   */
  readonly parentBased?: boolean;
  /** Significant hex digits of the threshold written as `ot=th:...` (1 to 14). @defaultValue 4 */
  readonly thresholdPrecision?: number;
  /** Tail: how long a trace whose local root has not ended waits before it is decided anyway. Milliseconds or a duration. @defaultValue 30000 */
  readonly decisionWait?: number | string;
  /** Tail: traces waiting for a decision at once; past it, the oldest is decided early. @defaultValue 10000 */
  readonly maxPendingTraces?: number;
  /** Tail: ended spans held for a decision at once, all traces together; past it, the oldest trace is decided early. @defaultValue 100000 */
  readonly maxPendingSpans?: number;
  /** Tail: ended spans held for one trace; past it, that trace is decided early, so one huge trace cannot hold the rest. @defaultValue 1000 */
  readonly maxSpansPerTrace?: number;
  /** Tail: decisions remembered for spans that end after their trace was decided. @defaultValue 20000 */
  readonly maxDecidedTraces?: number;
  /** Tail: spans started and not ended at once; the oldest is evicted and counted (`live-evicted`). @defaultValue 16384 */
  readonly maxLiveSpans?: number;
  /** Tail: caps per span while held; a child built on the core imposes its own when they are stricter. */
  readonly spanLimits?: Partial<SpanLimits>;
}

/** Options with defaults applied, checked. */
export interface ResolvedSamplingOptions {
  readonly name: string;
  readonly sampleRate: number;
  readonly alwaysSample: ReadonlySet<AlwaysSampleRule>;
  readonly slowThresholdMillis: number;
  readonly parentBased: boolean;
  readonly thresholdPrecision: number;
  readonly decisionWaitMillis: number;
  readonly maxPendingTraces: number;
  readonly maxPendingSpans: number;
  readonly maxSpansPerTrace: number;
  readonly maxDecidedTraces: number;
  readonly maxLiveSpans: number | undefined;
  readonly spanLimits: Partial<SpanLimits> | undefined;
}

const KEYS = new Set([
  'name',
  'sampleRate',
  'alwaysSample',
  'slowThreshold',
  'parentBased',
  'thresholdPrecision',
  'decisionWait',
  'maxPendingTraces',
  'maxPendingSpans',
  'maxSpansPerTrace',
  'maxDecidedTraces',
  'maxLiveSpans',
  'spanLimits',
]);

/** Milliseconds from a number or a duration string (`'1s'`, `'250ms'`, `'2m'`). */
export function duration(name: string, value: unknown, fallback: number): number {
  if (typeof value !== 'string') return durationMillis(name, value, fallback);
  let millis: unknown;
  try {
    millis = ms(value.trim() as Parameters<typeof ms>[0]);
  } catch {
    // ms throws for an empty string: the same error as any other duration it cannot read.
    millis = undefined;
  }
  if (typeof millis !== 'number' || !Number.isFinite(millis) || millis < 0 || millis > MAX_DURATION_MILLIS) {
    throw new InvalidOptionError(`${name} must be milliseconds or a duration such as '1s', '250ms' or '2m', at most about 24.8 days, got ${describe(value)}`);
  }
  return millis;
}

function probability(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new InvalidOptionError(`${name} must be a number from 0 to 1 (0.1 keeps one trace in ten), got ${describe(value)}`);
  }
  // Below the smallest probability 56 bits express, no trace id can be kept: the same as 0.
  return value < MIN_PROBABILITY ? 0 : value;
}

function rules(value: unknown): ReadonlySet<AlwaysSampleRule> {
  if (value === undefined) return new Set();
  if (!Array.isArray(value)) throw new InvalidOptionError(`alwaysSample must be an array of 'errors' and 'slow_requests', got ${describe(value)}`);
  for (const rule of value) {
    if (!RULES.includes(rule)) throw new InvalidOptionError(`alwaysSample has ${describe(rule)}: the rules are 'errors' and 'slow_requests'`);
  }
  return new Set(value as AlwaysSampleRule[]);
}

/** Checks `options` and applies the defaults. @throws InvalidOptionError naming the option and what it allows. */
export function resolveSamplingOptions(options: SamplingTracerOptions | undefined): ResolvedSamplingOptions {
  const given = optionsObject('options', options);
  for (const key of Object.keys(given)) {
    if (!KEYS.has(key)) throw new InvalidOptionError(`unknown option ${JSON.stringify(key)}; the options are ${[...KEYS].join(', ')}`);
  }
  const precision = given.thresholdPrecision;
  if (precision !== undefined && !(Number.isInteger(precision) && precision >= 1 && precision <= 14)) {
    throw new InvalidOptionError(`thresholdPrecision must be an integer from 1 to 14, got ${describe(precision)}`);
  }
  const decisionWaitMillis = duration('decisionWait', given.decisionWait, 30_000);
  if (decisionWaitMillis <= 0) throw new InvalidOptionError(`decisionWait must be longer than 0, got ${describe(given.decisionWait)}`);
  return {
    name: pluginName(given.name, 'sampling'),
    sampleRate: probability('sampleRate', given.sampleRate, 1),
    alwaysSample: rules(given.alwaysSample),
    slowThresholdMillis: duration('slowThreshold', given.slowThreshold, 1000),
    parentBased: booleanOption('parentBased', given.parentBased, true),
    thresholdPrecision: precision ?? DEFAULT_THRESHOLD_PRECISION,
    decisionWaitMillis,
    maxPendingTraces: positiveInteger('maxPendingTraces', given.maxPendingTraces, 10_000),
    maxPendingSpans: positiveInteger('maxPendingSpans', given.maxPendingSpans, 100_000),
    maxSpansPerTrace: positiveInteger('maxSpansPerTrace', given.maxSpansPerTrace, 1000),
    maxDecidedTraces: positiveInteger('maxDecidedTraces', given.maxDecidedTraces, 20_000),
    maxLiveSpans: given.maxLiveSpans,
    spanLimits: given.spanLimits,
  };
}
