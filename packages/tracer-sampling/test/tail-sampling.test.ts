import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { ledgerProblem, SpanHandle, SpanStatusCode, type PlainSpan, type SpanHandle as Handle, type TracerPlugin } from '@x/tracer-core';
import { createMemoryTracer } from '@x/tracer-memory';
import { createSamplingTracer } from '@x/tracer-sampling';
import { describeConformance } from '@x/tracer-testkit/vitest';
import { wrapPlugin } from '@x/tracer-testkit';
import { keeps, probabilityToThreshold, randomnessOfTraceId } from '../src/threshold.js';
import { memoryBacked } from './memory-backed.js';

const SECOND = 1_000_000_000n;
const T0 = BigInt(Date.now()) * 1_000_000n;
const ERROR = { code: SpanStatusCode.ERROR, message: 'boom' } as const;

interface TraceShape {
  readonly depth: number;
  /** Depth of the span that fails, or -1. */
  readonly errorAt: number;
  /** The root's duration. */
  readonly seconds: bigint;
}

/** A chain root -> child -> ... `depth` spans deep, children ending first, with explicit times. */
function recordTrace(tracer: TracerPlugin, shape: TraceShape): string | undefined {
  const start = T0;
  const spans: Handle[] = [];
  let parent: Handle | undefined;
  for (let level = 0; level < shape.depth; level++) {
    const span = tracer.startSpan({ name: `level ${level}`, parent, startTimeUnixNanos: start + BigInt(level) });
    if (span === SpanHandle.INVALID) return undefined;
    if (level === shape.errorAt) tracer.setStatus(span, ERROR);
    spans.push(span);
    parent = span;
  }
  for (let level = shape.depth - 1; level >= 0; level--) tracer.endSpan(spans[level]!, start + shape.seconds * SECOND - BigInt(level));
  return spans[0]!.traceId;
}

function byTrace(spans: readonly PlainSpan[]): Map<string, PlainSpan[]> {
  const traces = new Map<string, PlainSpan[]>();
  for (const span of spans) traces.set(span.traceId, [...(traces.get(span.traceId) ?? []), span]);
  return traces;
}

const tail = (child: TracerPlugin, options: Parameters<typeof createSamplingTracer>[1] = {}) =>
  createSamplingTracer(child, { sampleRate: 0.01, alwaysSample: ['errors', 'slow_requests'], slowThreshold: '1s', ...options });

