import { describe, expect, it } from 'vitest';
import {
  SpanHandle,
  SpanKind,
  SpanStatusCode,
  toPlainSpan,
  ledgerProblem,
  type FinishedSpan,
  type RecorderOptions,
  type PlainSpan,
} from '@x/tracer-core';
import { MAX_NAME_LENGTH, ORIGIN_UNIX_NANOS, SpanRecorder, TracerCounters } from '@x/tracer-core/internal';

function setup(options: RecorderOptions = {}) {
  const counters = new TracerCounters();
  const ended: FinishedSpan[] = [];
  const recorder = new SpanRecorder(options, counters, (span) => ended.push(span));
  const records = (): PlainSpan[] => ended.map(toPlainSpan);
  return { counters, recorder, ended, records };
}

const REMOTE = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };

describe('SpanRecorder parent rules', () => {
  it('no parent: a root with a fresh trace id each time', () => {
    const { recorder } = setup();
    const a = recorder.startSpan({ name: 'a' });
    const b = recorder.startSpan({ name: 'b', parent: null });
    expect(SpanHandle.isValid(a)).toBe(true);
    expect(SpanHandle.isValid(b)).toBe(true);
    expect(a.traceId).not.toBe(b.traceId);
  });

  it('local parent: the child shares the trace id and points at the parent', () => {
    const { recorder, records } = setup();
    const parent = recorder.startSpan({ name: 'parent' });
    const child = recorder.startSpan({ name: 'child', parent });
    recorder.endSpan(child);
    recorder.endSpan(parent);
    const [childRecord, parentRecord] = records();
    expect(child.traceId).toBe(parent.traceId);
    expect(childRecord!.parentSpanId).toBe(parent.spanId);
    expect(childRecord!.parentIsRemote).toBe(false);
    expect(parentRecord!.parentSpanId).toBeUndefined();
  });

  it('INVALID parent: the child is INVALID, and so are its children', () => {
    const { recorder, counters } = setup();
    const child = recorder.startSpan({ name: 'child', parent: SpanHandle.INVALID });
    expect(child).toBe(SpanHandle.INVALID);
    expect(recorder.startSpan({ name: 'grandchild', parent: child })).toBe(SpanHandle.INVALID);
    expect(counters.spansStarted).toBe(0);
  });

  it('remote parent: the child joins that trace with that parent span id', () => {
    const { recorder, records } = setup();
    const child = recorder.startSpan({ name: 'server', parent: REMOTE, traceState: 'congo=t61rcWkgMzE' });
    recorder.endSpan(child);
    const [record] = records();
    expect(child.traceId).toBe(REMOTE.traceId);
    expect(child.spanId).not.toBe(REMOTE.spanId);
    expect(record!.parentSpanId).toBe(REMOTE.spanId);
    expect(record!.parentIsRemote).toBe(true);
    expect(record!.traceState).toBe('congo=t61rcWkgMzE');
  });

  it('an ended parent still gives its trace id (it is then remote to the tracer)', () => {
    const { recorder } = setup();
    const parent = recorder.startSpan({ name: 'parent' });
    recorder.endSpan(parent);
    const late = recorder.startSpan({ name: 'late child', parent });
    expect(late.traceId).toBe(parent.traceId);
  });

  it('a handle rebuilt from ids still addresses the live span; as a parent it gives the same trace and parent', () => {
    const { recorder, records } = setup();
    const original = recorder.startSpan({ name: 'live' });
    const rebuilt = SpanHandle.of(original.traceId, original.spanId)!;
    expect(rebuilt).not.toBe(original);
    recorder.setAttribute(rebuilt, 'by', 'value');
    const child = recorder.startSpan({ name: 'child', parent: rebuilt });
    recorder.endSpan(child);
    recorder.endSpan(rebuilt);
    recorder.endSpan(original); // already ended through the rebuilt handle: a no-op
    const [childRecord, liveRecord] = records();
    expect({ ...liveRecord!.attributes }).toEqual({ by: 'value' });
    expect(childRecord).toMatchObject({ traceId: original.traceId, parentSpanId: original.spanId });
    expect(records()).toHaveLength(2);
  });

  it('a malformed parent gives a root and counts the misuse', () => {
    const { recorder, counters } = setup();
    const handle = recorder.startSpan({ name: 'x', parent: { traceId: 'nope', spanId: 'bad' } });
    expect(SpanHandle.isValid(handle)).toBe(true);
    expect(counters.invalidCalls).toBe(1);
  });

  it('uses caller-supplied ids, the trace id for roots only', () => {
    const { recorder } = setup();
    const root = recorder.startSpan({ name: 'root', traceId: REMOTE.traceId, spanId: 'aaaaaaaaaaaaaaaa' });
    expect({ traceId: root.traceId, spanId: root.spanId }).toEqual({ traceId: REMOTE.traceId, spanId: 'aaaaaaaaaaaaaaaa' });
    const child = recorder.startSpan({
      name: 'child',
      parent: root,
      traceId: '11111111111111111111111111111111',
      spanId: 'bbbbbbbbbbbbbbbb',
    });
    expect({ traceId: child.traceId, spanId: child.spanId }).toEqual({ traceId: REMOTE.traceId, spanId: 'bbbbbbbbbbbbbbbb' });
  });

  it('replaces a malformed or already-live caller span id', () => {
    const { recorder } = setup();
    const a = recorder.startSpan({ name: 'a', spanId: 'cccccccccccccccc' });
    const b = recorder.startSpan({ name: 'b', spanId: 'cccccccccccccccc' });
    const c = recorder.startSpan({ name: 'c', spanId: 'XYZ' });
    expect(a.spanId).toBe('cccccccccccccccc');
    expect(b.spanId).not.toBe('cccccccccccccccc');
    expect(SpanHandle.isValidSpanId(c.spanId)).toBe(true);
  });
});

