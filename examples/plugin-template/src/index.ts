export { createTracer } from './ndjson-tracer.js';
export type { NdjsonTracerOptions } from './options.js';
export type { PluginContext } from './plugin-context.js';
