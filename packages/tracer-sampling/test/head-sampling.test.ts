import { describe, expect, it } from 'vitest';
import { ledgerProblem, SpanHandle } from '@x/tracer-core';
import { createFanoutTracer } from '@x/tracer-fanout';
import { createMemoryTracer } from '@x/tracer-memory';
import { createSamplingTracer } from '@x/tracer-sampling';
import { describeConformance } from '@x/tracer-testkit/vitest';
import { randomnessOfTraceId, keeps, probabilityToThreshold } from '../src/threshold.js';
import { memoryBacked } from './memory-backed.js';

/** A trace id whose low 56 bits are `low56` (hex, 14 digits). */
const traceIdWith = (low56: string) => `0123456789abcdef01${low56}`;
const remote = (traceId: string) => SpanHandle.of(traceId, '00f067aa0ba902b7')!;

describe('head sampling: the consistent ratio', () => {
  it('keeps 25% of 200,000 roots within half a percentage point, each decided by its trace id', () => {
    const child = createMemoryTracer({ maxBufferedSpans: 250_000 });
    const sampler = createSamplingTracer(child, { sampleRate: 0.25 });
    let kept = 0;
    for (let i = 0; i < 200_000; i++) {
      const span = sampler.startSpan({ name: 'root' });
      if (span === SpanHandle.INVALID) continue;
      kept++;
      sampler.endSpan(span);
    }
    expect(Math.abs(kept / 200_000 - 0.25)).toBeLessThan(0.005);
    const spans = child.drain();
    expect(spans).toHaveLength(kept);
    // Every kept trace id meets the threshold; every one carries it.
    const threshold = probabilityToThreshold(0.25);
    expect(spans.every((span) => keeps(randomnessOfTraceId(span.traceId)!, threshold) && span.traceState === 'ot=th:c')).toBe(true);
    expect(sampler.stats().sampling).toMatchObject({ mode: 'head', tracesKept: { ratio: kept }, tracesSampledOut: 200_000 - kept });
    expect(ledgerProblem(sampler.stats())).toBeUndefined();
  });

  it('two independent samplers, and every child of a fan-out, decide alike for the same trace ids', () => {
    const memories = [createMemoryTracer({ name: 'a' }), createMemoryTracer({ name: 'b' })];
    const fanout = createFanoutTracer([createSamplingTracer(memories[0]!, { sampleRate: 0.3, name: 's1' }), createSamplingTracer(memories[1]!, { sampleRate: 0.3, name: 's2' })]);
    const alone = createSamplingTracer(createMemoryTracer(), { sampleRate: 0.3 });
    const decisions: [boolean, boolean][] = [];
    for (let i = 0; i < 5000; i++) {
      const root = fanout.startSpan({ name: 'root' });
      if (root === SpanHandle.INVALID) continue;
      fanout.endSpan(root);
    }
    const [a, b] = memories.map((memory) => memory.drain().map((span) => span.traceId));
    expect(a).toEqual(b);
    expect(a!.length).toBeGreaterThan(1000);
    // The same ids through a separate sampler (as a fan-out gives them, in SpanStart.traceId).
    for (let i = 0; i < 2000; i++) {
      const id = crypto.randomUUID().replaceAll('-', '');
      const span = alone.startSpan({ name: 'root', traceId: id });
      const expected = keeps(randomnessOfTraceId(id)!, probabilityToThreshold(0.3));
      decisions.push([span !== SpanHandle.INVALID, expected]);
      if (span !== SpanHandle.INVALID) {
        expect(span.traceId).toBe(id);
        alone.endSpan(span);
      }
    }
    expect(decisions.every(([got, expected]) => got === expected)).toBe(true);
  });

  it('children follow their root: children of a kept root are kept, children of INVALID are INVALID', () => {
    const child = createMemoryTracer();
    const sampler = createSamplingTracer(child, { sampleRate: 0.5 });
    let keptRoots = 0;
    for (let i = 0; i < 200; i++) {
      const root = sampler.startSpan({ name: 'root' });
      const kid = sampler.startSpan({ name: 'kid', parent: root });
      expect(kid === SpanHandle.INVALID).toBe(root === SpanHandle.INVALID);
      if (root !== SpanHandle.INVALID) keptRoots++;
      sampler.endSpan(kid);
      sampler.endSpan(root);
    }
    expect(child.drain()).toHaveLength(2 * keptRoots);
    // Children are not traces: only roots are counted.
    expect(sampler.stats().sampling.tracesKept.ratio + sampler.stats().sampling.tracesSampledOut).toBe(200);
  });

  it('sample rate 1 keeps every root with th:0; 0 keeps none', () => {
    const all = createMemoryTracer();
    const on = createSamplingTracer(all, { sampleRate: 1 });
    on.endSpan(on.startSpan({ name: 'root', traceState: 'a=1' }));
    expect(all.drain()[0]!.traceState).toBe('ot=th:0,a=1');
    const off = createSamplingTracer(createMemoryTracer(), { sampleRate: 0 });
    expect(off.startSpan({ name: 'root' })).toBe(SpanHandle.INVALID);
    expect(off.stats().sampling.tracesSampledOut).toBe(1);
  });

  it('uses rv from a root tracestate when there is one', () => {
    const sampler = createSamplingTracer(createMemoryTracer(), { sampleRate: 0.5 });
    for (let i = 0; i < 50; i++) {
      expect(sampler.startSpan({ name: 'high', traceState: 'ot=rv:80000000000000' })).not.toBe(SpanHandle.INVALID);
      expect(sampler.startSpan({ name: 'low', traceState: 'ot=rv:7fffffffffffff' })).toBe(SpanHandle.INVALID);
    }
  });
});

