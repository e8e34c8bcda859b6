import type { TracerError } from './errors.js';
import type { DropReason, LastError, TracerStats } from './tracer-stats.js';

/**
 * The mutable counters behind {@link TracerStats}. Recorders, buffers and schedulers of one
 * tracer share one instance; `snapshot()` gives users a frozen copy.
 */
export class TracerCounters {
  spansStarted = 0;
  spansEnded = 0;
  spansExported = 0;
  attributesDropped = 0;
  invalidCalls = 0;
  ignoredAfterShutdown = 0;
  exportAttempts = 0;
  exportFailures = 0;
  lastError: LastError | undefined;
  readonly #dropped = new Map<DropReason, number>();

  /** Counts `count` spans as dropped for `reason`. */
  drop(reason: DropReason, count = 1): void {
    if (count > 0) this.#dropped.set(reason, (this.#dropped.get(reason) ?? 0) + count);
  }

  dropped(reason: DropReason): number {
    return this.#dropped.get(reason) ?? 0;
  }

  /** Records a failed export attempt and remembers its error (code and message only). */
  recordFailure(error: TracerError): void {
    this.exportFailures++;
    this.noteLastError(error.code, error.message);
  }

  /**
   * Keeps `code` and `message` as `lastError` without counting an export failure: a receiver's
   * warning (partial success), a fan-out child that broke the contract.
   */
  noteLastError(code: string, message: string): void {
    this.lastError = Object.freeze({ code, message, timeUnixMillis: Date.now() });
  }

  snapshot(spansLive: number, spansBuffered: number, bytesBuffered = 0): TracerStats {
    const spansDropped: Record<string, number> = {};
    for (const [reason, count] of this.#dropped) spansDropped[reason] = count;
    const stats: TracerStats = {
      spansStarted: this.spansStarted,
      spansEnded: this.spansEnded,
      spansLive,
      spansBuffered,
      spansExported: this.spansExported,
      bytesBuffered,
      spansDropped: Object.freeze(spansDropped),
      attributesDropped: this.attributesDropped,
      invalidCalls: this.invalidCalls,
      ignoredAfterShutdown: this.ignoredAfterShutdown,
      exportAttempts: this.exportAttempts,
      exportFailures: this.exportFailures,
      ...(this.lastError === undefined ? {} : { lastError: this.lastError }),
    };
    return Object.freeze(stats);
  }
}
