import type { TracerPlugin } from '@x/tracer-core';
import { CHECKS, CHECK_NAMES, CheckFailure } from './checks.js';

/** Options of {@link checkConformance}. */
export interface ConformanceOptions {
  /** How long `flush()` may take before the check fails. @defaultValue 5000 */
  readonly flushTimeoutMillis?: number;
  /** Names of checks to leave out (see `CHECK_NAMES`). @defaultValue [] */
  readonly skip?: readonly string[];
}

/** What {@link checkConformance} found. */
export interface ConformanceReport {
  readonly passed: string[];
  readonly failed: { check: string; message: string }[];
}

/** Makes a plugin for one check. Called once or more per check; each plugin is shut down after. */
export type PluginFactory = () => TracerPlugin | Promise<TracerPlugin>;

/**
 * Runs one named check against fresh plugins from `factory`. Resolves to `undefined` when the
 * rule holds, else to the message that says how it was broken. Never rejects.
 */
export async function runCheck(name: string, factory: PluginFactory, options: ConformanceOptions = {}): Promise<string | undefined> {
  const check = CHECKS[name];
  if (check === undefined) return `no check is named ${JSON.stringify(name)}`;
  const flushTimeoutMillis = options.flushTimeoutMillis ?? 5000;
  const made: TracerPlugin[] = [];
  try {
    await check({
      flushTimeoutMillis,
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
export async function checkConformance(factory: PluginFactory, options: ConformanceOptions = {}): Promise<ConformanceReport> {
  const report: ConformanceReport = { passed: [], failed: [] };
  for (const check of CHECK_NAMES) {
    if (options.skip?.includes(check)) continue;
    const message = await runCheck(check, factory, options);
    if (message === undefined) report.passed.push(check);
    else report.failed.push({ check, message });
  }
  return report;
}
