import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidOptionError, type TracerPlugin } from '@x/tracer-core';
import type { ConfigureOptions } from './configure.js';

/** What `configure(file)` takes besides the file. */
export interface FileConfigureOptions {
  /** The `[sites.<name>]` whose sections apply. @defaultValue the top level */
  readonly site?: string;
  /** As `ConfigureOptions.records`. */
  readonly records?: ConfigureOptions['records'];
  /** The environment the file's settings yield to. @defaultValue process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
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

/** Whether any variable the configuration reads is set (then `configure()` with no file uses the environment). */
function environmentConfigures(env: Readonly<Record<string, string | undefined>>, names: readonly string[]): boolean {
  return names.some((name) => (env[name] ?? '').trim() !== '');
}

/**
 * The tracer and service of a configuration: `source` is a file path, a document, or undefined
 * (`tracing.toml` in the working directory, else the environment, else nothing: undefined).
 */
export async function tracerFromConfig(
  source: string | Record<string, unknown> | undefined,
  options: FileConfigureOptions,
): Promise<{ tracer: TracerPlugin | undefined; service: string } | undefined> {
  const env = options.env ?? process.env;
  let file = typeof source === 'string' ? source : undefined;
  if (source === undefined) {
    if (existsSync(resolve(DEFAULT_FILE))) file = DEFAULT_FILE;
    else {
      const { ENVIRONMENT_VARIABLES } = await configModule().catch(() => ({ ENVIRONMENT_VARIABLES: [] as readonly string[] }));
      if (!environmentConfigures(env, ENVIRONMENT_VARIABLES)) return undefined;
    }
  }
  const config = await configModule();
  const document = file !== undefined ? config.loadConfig(file) : typeof source === 'object' ? config.configFromObject(source) : undefined;
  const plan = config.resolvePlan(document, { ...(options.site === undefined ? {} : { site: options.site }), env });
  return { tracer: await config.buildTracer(plan), service: plan.serviceName };
}
