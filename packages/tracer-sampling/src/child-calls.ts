import type { ShutdownOptions, TracerPlugin, TracerStats } from '@x/tracer-core';
import { toTracerError } from '@x/tracer-core/internal';
import { NO_STATS } from './sampling-stats.js';

// The child's fallible calls, made so that a child that breaks the contract (throws synchronously,
// returns something that is not a promise) cannot make the sampler throw: a failure is a rejection.

export function childFlush(child: TracerPlugin): Promise<void> {
  try {
    return Promise.resolve(child.flush());
  } catch (error) {
    return Promise.reject(toTracerError(error, `the sampler's child threw instead of returning a promise`));
  }
}

export function childShutdown(child: TracerPlugin, options: ShutdownOptions | undefined): Promise<void> {
  try {
    return Promise.resolve(child.shutdown !== undefined ? child.shutdown(options) : child.flush());
  } catch (error) {
    return Promise.reject(toTracerError(error, `the sampler's child threw instead of returning a promise`));
  }
}

export function childStats(child: TracerPlugin): TracerStats {
  try {
    return child.stats?.() ?? NO_STATS;
  } catch {
    return NO_STATS;
  }
}
