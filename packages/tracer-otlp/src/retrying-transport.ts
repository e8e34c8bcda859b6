// Moved to @x/tracer-http, shared with the Zipkin tracer; this path stays for existing imports.
export { createRetryingTransport } from '@x/tracer-http/internal';
