// Timing helpers of the store benchmark: latencies of repeated async calls, each call checked.

export interface Latency {
  readonly runs: number;
  readonly medianMs: number;
  readonly p95Ms: number;
}

/**
 * Calls `call(i)` after one warm-up call, at least `minRuns` and at most `maxRuns` times, stopping
 * after `budgetMs` once `minRuns` are done (a slow query is not run 200 times). `call` checks its
 * own answer and throws when it is wrong: a fast wrong answer is not a result.
 */
export async function latency(call: (i: number) => Promise<void>, maxRuns: number, minRuns = 5, budgetMs = 10_000): Promise<Latency> {
  await call(-1);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < maxRuns; i++) {
    if (i >= minRuns && performance.now() - started > budgetMs) break;
    const start = performance.now();
    await call(i);
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { runs: samples.length, medianMs: quantile(samples, 0.5), p95Ms: quantile(samples, 0.95) };
}

/** Nearest-rank quantile of sorted samples. */
function quantile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

export function check(condition: boolean, what: string): void {
  if (!condition) throw new Error(`store bench: ${what}`);
}
