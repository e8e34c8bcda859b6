// Encoding, retained heap, end to end to a receiver in another process, a burst with default
// settings, and event-loop delay during export.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { JsonTraceSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, InMemorySpanExporter, SimpleSpanProcessor, BasicTracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { type FinishedSpan, type TracerPlugin } from '@x/tracer-core';
import { SpanRecorder, TracerCounters } from '@x/tracer-core/internal';
import { createJsonEncoder, createOtlpTracer, createProtobufEncoder, encodeAll } from '@x/tracer-otlp';
import { alternate, check, gc, median, timed, type BenchCase, type BenchContext, type CaseResult } from './harness.js';
import { otelWith } from './otel.js';
import { oursFullSpan, theirsFullSpan } from './workload.js';

export const BATCH = 512;

/**
 * OpenTelemetry's OTLP/HTTP protobuf exporter. Its default of 30 concurrent exports makes a flush
 * of a large queue fail ("Concurrent export limit reached"), losing spans; raised so it delivers.
 */
export function theirsExporter(url: string): OTLPTraceExporter {
  return new OTLPTraceExporter({ url, concurrencyLimit: 10_000 });
}
export const RESOURCE = { 'service.name': 'bench' };

export function oursSpans(count: number): FinishedSpan[] {
  const spans: FinishedSpan[] = [];
  const recorder = new SpanRecorder({}, new TracerCounters(), (s) => spans.push(s));
  const plugin = { startSpan: (s: never) => recorder.startSpan(s), setAttribute: recorder.setAttribute.bind(recorder), setStatus: recorder.setStatus.bind(recorder), addEvent: recorder.addEvent.bind(recorder), endSpan: recorder.endSpan.bind(recorder) };
  for (let i = 0; i < count; i++) oursFullSpan(plugin as never);
  return spans;
}

export function theirsSpans(count: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes(RESOURCE), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('bench', '1.0.0');
  for (let i = 0; i < count; i++) theirsFullSpan(tracer);
  return exporter.getFinishedSpans();
}

/**
 * Times `oursEncode` and `theirsEncode` (each encodes one batch of `BATCH` spans and returns the
 * bytes of the request) in alternating rounds; ns per span, with bytes per span in the notes.
 */
export async function compareEncoders(id: string, context: BenchContext, oursEncode: () => number, theirsEncode: () => number): Promise<CaseResult> {
  const repeats = 20;
  let oursBytes = 0;
  let theirsBytes = 0;
  const result = await alternate(
    context.quick ? 4 : 30,
    5,
    () => timed(repeats * BATCH, () => {
      for (let i = 0; i < repeats; i++) oursBytes = oursEncode();
    }),
    () => timed(repeats * BATCH, () => {
      for (let i = 0; i < repeats; i++) theirsBytes = theirsEncode();
    }),
  );
  return { id, unit: 'ns/span', ...result, notes: { 'ours bytes/span': Math.round(oursBytes / BATCH), 'theirs bytes/span': Math.round(theirsBytes / BATCH) } };
}

function encodeCase(id: string, json: boolean): BenchCase {
  return {
    id,
    async run(context) {
      const header = { resource: Object.entries(RESOURCE).flat(), scopeName: 'bench', scopeVersion: '1.0.0' };
      const encoder = json ? createJsonEncoder(header) : createProtobufEncoder(header);
      const serializer = json ? JsonTraceSerializer : ProtobufTraceSerializer;
      const ours = oursSpans(BATCH);
      const theirs = theirsSpans(BATCH);
      check('theirs spans', theirs.length, BATCH);
      return compareEncoders(
        id,
        context,
        () => encodeAll(encoder, ours).length,
        () => serializer.serializeRequest(theirs)!.length,
      );
    },
  };
}

export const encodeProtobuf = encodeCase('encode-protobuf', false);
export const encodeJson = encodeCase('encode-json', true);

/** Everything the process holds: the V8 heap in use plus memory outside it (ArrayBuffers, Buffers). */
function memoryHeld(): { heap: number; external: number } {
  const usage = process.memoryUsage();
  return { heap: usage.heapUsed, external: usage.external };
}

/** Bytes per span that `record` leaves held, on the heap and off it, after a full collection. */
function heldPerSpan(n: number, record: () => void): { heap: number; external: number } {
  gc();
  const before = memoryHeld();
  for (let i = 0; i < n; i++) record();
  gc();
  const after = memoryHeld();
  return { heap: (after.heap - before.heap) / n, external: (after.external - before.external) / n };
}

