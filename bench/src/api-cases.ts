// The application API: @x/trace's withSpan against OpenTelemetry's startActiveSpan, the same
// workload with async context on both sides (theirs with AsyncLocalStorageContextManager, what the
// Node SDK registers), and the disabled path against calling the function directly.
import { context as otelContext, SpanKind as OtelKind } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AlwaysOffSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { configure, setEnabled, SpanKind, stats, withSpan } from '@x/trace';
import { SpanHandle, type TracerPlugin } from '@x/tracer-core';
import { createOtlpTracer } from '@x/tracer-otlp';
import type { Tracer } from '@opentelemetry/api';
import { alternate, check, median, timed, type BenchCase, type BenchContext } from './harness.js';
import { otelBatch } from './otel.js';

const ROUND = 2000;
const rounds = (context: BenchContext) => (context.quick ? 4 : 30);
let sink = 0;

/** A request span with a child, each setting an attribute: two spans an operation. */
function oursRequest(): number {
  return withSpan(
    'GET /users/:id',
    (request) => {
      request.setAttribute('http.route', '/users/:id');
      return withSpan('db.query', (query) => {
        query.setAttribute('db.rows', 1);
        return 1;
      });
    },
    { kind: SpanKind.SERVER },
  );
}

function theirsRequest(tracer: Tracer): number {
  return tracer.startActiveSpan('GET /users/:id', { kind: OtelKind.SERVER }, (request) => {
    request.setAttribute('http.route', '/users/:id');
    const rows = tracer.startActiveSpan('db.query', (query) => {
      query.setAttribute('db.rows', 1);
      query.end();
      return 1;
    });
    request.end();
    return rows;
  });
}

/** Runs `body` with OpenTelemetry's async-context manager registered, as the Node SDK does, and removes it after. */
async function withOtelContext<T>(body: () => Promise<T>): Promise<T> {
  const manager = new AsyncLocalStorageContextManager().enable();
  if (!otelContext.setGlobalContextManager(manager)) throw new Error('a global context manager was already set');
  try {
    return await body();
  } finally {
    otelContext.disable();
  }
}

export const withSpanCase: BenchCase = {
  id: 'with-span',
  async run(context) {
    return withOtelContext(async () => {
      const ours = createOtlpTracer({ url: context.receiver.tracesUrl, hookProcessShutdown: false, scheduledDelayMillis: 3_600_000 });
      // OpenTelemetry keeps no records of its own: ours sends to the tracer only, as a site would.
      configure({ tracer: ours, records: false });
      const { otel, exporters } = otelBatch(ROUND * 4);
      let oursDone = 0;
      let theirsDone = 0;
      const result = await alternate(
        rounds(context),
        3,
        async () => {
          const ns = timed(ROUND * 2, () => {
            for (let i = 0; i < ROUND; i++) sink += oursRequest();
          });
          await ours.flush();
          check('ours exported', ours.stats().spansExported, (oursDone += ROUND * 2));
          return ns;
        },
        async () => {
          const ns = timed(ROUND * 2, () => {
            for (let i = 0; i < ROUND; i++) sink += theirsRequest(otel.tracer);
          });
          await otel.flush();
          check('theirs exported', exporters[0]!.count, (theirsDone += ROUND * 2));
          return ns;
        },
      );
      // The same loop with the seed's records kept (the default without configuration).
      configure({ tracer: ours });
      const withRecords: number[] = [];
      for (let round = 0; round < rounds(context) + 3; round++) {
        const ns = timed(ROUND * 2, () => { for (let i = 0; i < ROUND; i++) sink += oursRequest(); });
        if (round >= 3) withRecords.push(ns);
        await ours.flush();
      }
      check('ours parented', stats().spansEnded, stats().spansStarted);
      configure();
      await ours.shutdown();
      await otel.shutdown();
      return { id: this.id, unit: 'ns/span', ...result, notes: { 'ours with records ns': Math.round(median(withRecords)) } };
    });
  },
};

/** The median of `count` results of `measure`, after three warm-up runs (compiling happens there). */
function medianOf(count: number, measure: () => number): number {
  for (let i = 0; i < 3; i++) measure();
  return median(Array.from({ length: count }, measure));
}

/** A tracer that samples nothing, as a head sampler at 0% does. */
export const sampleNothing: TracerPlugin = {
  name: 'sample-nothing',
  startSpan: () => SpanHandle.INVALID,
  setAttribute() {},
  setStatus() {},
  addEvent() {},
  endSpan() {},
  flush: async () => {},
};

export const withSpanDisabled: BenchCase = {
  id: 'with-span-disabled',
  async run(context) {
    return withOtelContext(async () => {
      const provider = new BasicTracerProvider({ sampler: new AlwaysOffSampler() });
      const theirs = provider.getTracer('bench');
      const fn = (span: { setAttribute(key: string, value: number): unknown }) => {
        span.setAttribute('db.rows', 1);
        return 1;
      };
      const n = ROUND * 10;
      setEnabled(false);
      const result = await alternate(
        rounds(context),
        3,
        () => timed(n, () => { for (let i = 0; i < n; i++) sink += withSpan('db.query', fn); }),
        () => timed(n, () => { for (let i = 0; i < n; i++) sink += theirs.startActiveSpan('db.query', fn); }),
      );
      setEnabled(true);
      const inert = { setAttribute: () => inert };
      const direct = medianOf(rounds(context) + 3, () => timed(n, () => { for (let i = 0; i < n; i++) sink += fn(inert); }));
      configure({ tracer: sampleNothing });
      const unsampled = medianOf(rounds(context) + 3, () => timed(n, () => { for (let i = 0; i < n; i++) sink += withSpan('db.query', fn); }));
      configure();
      await provider.shutdown();
      if (sink === 0.5) console.log('unreachable');
      return {
        id: this.id,
        unit: 'ns/call',
        ...result,
        notes: { 'fn called directly ns': direct.toFixed(1), 'ours unsampled root ns': unsampled.toFixed(1) },
      };
    });
  },
};
