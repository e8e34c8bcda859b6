export { createSamplingTracer, type SamplingTracer } from './sampling-tracer.js';
export type { SamplingTracerOptions, AlwaysSampleRule } from './sampling-options.js';
export { samplingOptionsFromEnv } from './sampling-env.js';
export type { SamplingStats, SamplingCounts } from './sampling-stats.js';
export { RULE_ATTRIBUTE, EARLY_ATTRIBUTE, type KeepRule, type EarlyReason } from './decision.js';
// The consistent-probability arithmetic, for backends and tests that compute adjusted counts.
export {
  probabilityToThreshold,
  parseThreshold,
  parseRandomness,
  randomnessOfTraceId,
  keeps,
  DEFAULT_THRESHOLD_PRECISION,
  type Threshold,
  type Bits56,
} from './threshold.js';
export { readOtSampling, withThreshold, type OtSampling } from './ot-trace-state.js';
