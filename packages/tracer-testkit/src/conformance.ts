import type { TracerPlugin } from '@x/tracer-core';
import { CHECKS, CHECK_NAMES, CheckFailure } from './checks.js';

/** A span as a plugin exported it, as far as the checks read it. */
export interface ExportedSpan {
  readonly spanId: string;
  readonly name: string;
}

/** Options of {@link checkConformance}; `P` is what the factory makes. */
export interface ConformanceOptions<P extends TracerPlugin = TracerPlugin> {
  /** How long `flush()` may take before the check fails. @defaultValue 5000 */
  readonly flushTimeoutMillis?: number;
  /** Names of checks to leave out (see `CHECK_NAMES`). @defaultValue [] */
  readonly skip?: readonly string[];
  /**
   * Reads back what `plugin` (one the factory made) has exported, for the rules that only exported
   * spans show: that `updateName` renames a live span, and changes nothing after its end. Called
   * after a `flush()` settled; returns the spans exported so far, each with at least `spanId` and
   * `name` (the memory tracer's `drain()` will do; others parse what their exporter wrote). Without
   * it those rules are checked as far as calls show: nothing throws. @defaultValue undefined
   */
  readonly exported?: (plugin: P) => readonly ExportedSpan[] | Promise<readonly ExportedSpan[]>;
}

/** What {@link checkConformance} found. */
export interface ConformanceReport {
  readonly passed: string[];
  readonly failed: { check: string; message: string }[];
}

/** Makes a plugin for one check. Called once or more per check; each plugin is shut down after. */
export type PluginFactory<P extends TracerPlugin = TracerPlugin> = () => P | Promise<P>;

/**
 * Runs one named check against fresh plugins from `factory`. Resolves to `undefined` when the
 * rule holds, else to the message that says how it was broken. Never rejects.
 */
export async function runCheck<P extends TracerPlugin>(
  name: string,
  factory: PluginFactory<P>,
  options: ConformanceOptions<P> = {},
): Promise<string | undefined> {
  const check = CHECKS[name];
  if (check === undefined) return `no check is named ${JSON.stringify(name)}`;
  const flushTimeoutMillis = options.flushTimeoutMillis ?? 5000;
  const made: P[] = [];
  const { exported } = options;
  try {
    await check({
      flushTimeoutMillis,
      // Checks are given only plugins that `make` returned, which the factory made: each is a `P`.
      exported: exported && (async (plugin) => exported(plugin as P)),
      make: async () => {
        const plugin = await factory();
        made.push(plugin);
        return plugin;
      },
    });
    return undefined;
  } catch (error) {
    if (error instanceof CheckFailure) return error.message;
    return `the check itself failed: ${error instanceof Error ? error.message : String(error)}`;
  } finally {
    await Promise.all(made.map((plugin) => stopQuietly(plugin, flushTimeoutMillis)));
  }
}

async function stopQuietly(plugin: TracerPlugin, millis: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const stopping = typeof plugin.shutdown === 'function' ? plugin.shutdown({ timeoutMillis: millis }) : undefined;
    await Promise.race([Promise.resolve(stopping).catch(() => undefined), new Promise((r) => (timer = setTimeout(r, millis)))]);
  } catch {
    // A plugin whose shutdown throws fails its own check; cleanup only does its best.
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Checks a TracerPlugin implementation against the contract, with no test framework needed.
 * `factory` is called for fresh plugins (several per run); each is shut down after its check.
 * Resolves to the checks that passed and those that failed with the reason. Never rejects.
 *
 * @example
 * const report = await checkConformance(() => createMyTracer());
 * if (report.failed.length > 0) console.error(report.failed);
 */
export async function checkConformance<P extends TracerPlugin>(
  factory: PluginFactory<P>,
  options: ConformanceOptions<P> = {},
): Promise<ConformanceReport> {
  const report: ConformanceReport = { passed: [], failed: [] };
  for (const check of CHECK_NAMES) {
    if (options.skip?.includes(check)) continue;
    const message = await runCheck(check, factory, options);
    if (message === undefined) report.passed.push(check);
    else report.failed.push({ check, message });
  }
  return report;
}