describe('head sampling: remote parents', () => {
  const kept = traceIdWith('f0000000000000');
  const dropped = traceIdWith('10000000000000');

  it('parent-based (default): a sampled remote parent is followed whatever the ratio; an unsampled one (INVALID) is not', () => {
    const child = createMemoryTracer();
    const sampler = createSamplingTracer(child, { sampleRate: 0.01 });
    const span = sampler.startSpan({ name: 'server', parent: remote(dropped) });
    expect(span).not.toBe(SpanHandle.INVALID);
    sampler.endSpan(span);
    expect(sampler.startSpan({ name: 'server', parent: SpanHandle.INVALID })).toBe(SpanHandle.INVALID);
    expect(child.drain().map((s) => [s.traceId, s.parentIsRemote])).toEqual([[dropped, true]]);
    expect(sampler.stats().sampling.tracesKept.parent).toBe(1);
  });

  it("parent-based: follows a parent whose threshold its randomness meets; one it does not meet is no decision, so the ratio decides", () => {
    const child = createMemoryTracer();
    const sampler = createSamplingTracer(child, { sampleRate: 0.5 });
    sampler.endSpan(sampler.startSpan({ name: 'consistent', parent: remote(kept), traceState: 'ot=th:c,v=1' }));
    // A tail sampler upstream sends its threshold while deciding: R < th, yet sampled.
    const highRandomness = traceIdWith('90000000000000');
    sampler.endSpan(sampler.startSpan({ name: 'pending upstream, ratio keeps', parent: remote(highRandomness), traceState: 'ot=th:fd70a,v=1' }));
    expect(sampler.startSpan({ name: 'pending upstream, ratio drops', parent: remote(dropped), traceState: 'ot=th:fd70a' })).toBe(SpanHandle.INVALID);
    expect(child.drain().map((s) => [s.name, s.traceState, s.attributes['sampling.rule']])).toEqual([
      ['consistent', 'ot=th:c,v=1', 'parent'],
      ['pending upstream, ratio keeps', 'ot=th:8,v=1', 'ratio'],
    ]);
    expect(sampler.stats().sampling).toMatchObject({ tracesKept: { parent: 1, ratio: 1 }, tracesSampledOut: 1 });
  });

  it('downstream of a tail sampler at the same rate, keeps what the ratio keeps, not every trace the tail sampler sent on', async () => {
    const upstream = createSamplingTracer(createMemoryTracer(), { sampleRate: 0.1, alwaysSample: ['errors'] });
    const downstream = createSamplingTracer(createMemoryTracer(), { sampleRate: 0.1 });
    let kept = 0;
    for (let i = 0; i < 4000; i++) {
      const root = upstream.startSpan({ name: 'upstream' });
      const span = downstream.startSpan({ name: 'downstream', parent: SpanHandle.of(root.traceId, root.spanId)!, traceState: upstream.traceState(root) });
      if (span !== SpanHandle.INVALID) kept++;
      downstream.endSpan(span);
      upstream.endSpan(root);
    }
    expect(kept).toBeGreaterThan(300);
    expect(kept).toBeLessThan(500);
    await upstream.shutdown();
  });

  it('writes the rule that kept a root as sampling.rule, as the tail sampler does', () => {
    const child = createMemoryTracer();
    const always = createSamplingTracer(child, { sampleRate: 1 });
    always.endSpan(always.startSpan({ name: 'root' }));
    always.endSpan(always.startSpan({ name: 'server', parent: remote(dropped) }));
    expect(child.drain().map((s) => s.attributes['sampling.rule'])).toEqual(['always_on', 'parent']);
  });

  it('not parent-based: the ratio decides remote parents as it decides roots', () => {
    const child = createMemoryTracer();
    const sampler = createSamplingTracer(child, { sampleRate: 0.5, parentBased: false });
    const keptSpan = sampler.startSpan({ name: 'kept', parent: remote(kept) });
    expect(sampler.startSpan({ name: 'dropped', parent: remote(dropped) })).toBe(SpanHandle.INVALID);
    sampler.endSpan(sampler.startSpan({ name: 'local child', parent: keptSpan }));
    sampler.endSpan(keptSpan);
    expect(child.drain().map((s) => [s.name, s.traceState])).toEqual([
      ['local child', ''],
      ['kept', 'ot=th:8'],
    ]);
    expect(sampler.stats().sampling).toMatchObject({ tracesKept: { ratio: 1 }, tracesSampledOut: 1 });
  });

  it('the recorded tracestate (with the threshold) is what traceState() answers, for inject and children', () => {
    const sampler = createSamplingTracer(createMemoryTracer(), { sampleRate: 1 });
    const root = sampler.startSpan({ name: 'root' });
    expect(sampler.traceState(root)).toBe('ot=th:0');
    sampler.endSpan(root);
    expect(sampler.traceState(root)).toBeUndefined();
  });
});

const atRateOne = memoryBacked((memory) => createSamplingTracer(memory));
describeConformance('head sampler at rate 1', atRateOne.factory, atRateOne.options);
