import type { TracerPlugin } from '@x/tracer-core';
import { createMemoryTracer, type MemoryTracer } from '@x/tracer-memory';

/**
 * A conformance factory whose plugin delivers to a memory tracer, and the `exported` option that
 * reads what it delivered there.
 */
export function memoryBacked(make: (memory: MemoryTracer) => TracerPlugin) {
  const readFrom = new WeakMap<TracerPlugin, MemoryTracer>();
  const factory = (): TracerPlugin => {
    const memory = createMemoryTracer();
    const plugin = make(memory);
    readFrom.set(plugin, memory);
    return plugin;
  };
  return { factory, options: { exported: (plugin: TracerPlugin) => readFrom.get(plugin)!.drain() } };
}
