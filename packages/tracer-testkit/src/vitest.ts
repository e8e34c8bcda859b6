import { describe, expect, it } from 'vitest';
import type { TracerPlugin } from '@x/tracer-core';
import { CHECK_NAMES } from './checks.js';
import { runCheck, type ConformanceOptions, type PluginFactory } from './conformance.js';

/**
 * Registers one Vitest test per conformance check, so a broken rule shows up by name.
 *
 * @example
 * describeConformance('my tracer', () => createMyTracer());
 */
export function describeConformance<P extends TracerPlugin>(name: string, factory: PluginFactory<P>, options: ConformanceOptions<P> = {}): void {
  describe(`${name} conforms to the TracerPlugin contract`, () => {
    const checks = CHECK_NAMES.filter((check) => !options.skip?.includes(check));
    it.each(checks)('%s', async (check) => {
      expect(await runCheck(check, factory, options)).toBeUndefined();
    });
  });
}
