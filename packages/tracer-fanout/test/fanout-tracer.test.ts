import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  SpanHandle,
  createBufferedTracer,
  ledgerProblem,
  type BufferedTracer,
  type SpanStart,
  type TracerPlugin,
} from '@x/tracer-core';
import { createFanoutTracer, FanoutError, type FanoutTracer } from '@x/tracer-fanout';
import { createMemoryTracer, type MemoryTracer } from '@x/tracer-memory';
import { createStdoutTracer } from '@x/tracer-stdout';
import { wrapPlugin } from '@x/tracer-testkit';
import { describeConformance } from '@x/tracer-testkit/vitest';

/** A buffered tracer whose exporter keeps what it delivered, so a test sees real delivery. */
function delivering(name: string): { tracer: BufferedTracer; delivered: string[] } {
  const delivered: string[] = [];
  const tracer = createBufferedTracer(
    name,
    { export: async (batch) => (delivered.push(...batch.map((s) => s.name)), { status: 'success' }) },
    { hookProcessShutdown: false },
  );
  return { tracer, delivered };
}

/** A plugin like `inner` (but not built on the core: the fan-out forwards calls) with some methods replaced. */
const variant = (inner: TracerPlugin, name: string, change: Partial<TracerPlugin>): TracerPlugin =>
  wrapPlugin(inner, () => ({ name, ...change }));

const shape = (tracer: MemoryTracer) =>
  tracer
    .drain()
    .map((s) => `${s.traceId}/${s.spanId}<-${s.parentSpanId ?? 'root'} ${s.name}`)
    .sort();

function nestedTrace(tracer: TracerPlugin): SpanHandle {
  const root = tracer.startSpan({ name: 'root' });
  const child = tracer.startSpan({ name: 'child', parent: root });
  const grandchild = tracer.startSpan({ name: 'grandchild', parent: child });
  tracer.setAttribute(grandchild, 'k', 'v');
  tracer.endSpan(grandchild);
  tracer.endSpan(child);
  tracer.endSpan(root);
  return root;
}