describe('SpanRecorder recording', () => {
  it('records every field of a span', () => {
    const { recorder, records } = setup();
    const start = ORIGIN_UNIX_NANOS + 1_000_000_000n;
    const link = { traceId: REMOTE.traceId, spanId: REMOTE.spanId };
    const handle = recorder.startSpan({
      name: 'GET /users',
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': 'GET', big: 2n ** 60n },
      startTimeUnixNanos: start,
      links: [{ context: link, attributes: { why: 'retry' }, traceState: 'a=b' }],
    });
    recorder.setAttribute(handle, 'http.response.status_code', 200);
    recorder.setAttribute(handle, 'http.request.method', 'POST');
    recorder.addEvent(handle, { name: 'cache miss', timeUnixNanos: start + 5n, attributes: { key: 'u:1' } });
    recorder.setStatus(handle, { code: SpanStatusCode.ERROR, message: 'boom' });
    recorder.endSpan(handle, start + 1_500n);
    const [record] = records();
    expect(record).toMatchObject({
      traceId: handle.traceId,
      spanId: handle.spanId,
      name: 'GET /users',
      kind: SpanKind.SERVER,
      startTimeUnixNanos: start,
      endTimeUnixNanos: start + 1_500n,
      durationNanos: 1_500n,
      status: { code: SpanStatusCode.ERROR, message: 'boom' },
      droppedAttributesCount: 0,
    });
    expect({ ...record!.attributes }).toEqual({
      'http.request.method': 'POST',
      big: 2n ** 60n,
      'http.response.status_code': 200,
    });
    expect(record!.events).toHaveLength(1);
    expect(record!.events[0]!.timeUnixNanos).toBe(start + 5n);
    expect({ ...record!.events[0]!.attributes }).toEqual({ key: 'u:1' });
    expect(record!.links[0]).toMatchObject({ traceId: link.traceId, spanId: link.spanId, traceState: 'a=b' });
  });

  it('drops invalid attributes and counts them on the span and in stats', () => {
    const { recorder, records, counters } = setup();
    const handle = recorder.startSpan({ name: 'x', attributes: { ok: 1, bad: { nested: true } as never } });
    recorder.setAttribute(handle, '', 'empty key');
    recorder.setAttribute(handle, 'nan', NaN);
    recorder.setAttribute(handle, 'fine', 'yes');
    recorder.endSpan(handle);
    const [record] = records();
    expect({ ...record!.attributes }).toEqual({ ok: 1, fine: 'yes' });
    expect(record!.droppedAttributesCount).toBe(3);
    expect(counters.attributesDropped).toBe(3);
  });

  it('keeps __proto__ and constructor as plain keys without touching prototypes', () => {
    const { recorder, records } = setup();
    const attributes = JSON.parse('{"__proto__": "x", "constructor": "y"}');
    const handle = recorder.startSpan({ name: 'x', attributes });
    recorder.setAttribute(handle, '__proto__', 'z');
    recorder.endSpan(handle);
    const [record] = records();
    expect(Object.keys(record!.attributes).sort()).toEqual(['__proto__', 'constructor']);
    expect(record!.attributes['__proto__']).toBe('z');
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('z');
  });

  it('enforces span limits and reports the dropped counts', () => {
    const { recorder, records } = setup({
      spanLimits: { attributeCountLimit: 2, eventCountLimit: 1, linkCountLimit: 1, attributeValueLengthLimit: 4 },
    });
    const link = { context: REMOTE };
    const handle = recorder.startSpan({ name: 'x', attributes: { a: 'abcdefgh', b: 2, c: 3 }, links: [link, link] });
    recorder.setAttribute(handle, 'd', 4);
    recorder.setAttribute(handle, 'a', 'overwrite is not a new key');
    recorder.addEvent(handle, { name: 'e1' });
    recorder.addEvent(handle, { name: 'e2' });
    recorder.endSpan(handle);
    const [record] = records();
    expect({ ...record!.attributes }).toEqual({ a: 'over', b: 2 });
    expect(record!.droppedAttributesCount).toBe(2);
    expect(record!.events.map((e) => e.name)).toEqual(['e1']);
    expect(record!.droppedEventsCount).toBe(1);
    expect(record!.links).toHaveLength(1);
    expect(record!.droppedLinksCount).toBe(1);
  });

  it('ignores unknown, ended, foreign, INVALID and garbage handles', () => {
    const { recorder, ended, counters } = setup();
    const handle = recorder.startSpan({ name: 'x' });
    recorder.endSpan(handle);
    const garbage: unknown[] = [
      handle,
      SpanHandle.INVALID,
      REMOTE,
      { traceId: REMOTE.traceId, spanId: handle.spanId },
      null,
      undefined,
      42,
      'x',
      {},
    ];
    for (const h of garbage) {
      recorder.setAttribute(h as SpanHandle, 'k', 'v');
      recorder.setStatus(h as SpanHandle, { code: SpanStatusCode.OK });
      recorder.addEvent(h as SpanHandle, { name: 'e' });
      recorder.endSpan(h as SpanHandle);
    }
    expect(ended).toHaveLength(1);
    expect(ended[0]!.attributes).toEqual([]);
    expect(counters.spansEnded).toBe(1);
  });

  it('clamps an end time before the start to a zero duration', () => {
    const { recorder, records } = setup();
    const start = ORIGIN_UNIX_NANOS + 10_000n;
    const handle = recorder.startSpan({ name: 'x', startTimeUnixNanos: start });
    recorder.endSpan(handle, start - 5_000n);
    expect(records()[0]!.durationNanos).toBe(0n);
  });

  it('never throws on hostile arguments and counts them', () => {
    const { recorder, counters } = setup();
    const handle = recorder.startSpan({ name: 'x' });
    const throwing = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    expect(() => recorder.startSpan(throwing as never)).not.toThrow();
    expect(recorder.startSpan(throwing as never)).toBe(SpanHandle.INVALID);
    expect(() => recorder.addEvent(handle, throwing as never)).not.toThrow();
    expect(() => recorder.setStatus(handle, throwing as never)).not.toThrow();
    expect(() => recorder.endSpan(throwing as never)).not.toThrow();
    expect(() => recorder.startSpan(undefined as never)).not.toThrow();
    expect(counters.invalidCalls).toBeGreaterThanOrEqual(4);
  });

  it('evicts the oldest live span when the table is full, and counts it', () => {
    const { recorder, counters, ended } = setup({ maxLiveSpans: 2 });
    const oldest = recorder.startSpan({ name: 'leaked' });
    const b = recorder.startSpan({ name: 'b' });
    const c = recorder.startSpan({ name: 'c' });
    recorder.endSpan(oldest);
    recorder.endSpan(b);
    recorder.endSpan(c);
    expect(ended.map((s) => s.name)).toEqual(['b', 'c']);
    expect(counters.dropped('live-evicted')).toBe(1);
    // The ended spans are held by the test (buffered); the evicted one is accounted as dropped.
    expect(ledgerProblem(counters.snapshot(recorder.liveCount, ended.length))).toBeUndefined();
    expect(ledgerProblem(counters.snapshot(recorder.liveCount, 0))).toMatch(/started 3/);
  });

  it('after close, recording is a counted no-op and live spans are counted as evicted', () => {
    const { recorder, counters } = setup();
    const live = recorder.startSpan({ name: 'live' });
    recorder.close();
    expect(recorder.startSpan({ name: 'late' })).toBe(SpanHandle.INVALID);
    recorder.endSpan(live);
    expect(counters.ignoredAfterShutdown).toBe(2);
    expect(counters.dropped('live-evicted')).toBe(1);
  });

  it('rejects bad options with a message that says what is allowed', () => {
    expect(() => setup({ maxLiveSpans: 0 })).toThrow(/maxLiveSpans must be a positive integer, got 0/);
    expect(() => setup({ spanLimits: { eventCountLimit: -1 } })).toThrow(/eventCountLimit must be a non-negative integer/);
  });
});

