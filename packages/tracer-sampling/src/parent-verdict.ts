import type { KeepRule } from './decision.js';
import { readOtSampling, traceRandomness } from './ot-trace-state.js';
import { keeps } from './threshold.js';

/**
 * What following a sampled remote parent means (`parentBased`), from the tracestate it came with:
 *
 * - no threshold: the upstream sampler kept the trace and did not say how; follow it (`parent`).
 * - a threshold its randomness meets (`R >= th`): a consistent probabilistic decision; follow it.
 * - a threshold its randomness does not meet: the sampled flag is not a decision (the specification
 *   calls it inconsistent; our own tail samplers send it while their decision is pending), so this
 *   sampler decides with its own rules (`undefined`).
 */
export function parentVerdict(traceState: string | undefined, traceId: string): KeepRule | undefined {
  const { threshold } = readOtSampling(traceState);
  if (threshold === undefined) return 'parent';
  const randomness = traceRandomness(traceState, traceId);
  return randomness !== undefined && keeps(randomness, threshold) ? 'parent' : undefined;
}
