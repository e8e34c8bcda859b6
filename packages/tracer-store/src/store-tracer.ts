import {
  createBufferedTracer,
  ExportFailedError,
  InvalidOptionError,
  type Attributes,
  type BufferedTracer,
  type BufferedTracerOptions,
  type ExportResult,
  type FinishedSpan,
  type SpanExporter,
} from '@x/tracer-core';
import { buildResource, optionsObject, pluginName } from '@x/tracer-core/internal';
import { finishedSpanRow, rowResource } from './finished-span-row.js';
import { StoreClosedError, type TraceStore } from './trace-store.js';

export const SDK_NAME = '@x/tracer-store';
export const SDK_VERSION = '0.1.0';

export interface StoreTracerOptions extends BufferedTracerOptions {
  /** An open store (`openTraceStore`); the tracer does not close it. */
  readonly store: TraceStore;
  /** The plugin's name in stats and errors. @defaultValue 'store' */
  readonly name?: string;
  /** `service.name` of every span. @defaultValue resourceAttributes' `service.name`, else `unknown_service:node` */
  readonly serviceName?: string;
  readonly resourceAttributes?: Attributes;
}

/**
 * A TracerPlugin that writes to a trace store: the core's recording and bounded buffer in front,
 * batches written on the export schedule, at `flush()` and at shutdown. A write that fails comes
 * back to the buffer and is tried again (a database restarting); a closed store drops the batch,
 * counted as `store-closed`. Every span is written or counted.
 *
 * @throws InvalidOptionError for a bad option.
 */
export function createStoreTracer(options: StoreTracerOptions): BufferedTracer {
  const given = optionsObject('createStoreTracer options', options);
  const store = given.store;
  if (typeof store !== 'object' || store === null || typeof store.write !== 'function') {
    throw new InvalidOptionError('createStoreTracer: store must be an open trace store (await openTraceStore(...))');
  }
  const name = pluginName(given.name, 'store');
  const resource = rowResource(buildResource({ name: SDK_NAME, version: SDK_VERSION }, given.serviceName, given.resourceAttributes));
  const exporter: SpanExporter = {
    async export(batch: readonly FinishedSpan[]): Promise<ExportResult> {
      try {
        await store.write(batch.map((span) => finishedSpanRow(span, resource)));
        return { status: 'success' };
      } catch (error) {
        if (error instanceof StoreClosedError) {
          return { status: 'failure', reason: 'store-closed', error: new ExportFailedError('the trace store is closed; spans were dropped') };
        }
        const message = error instanceof Error ? error.message : String(error);
        return { status: 'retryable', error: new ExportFailedError(`writing to the trace store failed: ${message}`, { cause: error }) };
      }
    },
  };
  return createBufferedTracer(name, exporter, given);
}
