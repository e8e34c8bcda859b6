// Moved to @x/tracer-http, shared with the Zipkin tracer; this path stays for existing imports.
export { HttpTransport, type HttpTransportOptions, type TlsOptions } from '@x/tracer-http/internal';
