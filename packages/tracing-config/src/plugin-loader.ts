import { realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { moduleResolve } from 'import-meta-resolve';
import { TracerErrorCode, type TracerPlugin } from '@x/tracer-core';
import { checkPlugin, describe, PLUGIN_METHODS } from '@x/tracer-core/internal';
import { ConfigError } from './config-error.js';

/** What a plugin's `createTracer(options, context)` receives as `context`: where it runs. */
export interface PluginContext {
  /** The plugin's table name: `honeycomb` for `[plugins.honeycomb]`. */
  readonly name: string;
  /** The site the tracer is built for, undefined for the configuration's default tracer. */
  readonly site: string | undefined;
  /** The configured `service.name`. */
  readonly serviceName: string;
  /** Resource attributes of the service, `service.name` among them. */
  readonly resourceAttributes: Readonly<Record<string, string | number | boolean>>;
  /** The configuration file, absolute; undefined for a configuration given as an object. */
  readonly configFile: string | undefined;
}

/** One `[plugins.<name>]` table, as the schema read it. Exactly one of `package` and `path`. */
export interface PluginSpec {
  readonly name: string;
  /** An installed package (`@acme/tracer-x`, or a subpath it exports), found from the config file's folder. */
  readonly package?: string;
  /** A module file, relative to the config file's folder (the current directory for an object config). */
  readonly path?: string;
  /** The plugin's `options` table, passed to `createTracer` as it is. */
  readonly options: Readonly<Record<string, unknown>>;
  /** e.g. 'plugins.honeycomb' */
  readonly keyPath: string;
  /** the config file, or undefined for an object config */
  readonly file: string | undefined;
}

/**
 * Imports the plugin, calls its `createTracer(options, context)` (sync or async), checks the result is a TracerPlugin.
 *
 * A `package` is resolved as Node's `import` would from a module in the config file's folder
 * (`node_modules` up from there, the package's own name from inside it, its `exports` map under the
 * conditions this process imports with, `main` without one); a `path` is read from that folder. A
 * CommonJS module's `module.exports.createTracer` counts as the export.
 *
 * Runs the plugin's module and factory, so it costs what they cost; nothing is retried or cached
 * here (Node caches the module: a second load calls `createTracer` again on it).
 *
 * @throws ConfigError (never another error), at `spec.keyPath` (`.options` when the plugin refused
 * its options), naming the plugin, what was tried and what to do; the plugin's own error is the `cause`.
 */
export async function loadPlugin(spec: PluginSpec, context: PluginContext): Promise<TracerPlugin> {
  const fail = (problem: string, cause?: unknown, keyPath = spec.keyPath): ConfigError =>
    new ConfigError(spec.file ?? '<object>', keyPath, `plugin "${spec.name}": ${problem}`, cause === undefined ? undefined : { cause });
  let located: { file: string; origin: string };
  try {
    located = locateModule(spec, fail);
  } catch (error) {
    // What the file system itself refuses (a package.json that is not JSON, a folder we may not read).
    throw error instanceof ConfigError ? error : fail(`finding its module failed: ${messageOf(error)}`, error);
  }
  const { file, origin } = located;

  let module: Readonly<Record<string, unknown>>;
  try {
    module = await import(pathToFileURL(file).href);
  } catch (error) {
    throw fail(`importing ${origin} threw: ${messageOf(error)} (the cause has the module's stack)`, error);
  }
  const factory = factoryOf(module, origin, fail);

  let plugin: unknown;
  let returned = 'returned';
  let promised: boolean;
  try {
    plugin = factory(spec.options, context);
    promised = isThenable(plugin);
  } catch (error) {
    throw refused(`createTracer of ${origin} threw`, error, spec.keyPath, fail);
  }
  if (promised) {
    returned = 'resolved to';
    try {
      plugin = await (plugin as PromiseLike<unknown>);
    } catch (error) {
      throw refused(`the promise createTracer of ${origin} returned rejected`, error, spec.keyPath, fail);
    }
  }
  try {
    checkPlugin(plugin, `what createTracer of ${origin} ${returned} (${describe(plugin)})`);
  } catch (error) {
    throw fail(`${messageOf(error)}; a plugin is an object with the methods ${PLUGIN_METHODS.join(', ')} (TracerPlugin in @x/tracer-core): report it to the plugin's author`);
  }
  return plugin as TracerPlugin;
}

type Fail = (problem: string, cause?: unknown, keyPath?: string) => ConfigError;

/** The module file to import, and how messages name it. */
function locateModule(spec: PluginSpec, fail: Fail): { file: string; origin: string } {
  const base = spec.file === undefined ? process.cwd() : dirname(resolve(spec.file));
  const baseName = spec.file === undefined ? `the current directory ${base}` : `the config file's folder ${base}`;
  if ((spec.package === undefined) === (spec.path === undefined)) {
    throw fail(
      spec.package === undefined
        ? 'names neither package nor path: add package = "<npm package>" for an installed plugin, or path = "./plugin.js" for a file'
        : 'names both package and path: keep package for an installed plugin, or path for a file',
    );
  }
  if (spec.path !== undefined) {
    if (typeof spec.path !== 'string' || spec.path === '') throw fail(`path must be a file path such as "./plugin.js", got ${describe(spec.path)}`);
    const file = resolve(base, spec.path);
    const kind = fileKind(file);
    if (kind !== 'file') {
      throw fail(`path "${spec.path}" is ${file}, which ${kind === 'missing' ? 'does not exist' : 'is a folder, not a module file'}; a relative path is read from ${baseName}`);
    }
    return { file, origin: `path "${spec.path}" (${file})` };
  }
  const name = spec.package;
  if (typeof name !== 'string') throw fail(`package must be a package name such as "@acme/tracer-x", got ${describe(name)}`);
  const conditions = importConditions();
  const found = resolvePackage(name, base, conditions);
  switch (found.kind) {
    case 'file':
      return { file: found.file, origin: `package "${name}" (${found.file})` };
    case 'not-a-name':
      throw fail(`package ${describe(name)} is not a package name; for a module file use path = ${JSON.stringify(name)}`);
    case 'not-installed':
      throw fail(
        `package "${name}" is not installed: looked for node_modules/${packageName(name)} in ${base} and every folder above it; ` +
          `run "npm install ${packageName(name)}" in ${base} (or in the project that holds it)`,
      );
    case 'not-exported':
      throw fail(
        `package "${name}" (${found.packageDir}) exports nothing for "${found.subpath}" under the conditions ${[...conditions, 'default'].join(', ')}; ` +
          `its package.json "exports" must map "${found.subpath}" to a module for import (a package exported only for require cannot be loaded)`,
      );
    case 'missing-file':
      throw fail(`package "${name}" (${found.packageDir}) points to ${found.file}, which does not exist: is the package built, and installed completely?`);
  }
}

/** The module's `createTracer`, or its CommonJS `module.exports.createTracer`. */
function factoryOf(module: Readonly<Record<string, unknown>>, origin: string, fail: Fail): (...args: unknown[]) => unknown {
  const commonJs = module.default;
  const factory =
    module.createTracer ?? (typeof commonJs === 'object' && commonJs !== null ? (commonJs as Record<string, unknown>).createTracer : undefined);
  if (typeof factory === 'function') return factory as (...args: unknown[]) => unknown;
  const exported = Object.keys(module);
  throw fail(
    `${origin} ${factory === undefined ? 'has no createTracer export' : `exports createTracer as ${describe(factory)}`} ` +
      `(its exports: ${exported.length === 0 ? 'none' : exported.join(', ')}); a plugin module exports a function createTracer(options, context) that returns a TracerPlugin`,
  );
}

/**
 * The ConfigError for a factory that threw or rejected. A factory that refused its options (an
 * InvalidOptionError, by its stable code) points at the `options` table, which the user can fix.
 */
function refused(what: string, error: unknown, keyPath: string, fail: Fail): ConfigError {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === TracerErrorCode.InvalidOption) {
    return fail(`${what}: its options were refused: ${messageOf(error)}`, error, `${keyPath}.options`);
  }
  return fail(`${what}: ${messageOf(error)} (the cause has the plugin's stack)`, error);
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fileKind(path: string): 'file' | 'folder' | 'missing' {
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    return stats === undefined ? 'missing' : stats.isDirectory() ? 'folder' : 'file';
  } catch (error) {
    // A path through a file (`plugin.js/x`): Node 20 throws ENOTDIR where Node 22 and later return undefined.
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return 'missing';
    throw error;
  }
}

