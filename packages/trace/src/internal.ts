// @x/trace/internal: what @x/tracer-otel's context bridge needs from this package's runtime. No
// stability promise: names here may change in any release. Applications use the `.` entry.

export { activeSpan, runWith } from './span-context.js';
export { exceptionAttributes } from './span.js';
export { httpInstrumentedParts, type HttpInstrumentedParts } from './http/instrument-http.js';
export { openDetachedSpan, endSpanAt, addEventAt, standInSpan, type DetachedSpanStart } from './detached-spans.js';
export { bindEmitter, isEmitter, type ListenerRunner } from './bind.js';
export { setTracingSuppressedCheck } from './tracing-suppressed.js';
