import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse, TomlError } from 'smol-toml';
import { ConfigError } from './config-error.js';
import { child, fail, isTable, readObservability, shown, table, type At, type Sections } from './sections.js';

/** A `[plugins.<name>]` table: a third-party plugin by package name or by path, and its options. */
export interface PluginTable {
  readonly name: string;
  readonly package?: string;
  readonly path?: string;
  readonly options: Readonly<Record<string, unknown>>;
  /** `plugins.<name>`, for errors. */
  readonly keyPath: string;
}

/** A configuration file (or object), checked whole: nothing in it is unknown or of the wrong type. */
export interface TracingConfig {
  /** The file's absolute path, or `<object>`. */
  readonly source: string;
  /** The file's path, undefined for an object: where plugins are resolved from. */
  readonly file: string | undefined;
  readonly top: Sections;
  readonly sites: ReadonlyMap<string, Sections>;
  readonly plugins: ReadonlyMap<string, PluginTable>;
}

const TOP_KEYS = ['observability', 'sites', 'plugins'];
const PLUGIN_KEYS = ['package', 'path', 'options'];
/** Site and plugin names: what a TOML bare key allows. */
const NAME = /^[A-Za-z0-9_-]+$/;
export const BUILT_IN_NAMES = ['otlp', 'jaeger', 'zipkin', 'stdout'];

/** Reads and checks a TOML file. @throws ConfigError naming the file, the key path, the bad value and what is allowed. */
export function loadConfig(file: string): TracingConfig {
  const path = resolve(file);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, '', `cannot read the file (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { cause: error });
  }
  return parseConfig(text, path);
}

/** Parses and checks TOML text; `file` names it in errors and is where plugins are resolved from. */
export function parseConfig(text: string, file: string): TracingConfig {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    // smol-toml's message carries the line and column, and the offending line with a caret.
    const problem = error instanceof TomlError ? `not valid TOML at line ${error.line}, column ${error.column}: ${error.message.split('\n')[0]}` : `not valid TOML: ${String(error)}`;
    throw new ConfigError(file, '', problem, { cause: error });
  }
  return readDocument({ file, keyPath: '' }, document, file);
}

/** Checks a configuration given as an object, shaped as the TOML file is. */
export function configFromObject(document: unknown): TracingConfig {
  return readDocument({ file: '<object>', keyPath: '' }, document, undefined);
}

function readDocument(at: At, document: unknown, file: string | undefined): TracingConfig {
  const given = table(at, document, TOP_KEYS);
  const plugins = readPlugins(child(at, 'plugins'), given.plugins);
  const declared = [...plugins.keys()];
  const top = readObservability(child(at, 'observability'), given.observability, declared);
  const sites = new Map<string, Sections>();
  if (given.sites !== undefined) {
    const where = child(at, 'sites');
    if (!isTable(given.sites)) fail(where, `must be a table of sites ([sites.<name>.observability.traces] ...), got ${shown(given.sites)}`);
    for (const [name, site] of Object.entries(given.sites)) {
      const siteAt = child(where, name);
      if (!NAME.test(name)) fail(siteAt, 'a site name is letters, digits, _ and -');
      const siteTable = table(siteAt, site, ['observability']);
      sites.set(name, readObservability(child(siteAt, 'observability'), siteTable.observability, declared));
    }
  }
  return { source: file ?? '<object>', file, top, sites, plugins };
}

function readPlugins(at: At, value: unknown): Map<string, PluginTable> {
  const plugins = new Map<string, PluginTable>();
  if (value === undefined) return plugins;
  if (!isTable(value)) fail(at, `must be a table of plugins ([plugins.<name>] with package or path), got ${shown(value)}`);
  for (const [name, plugin] of Object.entries(value)) {
    const where = child(at, name);
    if (!NAME.test(name)) fail(where, 'a plugin name is letters, digits, _ and -');
    // A site's tracers are a fan-out whose children need distinct names: the built-in exporters' are taken.
    if (BUILT_IN_NAMES.includes(name)) fail(where, `"${name}" is the name of a built-in exporter (${BUILT_IN_NAMES.join(', ')}): choose another plugin name`);
    const given = table(where, plugin, PLUGIN_KEYS);
    const hasPackage = given.package !== undefined;
    const hasPath = given.path !== undefined;
    if (hasPackage === hasPath) fail(where, 'needs exactly one of package = "<npm package>" or path = "<file, relative to this file>"');
    const key = hasPackage ? 'package' : 'path';
    const target = given[key];
    if (typeof target !== 'string' || target.trim() === '') fail(child(where, key), `must be a non-empty string, got ${shown(target)}`);
    const options = given.options ?? {};
    if (!isTable(options)) fail(child(where, 'options'), `must be a table (the options passed to the plugin's createTracer), got ${shown(options)}`);
    plugins.set(name, { name, [key]: target, options, keyPath: where.keyPath });
  }
  return plugins;
}