export const heapBuffered: BenchCase = {
  id: 'heap-buffered',
  async run(context) {
    const n = context.quick ? 5000 : 50_000;
    const samples = {
      ours: [] as number[],
      theirs: [] as number[],
      oursHeap: [] as number[],
      oursExternal: [] as number[],
      theirsExternal: [] as number[],
      oursPacked: [] as number[],
    };
    for (let round = 0; round < 3; round++) {
      const ours = createOtlpTracer({ url: context.receiver.tracesUrl, hookProcessShutdown: false, scheduledDelayMillis: 3_600_000, maxExportBatchSize: n + 1 });
      const oursHeld = heldPerSpan(n, () => oursFullSpan(ours));
      // All memory counts: moving bytes off the V8 heap must not hide them.
      samples.ours.push(oursHeld.heap + oursHeld.external);
      samples.oursHeap.push(oursHeld.heap);
      samples.oursExternal.push(oursHeld.external);
      check('ours buffered', ours.stats().spansBuffered, n);
      await ours.shutdown();

      // The same with packFinishedSpans (off by default: it costs recording time), for the README.
      const packed = createOtlpTracer({ url: context.receiver.tracesUrl, hookProcessShutdown: false, scheduledDelayMillis: 3_600_000, maxExportBatchSize: n + 1, packFinishedSpans: true });
      const packedHeld = heldPerSpan(n, () => oursFullSpan(packed));
      samples.oursPacked.push(packedHeld.heap + packedHeld.external);
      check('ours buffered (packed)', packed.stats().spansBuffered, n);
      await packed.shutdown();

      const exporter = new (await import('./otel.js')).CountingExporter();
      const otel = otelWith([new BatchSpanProcessor(exporter, { maxQueueSize: n + 1, maxExportBatchSize: n + 1, scheduledDelayMillis: 3_600_000 })]);
      const theirsHeld = heldPerSpan(n, () => theirsFullSpan(otel.tracer));
      samples.theirs.push(theirsHeld.heap + theirsHeld.external);
      samples.theirsExternal.push(theirsHeld.external);
      await otel.flush();
      check('theirs exported', exporter.count, n);
      await otel.shutdown();
    }
    return {
      id: this.id,
      unit: 'bytes/span',
      ours: median(samples.ours),
      theirs: median(samples.theirs),
      notes: {
        'ours V8 heap': Math.round(median(samples.oursHeap)),
        'ours off-heap': Math.round(median(samples.oursExternal)),
        'theirs off-heap': Math.round(median(samples.theirsExternal)),
        'ours with packFinishedSpans': Math.round(median(samples.oursPacked)),
      },
    };
  },
};

