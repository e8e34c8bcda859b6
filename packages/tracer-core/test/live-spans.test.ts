import { describe, expect, it } from 'vitest';
import { SpanHandle, type IdGenerator, type SpanStart } from '@x/tracer-core';
import { EVICTED, LIVE, LiveSpans, SpanIdentity, TracerCounters, spanIdHex, traceIdHex, type LiveSpan, type Placement } from '@x/tracer-core/internal';

/** Ids 1, 2, 3... in hex: predictable, valid, never zero. */
function countingIds(): IdGenerator {
  let next = 0;
  return {
    traceId: () => (++next).toString(16).padStart(32, '0'),
    spanId: () => (++next).toString(16).padStart(16, '0'),
  };
}

class TestSpan extends SpanIdentity implements LiveSpan {
  endTime = LIVE;
  liveSlot = -1;
}

/** A placement's ids as the hex of the contract. */
function ids(at: Placement | undefined) {
  if (at === undefined) return undefined;
  return {
    traceId: traceIdHex(at.t0, at.t1, at.t2, at.t3),
    spanId: spanIdHex(at.s0, at.s1),
    parentSpanId: (at.p0 | at.p1) === 0 ? '' : spanIdHex(at.p0, at.p1),
    parentIsRemote: at.parentIsRemote,
    localParent: at.localParent,
  };
}

function setup(maxSpans = 100) {
  const counters = new TracerCounters();
  const evicted: TestSpan[] = [];
  const live = new LiveSpans<TestSpan>({ maxSpans, ids: countingIds(), counters, onEvict: (span) => evicted.push(span) });
  /** Places and issues a span, as a recorder does. */
  const start = (options: Partial<SpanStart> = {}) => {
    const placement = live.place({ name: 'span', ...options });
    if (placement === undefined) return { handle: SpanHandle.INVALID, span: undefined };
    const span = new TestSpan(placement);
    return { handle: live.issue(span), span };
  };
  return { counters, evicted, live, start };
}

const REMOTE = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };

describe('LiveSpans.place: the parent rules', () => {
  it('no parent: a root with a fresh trace id, or the caller\'s when valid', () => {
    const { live } = setup();
    expect(ids(live.place({ name: 'a' }))).toMatchObject({ traceId: '1'.padStart(32, '0'), parentSpanId: '', parentIsRemote: false });
    expect(ids(live.place({ name: 'b', parent: null, traceId: REMOTE.traceId }))!.traceId).toBe(REMOTE.traceId);
    expect(ids(live.place({ name: 'c', traceId: 'not-hex' }))!.traceId).toBe('4'.padStart(32, '0'));
  });

  it.each([
    ['INVALID itself', SpanHandle.INVALID],
    ['any handle with an all-zero span id', { traceId: REMOTE.traceId, spanId: '0000000000000000' }],
  ])('%s as parent: undefined (the trace is not sampled)', (_name, parent) => {
    const { live, counters } = setup();
    expect(live.place({ name: 'child', parent })).toBeUndefined();
    expect(counters.invalidCalls).toBe(0);
  });

  it('the handle it issued: a local child in the parent\'s trace', () => {
    const { live, start } = setup();
    const parent = start();
    const placement = ids(live.place({ name: 'child', parent: parent.handle }))!;
    expect(placement).toMatchObject({ traceId: parent.span!.traceId, parentSpanId: parent.span!.spanId, parentIsRemote: false });
    expect(placement.localParent).toBe(parent.span);
  });

  it('a valid handle it never issued: joins that trace as a remote parent', () => {
    const { live } = setup();
    expect(ids(live.place({ name: 'server', parent: REMOTE }))).toMatchObject({
      traceId: REMOTE.traceId,
      parentSpanId: REMOTE.spanId,
      parentIsRemote: true,
      localParent: undefined,
    });
  });

  it('a rebuilt handle of a live span: remote until spans were looked up by id, local after', () => {
    const { live, start } = setup();
    const parent = start();
    const rebuilt = { traceId: parent.handle.traceId, spanId: parent.handle.spanId };
    expect(ids(live.place({ name: 'a', parent: rebuilt }))).toMatchObject({ parentSpanId: rebuilt.spanId, parentIsRemote: true });
    expect(live.find(rebuilt)).toBe(parent.span); // the first lookup by id builds the index
    expect(ids(live.place({ name: 'b', parent: rebuilt }))).toMatchObject({ parentSpanId: rebuilt.spanId, parentIsRemote: false });
  });

  it('an ended parent handle: a remote parent with the same ids (the span is no longer here)', () => {
    const { live, start } = setup();
    const parent = start();
    live.end(parent.span!, parent.handle, 1);
    expect(ids(live.place({ name: 'late child', parent: parent.handle }))).toMatchObject({
      traceId: parent.span!.traceId,
      parentSpanId: parent.span!.spanId,
      parentIsRemote: true,
    });
  });

  it.each([
    ['a string', 'parent'],
    ['an object without ids', {}],
    ['upper-case hex', { traceId: REMOTE.traceId.toUpperCase(), spanId: REMOTE.spanId }],
  ])('%s as parent: a root, and the misuse is counted', (_name, parent) => {
    const { live, counters } = setup();
    const placement = ids(live.place({ name: 'x', parent: parent as never }))!;
    expect(placement.parentSpanId).toBe('');
    expect(SpanHandle.isValidTraceId(placement.traceId)).toBe(true);
    expect(counters.invalidCalls).toBe(1);
  });

  it("the caller's span id when valid and not live, else a fresh one", () => {
    const { live, start } = setup();
    expect(ids(live.place({ name: 'a', spanId: REMOTE.spanId }))!.spanId).toBe(REMOTE.spanId);
    start({ spanId: REMOTE.spanId });
    expect(ids(live.place({ name: 'b', spanId: REMOTE.spanId }))!.spanId).not.toBe(REMOTE.spanId);
    expect(SpanHandle.isValidSpanId(ids(live.place({ name: 'c', spanId: 'zz' }))!.spanId)).toBe(true);
  });

  it('a throwing getter reaches the caller (recorders catch and count it)', () => {
    const { live } = setup();
    const hostile = Object.defineProperty({ name: 'x' }, 'parent', {
      get() {
        throw new Error('boom');
      },
    });
    expect(() => live.place(hostile as SpanStart)).toThrow('boom');
  });

  it('start forgets the placement\'s parent, so the scratch keeps no span alive', () => {
    const { live, start } = setup();
    const parent = start();
    let seen: unknown;
    const placement = live.place({ name: 'probe' })!;
    live.start({ name: 'child', parent: parent.handle }, (_start, at) => ((seen = at.localParent), undefined), null);
    expect(seen).toBe(parent.span);
    expect(placement.localParent).toBeUndefined();
  });
});

