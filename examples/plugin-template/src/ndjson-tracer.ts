import { writeFile } from 'node:fs/promises';
import {
  createBufferedTracer,
  ExportFailedError,
  spanKindName,
  toPlainSpan,
  type BufferedTracer,
  type FinishedSpan,
  type SpanExporter,
} from '@x/tracer-core';
import { resolveOptions, type NdjsonTracerOptions } from './options.js';
import type { PluginContext } from './plugin-context.js';

/** JSON has no bigint: times, durations and bigint attributes are written as decimal strings. */
function bigintAsString(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? String(value) : value;
}

/**
 * One span as one line: `{"resource":{...},"traceId":...}`. The resource is the same on every
 * line, so it is serialized once (`resourceJson`) and spliced in front of the span's fields.
 */
function ndjsonLine(resourceJson: string, span: FinishedSpan): string {
  const fields = JSON.stringify({ ...toPlainSpan(span), kind: spanKindName(span.kind) }, bigintAsString);
  return `{"resource":${resourceJson},${fields.slice(1)}\n`;
}

/**
 * Appends each batch to `file` in one write. A batch that cannot be written is a `failure`: its
 * spans are dropped and counted (`export-failed`) and the flush rejects naming the file. A local
 * file that cannot be written now (a deleted folder, a full disk) is seldom writable a second
 * later, and keeping the spans would only fill the buffer with them.
 */
function createFileExporter(file: string, resourceJson: string): SpanExporter {
  return {
    async export(batch, { signal }) {
      let text = '';
      for (const span of batch) text += ndjsonLine(resourceJson, span);
      try {
        await writeFile(file, text, { flag: 'a', signal });
        return { status: 'success' };
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        return { status: 'failure', error: new ExportFailedError(`appending ${batch.length} spans to ${file} failed: ${reason}`, { cause: error }) };
      }
    },
  };
}

/**
 * The plugin's factory, the one export `@x/tracing-config` looks for: a tracer that appends every
 * finished span to a file as one JSON object a line (NDJSON), each with the service's resource.
 * Recording, the bounded buffer, the export schedule, shutdown hooks and `stats()` are the core's
 * (`createBufferedTracer`); this plugin supplies the exporter.
 *
 * Options are checked here, before anything is built; the file is written only at export, never
 * while recording. A batch that cannot be written is dropped and counted, and the flush rejects.
 *
 * @param options - the `options` table of `[plugins.<name>]` ({@link NdjsonTracerOptions}).
 * @param context - where the tracer runs, as the configuration loader passes it.
 * @throws InvalidOptionError for an unknown option or a bad value, naming it and what is allowed.
 */
export function createTracer(options: NdjsonTracerOptions, context: PluginContext = {}): BufferedTracer {
  const { file, name, buffering } = resolveOptions(options, context);
  const resource: Record<string, string | number | boolean> = { 'service.name': 'unknown_service:node', ...context.resourceAttributes };
  if (context.serviceName !== undefined) resource['service.name'] = context.serviceName;
  return createBufferedTracer(name, createFileExporter(file, JSON.stringify(resource)), buffering);
}