/** Records `total` spans in chunks, letting exports run between them, as an application would. */
export async function recordInChunks(total: number, record: () => void): Promise<void> {
  for (let done = 0; done < total; done += 1000) {
    for (let i = 0; i < 1000; i++) record();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** CPU (user + system) this process has used, in microseconds. */
export function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

export const e2eOtlp: BenchCase = {
  id: 'e2e-otlp',
  run(context) {
    return e2eAgainstTheirs(this.id, context, (url) => createOtlpTracer({ url, hookProcessShutdown: false }));
  },
};

/**
 * CPU of the recording process per delivered span, end to end to the counting receiver: the full
 * span recorded on `makeOurs(url, total)` (then shut down) against their SDK provider with
 * `BatchSpanProcessor` and their OTLP/HTTP protobuf exporter.
 */
export async function e2eAgainstTheirs(
  id: string,
  context: BenchContext,
  makeOurs: (url: string, total: number) => TracerPlugin & { shutdown(options?: { timeoutMillis?: number }): Promise<void> },
): Promise<CaseResult> {
  const total = context.quick ? 20_000 : 200_000;
  const { receiver } = context;
  const oursRun = async () => {
    await receiver.reset();
    const tracer = makeOurs(receiver.tracesUrl, total);
    gc();
    const cpu = cpuMicros();
    await recordInChunks(total, () => oursFullSpan(tracer));
    await tracer.shutdown({ timeoutMillis: 60_000 });
    const used = cpuMicros() - cpu;
    await receiver.waitFor(total);
    check('receiver got (ours)', (await receiver.count()).spans, total);
    return (used * 1000) / total;
  };
  const theirsRun = async () => {
    await receiver.reset();
    const otel = otelWith([new BatchSpanProcessor(theirsExporter(receiver.tracesUrl), { maxQueueSize: total + 1 })]);
    gc();
    const cpu = cpuMicros();
    await recordInChunks(total, () => theirsFullSpan(otel.tracer));
    await otel.shutdown();
    const used = cpuMicros() - cpu;
    await receiver.waitFor(total);
    check('receiver got (theirs)', (await receiver.count()).spans, total);
    return (used * 1000) / total;
  };
  const result = await alternate(context.quick ? 1 : 3, 0, oursRun, theirsRun);
  return { id, unit: 'ns CPU/span', ...result };
}

export const burstDefaults: BenchCase = {
  id: 'burst-defaults',
  async run(context) {
    const total = 200_000;
    const { receiver } = context;
    const run = async (record: () => void, flush: () => Promise<void>) => {
      await receiver.reset();
      gc();
      const base = process.memoryUsage().heapUsed;
      for (let i = 0; i < total; i++) record();
      let peak = process.memoryUsage().heapUsed;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().heapUsed)), 5);
      await flush().catch(() => undefined);
      clearInterval(sampler);
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { spans } = await receiver.count();
      return { delivered: spans, peakMiB: (peak - base) / 1024 / 1024 };
    };
    const ours = createOtlpTracer({ url: receiver.tracesUrl, hookProcessShutdown: false });
    const oursResult = await run(() => oursFullSpan(ours), () => ours.shutdown({ timeoutMillis: 60_000 }));
    const oursDropped = Object.values(ours.stats().spansDropped).reduce((a, b) => a + b, 0);
    check('ours ledger', oursResult.delivered + oursDropped, total);
    // Defaults, but for the concurrency limit that would otherwise crash the flush.
    const otel = otelWith([new BatchSpanProcessor(theirsExporter(receiver.tracesUrl))]);
    const theirsResult = await run(() => theirsFullSpan(otel.tracer), () => otel.shutdown());
    return {
      id: this.id,
      unit: '% delivered',
      ours: (100 * oursResult.delivered) / total,
      theirs: (100 * theirsResult.delivered) / total,
      notes: {
        'ours dropped': oursDropped,
        'ours peak heap MiB': Number(oursResult.peakMiB.toFixed(1)),
        'theirs peak heap MiB': Number(theirsResult.peakMiB.toFixed(1)),
        'ours buffer cap MiB': 256,
      },
    };
  },
};

export const exportLoopDelay: BenchCase = {
  id: 'export-loop-delay',
  async run(context) {
    const total = context.quick ? 20_000 : 100_000;
    const { receiver } = context;
    /** Records `count` spans (buffered, none exported yet), then measures the loop while they are exported. */
    const measure = async (count: number, record: () => void, flush: () => Promise<void>) => {
      await receiver.reset();
      gc(); // start both sides from a collected heap, not with the previous case's garbage
      for (let i = 0; i < count; i++) record();
      const histogram = monitorEventLoopDelay({ resolution: 1 });
      histogram.enable();
      await flush();
      histogram.disable();
      await receiver.waitFor(count);
      return { p99: histogram.percentile(99) / 1e6, max: histogram.max / 1e6 };
    };
    const ours = createOtlpTracer({ url: receiver.tracesUrl, hookProcessShutdown: false, scheduledDelayMillis: 3_600_000, maxBufferedSpans: total + 1 });
    const otel = otelWith([
      new BatchSpanProcessor(theirsExporter(receiver.tracesUrl), { maxQueueSize: total + 1, scheduledDelayMillis: 3_600_000 }),
    ]);
    // Warm-up for both: the first export compiles each HTTP client's parser and the encoders.
    await measure(2000, () => oursFullSpan(ours), () => ours.flush());
    await measure(2000, () => theirsFullSpan(otel.tracer), () => otel.flush());
    const samples = { ours: [] as number[], theirs: [] as number[], oursMax: 0, theirsMax: 0 };
    for (let round = 0; round < (context.quick ? 1 : 3); round++) {
      const a = await measure(total, () => oursFullSpan(ours), () => ours.flush());
      const b = await measure(total, () => theirsFullSpan(otel.tracer), () => otel.flush());
      samples.ours.push(a.p99);
      samples.theirs.push(b.p99);
      samples.oursMax = Math.max(samples.oursMax, a.max);
      samples.theirsMax = Math.max(samples.theirsMax, b.max);
    }
    await ours.shutdown();
    await otel.shutdown();
    return {
      id: this.id,
      unit: 'ms p99 delay',
      ours: median(samples.ours),
      theirs: median(samples.theirs),
      notes: { 'ours max ms': Number(samples.oursMax.toFixed(2)), 'theirs max ms': Number(samples.theirsMax.toFixed(2)) },
    };
  },
};
