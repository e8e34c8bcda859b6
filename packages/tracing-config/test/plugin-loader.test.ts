import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { TracerErrorCode, type TracerPlugin } from '@x/tracer-core';
import { ConfigError } from '../src/config-error.js';
import { loadPlugin, type PluginContext, type PluginSpec } from '../src/plugin-loader.js';

const fixtures = fileURLToPath(new URL('./fixtures/plugins/', import.meta.url)).replace(/\/$/, '');
// The loader reads only the config file's folder, never the file: it need not exist.
const configFile = join(fixtures, 'tracing.toml');
const context: PluginContext = {
  name: 'mine',
  site: 'api',
  serviceName: 'checkout',
  resourceAttributes: { 'service.name': 'checkout' },
  configFile,
};

function spec(source: { package?: unknown; path?: unknown }, options: Record<string, unknown> = { level: 3 }, file = configFile): PluginSpec {
  return { name: 'mine', ...(source as { package?: string; path?: string }), options, keyPath: 'plugins.mine', file };
}

/** A spec from a configuration given as an object: no file. */
function objectSpec(source: { package?: string; path?: string }): PluginSpec {
  return { ...spec(source), file: undefined };
}

/** What a fixture's minimal plugin keeps of its factory's arguments. */
function received(plugin: TracerPlugin): { options: unknown; context: unknown } {
  return (plugin as unknown as { received: { options: unknown; context: unknown } }).received;
}

async function loadError(pluginSpec: PluginSpec): Promise<ConfigError> {
  const error: unknown = await loadPlugin(pluginSpec, context).then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(ConfigError);
  expect(error).toMatchObject({ code: TracerErrorCode.InvalidOption, file: pluginSpec.file ?? '<object>' });
  return error as ConfigError;
}

describe('loadPlugin finds the module and makes the tracer', () => {
  it.each([
    ['a path, sync factory', { path: './sync-plugin.mjs' }, 'sync'],
    ['a path, async factory', { path: './async-plugin.mjs' }, 'async'],
    ['an absolute path', { path: join(fixtures, 'sync-plugin.mjs') }, 'sync'],
    ['a pure-ESM package by its exports map (import condition)', { package: '@acme/esm-tracer' }, 'esm'],
    ['a subpath a package exports', { package: '@acme/esm-tracer/lite' }, 'esm-lite'],
    ['a CommonJS package without exports, by main', { package: 'legacy-cjs-tracer' }, 'legacy-cjs'],
    ['a package whose exports has a require entry first', { package: '@acme/conditional-tracer' }, 'default'],
  ])('%s', async (_case, source, name) => {
    const options = { level: 3 };
    const plugin = await loadPlugin(spec(source, options), context);
    expect(plugin.name).toBe(name);
    expect(received(plugin).options).toBe(options);
    expect(received(plugin).context).toBe(context);
  });

  it('reads a path from the current directory for a configuration given as an object', async () => {
    const plugin = await loadPlugin(objectSpec({ path: relative(process.cwd(), join(fixtures, 'sync-plugin.mjs')) }), context);
    expect(plugin.name).toBe('sync');
  });

  describe('@x/example-tracer-plugin, a real plugin, by name', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plugin-loader-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('is resolved from the config file folder (its source entry under Vitest), made with the options, and records', async () => {
      const file = join(dir, 'spans.ndjson');
      const plugin = await loadPlugin(spec({ package: '@x/example-tracer-plugin' }, { file, hookProcessShutdown: false }), context);
      plugin.endSpan(plugin.startSpan({ name: 'loaded by name' }));
      await plugin.shutdown?.();
      expect(plugin.name).toBe('mine');
      expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ name: 'loaded by name', resource: { 'service.name': 'checkout' } });
    });

    it('is found by its own name from a config file inside the package (self-reference)', async () => {
      const inside = fileURLToPath(new URL('../../../examples/plugin-template/tracing.toml', import.meta.url));
      const plugin = await loadPlugin(spec({ package: '@x/example-tracer-plugin' }, { file: join(dir, 'self.ndjson'), hookProcessShutdown: false }, inside), context);
      expect(plugin.name).toBe('mine');
      await plugin.shutdown?.();
    });

    it('points at the options table when the plugin refuses its options', async () => {
      const error = await loadError(spec({ package: '@x/example-tracer-plugin' }, { fiel: 'spans.ndjson' }));
      expect(error.keyPath).toBe('plugins.mine.options');
      expect(error.message).toMatch(
        /^.*tracing\.toml: plugins\.mine\.options: plugin "mine": createTracer of package "@x\/example-tracer-plugin" \(.*\) threw: its options were refused: unknown option "fiel"; the options are file, /,
      );
      expect((error.cause as Error).name).toBe('InvalidOptionError');
    });
  });
});

