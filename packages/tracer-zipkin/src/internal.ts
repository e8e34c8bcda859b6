// @x/tracer-zipkin/internal: for this repository's benchmarks, which time the encoder alone.
// No stability promise: names here may change in any release.

export { createZipkinJsonEncoder } from './zipkin-json.js';
export type { ZipkinSpanContext } from './zipkin-span.js';
