import type { TracerPlugin } from '@x/tracer-core';

/**
 * A plain-object plugin that forwards every member to `inner`, with some replaced: for tests that
 * need a plugin breaking one rule (a throwing method, a flush that never settles) or a plugin that
 * is not built on the core. `changes` receives `inner`, so a replacement can still delegate.
 */
export function wrapPlugin(inner: TracerPlugin, changes: (inner: TracerPlugin) => Partial<TracerPlugin> = () => ({})): TracerPlugin {
  const plugin: TracerPlugin = {
    name: inner.name,
    startSpan: (start) => inner.startSpan(start),
    setAttribute: (span, key, value) => inner.setAttribute(span, key, value),
    setStatus: (span, status) => inner.setStatus(span, status),
    addEvent: (span, event) => inner.addEvent(span, event),
    endSpan: (span, end) => inner.endSpan(span, end),
    flush: () => inner.flush(),
  };
  if (inner.updateName) plugin.updateName = (span, name) => inner.updateName!(span, name);
  if (inner.traceState) plugin.traceState = (span) => inner.traceState!(span);
  if (inner.shutdown) plugin.shutdown = (options) => inner.shutdown!(options);
  if (inner.stats) plugin.stats = () => inner.stats!();
  return Object.assign(plugin, changes(inner));
}
