/**
 * Runs `body(iterations)` `rounds` times after a warm-up and returns the median nanoseconds per
 * iteration. `body` returns a value that is folded into a sink so V8 cannot drop the work.
 */
export function nsPerOp(body: (iterations: number) => unknown, iterations = 200_000, rounds = 7): number {
  body(iterations); // warm-up: let the optimizing compiler see the loop
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    sink = body(iterations);
    samples.push(Number(process.hrtime.bigint() - start) / iterations);
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}

/** Keeps results reachable so the measured work is not optimized away. */
export let sink: unknown;

/**
 * Like {@link nsPerOp}, but `cleanup` runs after each round outside the timed part (for example
 * to drain what the round recorded, so memory stays flat and draining is not counted).
 */
export function nsPerOpWithCleanup(body: (iterations: number) => unknown, cleanup: () => void, iterations = 20_000, rounds = 7): number {
  body(iterations);
  cleanup();
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const start = process.hrtime.bigint();
    sink = body(iterations);
    samples.push(Number(process.hrtime.bigint() - start) / iterations);
    cleanup();
  }
  samples.sort((a, b) => a - b);
  return samples[Math.floor(samples.length / 2)]!;
}
