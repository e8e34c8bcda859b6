import { context, propagation, trace, type ContextManager, type Tracer, type TracerOptions, type TracerProvider } from '@opentelemetry/api';
import type { InstrumentationScope, TracerPlugin } from '@x/tracer-core';
import { checkPlugin, optionsObject } from '@x/tracer-core/internal';
import { XTraceContextManager } from './context-manager.js';
import { BridgeTracer, yieldsToHttpInstrumentation } from './otel-tracer.js';
import { createOtelPropagator } from './w3c-propagator.js';
import { pluginStarter, runtimeStarter, type SpanStarter } from './span-starters.js';

/** Options of {@link createOtelTracerProvider}. */
export interface OtelTracerProviderOptions {
  /**
   * While `@x/trace`'s `instrumentHttp()` is enabled, record nothing for the spans of
   * `@opentelemetry/instrumentation-http` and `-undici` (theirs would double ours: one request,
   * two server spans). Turn off to keep both. @defaultValue true
   */
  readonly yieldHttpToXTrace?: boolean;
}

/** OpenTelemetry's `TracerProvider` on a TracerPlugin, or on `@x/trace`'s runtime. */
export interface OtelTracerProvider extends TracerProvider {
  getTracer(name: string, version?: string, options?: TracerOptions): Tracer;
  /**
   * Makes this the global provider (`trace.getTracer`, `registerInstrumentations`) and installs the
   * bridge's context manager (see {@link createOtelContextManager}) and W3C Trace Context propagator
   * ({@link createOtelPropagator}), as their SDK's `register()` installs its own. False when another
   * was registered first: OpenTelemetry's API keeps the first (call `trace.disable()`,
   * `context.disable()`, `propagation.disable()` before, to replace them).
   */
  register(): boolean;
  /** The plugin's `flush()`; resolves at once on `@x/trace`'s runtime (flush its tracer). */
  forceFlush(): Promise<void>;
  /** The plugin's `shutdown()`; resolves at once on `@x/trace`'s runtime. */
  shutdown(): Promise<void>;
}

/**
 * OpenTelemetry's `TracerProvider` whose spans go to our tracers: register it like the SDK's, and
 * every OpenTelemetry instrumentation (`registerInstrumentations([...])`) records into them.
 *
 * - With no `plugin`: spans are `@x/trace` spans, recorded by whatever tracer `configure()` gave
 *   `@x/trace` (stdout, OTLP, a fan-out, the store), with its records and sampling; with the
 *   bridge's context manager, `withSpan` and OpenTelemetry spans nest in each other both ways.
 * - With a `plugin`: spans go straight to it; OpenTelemetry spans nest under `withSpan`'s, but
 *   `withSpan` does not see these spans as parents (they are not `@x/trace` spans).
 *
 * Ids, parents (a context's span, local or remote), kinds, times (`startTime`, `end(time)`, event
 * times), attributes, events, links given at the start, status and names are kept. The tracers'
 * recording calls never throw, and neither do these. Not sampled: a non-recording span whose
 * context carries the trace id on.
 * @throws InvalidOptionError for a bad option or a `plugin` that is not a TracerPlugin.
 */
export function createOtelTracerProvider(plugin?: TracerPlugin, options?: OtelTracerProviderOptions): OtelTracerProvider {
  const given = optionsObject('createOtelTracerProvider', options);
  if (plugin !== undefined) checkPlugin(plugin, 'createOtelTracerProvider(plugin)');
  const yieldHttp = given.yieldHttpToXTrace ?? true;
  const starter: SpanStarter = plugin === undefined ? runtimeStarter : pluginStarter(plugin);
  const tracers = new Map<string, BridgeTracer>();
  const provider: OtelTracerProvider = {
    getTracer(name, version) {
      const scopeName = typeof name === 'string' && name !== '' ? name : 'unknown';
      const key = version === undefined ? scopeName : `${scopeName}\u0000${version}`;
      let tracer = tracers.get(key);
      if (tracer === undefined) {
        const scope: InstrumentationScope = Object.freeze(typeof version === 'string' ? { name: scopeName, version } : { name: scopeName });
        tracer = new BridgeTracer(starter, scope, yieldsToHttpInstrumentation(scope, yieldHttp));
        tracers.set(key, tracer);
      }
      return tracer;
    },
    register() {
      const contextInstalled = context.setGlobalContextManager(createOtelContextManager());
      const propagatorInstalled = propagation.setGlobalPropagator(createOtelPropagator());
      return trace.setGlobalTracerProvider(provider) && contextInstalled && propagatorInstalled;
    },
    forceFlush: () => (plugin === undefined ? Promise.resolve() : plugin.flush()),
    shutdown: () => (plugin === undefined ? Promise.resolve() : Promise.resolve(plugin.shutdown?.())),
  };
  return provider;
}

/**
 * OpenTelemetry's `ContextManager` on `@x/trace`'s async context: one current span for both APIs
 * (see `context-manager.ts`). `register()` of {@link createOtelTracerProvider} installs it; install
 * it yourself (`context.setGlobalContextManager(...)`) beside an SDK provider and
 * {@link createOtelSpanProcessor}.
 */
export function createOtelContextManager(): ContextManager {
  return new XTraceContextManager();
}