describe('SpanRecorder updateName', () => {
  it('renames a live span: the last call before end wins, and the byte estimate follows the name', () => {
    const { recorder, ended } = setup();
    const server = recorder.startSpan({ name: 'GET', kind: SpanKind.SERVER });
    const child = recorder.startSpan({ name: 'db', parent: server });
    recorder.updateName(server, 'GET /users');
    recorder.updateName(server, 'GET /users/:id');
    recorder.endSpan(child);
    recorder.endSpan(server);
    const named = recorder.startSpan({ name: 'GET /users/:id', kind: SpanKind.SERVER });
    recorder.endSpan(named);
    expect(ended.map((span) => span.name)).toEqual(['db', 'GET /users/:id', 'GET /users/:id']);
    expect(ended[1]!.byteSize).toBe(ended[2]!.byteSize);
  });

  it('cuts a long name as startSpan does, and counts only what is kept', () => {
    const { recorder, ended } = setup();
    const handle = recorder.startSpan({ name: 'x' });
    recorder.updateName(handle, 'y'.repeat(MAX_NAME_LENGTH + 10));
    recorder.endSpan(handle);
    const long = recorder.startSpan({ name: 'y'.repeat(MAX_NAME_LENGTH + 10) });
    recorder.endSpan(long);
    expect(ended[0]!.name).toBe('y'.repeat(MAX_NAME_LENGTH));
    expect(ended[0]!.byteSize).toBe(ended[1]!.byteSize);
  });

  it('a renamed span can be renamed shorter, even to the empty name', () => {
    const { recorder, ended } = setup();
    const handle = recorder.startSpan({ name: 'a long start name' });
    recorder.updateName(handle, '');
    recorder.endSpan(handle);
    const empty = recorder.startSpan({ name: '' });
    recorder.endSpan(empty);
    expect(ended[0]!.name).toBe('');
    expect(ended[0]!.byteSize).toBe(ended[1]!.byteSize);
  });

  it.each([undefined, null, 42, 42n, true, {}, ['GET /'], new String('GET /'), Symbol('name'), () => 'GET /'])(
    'ignores a name that is not a string (%s) and counts it as an invalid call',
    (name) => {
      const { recorder, ended, counters } = setup();
      const handle = recorder.startSpan({ name: 'GET' });
      const before = counters.invalidCalls;
      expect(() => recorder.updateName(handle, name as never)).not.toThrow();
      recorder.endSpan(handle);
      expect(ended[0]!.name).toBe('GET');
      expect(counters.invalidCalls).toBe(before + 1);
    },
  );

  it('is a no-op after end and on unknown, foreign, INVALID and garbage handles; invalid names there are not counted', () => {
    const { recorder, ended, counters } = setup();
    const handle = recorder.startSpan({ name: 'GET /users/:id' });
    recorder.endSpan(handle);
    const size = ended[0]!.byteSize;
    const others: unknown[] = [handle, SpanHandle.INVALID, REMOTE, { traceId: REMOTE.traceId, spanId: handle.spanId }, null, undefined, 42, 'x', {}];
    for (const h of others) {
      recorder.updateName(h as SpanHandle, 'late');
      recorder.updateName(h as SpanHandle, 42 as never);
    }
    expect(ended[0]!.name).toBe('GET /users/:id');
    expect(ended[0]!.byteSize).toBe(size);
    expect(counters.invalidCalls).toBe(0);
  });

  it('a handle rebuilt from ids renames the live span too', () => {
    const { recorder, ended } = setup();
    const original = recorder.startSpan({ name: 'GET' });
    recorder.updateName(SpanHandle.of(original.traceId, original.spanId)!, 'GET /orders');
    recorder.endSpan(original);
    expect(ended[0]!.name).toBe('GET /orders');
  });

  it('never throws on a hostile handle, and counts it', () => {
    const { recorder, counters } = setup();
    recorder.startSpan({ name: 'x' });
    const throwing = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    expect(() => recorder.updateName(throwing as never, 'y')).not.toThrow();
    expect(counters.invalidCalls).toBe(1);
  });

  it('after close, it is a no-op counted in ignoredAfterShutdown', () => {
    const { recorder, counters } = setup();
    const live = recorder.startSpan({ name: 'live' });
    recorder.close();
    recorder.updateName(live, 'renamed');
    recorder.updateName(live, 42 as never);
    expect(counters.ignoredAfterShutdown).toBe(2);
    expect(counters.invalidCalls).toBe(0);
  });
});