describe('tail sampling at sample rate 0.01', () => {
  it('every trace with an error, and every slow trace, reaches the backend whole; the ratio keeps its share; the rest is sampled out', () => {
    const backend = createMemoryTracer({ maxBufferedSpans: 100_000 });
    const sampler = tail(backend);
    const expected = new Map<string, { spans: number; rule: string }>();
    const ratio = probabilityToThreshold(0.01);
    let plain = 0;
    for (let i = 0; i < 3000; i++) {
      const shape: TraceShape = { depth: 1 + (i % 6), errorAt: i % 20 === 0 ? i % 6 : -1, seconds: i % 33 === 0 ? 2n : 0n };
      const traceId = recordTrace(sampler, shape)!;
      const byRatio = keeps(randomnessOfTraceId(traceId)!, ratio);
      const rule = byRatio ? 'ratio' : shape.errorAt >= 0 ? 'errors' : shape.seconds > 1n ? 'slow_requests' : undefined;
      if (rule !== undefined) expected.set(traceId, { spans: shape.depth, rule });
      else plain++;
    }
    const traces = byTrace(backend.drain());
    expect(traces.size).toBe(expected.size);
    for (const [traceId, { spans, rule }] of expected) {
      const trace = traces.get(traceId)!;
      expect(trace).toHaveLength(spans);
      const root = trace.find((span) => span.parentSpanId === undefined)!;
      expect(root.attributes['sampling.rule']).toBe(rule);
      // Each span's parent is in the trace: whole.
      for (const span of trace) if (span !== root) expect(trace.some((p) => p.spanId === span.parentSpanId)).toBe(true);
      // Kept by the ratio: the threshold stays, adjusted counts hold. By a tail rule: erased (probability unknown).
      for (const span of trace) expect(span.traceState).toBe(rule === 'ratio' ? 'ot=th:fd70a' : '');
    }
    const stats = sampler.stats();
    expect(stats.sampling.tracesSampledOut).toBe(plain);
    expect(stats.sampling.pendingTraces).toBe(0);
    expect(stats.spansSampledOut).toBeGreaterThan(0);
    expect(stats.spansExported + stats.spansSampledOut!).toBe(stats.spansStarted);
    expect(ledgerProblem(stats)).toBeUndefined();
    expect(Object.keys(stats.spansDropped)).toEqual([]);
  });

  it('keeps a trace whose only error is five levels down, in a span that ended long before the root', () => {
    const backend = createMemoryTracer();
    const sampler = tail(backend, { sampleRate: 0 });
    const kept = recordTrace(sampler, { depth: 6, errorAt: 5, seconds: 0n })!;
    const dropped = recordTrace(sampler, { depth: 6, errorAt: -1, seconds: 0n });
    const traces = byTrace(backend.drain());
    expect([...traces.keys()]).toEqual([kept]);
    expect(traces.get(kept)).toHaveLength(6);
    expect(dropped).toBeDefined();
    expect(sampler.stats().sampling).toMatchObject({ tracesKept: { errors: 1 }, tracesSampledOut: 1 });
  });

  it('spans that end after the decision follow it; spans started in a sampled-out trace get INVALID', () => {
    const backend = createMemoryTracer();
    const sampler = tail(backend, { sampleRate: 0 });
    const failing = sampler.startSpan({ name: 'failing root' });
    const lateKept = sampler.startSpan({ name: 'late child', parent: failing });
    sampler.setStatus(failing, ERROR);
    sampler.endSpan(failing);
    const quiet = sampler.startSpan({ name: 'quiet root' });
    const lateDropped = sampler.startSpan({ name: 'late child', parent: quiet });
    sampler.endSpan(quiet);
    expect(sampler.startSpan({ name: 'after the decision', parent: lateDropped })).toBe(SpanHandle.INVALID);
    expect(sampler.startSpan({ name: 'after the decision', parent: lateKept })).not.toBe(SpanHandle.INVALID);
    sampler.endSpan(lateKept);
    sampler.endSpan(lateDropped);
    expect(backend.drain().map((span) => [span.name, span.traceId === failing.traceId])).toEqual([
      ['failing root', true],
      ['late child', true],
    ]);
    const stats = sampler.stats();
    expect(stats.sampling.startsRefused).toBe(1);
    expect(stats.spansSampledOut).toBe(2);
    expect(stats.spansLive).toBe(1);
    expect(ledgerProblem(stats)).toBeUndefined();
  });

  it('a root started with the threshold in its tracestate sends it on; a followed remote parent without one is kept at once', () => {
    const backend = createMemoryTracer();
    const sampler = tail(backend, { sampleRate: 0.1 });
    const root = sampler.startSpan({ name: 'root' });
    expect(sampler.traceState(root)).toBe('ot=th:e666');
    const remoteParent = SpanHandle.of('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7')!;
    const server = sampler.startSpan({ name: 'server', parent: remoteParent, traceState: 'vendor=1' });
    sampler.endSpan(server);
    expect(backend.drain().map((span) => [span.name, span.attributes['sampling.rule']])).toEqual([['server', 'parent']]);
    // A remote parent whose threshold its randomness does not meet is still deciding: this sampler decides by its own rules.
    const otherRemote = SpanHandle.of('0af7651916cd43dd8448eb211c80319c', 'b7ad6b7169203331')!;
    const pending = sampler.startSpan({ name: 'server', parent: otherRemote, traceState: 'ot=th:ffffffffffffff' });
    sampler.endSpan(pending);
    expect(backend.drain()).toEqual([]);
    expect(sampler.stats().sampling.tracesSampledOut).toBe(1);
  });
});