describe('createFanoutTracer', () => {
  it('records a nested trace under identical ids in every child, nested fan-outs included', () => {
    const [a, b, c, d] = [createMemoryTracer({ name: 'a' }), createMemoryTracer({ name: 'b' }), createMemoryTracer({ name: 'c' }), createMemoryTracer({ name: 'd' })];
    const fanout = createFanoutTracer([a, b, createFanoutTracer([c, d], { name: 'inner' })]);
    const root = nestedTrace(fanout);
    const expected = shape(a);
    expect(expected).toHaveLength(3);
    expect(expected.every((line) => line.startsWith(root.traceId))).toBe(true);
    expect(expected.some((line) => line.includes(`/${root.spanId}<-root root`))).toBe(true);
    for (const other of [b, c, d]) expect(shape(other)).toEqual(expected);
  });

  it('samples per child: a child that drops a root drops its whole trace; the others record it', () => {
    const keepAll = createMemoryTracer({ name: 'all' });
    const picky = createMemoryTracer({ name: 'picky' });
    const pickyChild = variant(picky, 'picky', {
      startSpan: (s: SpanStart) => (s.parent === undefined && s.name.startsWith('noisy') ? SpanHandle.INVALID : picky.startSpan(s)),
    });
    const fanout = createFanoutTracer([keepAll, pickyChild]);
    const root = fanout.startSpan({ name: 'noisy root' });
    expect(SpanHandle.isValid(root)).toBe(true);
    fanout.endSpan(fanout.startSpan({ name: 'child', parent: root }));
    fanout.endSpan(root);
    nestedTrace(fanout);
    expect(keepAll.drain().map((s) => s.name)).toEqual(['child', 'noisy root', 'grandchild', 'child', 'root']);
    expect(picky.drain().map((s) => s.name)).toEqual(['grandchild', 'child', 'root']);
  });

  it('returns INVALID only when every child does, or when there are no children', () => {
    const never = variant(createMemoryTracer(), 'never', { startSpan: () => SpanHandle.INVALID });
    expect(createFanoutTracer([never, never]).startSpan({ name: 'x' })).toBe(SpanHandle.INVALID);
    expect(createFanoutTracer([]).startSpan({ name: 'x' })).toBe(SpanHandle.INVALID);
    expect(createFanoutTracer([createMemoryTracer()]).startSpan({ name: 'x', parent: SpanHandle.INVALID })).toBe(SpanHandle.INVALID);
  });

  it('joins a remote parent in every child', () => {
    const [a, b] = [createMemoryTracer(), createMemoryTracer()];
    const remote = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
    const fanout = createFanoutTracer([a, b]);
    fanout.endSpan(fanout.startSpan({ name: 'server', parent: remote }));
    for (const child of [a, b]) expect(child.drain()[0]).toMatchObject({ traceId: remote.traceId, parentSpanId: remote.spanId, parentIsRemote: true });
  });

  it('isolates a child that throws or returns garbage: the others record everything, the fault is counted', () => {
    const healthy = createMemoryTracer({ name: 'healthy' });
    const thrower = variant(createMemoryTracer(), 'thrower', {
      setAttribute: () => {
        throw new Error('setAttribute exploded');
      },
      endSpan: () => {
        throw new Error('endSpan exploded');
      },
    });
    const garbage = variant(createMemoryTracer(), 'garbage', { startSpan: () => 42 as never });
    const fanout = createFanoutTracer([thrower, healthy, garbage]);
    expect(() => nestedTrace(fanout)).not.toThrow();
    expect(healthy.drain().map((s) => s.name)).toEqual(['grandchild', 'child', 'root']);
    const stats = fanout.stats();
    // thrower: one setAttribute and three endSpans. garbage: its answer for the root put it out of
    // that trace, so it was not asked again for the children.
    expect(stats.childFaults).toEqual({ thrower: 4, healthy: 0, garbage: 1 });
    expect(stats.lastError?.message).toMatch(/child "(thrower|garbage)" broke the contract/);
    expect(stats).toMatchObject({ spansStarted: 3, spansEnded: 3, spansExported: 3 });
    expect(ledgerProblem(stats)).toBeUndefined();
  });

  it('a hanging flush fails by the deadline, names the child, and the healthy child still delivers', async () => {
    const { tracer: healthy, delivered } = delivering('healthy');
    const hanging = variant(createMemoryTracer(), 'hanging', { flush: () => new Promise<void>(() => {}) });
    const fanout = createFanoutTracer([hanging, healthy], { flushTimeoutMillis: 100 });
    nestedTrace(fanout);
    const error = await fanout.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FanoutError);
    expect((error as FanoutError).failures.map((f) => f.child)).toEqual(['hanging']);
    expect((error as FanoutError).message).toMatch(/flush failed for 1 of 2 children: "hanging" \(did not settle within 100 ms\)/);
    expect(delivered).toEqual(['grandchild', 'child', 'root']);
    const stats = fanout.stats();
    expect(ledgerProblem(stats)).toBeUndefined();
    expect(ledgerProblem(stats.children.healthy!)).toBeUndefined();
    expect(stats.children.healthy).toMatchObject({ spansExported: 3, spansBuffered: 0 });
    await healthy.shutdown();
  });

  it('a rejecting flush is reported with its cause, a sync throw too, and healthy data is delivered', async () => {
    const { tracer: healthy, delivered } = delivering('healthy');
    const cause = new Error('collector said 503');
    const rejecting = variant(createMemoryTracer(), 'rejecting', { flush: () => Promise.reject(cause) });
    const throwing = variant(createMemoryTracer(), 'throwing', {
      flush: () => {
        throw new Error('flush threw synchronously');
      },
    });
    const fanout = createFanoutTracer([rejecting, healthy, throwing]);
    nestedTrace(fanout);
    const error = (await fanout.flush().catch((e: unknown) => e)) as FanoutError;
    expect(error.code).toBe('ERR_TRACER_EXPORT_FAILED');
    expect(error.failures).toEqual([
      { child: 'rejecting', error: cause },
      { child: 'throwing', error: expect.objectContaining({ message: 'flush threw synchronously' }) },
    ]);
    expect((error.cause as AggregateError).errors).toContain(cause);
    expect(delivered).toEqual(['grandchild', 'child', 'root']);
    expect(fanout.stats().lastError?.message).toMatch(/collector said 503/);
    await healthy.shutdown();
  });

  it('shutdown reaches every child (flush for those without shutdown), once, and stops recording', async () => {
    const { tracer: buffered, delivered } = delivering('buffered');
    const memory = createMemoryTracer();
    let flushes = 0;
    const noShutdown = variant(createMemoryTracer(), 'plain', { flush: async () => void flushes++, shutdown: undefined });
    const fanout = createFanoutTracer([buffered, memory, noShutdown]);
    nestedTrace(fanout);
    const first = fanout.shutdown();
    expect(fanout.shutdown()).toBe(first);
    await first;
    expect(delivered).toHaveLength(3);
    expect(flushes).toBe(1);
    expect(memory.startSpan({ name: 'late' })).toBe(SpanHandle.INVALID);
    expect(fanout.startSpan({ name: 'late' })).toBe(SpanHandle.INVALID);
    expect(fanout.stats().ignoredAfterShutdown).toBe(1);
  });

  it("stats carry each child's stats under its name, duplicates made unique", () => {
    const fanout = createFanoutTracer([createMemoryTracer(), createMemoryTracer(), createMemoryTracer({ name: 'other' })]);
    nestedTrace(fanout);
    const stats = fanout.stats();
    expect(Object.keys(stats.children)).toEqual(['memory', 'memory#2', 'other']);
    for (const child of Object.values(stats.children)) expect(child.spansEnded).toBe(3);
  });

  it('works with a real stdout child next to memory: the same ids on the JSON line', async () => {
    const stream = new PassThrough();
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (text += chunk));
    const memory = createMemoryTracer();
    const fanout = createFanoutTracer([createStdoutTracer({ stream, format: 'json', hookProcessShutdown: false }), memory]);
    const root = nestedTrace(fanout);
    await fanout.shutdown();
    const lines = text.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => `${l.traceId}/${l.spanId}`)).toEqual(memory.drain().map((s) => `${s.traceId}/${s.spanId}`));
    expect(lines.at(-1)).toMatchObject({ traceId: root.traceId, spanId: root.spanId });
  });

  it('records once for children built on the core: each gets the span, under the strictest limits', () => {
    const roomy = createMemoryTracer({ name: 'roomy' });
    const strict = createMemoryTracer({ name: 'strict', spanLimits: { attributeCountLimit: 1 } });
    const fanout = createFanoutTracer([roomy, strict]);
    const span = fanout.startSpan({ name: 'x', attributes: { a: 1, b: 2 } });
    fanout.endSpan(span);
    const [fromRoomy] = roomy.drain();
    const [fromStrict] = strict.drain();
    expect(fromRoomy).toEqual(fromStrict);
    expect({ ...fromStrict!.attributes }).toEqual({ a: 1 });
    expect(fromStrict!.droppedAttributesCount).toBe(1);
    expect(fanout.stats().attributesDropped).toBe(1);
    for (const child of [roomy, strict]) expect(ledgerProblem(child.stats())).toBeUndefined();
  });

  it('mixes sinks and other plugins: the same ids in both, the sink shut down alone stops receiving', async () => {
    const sink = createMemoryTracer({ name: 'sink' });
    const other = createMemoryTracer({ name: 'other' });
    const wrapped = variant(other, 'wrapped', {});
    const fanout = createFanoutTracer([sink, wrapped]);
    const root = nestedTrace(fanout);
    expect(shape(sink)).toEqual(shape(other));
    await sink.shutdown();
    fanout.endSpan(fanout.startSpan({ name: 'after', parent: root }));
    expect(sink.drain()).toEqual([]);
    expect(sink.stats().ignoredAfterShutdown).toBe(1);
    expect(other.drain().map((s) => s.name)).toEqual(['after']);
  });

  it('the scope reaches every child: sinks, forwarded plugins and nested fan-outs; a malformed one reaches none', () => {
    const sink = createMemoryTracer({ name: 'sink' });
    const forwardedTo = createMemoryTracer({ name: 'forwarded' });
    const nested = createMemoryTracer({ name: 'nested' });
    const received: unknown[] = [];
    const spy = variant(forwardedTo, 'spy', {
      startSpan: (s: SpanStart) => (received.push(s.scope), forwardedTo.startSpan(s)),
    });
    const fanout = createFanoutTracer([sink, spy, createFanoutTracer([nested], { name: 'inner' })]);
    const scope = { name: '@x/http', version: '2.1.0' };
    const root = fanout.startSpan({ name: 'root', scope });
    fanout.endSpan(fanout.startSpan({ name: 'child', parent: root, scope: { name: 42 } as never }));
    fanout.endSpan(root);
    // A forwarded child gets the caller's object as it was given: it is the child's to validate.
    expect(received).toEqual([scope, { name: 42 }]);
    expect(received[0]).toBe(scope);
    for (const child of [sink, forwardedTo, nested]) {
      expect(child.drain().map((s) => [s.name, s.scope])).toEqual([
        ['child', undefined],
        ['root', { name: '@x/http', version: '2.1.0' }],
      ]);
    }
  });

  it('evicting a live span through the fan-out frees it in the shared recorder too', () => {
    const memory = createMemoryTracer();
    const fanout = createFanoutTracer([memory], { maxLiveSpans: 1 });
    const first = fanout.startSpan({ name: 'leaked' });
    fanout.endSpan(fanout.startSpan({ name: 'second' }));
    fanout.endSpan(first);
    expect(memory.drain().map((s) => s.name)).toEqual(['second']);
    expect(fanout.stats().spansDropped).toEqual({ 'live-evicted': 1 });
    expect(ledgerProblem(fanout.stats())).toBeUndefined();
  });

  it.each(['flushTimeoutMillis', 'shutdownTimeoutMillis'] as const)(
    '%s: 2^31-1 ms is taken, one more is refused naming the limit (Node would make it 1 ms)',
    (option) => {
      expect(() => createFanoutTracer([], { [option]: 2 ** 31 - 1 })).not.toThrow();
      expect(() => createFanoutTracer([], { [option]: 2 ** 31 })).toThrow(
        new RegExp(`${option} must be a non-negative number of milliseconds, at most 2147483647`),
      );
    },
  );

  it('shutdown with a deadline past the timer limit waits for a slow child instead of failing it', async () => {
    const memory = createMemoryTracer();
    const slow = variant(memory, 'slow', {
      shutdown: () => new Promise<void>((resolve) => setTimeout(resolve, 50)),
    });
    const fanout = createFanoutTracer([slow, createMemoryTracer()]);
    await expect(fanout.shutdown({ timeoutMillis: 1e10 })).resolves.toBeUndefined();
  });

  it('rejects what is not a list of plugins', () => {
    expect(() => createFanoutTracer('x' as never)).toThrow(/children must be an array/);
    expect(() => createFanoutTracer([{ name: 'half' } as never])).toThrow(/children\[0\] is not a TracerPlugin: startSpan is not a function/);
    expect(() => createFanoutTracer(Array.from({ length: 32 }, () => createMemoryTracer()))).toThrow(/at most 31 children, got 32/);
  });
});

