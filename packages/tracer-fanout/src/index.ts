export {
  createFanoutTracer,
  MAX_CHILDREN,
  type FanoutTracer,
  type FanoutTracerOptions,
  type FanoutStats,
} from './fanout-tracer.js';
export { FanoutError, type ChildFailure } from './fanout-error.js';
