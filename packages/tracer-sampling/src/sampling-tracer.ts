import type { ShutdownOptions, SpanHandle, TracerPlugin } from '@x/tracer-core';
import { checkPlugin } from '@x/tracer-core/internal';
import { HeadSamplingTracer } from './head-sampling-tracer.js';
import { resolveSamplingOptions, type SamplingTracerOptions } from './sampling-options.js';
import type { SamplingStats } from './sampling-stats.js';
import { TailSamplingTracer } from './tail-sampling-tracer.js';

/** A sampling tracer: a TracerPlugin with every optional member. */
export interface SamplingTracer extends TracerPlugin {
  updateName(span: SpanHandle, name: string): void;
  traceState(span: SpanHandle): string | undefined;
  shutdown(options?: ShutdownOptions): Promise<void>;
  stats(): SamplingStats;
}

/**
 * A TracerPlugin that samples for `child`: decides which traces `child` records, consistently
 * across processes (OpenTelemetry's probability sampling: the same trace id gets the same decision
 * everywhere at the same rate, and the threshold travels as `ot=th:...` in tracestate).
 *
 * Without `alwaysSample` it is a head sampler: decided when a trace's root starts, INVALID for the
 * rest. With `alwaysSample` (`'errors'`, `'slow_requests'`) it is a tail sampler: every span is
 * recorded and held until the trace's local root ends, then the fragment is handed to `child` whole
 * or sampled out (counted, not dropped). At `sampleRate: 1` every trace is kept, so there is
 * nothing to wait for and the head sampler is used whatever `alwaysSample` says.
 *
 * It composes: `child` may be a fan-out, and a fan-out may hold samplers (they decide alike for the
 * same trace id at the same rate).
 * @throws InvalidOptionError for a bad option, or a `child` that is not a TracerPlugin.
 */
export function createSamplingTracer(child: TracerPlugin, options?: SamplingTracerOptions): SamplingTracer {
  checkPlugin(child, 'createSamplingTracer: child');
  const resolved = resolveSamplingOptions(options);
  const tail = resolved.alwaysSample.size > 0 && resolved.sampleRate < 1;
  return tail ? new TailSamplingTracer(child, resolved) : new HeadSamplingTracer(child, resolved);
}