describe('LiveSpans: finding, ending, evicting', () => {
  it('finds a span by the handle it issued and by any object with its ids; nothing else', () => {
    const { live, start } = setup();
    const { handle, span } = start();
    expect(live.find(handle)).toBe(span);
    expect(live.find({ traceId: handle.traceId, spanId: handle.spanId })).toBe(span);
    expect(live.find({ traceId: REMOTE.traceId, spanId: handle.spanId })).toBeUndefined();
    expect(live.find(SpanHandle.INVALID)).toBeUndefined();
    expect(live.find(null as never)).toBeUndefined();
    expect(live.find(42 as never)).toBeUndefined();
  });

  it("a handle issued by another instance is looked up by its ids, not trusted", () => {
    const a = setup();
    const b = setup();
    const { handle } = a.start();
    expect(b.live.find(handle)).toBeUndefined();
  });

  it('end takes the span out and lets the handle go: neither the handle nor the ids find it again', () => {
    const { live, start } = setup();
    const { handle, span } = start();
    live.end(span!, handle, 12345);
    expect(span!.endTime).toBe(12345);
    expect(live.size).toBe(0);
    expect(live.find(handle)).toBeUndefined();
    expect(live.find({ traceId: handle.traceId, spanId: handle.spanId })).toBeUndefined();
  });

  it('a full table evicts the oldest live span: marked, counted, reported', () => {
    const { live, start, counters, evicted } = setup(2);
    const first = start();
    const second = start();
    const third = start();
    expect(evicted).toEqual([first.span]);
    expect(first.span!.endTime).toBe(EVICTED);
    expect(counters.dropped('live-evicted')).toBe(1);
    expect(live.find(first.handle)).toBeUndefined();
    expect(live.find(second.handle)).toBe(second.span);
    expect(live.find(third.handle)).toBe(third.span);
    expect(live.size).toBe(2);
  });

  it('an ended span is not evicted: the oldest still-live one is', () => {
    const { live, start, evicted } = setup(2);
    const first = start();
    const second = start();
    live.end(first.span!, first.handle, 1);
    start();
    expect(evicted).toEqual([]);
    start();
    expect(evicted).toEqual([second.span]);
  });

  it('discard forgets a span without counting it; close counts every live span', () => {
    const { live, start, counters, evicted } = setup();
    const a = start();
    start();
    start();
    live.discard(a.handle);
    expect(a.span!.endTime).toBe(EVICTED);
    expect(counters.dropped('live-evicted')).toBe(0);
    live.close();
    expect(counters.dropped('live-evicted')).toBe(2);
    expect(evicted).toHaveLength(2);
    expect(live.size).toBe(0);
  });

  it('stays exact through many add/delete cycles (the ring compacts under the spans)', () => {
    const { live, start, counters } = setup(10_000);
    const kept: ReturnType<typeof start>[] = [];
    for (let i = 0; i < 5000; i++) {
      const started = start();
      if (i % 100 === 0) kept.push(started);
      else live.end(started.span!, started.handle, 1);
    }
    expect(live.size).toBe(kept.length);
    for (const { handle, span } of kept) {
      expect(live.find(handle)).toBe(span);
      expect(live.find({ traceId: handle.traceId, spanId: handle.spanId })).toBe(span);
    }
    for (const { handle, span } of kept) live.end(span!, handle, 1);
    expect(live.size).toBe(0);
    expect(counters.dropped('live-evicted')).toBe(0);
  });
});

