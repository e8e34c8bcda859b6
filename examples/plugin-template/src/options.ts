import { accessSync, constants, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InvalidOptionError, type BufferedTracerOptions } from '@x/tracer-core';
import type { PluginContext } from './plugin-context.js';

/**
 * Options of {@link createTracer}: what a user writes in the `options` table of
 * `[plugins.<name>]`. Buffering and schedule options are the core's, passed on as they are.
 */
export interface NdjsonTracerOptions
  extends Pick<
    BufferedTracerOptions,
    'scheduledDelayMillis' | 'maxExportBatchSize' | 'exportTimeoutMillis' | 'maxBufferedSpans' | 'maxBufferedBytes' | 'shutdownTimeoutMillis' | 'hookProcessShutdown'
  > {
  /**
   * The file each finished span is appended to, one JSON object a line. A relative path is read
   * from the config file's folder (`context.configFile`), or the current directory without one.
   * Its folder must exist and be writable. Required.
   */
  readonly file: string;
  /** The tracer's name, in stats and errors. @defaultValue the plugin's table name (`context.name`), else 'ndjson' */
  readonly name?: string;
}

/**
 * Every option name: any other is refused, so that a misspelt option fails instead of being
 * ignored. `satisfies` makes the compiler say so when an option is added to the interface and not here.
 */
const OPTION_NAMES: readonly string[] = Object.keys({
  file: true,
  name: true,
  scheduledDelayMillis: true,
  maxExportBatchSize: true,
  exportTimeoutMillis: true,
  maxBufferedSpans: true,
  maxBufferedBytes: true,
  shutdownTimeoutMillis: true,
  hookProcessShutdown: true,
} satisfies Record<keyof NdjsonTracerOptions, true>);

/** {@link NdjsonTracerOptions} checked, with the file made absolute and the name chosen. */
export interface ResolvedOptions {
  readonly file: string;
  readonly name: string;
  /** The core's options, for `createBufferedTracer` (which checks their values). */
  readonly buffering: BufferedTracerOptions;
}

/** A value as an error message shows it: short, and never an object's contents. */
function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value === 'object' ? 'an object' : typeof value;
}

function nonEmptyString(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new InvalidOptionError(`${name} must be a non-empty string, got ${describe(value)}`);
  return value;
}

/** Why `folder` cannot take the file (an errno code such as ENOENT), or undefined when it can. */
function folderProblem(folder: string): string | undefined {
  try {
    accessSync(folder, constants.W_OK);
    return statSync(folder).isDirectory() ? undefined : 'ENOTDIR';
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

/** The absolute file, once its folder is known to be writable, so that a bad path fails at creation and not at the first export. */
function writableFile(value: unknown, context: PluginContext): string {
  if (value === undefined) throw new InvalidOptionError('file is required: the path of the file to append spans to, one JSON object a line');
  const base = context.configFile === undefined ? process.cwd() : dirname(context.configFile);
  const file = resolve(base, nonEmptyString('file', value));
  const problem = folderProblem(dirname(file));
  if (problem !== undefined) {
    throw new InvalidOptionError(`file ${describe(value)} is ${file}, whose folder cannot be written (${problem}); create the folder or choose another path`);
  }
  if (statSync(file, { throwIfNoEntry: false })?.isDirectory()) throw new InvalidOptionError(`file ${describe(value)} is ${file}, a folder; name a file in it`);
  return file;
}

/**
 * Checks the options before anything is built.
 * @throws InvalidOptionError naming the option and what it allows; the core's options are checked by `createBufferedTracer`.
 */
export function resolveOptions(options: unknown, context: PluginContext): ResolvedOptions {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new InvalidOptionError(`options must be an object (the options table of [plugins.<name>]), got ${describe(options)}`);
  }
  const unknown = Object.keys(options).filter((key) => !OPTION_NAMES.includes(key));
  if (unknown.length > 0) {
    throw new InvalidOptionError(`unknown option ${unknown.map((key) => JSON.stringify(key)).join(', ')}; the options are ${OPTION_NAMES.join(', ')}`);
  }
  const { file, name, ...buffering } = options as Record<string, unknown>;
  return {
    file: writableFile(file, context),
    name: name === undefined ? (context.name ?? 'ndjson') : nonEmptyString('name', name),
    buffering,
  };
}
