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
import type { SpanRow } from './span-row.js';
import { isTransientStoreError } from './store-errors.js';
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
 * batches written on the export schedule, at `flush()` and at shutdown. A write that failed for a
 * reason that passes (a database restarting) comes back to the buffer and is tried again; spans the
 * store refuses as they are are found by halving the batch and dropped as `store-rejected`, the
 * rest written; a closed store drops the batch as `store-closed`. Every span is written or counted.
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
      const rows = batch.map((span) => finishedSpanRow(span, resource));
      try {
        await store.write(rows);
        return { status: 'success' };
      } catch (error) {
        if (error instanceof StoreClosedError) {
          return { status: 'failure', reason: 'store-closed', error: new ExportFailedError('the trace store is closed; spans were dropped') };
        }
        if (isTransientStoreError(error)) {
          return { status: 'retryable', error: new ExportFailedError(`writing to the trace store failed: ${messageOf(error)}`, { cause: error }) };
        }
        // The rows are the problem, and trying them again as they are would block every later
        // span behind them: halves find the spans the store refuses; the others are stored.
        return isolate(store, batch, rows);
      }
    },
  };
  return createBufferedTracer(name, exporter, given);
}

/**
 * Writes `batch` in halves until each part is stored or is one span the store refuses: those are
 * dropped as `store-rejected`. A transient failure on the way defers what was not written yet.
 */
async function isolate(store: TraceStore, batch: readonly FinishedSpan[], rows: readonly SpanRow[]): Promise<ExportResult> {
  let refused = 0;
  let firstRefusal: unknown;
  const deferred: FinishedSpan[] = [];
  const parts: [number, number][] = [[0, rows.length]];
  while (parts.length > 0) {
    const [from, to] = parts.pop()!;
    if (deferred.length > 0) {
      deferred.push(...batch.slice(from, to));
      continue;
    }
    try {
      await store.write(rows.slice(from, to));
    } catch (error) {
      if (isTransientStoreError(error) || error instanceof StoreClosedError) deferred.push(...batch.slice(from, to));
      else if (to - from === 1) {
        refused++;
        firstRefusal ??= error;
      } else {
        const middle = from + Math.floor((to - from) / 2);
        parts.push([middle, to], [from, middle]);
      }
    }
  }
  const error =
    refused > 0
      ? new ExportFailedError(`the trace store refused ${refused} span(s): ${messageOf(firstRefusal)}`, { cause: firstRefusal })
      : undefined;
  return {
    status: 'partial',
    ...(deferred.length > 0 ? { deferred } : {}),
    ...(refused > 0 ? { dropped: { 'store-rejected': refused } } : {}),
    ...(error === undefined ? {} : { error }),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