describe('loadPlugin says what went wrong, what was tried and what to do', () => {
  const at = (file: string) => file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

  it.each([
    ['neither package nor path', {}, /plugin "mine": names neither package nor path: add package = "<npm package>" for an installed plugin, or path = ".\/plugin.js" for a file$/],
    ['both package and path', { package: '@acme/esm-tracer', path: './sync-plugin.mjs' }, /plugin "mine": names both package and path: keep package/],
    ['a package that is a path', { package: './sync-plugin.mjs' }, /package ".\/sync-plugin.mjs" is not a package name; for a module file use path = ".\/sync-plugin.mjs"$/],
    ['a package that is not a string', { package: 7 }, /package must be a package name such as "@acme\/tracer-x", got 7$/],
    [
      'a package that is not installed',
      { package: '@acme/not-installed/sub' },
      new RegExp(
        `plugin "mine": package "@acme/not-installed/sub" is not installed: looked for node_modules/@acme/not-installed in ${at(fixtures)} and every folder above it; ` +
          `run "npm install @acme/not-installed" in ${at(fixtures)}`,
      ),
    ],
    [
      'a package exported only for require',
      { package: '@acme/require-only-tracer' },
      /package "@acme\/require-only-tracer" \(.*require-only-tracer\) exports nothing for "\." under the conditions node, import, .*default; its package.json "exports" must map "\." to a module for import/,
    ],
    ['a subpath the package does not export', { package: '@acme/esm-tracer/internal' }, /exports nothing for ".\/internal" under the conditions/],
    ['a package that is not built', { package: '@acme/unbuilt-tracer' }, /package "@acme\/unbuilt-tracer" \(.*\) points to .*unbuilt-tracer\/dist\/index.js, which does not exist: is the package built/],
    ['a package whose package.json is not JSON', { package: '@acme/broken-manifest' }, /plugin "mine": finding its module failed: Invalid package config .*broken-manifest\/package.json/],
    ['a path that does not exist', { path: './nope.mjs' }, new RegExp(`path "./nope.mjs" is ${at(join(fixtures, 'nope.mjs'))}, which does not exist; a relative path is read from the config file's folder ${at(fixtures)}$`)],
    ['a path through a file', { path: './sync-plugin.mjs/inner.mjs' }, /path ".\/sync-plugin.mjs\/inner.mjs" is .*, which does not exist/],
    ['a path that is a folder', { path: './node_modules' }, /path ".\/node_modules" is .*, which is a folder, not a module file/],
    ['a module with no createTracer', { path: './no-factory.mjs' }, /path ".\/no-factory.mjs" \(.*\) has no createTracer export \(its exports: createTracers, default\); a plugin module exports a function createTracer\(options, context\)/],
    ['a createTracer that is not a function', { path: './factory-not-a-function.mjs' }, /exports createTracer as "soon" \(its exports: createTracer\)/],
    ['a factory that returns half a plugin', { path: './returns-half-a-plugin.mjs' }, /what createTracer of path ".\/returns-half-a-plugin.mjs" \(.*\) returned \(an object\) is not a TracerPlugin: setAttribute is not a function; .*report it to the plugin's author$/],
    ['an async factory that resolves to nothing', { path: './resolves-to-nothing.mjs' }, /resolved to \(undefined\) is not a TracerPlugin: startSpan is not a function/],
  ])('%s', async (_case, source, message) => {
    const error = await loadError(spec(source));
    expect(error.keyPath).toBe('plugins.mine');
    expect(error.message).toMatch(new RegExp(`^${at(configFile)}: plugins\\.mine: plugin "mine": `));
    expect(error.message).toMatch(message);
  });

  it.each([
    ['a module that throws when imported', './throws-on-import.mjs', /importing path ".\/throws-on-import.mjs" \(.*\) threw: BACKEND_URL is not set \(the cause has the module's stack\)$/, 'BACKEND_URL is not set'],
    ['a factory that throws', './factory-throws.mjs', /createTracer of path ".\/factory-throws.mjs" \(.*\) threw: quota exceeded \(the cause has the plugin's stack\)$/, 'quota exceeded'],
    ['a factory whose promise rejects', './factory-rejects.mjs', /the promise createTracer of path ".\/factory-rejects.mjs" \(.*\) returned rejected: token refused/, 'token refused'],
  ])('%s, keeping the error as cause', async (_case, path, message, cause) => {
    const error = await loadError(spec({ path }));
    expect(error.message).toMatch(message);
    expect(error.cause).toBeInstanceOf(Error);
    expect((error.cause as Error).message).toBe(cause);
  });

  it('names the current directory and <object> when the configuration is an object', async () => {
    const error = await loadError(objectSpec({ package: '@acme/esm-tracer' }));
    expect(error.message).toBe(
      `<object>: plugins.mine: plugin "mine": package "@acme/esm-tracer" is not installed: looked for node_modules/@acme/esm-tracer in ${process.cwd()} ` +
        `and every folder above it; run "npm install @acme/esm-tracer" in ${process.cwd()} (or in the project that holds it)`,
    );
  });
});

describe('loadPlugin resolves under the conditions of the process, as import does', () => {
  it('picks the default entry when the process has no acme-test condition (this Vitest worker)', async () => {
    expect(process.execArgv).not.toContain('acme-test');
    expect((await loadPlugin(spec({ package: '@acme/conditional-tracer' }), context)).name).toBe('default');
  });

  // Plain Node (through tsx, outside Vitest's module runner): the loader as a user's process runs it.
  const run = promisify(execFile);
  const loader = fileURLToPath(new URL('../src/plugin-loader.ts', import.meta.url));
  const script = `
    const { loadPlugin } = await import(${JSON.stringify(loader)});
    const spec = { name: 'mine', package: '@acme/conditional-tracer', options: {}, keyPath: 'plugins.mine', file: ${JSON.stringify(configFile)} };
    console.log((await loadPlugin(spec, {})).name);`;
  it.each([
    ['-C acme-test', ['-C', 'acme-test'], {}],
    ['--conditions=acme-test', ['--conditions=acme-test'], {}],
    ['NODE_OPTIONS=--conditions=acme-test', [], { NODE_OPTIONS: '--conditions=acme-test' }],
  ])('picks the acme-test entry in a process started with %s', async (_case, flags, env) => {
    const { stdout } = await run(process.execPath, ['--conditions=source', '--import', 'tsx', ...flags, '--input-type=module', '--eval', script], {
      env: { ...process.env, ...env },
    });
    expect(stdout.trim()).toBe('acme-test');
  });
});