describe('tail sampling bounds', () => {
  it('decides a trace whose root never ends after decisionWait, and its root later follows with the reason', async () => {
    const backend = createMemoryTracer();
    const sampler = tail(backend, { sampleRate: 0, decisionWait: 30 });
    const root = sampler.startSpan({ name: 'root' });
    const child = sampler.startSpan({ name: 'child', parent: root });
    sampler.setStatus(child, ERROR);
    sampler.endSpan(child);
    expect(backend.drain()).toEqual([]);
    for (let waited = 0; waited < 2000 && sampler.stats().sampling.pendingTraces > 0; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(backend.drain().map((span) => span.name)).toEqual(['child']);
    sampler.endSpan(root);
    const [late] = backend.drain();
    expect(late!.attributes).toMatchObject({ 'sampling.rule': 'errors', 'sampling.decided_early': 'decision_wait' });
    expect(sampler.stats().sampling.decidedEarly.decision_wait).toBe(1);
    await sampler.shutdown();
  });

  it('one huge trace is decided at maxSpansPerTrace; the other traces are not held up', () => {
    const backend = createMemoryTracer();
    const sampler = tail(backend, { sampleRate: 0, maxSpansPerTrace: 5 });
    const huge = sampler.startSpan({ name: 'huge' });
    const other = sampler.startSpan({ name: 'other' });
    const otherChild = sampler.startSpan({ name: 'other child', parent: other });
    sampler.setStatus(otherChild, ERROR);
    sampler.endSpan(otherChild);
    for (let i = 0; i < 8; i++) sampler.endSpan(sampler.startSpan({ name: `part ${i}`, parent: huge }));
    sampler.endSpan(other);
    expect(backend.drain().map((span) => span.name)).toEqual(['other child', 'other']);
    const stats = sampler.stats();
    // Parts 0-4 are held; the fifth decides the trace (sampled out); parts 5-7 start after that and get INVALID.
    expect(stats.sampling.decidedEarly.max_spans_per_trace).toBe(1);
    expect(stats.sampling.startsRefused).toBe(3);
    expect(stats.spansSampledOut).toBe(5);
    expect(ledgerProblem(stats)).toBeUndefined();
  });

  it('at maxPendingTraces the oldest trace is decided early; at maxPendingSpans too', () => {
    const backend = createMemoryTracer();
    const sampler = tail(backend, { sampleRate: 0, maxPendingTraces: 3, maxPendingSpans: 4 });
    const roots = Array.from({ length: 5 }, (_, i) => sampler.startSpan({ name: `root ${i}` }));
    expect(sampler.stats().sampling).toMatchObject({ pendingTraces: 3, decidedEarly: { max_pending_traces: 2 } });
    for (const root of roots.slice(2)) for (let i = 0; i < 2; i++) sampler.endSpan(sampler.startSpan({ name: 'child', parent: root }));
    const stats = sampler.stats();
    expect(stats.sampling.pendingSpans).toBeLessThanOrEqual(4);
    expect(stats.sampling.decidedEarly.max_pending_spans).toBeGreaterThan(0);
    expect(ledgerProblem(stats)).toBeUndefined();
  });

  it('100,000 concurrent unfinished traces: caps hold, the heap stays bounded, the ledger balances', () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const backend = createMemoryTracer();
    const sampler = tail(backend, { sampleRate: 0 });
    const wave = () => {
      for (let i = 0; i < 100_000; i++) {
        const root = sampler.startSpan({ name: 'never ends', attributes: { i } });
        sampler.endSpan(sampler.startSpan({ name: 'child', parent: root, attributes: { i } }));
      }
      gc();
      return process.memoryUsage().heapUsed;
    };
    const afterFirst = wave();
    const stats = sampler.stats();
    expect(stats.sampling.pendingTraces).toBeLessThanOrEqual(10_000);
    expect(stats.spansLive).toBeLessThanOrEqual(16_384);
    expect(stats.sampling.pendingSpans).toBeLessThanOrEqual(100_000);
    expect(stats.spansDropped['live-evicted']).toBeGreaterThan(0);
    expect(ledgerProblem(stats)).toBeUndefined();
    // A second wave as large holds no more: what the caps let stay is all that stays.
    const afterSecond = wave();
    expect(afterSecond - afterFirst).toBeLessThan(16 * 1024 * 1024);
    expect(ledgerProblem(sampler.stats())).toBeUndefined();
    expect(sampler.stats().spansStarted).toBe(400_000);
  }, 120_000);

  it('shutdown decides what is held, evicts the live, and shuts the child down', async () => {
    const backend = createMemoryTracer();
    const sampler = tail(backend, { sampleRate: 0 });
    const root = sampler.startSpan({ name: 'root' });
    const child = sampler.startSpan({ name: 'child', parent: root });
    sampler.setStatus(child, ERROR);
    sampler.endSpan(child);
    await sampler.shutdown();
    expect(backend.drain().map((span) => span.name)).toEqual(['child']);
    expect(sampler.startSpan({ name: 'after' })).toBe(SpanHandle.INVALID);
    const stats = sampler.stats();
    expect(stats.sampling.decidedEarly.shutdown).toBe(1);
    expect(stats.spansDropped['live-evicted']).toBe(1);
    expect(backend.startSpan({ name: 'child after' })).toBe(SpanHandle.INVALID);
    expect(ledgerProblem(stats)).toBeUndefined();
  });
});