// Package resolution: Node's own ESM algorithm from the config file's folder, by import-meta-resolve
// (wooorm's port of Node's resolver). `createRequire(file).resolve` resolves with the `require`
// condition, so a package exported only for `import` would not be found; `import.meta.resolve` takes
// a parent only behind a flag (Node 20 to 26).

type Resolution =
  | { readonly kind: 'file'; readonly file: string }
  | { readonly kind: 'not-a-name' }
  | { readonly kind: 'not-installed' }
  | { readonly kind: 'not-exported'; readonly packageDir: string; readonly subpath: string }
  | { readonly kind: 'missing-file'; readonly packageDir: string; readonly file: string };

/**
 * The conditions Node's `import` matches in this process: its own (`node`, `import`, `module-sync`
 * where `require(esm)` is on, `node-addons` unless `--no-addons`) and the `--conditions` (`-C`) it
 * was started with, from its arguments or NODE_OPTIONS, as Node reads them. That is how a workspace
 * package's `source` entry is chosen under `node --conditions=source` (and under Vitest, whose
 * workers run with it here), and the built `default` one otherwise. `default` always matches.
 */
function importConditions(): ReadonlySet<string> {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS?.split(/\s+/) ?? [])];
  const conditions = new Set(['node', 'import']);
  if (process.features.require_module) conditions.add('module-sync');
  if (!flags.includes('--no-addons')) conditions.add('node-addons');
  flags.forEach((flag, index) => {
    const match = /^(?:--conditions|-C)(?:=(.+))?$/.exec(flag);
    const condition = match === null ? undefined : (match[1] ?? flags[index + 1]);
    if (condition !== undefined && condition !== '') conditions.add(condition);
  });
  return conditions;
}

