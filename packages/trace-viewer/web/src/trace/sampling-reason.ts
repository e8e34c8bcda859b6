import type { Attributes } from '../api-types.ts';

// What @x/tracer-sampling writes on a kept trace's root (its decision.ts), in words.
const RULES: Record<string, string> = {
  errors: 'a span of it failed (the errors rule)',
  slow_requests: 'it was slower than the slow-request threshold (the slow_requests rule)',
  parent: 'its caller had sampled it (the parent rule)',
  ratio: 'it fell in the sampled ratio (the ratio rule)',
  always_on: 'every trace is kept (a sample rate of 1)',
};

const EARLY: Record<string, string> = {
  decision_wait: 'decided before its root ended: it waited the longest the sampler waits',
  max_spans_per_trace: 'decided early: it reached the most spans the sampler holds for one trace',
  max_pending_traces: 'decided early: the sampler held too many traces and this was the oldest',
  max_pending_spans: 'decided early: the sampler held too many spans and this was the oldest trace',
  shutdown: 'decided early: the sampler shut down',
};

/** Why tail sampling kept the trace, from its root's `sampling.rule` and `sampling.decided_early`. */
export function samplingReason(rootTags: Attributes): { rule: string; because: string; early?: string } | undefined {
  const rule = rootTags['sampling.rule'];
  if (typeof rule !== 'string') return undefined;
  const early = rootTags['sampling.decided_early'];
  return {
    rule,
    because: RULES[rule] ?? `the ${rule} rule`,
    ...(typeof early === 'string' ? { early: EARLY[early] ?? `decided early (${early})` } : {}),
  };
}
