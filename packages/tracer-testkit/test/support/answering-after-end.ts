import type { SpanHandle, TracerPlugin } from '@x/tracer-core';

/**
 * Changes for `wrapPlugin(inner, ...)`: a `traceState` that remembers what each span started with
 * and keeps answering it after the span's end (undefined only for handles it never issued), the bug
 * the conformance check and the fuzzer must catch.
 */
export function answeringAfterEnd(inner: TracerPlugin): Partial<TracerPlugin> {
  const recorded = new Map<SpanHandle, string | undefined>();
  return {
    startSpan: (s) => {
      const handle = inner.startSpan(s);
      recorded.set(handle, inner.traceState!(handle));
      return handle;
    },
    traceState: (h) => recorded.get(h),
  };
}