describe('SpanRecorder traceState', () => {
  it("answers a live span's tracestate as it started, '' for none, whatever the parent", () => {
    const { recorder } = setup();
    const remoteChild = recorder.startSpan({ name: 'server', parent: REMOTE, traceState: 'congo=t61rcWkgMzE,rojo=00f067aa0ba902b7' });
    const root = recorder.startSpan({ name: 'root', traceState: 'a=1,b=2' });
    const child = recorder.startSpan({ name: 'child', parent: root });
    const plain = recorder.startSpan({ name: 'plain' });
    expect(recorder.traceState(remoteChild)).toBe('congo=t61rcWkgMzE,rojo=00f067aa0ba902b7');
    expect(recorder.traceState(root)).toBe('a=1,b=2');
    // A child carries only what its start gave: the caller passes the parent's on.
    expect(recorder.traceState(child)).toBe('');
    expect(recorder.traceState(plain)).toBe('');
  });

  it.each([42, null, { a: 1 }, ['a=1']])("a tracestate that is not a string (%s) is recorded as '' and answered so", (given) => {
    const { recorder } = setup();
    expect(recorder.traceState(recorder.startSpan({ name: 'x', traceState: given as never }))).toBe('');
  });

  it('a handle rebuilt from ids answers for the live span too', () => {
    const { recorder } = setup();
    const original = recorder.startSpan({ name: 'x', traceState: 'a=1' });
    expect(recorder.traceState(SpanHandle.of(original.traceId, original.spanId)!)).toBe('a=1');
  });

  it('is undefined after end, and for unknown, foreign, INVALID and garbage handles, counting nothing', () => {
    const { recorder, counters } = setup();
    const live = recorder.startSpan({ name: 'live', traceState: 'a=1' });
    const ended = recorder.startSpan({ name: 'ended', traceState: 'a=1' });
    recorder.endSpan(ended);
    const others: unknown[] = [ended, { traceId: ended.traceId, spanId: ended.spanId }, SpanHandle.INVALID, REMOTE, { traceId: REMOTE.traceId, spanId: live.spanId }, null, undefined, 42, 'x', {}];
    for (const h of others) expect(recorder.traceState(h as SpanHandle)).toBeUndefined();
    expect(recorder.traceState(live)).toBe('a=1');
    expect(counters.invalidCalls).toBe(0);
    expect(counters.ignoredAfterShutdown).toBe(0);
  });

  it('a handle from another recorder is foreign: undefined', () => {
    const mine = setup().recorder;
    const theirs = setup().recorder;
    const handle = theirs.startSpan({ name: 'theirs', traceState: 'a=1' });
    expect(mine.traceState(handle)).toBeUndefined();
    expect(theirs.traceState(handle)).toBe('a=1');
  });

  it('never throws on a hostile handle, and counts it', () => {
    const { recorder, counters } = setup();
    recorder.startSpan({ name: 'x', traceState: 'a=1' });
    const throwing = new Proxy(
      {},
      {
        get() {
          throw new Error('boom');
        },
      },
    );
    expect(recorder.traceState(throwing as never)).toBeUndefined();
    expect(counters.invalidCalls).toBe(1);
  });

  it('after close, a span that was live is undefined, counted in ignoredAfterShutdown as every call', () => {
    const { recorder, counters } = setup();
    const live = recorder.startSpan({ name: 'live', traceState: 'a=1' });
    recorder.close();
    expect(recorder.traceState(live)).toBeUndefined();
    expect(counters.ignoredAfterShutdown).toBe(1);
  });
});
