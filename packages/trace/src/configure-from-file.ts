import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidOptionError, type TracerPlugin } from '@x/tracer-core';
import { describe } from '@x/tracer-core/internal';
import type { ConfigureOptions } from './configure.js';

/** What `configure(file)` takes besides the file. */
export interface FileConfigureOptions {
  /** The `[sites.<name>]` whose sections apply. @defaultValue the top level */
  readonly site?: string;
  /** As `ConfigureOptions.records`. */
  readonly records?: ConfigureOptions['records'];
  /** The environment the file's settings yield to. @defaultValue process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Programmatic settings, shaped as the file's sections (`{ traces: { sample_rate: 1 } }`): they
   * win over the environment, the site and the file.
   */
  readonly overrides?: { readonly traces?: unknown; readonly export?: unknown };
}

const FILE_OPTION_KEYS = ['site', 'records', 'env', 'overrides'];

/** Checks the options of `configure(file, options)` before anything is read or built. */
export function checkFileOptions(options: unknown): FileConfigureOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new InvalidOptionError(`configure(file, options): options must be an object, got ${describe(options)}`);
  for (const key of Object.keys(options)) {
    if (!FILE_OPTION_KEYS.includes(key)) throw new InvalidOptionError(`configure(file, options): unknown option ${JSON.stringify(key)}; the options are ${FILE_OPTION_KEYS.join(', ')}`);
  }
  const { site } = options as FileConfigureOptions;
  if (site !== undefined && (typeof site !== 'string' || site === '')) throw new InvalidOptionError(`configure(file, options): site must be a site name, got ${describe(site)}`);
  return options as FileConfigureOptions;
}

/**
 * Whether `configure()` with no argument has something to configure from: `tracing.toml` in the
 * working directory, or an `OTEL_*` variable. Checked synchronously, so that with neither the
 * defaults apply at once, as `configure()` always did.
 */
export function hasConfigSource(env: Readonly<Record<string, string | undefined>>): boolean {
  return existsSync(resolve(DEFAULT_FILE)) || Object.entries(env).some(([name, value]) => name.startsWith('OTEL_') && (value ?? '').trim() !== '');
}

/** The keys that make an object a configuration document (shaped as tracing.toml), not `ConfigureOptions`. */
const DOCUMENT_KEYS = ['observability', 'sites', 'plugins'];
const CONFIG_PACKAGE = '@x/tracing-config';
const DEFAULT_FILE = 'tracing.toml';

export function isConfigDocument(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.keys(value).some((key) => DOCUMENT_KEYS.includes(key));
}

type ConfigModule = typeof import('@x/tracing-config');

async function configModule(): Promise<ConfigModule> {
  try {
    // A variable: @x/trace works without the configuration package, which it loads only for a file.
    const specifier: string = CONFIG_PACKAGE;
    return (await import(specifier)) as ConfigModule;
  } catch (error) {
    throw new InvalidOptionError(`configure() with a file or a configuration document needs ${CONFIG_PACKAGE}: npm install ${CONFIG_PACKAGE}`, { cause: error });
  }
}

/**
 * The tracer and service of a configuration: `source` is a file path, a document, or undefined
 * (`tracing.toml` in the working directory, else the environment alone).
 */
export async function tracerFromConfig(
  source: string | Record<string, unknown> | undefined,
  options: FileConfigureOptions,
): Promise<{ tracer: TracerPlugin | undefined; service: string }> {
  const env = options.env ?? process.env;
  const file = typeof source === 'string' ? source : source === undefined && existsSync(resolve(DEFAULT_FILE)) ? DEFAULT_FILE : undefined;
  const config = await configModule();
  const document = file !== undefined ? config.loadConfig(file) : typeof source === 'object' ? config.configFromObject(source) : undefined;
  const plan = config.resolvePlan(document, {
    ...(options.site === undefined ? {} : { site: options.site }),
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    env,
  });
  return { tracer: await config.buildTracer(plan), service: plan.serviceName };
}