/** `@scope/name` or `name`, the part of a specifier before its subpath. */
function packageName(specifier: string): string {
  return specifier.split('/', specifier.startsWith('@') ? 2 : 1).join('/');
}

/** Resolves a package specifier (`name`, `@scope/name`, either with a `/subpath`) from a folder, as `import` would. */
function resolvePackage(specifier: string, fromDir: string, conditions: ReadonlySet<string>): Resolution {
  const name = packageName(specifier);
  if (specifier.startsWith('.') || specifier.startsWith('/') || /[\\%:]/.test(specifier)) return { kind: 'not-a-name' };
  let url: URL;
  try {
    url = moduleResolve(specifier, pathToFileURL(join(fromDir, 'tracing.toml')), new Set(conditions));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = (error as Error).message;
    if (code === 'ERR_INVALID_MODULE_SPECIFIER') return { kind: 'not-a-name' };
    if (code === 'ERR_PACKAGE_PATH_NOT_EXPORTED') return { kind: 'not-exported', packageDir: packageDirOf(message, name), subpath: `.${specifier.slice(name.length)}` };
    if (code === 'ERR_MODULE_NOT_FOUND' && message.startsWith('Cannot find package')) return { kind: 'not-installed' };
    if (code === 'ERR_MODULE_NOT_FOUND') {
      const missing = /Cannot find module '([^']+)'/.exec(message)?.[1] ?? '(unknown)';
      return { kind: 'missing-file', packageDir: packageDirOf(message, name), file: missing };
    }
    throw error;
  }
  return { kind: 'file', file: realpathSync(fileURLToPath(url)) };
}

/** The package's folder as a resolver message names it (`.../node_modules/<name>`), for our own messages. */
function packageDirOf(message: string, name: string): string {
  const at = message.indexOf(`node_modules${sep}${name}`);
  if (at < 0) return name;
  const start = message.lastIndexOf("'", at) + 1;
  return message.slice(start, at + `node_modules${sep}${name}`.length);
}