describe('LiveSpans.start and target: the guard every recording call shares', () => {
  const create = (_start: SpanStart, at: Placement) => new TestSpan(at);

  it('starts a span: live, counted, addressed by the handle', () => {
    const { live, counters } = setup();
    const handle = live.start({ name: 'a' }, create, null);
    expect(SpanHandle.isValid(handle)).toBe(true);
    expect(counters.spansStarted).toBe(1);
    expect(live.target(handle)?.spanId).toBe(handle.spanId);
  });

  it('INVALID when the builder samples nothing, or the parent is INVALID: nothing counted', () => {
    const { live, counters } = setup();
    expect(live.start({ name: 'a' }, () => undefined, null)).toBe(SpanHandle.INVALID);
    expect(live.start({ name: 'b', parent: SpanHandle.INVALID }, create, null)).toBe(SpanHandle.INVALID);
    expect(counters.spansStarted).toBe(0);
    expect(counters.invalidCalls).toBe(0);
  });

  it.each([
    ['not an object', () => 'start' as unknown as SpanStart],
    ['a throwing getter', () => Object.defineProperty({ name: 'x' }, 'parent', { get: () => { throw new Error('boom'); } }) as SpanStart],
  ])('a start that is %s: INVALID, counted as invalid, never thrown', (_name, make) => {
    const { live, counters } = setup();
    expect(live.start(make(), create, null)).toBe(SpanHandle.INVALID);
    expect(counters.invalidCalls).toBe(1);
  });

  it('a builder that throws: INVALID, counted as invalid', () => {
    const { live, counters } = setup();
    const handle = live.start({ name: 'a' }, () => { throw new Error('builder'); }, null);
    expect(handle).toBe(SpanHandle.INVALID);
    expect(counters.invalidCalls).toBe(1);
    expect(live.size).toBe(0);
  });

  it('calls the builder on the owner given', () => {
    const { live } = setup();
    const owner = { made: 0 };
    live.start({ name: 'a' }, function (this: typeof owner, _start, at) { this.made++; return new TestSpan(at); }, owner);
    expect(owner.made).toBe(1);
  });

  it('a handle whose getters throw: target gives undefined and counts it', () => {
    const { live, counters } = setup();
    const hostile = Object.defineProperty({}, 'traceId', { get: () => { throw new Error('boom'); } }) as SpanHandle;
    expect(live.target(hostile)).toBeUndefined();
    expect(counters.invalidCalls).toBe(1);
  });

  it('after close: start and target are counted as ignored, nothing starts', () => {
    const { live, counters } = setup();
    const handle = live.start({ name: 'a' }, create, null);
    live.close();
    live.close();
    expect(counters.dropped('live-evicted')).toBe(1);
    expect(live.start({ name: 'b' }, create, null)).toBe(SpanHandle.INVALID);
    expect(live.target(handle)).toBeUndefined();
    expect(counters.ignoredAfterShutdown).toBe(2);
    expect(live.closed).toBe(true);
  });
});
