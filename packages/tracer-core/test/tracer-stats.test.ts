import { describe, expect, it } from 'vitest';
import { ledgerProblem, type TracerStats } from '@x/tracer-core';

/** The counters a test gives; drop reasons as `TracerCounters.snapshot` lists them: only those counted. */
type Counts = Partial<Omit<TracerStats, 'spansDropped'>> & { readonly spansDropped?: Record<string, number> };

/** Stats with every counter at 0 but those given. */
function stats({ spansDropped = {}, ...counts }: Counts): TracerStats {
  return {
    spansStarted: 0,
    spansEnded: 0,
    spansLive: 0,
    spansBuffered: 0,
    spansExported: 0,
    bytesBuffered: 0,
    spansDropped: spansDropped as TracerStats['spansDropped'],
    attributesDropped: 0,
    invalidCalls: 0,
    ignoredAfterShutdown: 0,
    exportAttempts: 0,
    exportFailures: 0,
    ...counts,
  };
}

describe('ledgerProblem', () => {
  it.each([
    ['no spans', {}],
    ['without spansSampledOut (absent: none)', { spansStarted: 6, spansEnded: 5, spansLive: 1, spansBuffered: 1, spansExported: 2, spansDropped: { 'queue-full': 2 } }],
    ['spans sampled out, in both equations', { spansStarted: 10, spansEnded: 9, spansLive: 1, spansExported: 3, spansSampledOut: 6 }],
    ['every term at once', { spansStarted: 12, spansEnded: 10, spansLive: 1, spansBuffered: 2, spansExported: 3, spansDropped: { 'queue-full': 1, 'live-evicted': 1 }, spansSampledOut: 4 }],
    ['spansSampledOut: 0', { spansStarted: 2, spansEnded: 2, spansExported: 2, spansSampledOut: 0 }],
  ])('a balanced ledger: %s', (_what, counts) => {
    expect(ledgerProblem(stats(counts))).toBeUndefined();
  });

  it.each([
    // Sampled-out spans left out of the counts they belong to: spansStarted and spansEnded.
    ['started', { spansStarted: 3, spansEnded: 3, spansExported: 3, spansSampledOut: 2 }, 'started 3 != exported + buffered + live + dropped + sampled out = 5'],
    // Sampled out but not counted as such: the started equation says so first.
    ['started', { spansStarted: 5, spansEnded: 5, spansExported: 3 }, 'started 5 != exported + buffered + live + dropped + sampled out = 3'],
    // The started equation holds; the ended one counts the live span as ended.
    ['ended', { spansStarted: 4, spansEnded: 4, spansExported: 2, spansSampledOut: 1, spansLive: 1 }, 'ended 4 != exported + buffered + dropped + sampled out = 3'],
    ['ended', { spansStarted: 4, spansEnded: 2, spansExported: 2, spansSampledOut: 2 }, 'ended 2 != exported + buffered + dropped + sampled out = 4'],
  ])('an unbalanced %s equation names the sampled-out spans: %j', (_equation, counts, message) => {
    expect(ledgerProblem(stats(counts))).toBe(message);
  });
});
