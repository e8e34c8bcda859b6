export { createOtlpTracer } from './otlp-tracer.js';
export type { OtlpTracerOptions } from './otlp-options.js';
export { otlpOptionsFromEnv } from './otlp-env.js';
export type { TlsOptions } from './http-transport.js';
export { isRetryableStatus, parseRetryAfter, backoffMillis, type RetryOptions } from './retry-policy.js';
export { createProtobufEncoder, encodeAll, type RequestEncoder } from './otlp-protobuf.js';
export { createJsonEncoder } from './otlp-json.js';
export type { RequestHeader } from './request-header.js';
