// Which spans make a trace's local fragment, and when it is decided: found in review.
import { describe, expect, it } from 'vitest';
import { ledgerProblem, SpanHandle, SpanStatusCode, type TracerPlugin } from '@x/tracer-core';
import { createMemoryTracer } from '@x/tracer-memory';
import { createSamplingTracer } from '@x/tracer-sampling';

const ERROR = { code: SpanStatusCode.ERROR, message: 'declined' } as const;
/** Low randomness: the ratio at 0.01 does not keep these traces. */
const LOW = '0123456789abcdef0100000000000001';
const tail = (backend = createMemoryTracer(), options = {}) => ({
  backend,
  sampler: createSamplingTracer(backend, { sampleRate: 0.01, alwaysSample: ['errors', 'slow_requests'], ...options }),
});

describe('local fragments', () => {
  it('a child of a span that already ended belongs to the fragment: it does not decide it while the root runs', () => {
    const { backend, sampler } = tail();
    const root = sampler.startSpan({ name: 'GET /checkout', traceId: LOW });
    const auth = sampler.startSpan({ name: 'auth', parent: root });
    sampler.endSpan(auth);
    sampler.endSpan(sampler.startSpan({ name: 'audit', parent: auth }));
    expect(sampler.stats().sampling.pendingTraces).toBe(1);
    const payment = sampler.startSpan({ name: 'payment', parent: root });
    expect(payment).not.toBe(SpanHandle.INVALID);
    sampler.setStatus(payment, ERROR);
    sampler.endSpan(payment);
    sampler.endSpan(root);
    expect(backend.drain().map((span) => span.name)).toEqual(['auth', 'audit', 'payment', 'GET /checkout']);
  });

  it('two requests of one trace are one fragment, decided when the last of them ends', () => {
    const { backend, sampler } = tail();
    const upstream = SpanHandle.of(LOW, '00f067aa0ba902b7')!;
    // The upstream tail sampler's threshold, which this trace's randomness does not meet: still deciding.
    const traceState = 'ot=th:fd70a';
    const a = sampler.startSpan({ name: 'GET /a', parent: upstream, traceState });
    const b = sampler.startSpan({ name: 'GET /b', parent: upstream, traceState });
    sampler.endSpan(b);
    const db = sampler.startSpan({ name: 'db', parent: a });
    expect(db).not.toBe(SpanHandle.INVALID);
    sampler.setStatus(db, ERROR);
    sampler.endSpan(db);
    sampler.endSpan(a);
    expect(backend.drain().map((span) => [span.name, span.attributes['sampling.rule']])).toEqual([
      ['GET /b', 'errors'],
      ['db', undefined],
      ['GET /a', 'errors'],
    ]);
  });

  it('a request arriving after its trace was sampled out gets its own chance', () => {
    const { backend, sampler } = tail();
    const upstream = SpanHandle.of(LOW, '00f067aa0ba902b7')!;
    const traceState = 'ot=th:fd70a';
    const first = sampler.startSpan({ name: 'first', parent: upstream, traceState });
    const lingering = sampler.startSpan({ name: 'lingering', parent: first });
    sampler.endSpan(first);
    expect(sampler.stats().sampling.tracesSampledOut).toBe(1);
    const second = sampler.startSpan({ name: 'second', parent: upstream, traceState });
    sampler.setStatus(second, ERROR);
    sampler.endSpan(lingering);
    sampler.endSpan(second);
    expect(backend.drain().map((span) => span.name)).toEqual(['lingering', 'second']);
    expect(ledgerProblem(sampler.stats())).toBeUndefined();
  });
});

