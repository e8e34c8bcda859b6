/**
 * What `@x/tracing-config` passes as `createTracer`'s second argument (its `PluginContext`): where
 * the tracer runs. A plugin depends on `@x/tracer-core` only, so it states the fields it reads here
 * rather than importing the loader's type. Every field is optional so that the factory can also be
 * called by hand (`createTracer({ file: 'spans.ndjson' })`).
 */
export interface PluginContext {
  /** The plugin's table name: `mine` for `[plugins.mine]`. */
  readonly name?: string;
  /** The configured `service.name`. */
  readonly serviceName?: string;
  /** Resource attributes of the service. */
  readonly resourceAttributes?: Readonly<Record<string, string | number | boolean>>;
  /** The configuration file (absolute), undefined for a configuration given as an object. */
  readonly configFile?: string | undefined;
}
