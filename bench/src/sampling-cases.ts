// Sampling costs. `head-sampled-out`: a root the consistent ratio drops, and the recording calls on
// its INVALID handle, against OpenTelemetry's TraceIdRatioBasedSampler dropping it; the note compares
// it with today's unsampled span (an INVALID parent) measured in the same run. `tail-sampled`: a
// two-span trace through the tail sampler (rate 0.01, errors and slow requests kept: the root is
// held, decided at its end, and 99% sampled out), against the same trace recorded plainly into the
// same OTLP tracer (the note; target at most 1.5x) and OpenTelemetry recording it (AlwaysOn, the
// only in-process way it keeps every error).
import { SpanHandle, ledgerProblem, type TracerPlugin } from '@x/tracer-core';
import { createOtlpTracer } from '@x/tracer-otlp';
import { createSamplingTracer } from '@x/tracer-sampling';
import { BasicTracerProvider, BatchSpanProcessor, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { context as otelContext, trace as otelTrace } from '@opentelemetry/api';
import { alternate, bytesPer, check, median, timed, type BenchCase, type BenchContext } from './harness.js';
import { CountingExporter, otelBatch } from './otel.js';
import { oursFullSpan, oursHoistedSpans, theirsFullSpan } from './workload.js';

const ROUND = 2000;
const rounds = (context: BenchContext) => (context.quick ? 4 : 30);
/** Small enough that no root is kept in a run (expected kept: 10^-6), large enough to take the ratio's path (0 skips it). */
const DROP_ALL_RATE = 2 ** -40;

function oursOtlp(context: BenchContext) {
  return createOtlpTracer({ url: context.receiver.tracesUrl, hookProcessShutdown: false, scheduledDelayMillis: 3_600_000 });
}

export const headSampledOut: BenchCase = {
  id: 'head-sampled-out',
  async run(context) {
    const otlp = oursOtlp(context);
    const ours = createSamplingTracer(otlp, { sampleRate: DROP_ALL_RATE });
    const exporter = new CountingExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new BatchSpanProcessor(exporter)], sampler: new TraceIdRatioBasedSampler(DROP_ALL_RATE) });
    const theirs = provider.getTracer('bench');
    const n = ROUND * 10;
    const result = await alternate(
      rounds(context),
      3,
      () => timed(n, () => {
        for (let i = 0; i < n; i++) oursFullSpan(ours);
      }),
      () => timed(n, () => {
        for (let i = 0; i < n; i++) theirsFullSpan(theirs);
      }),
    );
    // Today's unsampled span (an INVALID parent straight into the OTLP tracer), the same run.
    const unsampled = median(Array.from({ length: rounds(context) }, () => timed(n, () => {
      for (let i = 0; i < n; i++) oursFullSpan(otlp, SpanHandle.INVALID);
    })));
    await otlp.flush();
    await provider.forceFlush();
    check('ours started', otlp.stats().spansStarted, 0);
    check('theirs exported', exporter.count, 0);
    // The caller's objects hoisted, as span-unsampled does: what the sampler allocates, not the workload.
    const start = { name: 'GET /users/:id', attributes: { a: 1 } };
    const bytes = bytesPer((count) => oursHoistedSpans(ours, start, count));
    await ours.shutdown();
    await provider.shutdown();
    return {
      id: this.id,
      unit: 'ns/span',
      ...result,
      notes: {
        'ours unsampled (INVALID parent) ns': Number(unsampled.toFixed(1)),
        'head-sampled-out / unsampled': Number((result.ours / unsampled).toFixed(2)),
        'ours bytes allocated per sampled-out span': Number(bytes.toFixed(2)),
      },
    };
  },
};

/** A root and one full child, the root ended last: the tail sampler holds the child until the root ends. */
function oursTrace(tracer: TracerPlugin): void {
  const root = tracer.startSpan({ name: 'GET /orders' });
  oursFullSpan(tracer, root);
  tracer.endSpan(root);
}

function theirsTrace(tracer: ReturnType<BasicTracerProvider['getTracer']>): void {
  const root = tracer.startSpan('GET /orders');
  theirsFullSpan(tracer, otelTrace.setSpan(otelContext.active(), root));
  root.end();
}

export const tailSampled: BenchCase = {
  id: 'tail-sampled',
  async run(context) {
    const tailOtlp = oursOtlp(context);
    const ours = createSamplingTracer(tailOtlp, { sampleRate: 0.01, alwaysSample: ['errors', 'slow_requests'] });
    const plain = oursOtlp(context);
    const { otel } = otelBatch(ROUND * 4);
    // Three sides, alternated round by round (tail, plain, theirs; then rotated), medians reported.
    const sides = [
      () => timed(ROUND * 2, () => {
        for (let i = 0; i < ROUND; i++) oursTrace(ours);
      }),
      () => timed(ROUND * 2, () => {
        for (let i = 0; i < ROUND; i++) oursTrace(plain);
      }),
      () => timed(ROUND * 2, () => {
        for (let i = 0; i < ROUND; i++) theirsTrace(otel.tracer);
      }),
    ];
    const samples: number[][] = [[], [], []];
    for (let round = 0; round < rounds(context) + 3; round++) {
      for (let k = 0; k < 3; k++) {
        const side = (round + k) % 3;
        const ns = sides[side]!();
        await Promise.all([ours.flush(), plain.flush(), otel.flush()]);
        if (round >= 3) samples[side]!.push(ns);
      }
    }
    const [tailNs, plainNs, theirsNs] = samples.map(median) as [number, number, number];
    const result = { ours: tailNs, theirs: theirsNs };
    await plain.flush();
    const stats = ours.stats();
    const problem = ledgerProblem(stats);
    if (problem !== undefined) throw new Error(`tail sampler ledger: ${problem}`);
    check('spans the child exported', tailOtlp.stats().spansExported, stats.spansExported);
    await Promise.all([ours.shutdown(), plain.shutdown(), otel.shutdown()]);
    return {
      id: this.id,
      unit: 'ns/span',
      ...result,
      notes: {
        'ours plain recorded ns': Number(plainNs.toFixed(1)),
        'tail / plain recorded': Number((result.ours / plainNs).toFixed(2)),
        'traces kept by ratio': stats.sampling.tracesKept.ratio,
        'traces sampled out': stats.sampling.tracesSampledOut,
      },
    };
  },
};