describe('bounds, found in review', () => {
  it('maxPendingSpans holds while many requests are in flight: the trace that brings it over is decided', () => {
    const { sampler } = tail(createMemoryTracer(), { maxPendingSpans: 100 });
    for (let i = 0; i < 3000; i++) sampler.startSpan({ name: 'in flight' });
    for (let t = 0; t < 30; t++) {
      const root = sampler.startSpan({ name: 'busy' });
      for (let i = 0; i < 100; i++) sampler.endSpan(sampler.startSpan({ name: 'child', parent: root }));
      expect(sampler.stats().sampling.pendingSpans).toBeLessThanOrEqual(100);
    }
    expect(sampler.stats().sampling.decidedEarly.max_pending_spans).toBeGreaterThan(0);
    expect(ledgerProblem(sampler.stats())).toBeUndefined();
  });

  it('decisionWait counts from when the trace arrived, not from a start time the caller gave', async () => {
    // Rate 0: no trace is kept by the ratio at its start, so every one waits.
    const { sampler } = tail(createMemoryTracer(), { decisionWait: 20, sampleRate: 0 });
    sampler.startSpan({ name: 'from the future', startTimeUnixNanos: BigInt(Date.now() + 3_600_000) * 1_000_000n });
    for (let i = 0; i < 10; i++) sampler.startSpan({ name: 'never ends' });
    for (let waited = 0; waited < 3000 && sampler.stats().sampling.pendingTraces > 0; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sampler.stats().sampling).toMatchObject({ pendingTraces: 0, decidedEarly: { decision_wait: 11 } });
    await sampler.shutdown();
  });

  it('the attribute count limit holds for sampling.rule too: a full root counts it as dropped', () => {
    const backend = createMemoryTracer({ spanLimits: { attributeCountLimit: 2 } });
    const sampler = createSamplingTracer(backend, { sampleRate: 0, alwaysSample: ['errors'] });
    const root = sampler.startSpan({ name: 'root', attributes: { a: 1, b: 2 } });
    sampler.setStatus(root, ERROR);
    sampler.endSpan(root);
    const [span] = backend.drain();
    expect(span!.attributes).toEqual({ a: 1, b: 2 });
    expect(span!.droppedAttributesCount).toBe(1);
  });

  it('spans of a forgotten trace are decided one by one, and not counted as traces', () => {
    const { backend, sampler } = tail(createMemoryTracer(), { sampleRate: 0, maxDecidedTraces: 1 });
    const roots = [0, 1, 2].map(() => sampler.startSpan({ name: 'root' }));
    const children = roots.map((root) => sampler.startSpan({ name: 'late', parent: root }));
    for (const root of roots) {
      sampler.setStatus(root, ERROR);
      sampler.endSpan(root);
    }
    sampler.setStatus(children[0]!, ERROR);
    for (const child of children) sampler.endSpan(child);
    // The first two traces were forgotten (maxDecidedTraces 1): their late children decide alone.
    expect(backend.drain().map((span) => span.name)).toEqual(['root', 'root', 'root', 'late', 'late']);
    expect(sampler.stats().sampling.tracesKept.errors).toBe(3);
  });
});

describe('a child that breaks the contract', () => {
  const explode = () => {
    throw new Error('child exploded');
  };
  const methods = ['startSpan', 'setAttribute', 'setStatus', 'addEvent', 'endSpan', 'updateName', 'traceState', 'flush', 'shutdown', 'stats'];
  const throwing = { name: 'throwing', ...Object.fromEntries(methods.map((method) => [method, explode])) } as unknown as TracerPlugin;
  const handle = SpanHandle.of(LOW, '00f067aa0ba902b7')!;

  it.each([
    ['head', { sampleRate: 1 }],
    ['tail', { sampleRate: 0.999999, alwaysSample: ['errors'] as const }],
  ])('cannot make the %s sampler throw, and a failed shutdown is still shut down once', async (mode, options) => {
    const sampler = createSamplingTracer(throwing, options);
    const root = sampler.startSpan({ name: 'root' });
    // The head sampler asks the child at once; the tail sampler records, and the child refuses the span at its end.
    expect(root === SpanHandle.INVALID).toBe(mode === 'head');
    sampler.endSpan(root);
    if (mode === 'tail') expect(sampler.stats().spansDropped['child-refused']).toBe(1);
    expect(() => {
      sampler.setAttribute(handle, 'a', 1);
      sampler.setStatus(handle, ERROR);
      sampler.addEvent(handle, { name: 'e' });
      sampler.updateName(handle, 'n');
      sampler.endSpan(handle);
      sampler.traceState(handle);
      sampler.stats();
    }).not.toThrow();
    await expect(sampler.flush()).rejects.toThrow(/child threw/);
    const first = sampler.shutdown();
    expect(sampler.shutdown()).toBe(first);
    await expect(first).rejects.toThrow(/child threw/);
  });
});

describe('lifetime', () => {
  it('a tail sampler dropped without shutdown() is collected (its timer holds it weakly)', async () => {
    const { setFlagsFromString } = await import('node:v8');
    const { runInNewContext } = await import('node:vm');
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const collected: string[] = [];
    const registry = new FinalizationRegistry<string>((name) => collected.push(name));
    (() => {
      for (let i = 0; i < 5; i++) {
        const sampler = createSamplingTracer(createMemoryTracer(), { sampleRate: 0, alwaysSample: ['errors'], name: `s${i}` });
        sampler.startSpan({ name: 'pending' });
        registry.register(sampler, `s${i}`);
      }
    })();
    // Finalizers run in a later task, after a collection that found the objects dead: give them time.
    for (let i = 0; i < 200 && collected.length < 5; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(collected.sort()).toEqual(['s0', 's1', 's2', 's3', 's4']);
  });
});