describe('createFanoutTracer: updateName', () => {
  /** A forwarded child (not built on the core) that has `updateName`, passed through to `inner`. */
  const renaming = (inner: MemoryTracer, name: string) => variant(inner, name, { updateName: (h, n) => inner.updateName(h, n) });
  /** A forwarded child written before `updateName`: it has every other member. */
  const older = (inner: MemoryTracer, name: string) => variant(inner, name, { updateName: undefined });
  const names = (tracer: MemoryTracer) => tracer.drain().map((s) => s.name);

  function serverSpan(tracer: TracerPlugin & { updateName(span: SpanHandle, name: string): void }): void {
    const server = tracer.startSpan({ name: 'GET' });
    tracer.endSpan(tracer.startSpan({ name: 'db', parent: server }));
    tracer.updateName(server, 'GET /users/:id');
    tracer.endSpan(server);
  }

  it('recorded once: every child built on the core gets the new name', () => {
    const [a, b] = [createMemoryTracer({ name: 'a' }), createMemoryTracer({ name: 'b', packFinishedSpans: true })];
    const fanout = createFanoutTracer([a, b]);
    serverSpan(fanout);
    expect(names(a)).toEqual(['db', 'GET /users/:id']);
    expect(names(b)).toEqual(['db', 'GET /users/:id']);
  });

  it('forwarded: sinks, plugins that have it and nested fan-outs get it; a child without it keeps the start name, no fault', () => {
    const [sink, forwardedTo, oldTo, nested] = ['sink', 'forwarded', 'old', 'nested'].map((name) => createMemoryTracer({ name }));
    const fanout = createFanoutTracer([sink!, renaming(forwardedTo!, 'renaming'), older(oldTo!, 'older'), createFanoutTracer([nested!], { name: 'inner' })]);
    serverSpan(fanout);
    for (const child of [sink!, forwardedTo!, nested!]) expect(names(child)).toEqual(['db', 'GET /users/:id']);
    expect(names(oldTo!)).toEqual(['db', 'GET']);
    const stats = fanout.stats();
    expect(stats.childFaults).toEqual({ sink: 0, renaming: 0, older: 0, inner: 0 });
    expect(stats.lastError).toBeUndefined();
    expect(ledgerProblem(stats)).toBeUndefined();
  });

  it('a fan-out whose only children lack it still records the span under its start name', () => {
    const oldTo = createMemoryTracer();
    const fanout = createFanoutTracer([older(oldTo, 'older')]);
    serverSpan(fanout);
    expect(names(oldTo)).toEqual(['db', 'GET']);
    expect(fanout.stats().childFaults).toEqual({ older: 0 });
  });

  it('a child whose updateName throws is isolated and counted as for setStatus; the others are renamed', () => {
    const healthy = createMemoryTracer({ name: 'healthy' });
    const forwardedTo = createMemoryTracer({ name: 'forwarded' });
    const thrower = variant(createMemoryTracer(), 'thrower', {
      setStatus: () => {
        throw new Error('setStatus exploded');
      },
      updateName: () => {
        throw new Error('updateName exploded');
      },
    });
    // Something that is not a function where updateName should be: the child broke the contract.
    const broken = variant(createMemoryTracer(), 'broken', { updateName: 'GET /users/:id' as never });
    const fanout = createFanoutTracer([thrower, healthy, renaming(forwardedTo, 'renaming'), broken]);
    const span = fanout.startSpan({ name: 'GET' });
    fanout.setStatus(span, { code: 1 });
    expect(fanout.stats().childFaults).toEqual({ thrower: 1, healthy: 0, renaming: 0, broken: 0 });
    expect(() => fanout.updateName(span, 'GET /users/:id')).not.toThrow();
    expect(fanout.stats().lastError?.message).toMatch(/child "broken" broke the contract in updateName/);
    fanout.endSpan(span);
    const stats = fanout.stats();
    expect(stats.childFaults).toEqual({ thrower: 2, healthy: 0, renaming: 0, broken: 1 });
    expect(names(healthy)).toEqual(['GET /users/:id']);
    expect(names(forwardedTo)).toEqual(['GET /users/:id']);
    expect(ledgerProblem(stats)).toBeUndefined();
  });

  it.each([
    // [how, fan-out's own invalidCalls, the forwarded child's]: each ledger that checked the name counts it.
    ['recorded once', 2, undefined, (memory: MemoryTracer) => createFanoutTracer([memory])],
    ['forwarded', 0, 2, (memory: MemoryTracer) => createFanoutTracer([renaming(memory, 'renaming')])],
    ['forwarded beside a sink', 2, 2, (memory: MemoryTracer) => createFanoutTracer([createMemoryTracer(), renaming(memory, 'renaming')])],
  ] as const)('%s: a name that is not a string is ignored and counted as a bad status is; after end it is a no-op', (_how, own, child, make) => {
    const memory = createMemoryTracer();
    const fanout = make(memory);
    const span = fanout.startSpan({ name: 'GET' });
    fanout.updateName(span, 42 as never);
    fanout.updateName(span, undefined as never);
    const invalid = (stats = fanout.stats()) => [stats.invalidCalls, stats.children.renaming?.invalidCalls];
    expect(invalid()).toEqual([own, child]);
    // The same counts as for a status that is not one, in a fan-out made the same way.
    const statusFanout = make(createMemoryTracer());
    const statusHandle = statusFanout.startSpan({ name: 'status' });
    statusFanout.setStatus(statusHandle, 42 as never);
    statusFanout.setStatus(statusHandle, undefined as never);
    expect(invalid(statusFanout.stats())).toEqual([own, child]);
    fanout.endSpan(span);
    fanout.updateName(span, 'too late');
    for (const foreign of [SpanHandle.INVALID, { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8) }, null]) {
      fanout.updateName(foreign as SpanHandle, 'nobody');
    }
    expect(names(memory)).toEqual(['GET']);
    expect(invalid()).toEqual([own, child]);
    expect(Object.values(fanout.stats().childFaults).every((faults) => faults === 0)).toBe(true);
  });

  it.each([
    ['no children', () => createFanoutTracer([])],
    ['recorded once', () => createFanoutTracer([createMemoryTracer()])],
    ['forwarded', () => createFanoutTracer([renaming(createMemoryTracer(), 'renaming')])],
  ])('%s: after shutdown it is counted as ignored', async (_how, make) => {
    const fanout = make();
    const span = fanout.startSpan({ name: 'GET' });
    await fanout.shutdown();
    fanout.updateName(span, 'GET /users/:id');
    expect(fanout.stats().ignoredAfterShutdown).toBe(1);
  });
});

