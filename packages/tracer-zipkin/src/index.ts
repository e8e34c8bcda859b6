export { createZipkinTracer } from './zipkin-tracer.js';
export type { ZipkinTracerOptions } from './zipkin-options.js';
export { zipkinOptionsFromEnv } from './zipkin-env.js';
export type { RetryOptions, TlsOptions } from '@x/tracer-http';
