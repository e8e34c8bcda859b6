import { dirname, resolve } from 'node:path';
import { InvalidOptionError, type BufferedTracer, type ShutdownOptions } from '@x/tracer-core';
import { createStoreTracer, type StoreTracerOptions } from './store-tracer.js';
import type { TraceStoreOptions } from './store-options.js';
import { openTraceStore } from './trace-store.js';

/** What `@x/tracing-config` passes as `createTracer`'s context (the fields read here). */
export interface StorePluginContext {
  readonly name?: string;
  readonly serviceName?: string;
  readonly resourceAttributes?: Readonly<Record<string, string | number | boolean>>;
  readonly configFile?: string | undefined;
}

export type StorePluginOptions = TraceStoreOptions & Omit<StoreTracerOptions, 'store'>;

const STORE_KEYS = ['engine', 'path', 'url', 'maxAge', 'maxSpans', 'partitionsAhead'] as const;

/**
 * The store as a plugin loaded by name from `tracing.toml`:
 *
 * ```toml
 * [plugins.store]
 * package = "@x/tracer-store"
 * options = { path = ".x-tracing/traces.duckdb" }   # or url = "postgres://..."
 * ```
 *
 * Opens the store (a relative `path` is read from the config file's folder), and returns its tracer,
 * whose `shutdown()` also closes the store it opened.
 */
export async function createTracer(options: StorePluginOptions = {}, context: StorePluginContext = {}): Promise<BufferedTracer> {
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('the store plugin options must be a table');
  const storeOptions: Record<string, unknown> = {};
  const tracerOptions: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) {
    ((STORE_KEYS as readonly string[]).includes(key) ? storeOptions : tracerOptions)[key] = value;
  }
  if (typeof storeOptions.path === 'string' && storeOptions.path !== ':memory:') {
    storeOptions.path = resolve(context.configFile === undefined ? process.cwd() : dirname(context.configFile), storeOptions.path);
  }
  const store = await openTraceStore(storeOptions as TraceStoreOptions);
  let tracer: BufferedTracer;
  try {
    tracer = createStoreTracer({
      name: context.name ?? 'store',
      ...(context.serviceName === undefined ? {} : { serviceName: context.serviceName }),
      ...(context.resourceAttributes === undefined ? {} : { resourceAttributes: context.resourceAttributes }),
      ...tracerOptions,
      store,
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  const shutdown = tracer.shutdown.bind(tracer);
  return Object.assign(tracer, {
    shutdown: async (shutdownOptions?: ShutdownOptions) => {
      try {
        await shutdown(shutdownOptions);
      } finally {
        await store.close();
      }
    },
  });
}
