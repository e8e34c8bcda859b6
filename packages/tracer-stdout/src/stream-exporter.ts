import { ExportFailedError, TimeoutError, type ExportResult, type FinishedSpan, type SpanExporter } from '@x/tracer-core';
import type { BatchFormatter } from './pretty-format.js';

/** The part of a Node Writable the exporter uses. */
export interface LineStream {
  write(chunk: string, callback: (error?: Error | null) => void): boolean;
  on(event: 'error' | 'drain' | 'close', listener: (...args: unknown[]) => void): unknown;
  off(event: 'error' | 'drain' | 'close', listener: (...args: unknown[]) => void): unknown;
  readonly writableNeedDrain?: boolean;
  readonly writableEnded?: boolean;
  readonly destroyed?: boolean;
  readonly isTTY?: boolean;
}

/** Streams that already carry our 'error' listener: one per stream, however many tracers write to it. */
const guarded = new WeakSet<object>();
const lastErrors = new WeakMap<object, Error>();

/**
 * An 'error' listener on the stream, so that EPIPE or a closed pipe never crashes the process
 * (an 'error' event with no listener throws). The error is kept and fails the next export.
 */
function guard(stream: LineStream): void {
  if (guarded.has(stream)) return;
  guarded.add(stream);
  stream.on('error', (error) => lastErrors.set(stream, error as Error));
}

function describeError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ? `${code}: ${error.message}` : error.message;
}

/** Waits until the stream drains; 'aborted' when the export's signal fires first, 'closed' when the stream goes away. */
function drained(stream: LineStream, signal: AbortSignal): Promise<'drained' | 'aborted' | 'closed'> {
  return new Promise((resolve) => {
    const done = (outcome: 'drained' | 'aborted' | 'closed') => {
      stream.off('drain', onDrain);
      stream.off('close', onClose);
      stream.off('error', onClose);
      signal.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onDrain = () => done('drained');
    const onClose = () => done('closed');
    const onAbort = () => done('aborted');
    stream.on('drain', onDrain);
    stream.on('close', onClose);
    stream.on('error', onClose);
    signal.addEventListener('abort', onAbort);
  });
}

/** A batch written: all of it, or all but the spans the format holds back (children waiting for their root). */
function delivered(deferred: readonly FinishedSpan[]): ExportResult {
  return deferred.length === 0 ? { status: 'success' } : { status: 'partial', deferred };
}

/**
 * Writes each batch as one chunk: formatted in full, then one `write`. Backpressure: when the
 * stream asks to drain, the next batch waits (in the tracer's bounded buffer, not in the stream)
 * until it does; if the export is aborted meanwhile, the batch stays buffered (`retryable`). A
 * batch counts as exported when the stream reports it written. A closed or failing stream (EPIPE)
 * never crashes the process: the batch is dropped and counted (`stream-closed`, `stream-error`)
 * and the flush rejects with the cause.
 */
export function createStreamExporter(stream: LineStream, format: BatchFormatter): SpanExporter {
  guard(stream);
  const closed = (): ExportResult | undefined => {
    const error = lastErrors.get(stream);
    if (error !== undefined) {
      return {
        status: 'failure',
        reason: 'stream-error',
        error: new ExportFailedError(`the output stream failed (${describeError(error)}); spans were dropped`, { cause: error }),
      };
    }
    if (stream.destroyed || stream.writableEnded) {
      return { status: 'failure', reason: 'stream-closed', error: new ExportFailedError('the output stream is closed; spans were dropped') };
    }
    return undefined;
  };

  return {
    async export(batch, { signal, flushing }): Promise<ExportResult> {
      const broken = closed();
      if (broken !== undefined) return broken;
      const { text, deferred } = format(batch, flushing);
      if (text === '') return delivered(deferred);
      if (stream.writableNeedDrain) {
        const outcome = await drained(stream, signal);
        if (outcome === 'aborted') {
          return { status: 'retryable', error: new TimeoutError('the output stream did not drain in time; spans stay buffered') };
        }
        if (outcome === 'closed') return closed() ?? { status: 'retryable', error: new TimeoutError('the output stream closed') };
      }
      const error = await new Promise<Error | null | undefined>((resolve) => {
        try {
          stream.write(text, resolve);
        } catch (thrown) {
          resolve(thrown as Error);
        }
      });
      if (error) {
        return {
          status: 'failure',
          reason: 'stream-error',
          error: new ExportFailedError(`writing spans to the output stream failed (${describeError(error)})`, { cause: error }),
        };
      }
      return delivered(deferred);
    },
  };
}

