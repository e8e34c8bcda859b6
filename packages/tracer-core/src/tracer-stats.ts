/**
 * Why spans were dropped. Plugins may add their own reasons; these are the shared ones.
 * - `queue-full`: the finished-span buffer was at its span cap.
 * - `queue-bytes`: the finished-span buffer was at its byte cap.
 * - `live-evicted`: the live-span table was full; the oldest span never ended was evicted.
 * - `export-failed`: the backend refused the spans for good (a non-retryable error).
 * - `export-rejected`: the backend accepted the request but rejected these spans (partial success).
 * - `export-timeout`: an export did not settle within its timeout.
 * - `shutdown`: spans still buffered when the shutdown deadline passed.
 */
export type DropReason =
  | 'queue-full'
  | 'queue-bytes'
  | 'live-evicted'
  | 'export-failed'
  | 'export-rejected'
  | 'export-timeout'
  | 'shutdown'
  | (string & {});

/** The last export error, without anything secret in it. */
export interface LastError {
  readonly code: string;
  readonly message: string;
  readonly timeUnixMillis: number;
}

/**
 * A tracer's counters. At every moment they balance:
 *
 *     spansStarted = spansExported + spansBuffered + spansLive + sum(spansDropped) + spansSampledOut
 *     spansEnded   = spansExported + spansBuffered + sum(spansDropped except 'live-evicted') + spansSampledOut
 *
 * `spansBuffered` counts ended spans not yet delivered, including those in an export in flight.
 */
export interface TracerStats {
  readonly spansStarted: number;
  readonly spansEnded: number;
  readonly spansLive: number;
  readonly spansBuffered: number;
  readonly spansExported: number;
  /** Approximate bytes of the buffered spans (the figure `maxBufferedBytes` caps). */
  readonly bytesBuffered: number;
  readonly spansDropped: Readonly<Record<DropReason, number>>;
  /**
   * Spans recorded and then not delivered by a sampling decision (a tail sampler's trace that no
   * rule kept): a decision, not a loss, so apart from `spansDropped`. Absent: none.
   */
  readonly spansSampledOut?: number;
  /** Attributes, events and links dropped by limits or because their value was not valid. */
  readonly attributesDropped: number;
  /**
   * Recording calls whose arguments could not be used at all (ignored, never thrown), and starts with
   * a part that could not be used (a `links` that is not an array, a malformed `scope`: the span is
   * recorded without it).
   */
  readonly invalidCalls: number;
  /** Recording calls made after shutdown (ignored). */
  readonly ignoredAfterShutdown: number;
  readonly exportAttempts: number;
  readonly exportFailures: number;
  readonly lastError?: LastError;
  /** Fan-outs: each child's stats under its name. */
  readonly children?: Readonly<Record<string, TracerStats>>;
}

function sumDropped(stats: TracerStats, except?: DropReason): number {
  let total = 0;
  for (const [reason, count] of Object.entries(stats.spansDropped)) {
    if (reason !== except) total += count;
  }
  return total;
}

/**
 * Checks both ledger equations of {@link TracerStats}; returns `undefined` when they hold,
 * else a sentence saying which one does not and by how much.
 */
export function ledgerProblem(stats: TracerStats): string | undefined {
  const sampledOut = stats.spansSampledOut ?? 0;
  const accounted = stats.spansExported + stats.spansBuffered + stats.spansLive + sumDropped(stats) + sampledOut;
  if (accounted !== stats.spansStarted) {
    return `started ${stats.spansStarted} != exported + buffered + live + dropped + sampled out = ${accounted}`;
  }
  const afterEnd = stats.spansExported + stats.spansBuffered + sumDropped(stats, 'live-evicted') + sampledOut;
  if (afterEnd !== stats.spansEnded) {
    return `ended ${stats.spansEnded} != exported + buffered + dropped + sampled out = ${afterEnd}`;
  }
  return undefined;
}
