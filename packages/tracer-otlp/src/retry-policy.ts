// Moved to @x/tracer-http, shared with the Zipkin tracer; this path stays for existing imports.
export { backoffMillis, isRetryableStatus, parseRetryAfter, type ResolvedRetry, type RetryOptions } from '@x/tracer-http/internal';
