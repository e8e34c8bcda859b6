export {
  createFanoutTracer,
  type FanoutTracer,
  type FanoutTracerOptions,
  type FanoutStats,
} from './fanout-tracer.js';
export { MAX_CHILDREN } from './fanout-children.js';
export { FanoutError, type ChildFailure } from './fanout-error.js';
