export { createMemoryTracer, type MemoryTracer, type MemoryTracerOptions } from './memory-tracer.js';
