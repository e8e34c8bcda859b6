export { createOtlpTracer } from './otlp-tracer.js';
export type { OtlpTracerOptions } from './otlp-options.js';
export { otlpOptionsFromEnv } from './otlp-env.js';
export type { TlsOptions } from './http-transport.js';
export { isRetryableStatus, parseRetryAfter, backoffMillis, type RetryOptions } from './retry-policy.js';
