// Moved to @x/tracer-http, shared with the Zipkin tracer; this path stays for existing imports.
export { ABORTED, type Transport, type TransportResult } from '@x/tracer-http/internal';
