import {
  createBufferedTracer,
  ExportFailedError,
  InvalidOptionError,
  TimeoutError,
  type Attributes,
  type BufferedTracer,
  type BufferedTracerOptions,
  type ExportContext,
  type ExportResult,
  type FinishedSpan,
  type InstrumentationScope,
  type SpanExporter,
} from '@x/tracer-core';
import { context as otelContext } from '@opentelemetry/api';
import { buildResource, describe, optionsObject } from '@x/tracer-core/internal';
import { createOtelResource, ReadableSpanConverter, type OtelReadableSpan } from './readable-span.js';
import { PACKAGE_NAME, PACKAGE_VERSION } from './version.js';
import { suppressTracing } from './suppress-tracing.js';

/** OpenTelemetry's `ExportResult`: code 0 SUCCESS, 1 FAILED. */
export interface OtelExportResult {
  readonly code: number;
  readonly error?: Error;
}

/**
 * What the bridge calls of an OpenTelemetry `SpanExporter` (`@opentelemetry/sdk-trace-base`, any
 * line): every exporter of the ecosystem has this shape.
 */
export interface OtelSpanExporter {
  export(spans: OtelReadableSpan[], resultCallback: (result: OtelExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

/** Options of {@link fromOtelExporter}. */
export interface FromOtelExporterOptions extends BufferedTracerOptions {
  /** The plugin's name in stats and errors. @defaultValue 'otel-exporter' */
  readonly name?: string;
  /** `service.name` of the resource. @defaultValue `resourceAttributes['service.name']`, else `unknown_service:node` */
  readonly serviceName?: string;
  /** Resource attributes of every span (`telemetry.sdk.*` name this package). @defaultValue none */
  readonly resourceAttributes?: Attributes;
  /** The scope of spans started without one. @defaultValue `{ name: '@x/tracer-otel', version }` */
  readonly defaultScope?: InstrumentationScope;
  /**
   * Where the exporter sends (origin + path, `http://collector:4318/v1/traces`): `@x/trace`'s HTTP
   * instrumentation makes no client span for these requests, or every export would trace itself.
   * @defaultValue none
   */
  readonly endpoints?: readonly string[];
}

const SUCCESS = 0;
const INTERNAL_ENDPOINTS = Symbol.for('x-tracing.internal-endpoints');

/**
 * Any OpenTelemetry `SpanExporter` as a `TracerPlugin`: our recording and bounded buffer in front,
 * the exporter's `export(spans, callback)` behind, our spans converted to its `ReadableSpan`.
 *
 * Results: SUCCESS delivers the batch; FAILED drops it, counted as `export-failed` with the
 * exporter's error message. OpenTelemetry exporters retry inside `export` (the OTLP ones with
 * backoff), so FAILED means they gave up: we do not retry again. A callback that never comes is
 * the export timeout's (`exportTimeoutMillis`, then `export-timeout` drops). `shutdown()` does the
 * final flush, then the exporter's `shutdown()`; `flush()` calls the exporter's `forceFlush()`
 * after the batch it flushed was answered.
 *
 * Recording costs what every buffered tracer's does; the conversion runs at export, on the batch.
 * @throws InvalidOptionError for a bad option, or an exporter without `export`.
 */
export function fromOtelExporter(exporter: OtelSpanExporter, options?: FromOtelExporterOptions): BufferedTracer {
  const given = optionsObject('fromOtelExporter', options) as FromOtelExporterOptions;
  if (typeof exporter?.export !== 'function') {
    throw new InvalidOptionError(`fromOtelExporter(exporter): exporter must be an OpenTelemetry SpanExporter (with export(spans, callback)), got ${describe(exporter)}`);
  }
  const resource = createOtelResource(
    Object.fromEntries(
      chunk(buildResource({ name: PACKAGE_NAME, version: PACKAGE_VERSION }, given.serviceName, given.resourceAttributes)),
    ) as Attributes,
  );
  const converter = new ReadableSpanConverter(resource, given.defaultScope ?? { name: PACKAGE_NAME, version: PACKAGE_VERSION });
  for (const endpoint of given.endpoints ?? []) internalEndpoints().add(endpoint);
  return createBufferedTracer(given.name ?? 'otel-exporter', new OtelExporterAdapter(exporter, converter), given);
}

/** Our `SpanExporter` seam in front of theirs: one result vocabulary each side. */
class OtelExporterAdapter implements SpanExporter {
  readonly #exporter: OtelSpanExporter;
  readonly #converter: ReadableSpanConverter;

  constructor(exporter: OtelSpanExporter, converter: ReadableSpanConverter) {
    this.#exporter = exporter;
    this.#converter = converter;
  }

  async export(batch: readonly FinishedSpan[], context: ExportContext): Promise<ExportResult> {
    const spans = batch.map((span) => this.#converter.convert(span));
    const result = await new Promise<ExportResult>((resolve) => {
      // Their exporter may never call back: the scheduler's timeout aborts the signal, we answer.
      const onAbort = () => resolve({ status: 'failure', error: new TimeoutError('the OpenTelemetry exporter did not call back in time'), reason: 'export-timeout' });
      if (context.signal.aborted) return onAbort();
      context.signal.addEventListener('abort', onAbort, { once: true });
      try {
        // As their span processors do: the export's own requests (an HTTP client instrumentation
        // on the same provider) must not be traced, or each export would make spans to export.
        otelContext.with(suppressTracing(otelContext.active()), () =>
          this.#exporter.export(spans, (outcome) => {
            context.signal.removeEventListener('abort', onAbort);
            resolve(toExportResult(outcome));
          }),
        );
      } catch (error) {
        context.signal.removeEventListener('abort', onAbort);
        resolve({ status: 'failure', error: new ExportFailedError(`the OpenTelemetry exporter threw: ${messageOf(error)}`, { cause: error }) });
      }
    });
    if (context.flushing && result.status === 'success' && typeof this.#exporter.forceFlush === 'function') {
      // Asked, not awaited: the batch is delivered (SUCCESS came back), so neither a forceFlush that
      // fails nor one that never settles may turn it into dropped spans or hold our flush.
      void Promise.resolve()
        .then(() => this.#exporter.forceFlush?.())
        .catch(() => undefined);
    }
    return result;
  }

  shutdown(): Promise<void> {
    return this.#exporter.shutdown();
  }
}

/** Their result as ours. */
function toExportResult(outcome: OtelExportResult | undefined): ExportResult {
  if (outcome?.code === SUCCESS) return { status: 'success' };
  const message = outcome?.error === undefined ? 'the OpenTelemetry exporter reported FAILED' : `the OpenTelemetry exporter failed: ${messageOf(outcome.error)}`;
  return { status: 'failure', error: new ExportFailedError(message, { cause: outcome?.error }), reason: 'export-failed' };
}

function messageOf(error: unknown): string {
  try {
    return error instanceof Error ? error.message : String(error);
  } catch {
    return 'unprintable error';
  }
}

function chunk<T>(flat: readonly T[]): [T, T][] {
  const pairs: [T, T][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  return pairs;
}

function internalEndpoints(): Set<string> {
  const holder = globalThis as { [INTERNAL_ENDPOINTS]?: Set<string> };
  return (holder[INTERNAL_ENDPOINTS] ??= new Set());
}
