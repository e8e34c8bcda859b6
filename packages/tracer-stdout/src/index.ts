export { createStdoutTracer, type StdoutTracerOptions } from './stdout-tracer.js';
export { jsonLine } from './json-format.js';
export { formatDuration } from './pretty-format.js';
export type { LineStream } from './stream-exporter.js';
