export type { TlsOptions } from './http-transport.js';
export { isRetryableStatus, parseRetryAfter, backoffMillis, type RetryOptions } from './retry-policy.js';
export type { HttpExportOptions } from './http-options.js';