describe('createFanoutTracer: traceState', () => {
  const REMOTE = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
  /** A forwarded child that records its own tracestate, as a sampler writing its threshold does. */
  const sampler = (inner: MemoryTracer, name: string, threshold: string) =>
    variant(inner, name, {
      traceState: (h) => {
        const started = inner.traceState!(h);
        return started === undefined ? undefined : `ot=th:${threshold};${started}`;
      },
    });
  /** A forwarded child written before `traceState`: it has every other member. */
  const older = (inner: MemoryTracer, name: string) => variant(inner, name, { traceState: undefined });
  /** A forwarded child that does not sample what it is given to start. */
  const unsampling = (name: string) => variant(createMemoryTracer(), name, { startSpan: () => SpanHandle.INVALID });

  it.each([
    ['no children', undefined, () => createFanoutTracer([])],
    ['recorded once', 'a=1,b=2', () => createFanoutTracer([createMemoryTracer(), createMemoryTracer({ packFinishedSpans: true })])],
    ['forwarded', 'a=1,b=2', () => createFanoutTracer([wrapPlugin(createMemoryTracer())])],
    ['forwarded beside a sink', 'a=1,b=2', () => createFanoutTracer([createMemoryTracer(), older(createMemoryTracer(), 'older')])],
  ] as const)("%s: a live span's; undefined once ended, for foreign handles and after shutdown, which counts it", async (_how, expected, make) => {
    const fanout = make();
    const server = fanout.startSpan({ name: 'server', parent: REMOTE, traceState: 'a=1,b=2' });
    const plain = fanout.startSpan({ name: 'plain' });
    const ended = fanout.startSpan({ name: 'ended', traceState: 'a=1' });
    fanout.endSpan(ended);
    expect(fanout.traceState(server)).toBe(expected);
    expect(fanout.traceState(plain)).toBe(expected === undefined ? undefined : '');
    expect(fanout.traceState(ended)).toBeUndefined();
    for (const foreign of [SpanHandle.INVALID, REMOTE, { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8) }, null, 42]) {
      expect(fanout.traceState(foreign as SpanHandle)).toBeUndefined();
    }
    await fanout.shutdown();
    expect(fanout.traceState(server)).toBeUndefined();
    const stats = fanout.stats();
    expect(stats).toMatchObject({ ignoredAfterShutdown: 1, invalidCalls: 0 });
    expect(Object.values(stats.childFaults).every((faults) => faults === 0)).toBe(true);
  });

  it.each([
    // [children, whose answer]: the first in child order that recorded the span and answers a string.
    ['a sink before a forwarded child: the shared recorder answers for the sinks', ['sink', 'th:8'], 'a=1,b=2'],
    ['a forwarded child before the sinks', ['th:8', 'sink', 'th:4', 'sink'], 'ot=th:8;a=1,b=2'],
    ['children without traceState are skipped', ['older', 'older', 'th:4', 'sink'], 'ot=th:4;a=1,b=2'],
    ['a child that did not sample the span is skipped', ['unsampling', 'th:4', 'th:8'], 'ot=th:4;a=1,b=2'],
    ['a nested fan-out that cannot answer is skipped, not a fault', ['nested older', 'th:8'], 'ot=th:8;a=1,b=2'],
    ['a nested fan-out answers as its children do', ['nested th:4', 'th:8'], 'ot=th:4;a=1,b=2'],
    ['no child can answer', ['older', 'nested older'], undefined],
  ])('forwarded, %s', (_how, kinds, expected) => {
    const children = kinds.map((kind, i) => {
      const name = `${kind}#${i}`;
      if (kind === 'sink') return createMemoryTracer({ name });
      if (kind === 'older') return older(createMemoryTracer(), name);
      if (kind === 'unsampling') return unsampling(name);
      if (kind === 'nested older') return createFanoutTracer([older(createMemoryTracer(), 'older')], { name });
      if (kind === 'nested th:4') return createFanoutTracer([sampler(createMemoryTracer(), 'sampler', '4')], { name });
      return sampler(createMemoryTracer(), name, kind.slice('th:'.length));
    });
    const fanout = createFanoutTracer(children);
    const span = fanout.startSpan({ name: 'server', parent: REMOTE, traceState: 'a=1,b=2' });
    expect(fanout.traceState(span)).toBe(expected);
    expect(Object.values(fanout.stats().childFaults).every((faults) => faults === 0)).toBe(true);
  });

  it('a child that throws, answers something else or has no function there is skipped and counted, as for updateName', () => {
    let asked = 0;
    const thrower = variant(createMemoryTracer(), 'thrower', {
      traceState: () => {
        asked++;
        throw new Error('traceState exploded');
      },
    });
    const numbered = variant(createMemoryTracer(), 'numbered', { traceState: () => 42 as never });
    const broken = variant(createMemoryTracer(), 'broken', { traceState: 'a=1' as never });
    const answering = createMemoryTracer();
    const fanout = createFanoutTracer([thrower, numbered, broken, sampler(answering, 'sampler', '8')]);
    const span = fanout.startSpan({ name: 'server', traceState: 'a=1,b=2' });
    expect(() => fanout.traceState(span)).not.toThrow();
    expect(fanout.traceState(span)).toBe('ot=th:8;a=1,b=2');
    const stats = fanout.stats();
    expect(stats.childFaults).toEqual({ thrower: 2, numbered: 2, broken: 2, sampler: 0 });
    expect(stats.lastError?.message).toMatch(/^child "broken" broke the contract in traceState: /);
    fanout.traceState(fanout.startSpan({ name: 'numbered last', traceState: 'a=1' }));
    expect(fanout.stats().childFaults.numbered).toBe(3);
    // Once the span ended, no child is asked.
    fanout.endSpan(span);
    asked = 0;
    expect(fanout.traceState(span)).toBeUndefined();
    expect(asked).toBe(0);
    expect(ledgerProblem(fanout.stats())).toBeUndefined();
    expect(answering.drain().map((s) => [s.name, s.traceState])).toEqual([['server', 'a=1,b=2']]);
  });

  it('a thrower alone: the fault is counted, the answer is undefined', () => {
    const thrower = variant(createMemoryTracer(), 'thrower', {
      traceState: () => {
        throw new Error('traceState exploded');
      },
    });
    const fanout = createFanoutTracer([thrower]);
    const span = fanout.startSpan({ name: 'server', traceState: 'a=1' });
    expect(fanout.traceState(span)).toBeUndefined();
    expect(fanout.stats().childFaults).toEqual({ thrower: 1 });
    expect(fanout.stats().lastError?.message).toBe('child "thrower" broke the contract in traceState: traceState exploded');
  });
});

describeConformance('fan-out with 0 children', () => createFanoutTracer([]));

/** The memory tracer each conformance fan-out delivers to, so the checks read what the fan-out exported. */
const readFrom = new WeakMap<FanoutTracer, MemoryTracer>();
function reading(make: (memory: MemoryTracer) => FanoutTracer): () => FanoutTracer {
  return () => {
    const memory = createMemoryTracer();
    const fanout = make(memory);
    readFrom.set(fanout, memory);
    return fanout;
  };
}
const exported = { exported: (fanout: FanoutTracer) => readFrom.get(fanout)!.drain() };
describeConformance('fan-out with 1 child', reading((memory) => createFanoutTracer([memory])), exported);
describeConformance('fan-out with a forwarded child', reading((memory) => createFanoutTracer([wrapPlugin(memory)])), exported);
describeConformance(
  'fan-out with 3 children',
  reading((memory) =>
    createFanoutTracer([
      createMemoryTracer(),
      createStdoutTracer({ stream: new PassThrough().resume(), format: 'json' }),
      createFanoutTracer([memory], { name: 'nested' }),
    ]),
  ),
  exported,
);