describe('tail sampling into a plugin that is not built on the core', () => {
  it('replays each kept span through the contract: same ids, times, parents (local ones live first), status and events', () => {
    const backend = createMemoryTracer();
    const sampler = tail(wrapPlugin(backend), { sampleRate: 0 });
    const root = sampler.startSpan({ name: 'root', startTimeUnixNanos: T0 });
    const child = sampler.startSpan({ name: 'child', parent: root, startTimeUnixNanos: T0 + 10n, attributes: { a: 1 } });
    sampler.addEvent(child, { name: 'retry', timeUnixNanos: T0 + 20n });
    sampler.setStatus(child, ERROR);
    sampler.endSpan(child, T0 + 30n);
    sampler.endSpan(root, T0 + 40n);
    const spans = backend.drain();
    expect(spans.map((span) => [span.name, span.traceId, span.spanId, span.parentSpanId, span.parentIsRemote, span.startTimeUnixNanos, span.endTimeUnixNanos])).toEqual([
      ['child', root.traceId, child.spanId, root.spanId, false, T0 + 10n, T0 + 30n],
      ['root', root.traceId, root.spanId, undefined, false, T0, T0 + 40n],
    ]);
    expect(spans[0]!.status).toEqual(ERROR);
    expect(spans[0]!.events.map((event) => [event.name, event.timeUnixNanos])).toEqual([['retry', T0 + 20n]]);
    expect(spans[1]!.attributes['sampling.rule']).toBe('errors');
    expect(sampler.stats().spansExported).toBe(2);
  });
});

// The ratio keeps every trace at once (the threshold rounds to 0): the tail sampler's recording, hand-off and ledger.
const keepingAll = memoryBacked((memory) => createSamplingTracer(memory, { sampleRate: 0.9999999, alwaysSample: ['errors'] }));
describeConformance('tail sampler keeping all by ratio', keepingAll.factory, keepingAll.options);
// Everything held and sampled out: the recording contract without exports.
describeConformance('tail sampler keeping nothing', () => createSamplingTracer(createMemoryTracer(), { sampleRate: 0, alwaysSample: ['errors'] }));
