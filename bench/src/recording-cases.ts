// Recording costs: ours into the OTLP tracer's buffer, theirs into BatchSpanProcessor with a
// counting no-op exporter. Only the recording loop is timed; each round then flushes both and
// checks every span reached its exporter.
import { SpanHandle, type TracerPlugin } from '@x/tracer-core';
import { createFanoutTracer } from '@x/tracer-fanout';
import { createOtlpTracer } from '@x/tracer-otlp';
import { BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { alternate, bytesPer, check, gc, median, timed, type BenchCase, type BenchContext } from './harness.js';
import { CountingExporter, otelBatch, otelWith } from './otel.js';
import { oursFullSpan, oursHoistedSpans, oursNested, theirsFullSpan, theirsNested } from './workload.js';

function oursOtlp(context: BenchContext) {
  return createOtlpTracer({
    url: context.receiver.tracesUrl,
    hookProcessShutdown: false,
    scheduledDelayMillis: 3_600_000,
  });
}

function exported(tracer: TracerPlugin): number {
  return tracer.stats!().spansExported;
}

const ROUND = 2000;
const rounds = (context: BenchContext) => (context.quick ? 4 : 30);


/**
 * Alternating timed rounds of a recording loop for both sides. After each round, both flush and
 * the exported counts are checked: `oursExported()` and `theirsExported()` must have grown by
 * `perRound` spans (per exporter, for fan-outs).
 */
async function recordingRounds(
  context: BenchContext,
  operations: number,
  perRound: number,
  ours: { record: () => void; flush: () => Promise<void>; exported: () => number[] },
  theirs: { record: () => void; flush: () => Promise<void>; exported: () => number[] },
): Promise<{ ours: number; theirs: number }> {
  let oursDone = 0;
  let theirsDone = 0;
  return alternate(
    rounds(context),
    3,
    async () => {
      const ns = timed(operations, ours.record);
      await ours.flush();
      oursDone += perRound;
      for (const count of ours.exported()) check('ours exported', count, oursDone);
      return ns;
    },
    async () => {
      const ns = timed(operations, theirs.record);
      await theirs.flush();
      theirsDone += perRound;
      for (const count of theirs.exported()) check('theirs exported', count, theirsDone);
      return ns;
    },
  );
}

export const spanFull: BenchCase = {
  id: 'span-full',
  async run(context) {
    const ours = oursOtlp(context);
    const { otel, exporters } = otelBatch(ROUND * 2);
    const result = await recordingRounds(
      context,
      ROUND,
      ROUND,
      { record: () => { for (let i = 0; i < ROUND; i++) oursFullSpan(ours); }, flush: () => ours.flush(), exported: () => [exported(ours)] },
      { record: () => { for (let i = 0; i < ROUND; i++) theirsFullSpan(otel.tracer); }, flush: () => otel.flush(), exported: () => [exporters[0]!.count] },
    );
    await ours.shutdown();
    await otel.shutdown();
    const floor = v8Floor(context);
    return { id: this.id, unit: 'ns/span', ...result, notes: { 'V8 floor ns': Math.round(floor), 'ours/floor': (result.ours / floor).toFixed(2) } };
  },
};

/**
 * The least a recorded span can cost in this process: two clock reads, a random id from a pool and a
 * write of the times into a preallocated ring, nothing else. `span-full` is compared against it.
 */
function v8Floor(context: BenchContext): number {
  const clock = globalThis.performance;
  const ring = new Float64Array(4096);
  const ids = new Int32Array(16384);
  globalThis.crypto.getRandomValues(ids);
  let at = 0;
  let sum = 0;
  const loop = () => {
    for (let i = 0; i < ROUND; i++) {
      const start = clock.now();
      sum += ids[i & 16383]!;
      ring[at++ & 4095] = start;
      ring[at++ & 4095] = clock.now();
    }
  };
  const samples: number[] = [];
  for (let round = 0; round < rounds(context) + 3; round++) {
    const ns = timed(ROUND, loop);
    if (round >= 3) samples.push(ns);
  }
  if (sum === 0.5) console.log('unreachable'); // keeps the id reads alive
  return median(samples);
}

export const spanUnsampled: BenchCase = {
  id: 'span-unsampled',
  async run(context) {
    const ours = oursOtlp(context);
    const exporter = new CountingExporter();
    const otel = otelWith([new BatchSpanProcessor(exporter)], false);
    const n = ROUND * 10;
    const result = await alternate(
      rounds(context),
      3,
      () => timed(n, () => {
        for (let i = 0; i < n; i++) oursFullSpan(ours, SpanHandle.INVALID);
      }),
      () => timed(n, () => {
        for (let i = 0; i < n; i++) theirsFullSpan(otel.tracer);
      }),
    );
    await ours.flush();
    await otel.flush();
    check('ours started', ours.stats().spansStarted, 0);
    check('theirs exported', exporter.count, 0);
    // Allocation of our unsampled path, with the caller's objects hoisted.
    const start = { name: 'GET /users/:id', parent: SpanHandle.INVALID, attributes: { a: 1 } };
    const bytesPerSpan = bytesPer((count) => oursHoistedSpans(ours, start, count));
    await ours.shutdown();
    await otel.shutdown();
    return { id: this.id, unit: 'ns/span', ...result, notes: { 'ours bytes allocated per unsampled span': Number(bytesPerSpan.toFixed(2)) } };
  },
};

export const spanNested: BenchCase = {
  id: 'span-nested',
  async run(context) {
    const ours = oursOtlp(context);
    const { otel, exporters } = otelBatch(ROUND * 2);
    const parents = ROUND / 10;
    const result = await recordingRounds(
      context,
      parents * 10,
      parents * 11,
      { record: () => { for (let i = 0; i < parents; i++) oursNested(ours, 10); }, flush: () => ours.flush(), exported: () => [exported(ours)] },
      { record: () => { for (let i = 0; i < parents; i++) theirsNested(otel.tracer, 10); }, flush: () => otel.flush(), exported: () => [exporters[0]!.count] },
    );
    await ours.shutdown();
    await otel.shutdown();
    return { id: this.id, unit: 'ns/child', ...result };
  },
};

export const fanout3: BenchCase = {
  id: 'fanout-3',
  async run(context) {
    const children = [oursOtlp(context), oursOtlp(context), oursOtlp(context)];
    const ours = createFanoutTracer(children);
    const exporters = [new CountingExporter(), new CountingExporter(), new CountingExporter()];
    const otel = otelWith(exporters.map((e) => new BatchSpanProcessor(e, { maxQueueSize: ROUND * 2, scheduledDelayMillis: 3_600_000 })));
    const result = await recordingRounds(
      context,
      ROUND,
      ROUND,
      { record: () => { for (let i = 0; i < ROUND; i++) oursFullSpan(ours); }, flush: () => ours.flush(), exported: () => children.map(exported) },
      { record: () => { for (let i = 0; i < ROUND; i++) theirsFullSpan(otel.tracer); }, flush: () => otel.flush(), exported: () => exporters.map((e) => e.count) },
    );
    await ours.shutdown();
    await otel.shutdown();
    return { id: this.id, unit: 'ns/span', ...result };
  },
};
