import type { CountingReceiver } from './receiver.js';

export interface BenchContext {
  readonly receiver: CountingReceiver;
  /** Fewer rounds: for a smoke run, not for numbers. */
  readonly quick: boolean;
}

export interface CaseResult {
  readonly id: string;
  readonly unit: string;
  readonly ours: number;
  readonly theirs: number;
  /** Extra measurements worth printing (bytes per span, drops, ...). */
  readonly notes?: Readonly<Record<string, number | string>>;
}

export interface BenchCase {
  readonly id: string;
  run(context: BenchContext): Promise<CaseResult>;
}

export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/**
 * Runs `warmup` rounds of each side, then `rounds` rounds alternating ours and theirs (so drift in
 * the machine hits both), and returns the median of each side's round results.
 */
export async function alternate(
  rounds: number,
  warmup: number,
  ours: () => Promise<number> | number,
  theirs: () => Promise<number> | number,
): Promise<{ ours: number; theirs: number }> {
  for (let i = 0; i < warmup; i++) {
    await ours();
    await theirs();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < rounds; i++) {
    if (i % 2 === 0) {
      a.push(await ours());
      b.push(await theirs());
    } else {
      b.push(await theirs());
      a.push(await ours());
    }
  }
  return { ours: median(a), theirs: median(b) };
}

/** Nanoseconds per operation of a synchronous body run `count` times. */
export function timed(count: number, body: () => void): number {
  const start = process.hrtime.bigint();
  body();
  return Number(process.hrtime.bigint() - start) / count;
}

/** Throws unless `actual` equals `expected`: a case never wins by doing less. */
export function check(what: string, actual: number, expected: number): void {
  if (actual !== expected) throw new Error(`${what}: expected ${expected}, got ${actual}`);
}

export function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect === undefined) throw new Error('run with --expose-gc (pnpm bench does)');
  collect();
  collect();
}

/**
 * Bytes the heap grew per iteration of `body(count)` over a million iterations, after a warm-up
 * (compiling allocates) and a full collection.
 */
export function bytesPer(body: (count: number) => void): number {
  body(200_000);
  gc();
  const iterations = 1_000_000;
  const before = process.memoryUsage().heapUsed;
  body(iterations);
  return Math.max(0, (process.memoryUsage().heapUsed - before) / iterations);
}
