import type { ExportResult } from '@opentelemetry/core';
import {
  AlwaysOffSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  type BufferConfig,
  type ReadableSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { Tracer } from '@opentelemetry/api';

/** OpenTelemetry's no-op exporter that counts what reached it (so no case wins by doing less). */
export class CountingExporter implements SpanExporter {
  count = 0;
  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    this.count += spans.length;
    done({ code: 0 });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export interface OtelSetup {
  readonly tracer: Tracer;
  readonly provider: BasicTracerProvider;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export function otelWith(processors: SpanProcessor[], sampled = true): OtelSetup {
  const provider = new BasicTracerProvider({ spanProcessors: processors, ...(sampled ? {} : { sampler: new AlwaysOffSampler() }) });
  return {
    tracer: provider.getTracer('bench'),
    provider,
    flush: () => provider.forceFlush(),
    shutdown: () => provider.shutdown(),
  };
}

/** BatchSpanProcessor into a counting no-op exporter; `queue` spans may wait. */
export function otelBatch(queue: number, config: BufferConfig = {}): { otel: OtelSetup; exporters: CountingExporter[] } {
  const exporter = new CountingExporter();
  const processor = new BatchSpanProcessor(exporter, { maxQueueSize: queue, scheduledDelayMillis: 3_600_000, ...config });
  return { otel: otelWith([processor]), exporters: [exporter] };
}
