import {
  createBufferedTracer,
  InvalidOptionError,
  type BufferedTracer,
  type BufferedTracerOptions,
} from '@x/tracer-core';
import { durationMillis, describe, optionsObject } from '@x/tracer-core/internal';
import { jsonLine } from './json-format.js';
import { createPrettyFormatter, type BatchFormatter } from './pretty-format.js';
import { createStreamExporter, type LineStream } from './stream-exporter.js';

/** Options of {@link createStdoutTracer}; buffering and schedule options come from the core. */
export interface StdoutTracerOptions extends BufferedTracerOptions {
  /** @defaultValue 'stdout' */
  readonly name?: string;
  /** Where lines go: any Node Writable. @defaultValue process.stdout */
  readonly stream?: LineStream;
  /** `json`: one JSON object per span per line. `pretty`: trace trees. @defaultValue 'pretty' on a TTY, else 'json' */
  readonly format?: 'json' | 'pretty';
  /** Pretty: how long spans wait for their trace's root before printing without it. @defaultValue 2000 */
  readonly orphanTimeoutMillis?: number;
  /** Where `NO_COLOR` is looked up. @defaultValue process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

const jsonFormatter: BatchFormatter = (batch) => {
  let text = '';
  for (const span of batch) text += jsonLine(span);
  return { text, deferred: [] };
};

function resolveStream(value: unknown): LineStream {
  if (value === undefined) return process.stdout as unknown as LineStream;
  const candidate = value as LineStream;
  if (typeof value !== 'object' || value === null || typeof candidate.write !== 'function' || typeof candidate.on !== 'function') {
    throw new InvalidOptionError(`stream must be a Node Writable (an object with write() and on()), got ${describe(value)}`);
  }
  return candidate;
}

/**
 * The development tracer: finished spans to a stream, as NDJSON (`json`) or as trace trees
 * (`pretty`). Built on the core's recorder, bounded buffer and export scheduler: output is written
 * in one chunk per batch at export time, never per span, and the stream's backpressure is obeyed.
 * Colors only on a TTY without `NO_COLOR`.
 *
 * @throws InvalidOptionError for a bad option.
 */
export function createStdoutTracer(options?: StdoutTracerOptions): BufferedTracer {
  const resolved = optionsObject('createStdoutTracer options', options);
  const stream = resolveStream(resolved.stream);
  const tty = stream.isTTY === true;
  const format = resolved.format ?? (tty ? 'pretty' : 'json');
  if (format !== 'json' && format !== 'pretty') {
    throw new InvalidOptionError(`format must be 'json' or 'pretty', got ${describe(format)}`);
  }
  const noColor = (resolved.env ?? process.env).NO_COLOR;
  const formatter =
    format === 'json'
      ? jsonFormatter
      : createPrettyFormatter({
          color: tty && (noColor === undefined || noColor === ''),
          orphanTimeoutMillis: durationMillis('orphanTimeoutMillis', resolved.orphanTimeoutMillis, 2000),
          barWidth: 24,
        });
  return createBufferedTracer(resolved.name ?? 'stdout', createStreamExporter(stream, formatter), resolved);
}
