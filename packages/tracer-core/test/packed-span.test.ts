import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, toPlainSpan, type FinishedSpan } from '@x/tracer-core';
import { SpanRecorder, TracerCounters } from '@x/tracer-core/internal';

/** The same ids for every recorder, so a packed and an unpacked recording can be compared. */
function sameIds() {
  let next = 0;
  return { traceId: () => (++next).toString(16).padStart(32, 'c'), spanId: () => (++next).toString(16).padStart(16, 'd') };
}

const SCOPE = { name: 'checkout', version: '1.2.0' };

function record(packFinishedSpans: boolean): FinishedSpan[] {
  const spans: FinishedSpan[] = [];
  const recorder = new SpanRecorder({ idGenerator: sameIds(), packFinishedSpans }, new TracerCounters(), (s) => spans.push(s));
  const remote = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
  const at = (nanos: number) => 1_800_000_000_000_000_000n + BigInt(nanos);
  const root = recorder.startSpan({
    name: 'GET /',
    kind: SpanKind.SERVER,
    parent: remote,
    traceState: 'a=1',
    scope: SCOPE,
    attributes: { big: 2n ** 60n, list: [1, 2] },
    startTimeUnixNanos: at(1),
  });
  const child = recorder.startSpan({
    name: 'db',
    kind: SpanKind.CLIENT,
    parent: root,
    scope: SCOPE,
    links: [{ context: remote, attributes: { why: 'retry' } }],
    startTimeUnixNanos: at(1000),
  });
  recorder.addEvent(child, { name: 'e1', attributes: { n: 1.5 }, timeUnixNanos: at(2000) });
  recorder.addEvent(child, { name: 'e2', timeUnixNanos: at(3001) });
  recorder.setStatus(child, { code: SpanStatusCode.ERROR, message: 'boom' });
  recorder.endSpan(child, 1_800_000_000_123_456_789n);
  recorder.endSpan(root, at(999_999_999));
  return spans;
}

describe('packed finished spans (packFinishedSpans)', () => {
  it('read back exactly what was recorded: every field, to the nanosecond', () => {
    const plain = record(false).map(toPlainSpan);
    const packed = record(true);
    expect(packed.map((span) => span.constructor.name)).toEqual(['PackedSpan', 'PackedSpan']);
    expect(packed.map(toPlainSpan)).toEqual(plain);
    expect(plain[0]!.endTimeUnixNanos).toBe(1_800_000_000_123_456_789n);
    expect(plain[1]!.durationNanos).toBe(999_999_998n);
    expect(plain[0]!.scope).toEqual({ name: 'checkout', version: '1.2.0' });
  });

  it("keep the recorder's scope by reference: one object for every span of the scope", () => {
    const [child, root] = record(true);
    expect(child!.scope).toEqual({ name: 'checkout', version: '1.2.0' });
    expect(child!.scope).toBe(root!.scope);
  });

  it('count fewer bytes against the buffer cap than unpacked spans, but never zero', () => {
    const [plainChild] = record(false);
    const [packedChild] = record(true);
    expect(packedChild!.byteSize).toBeGreaterThan(200);
    expect(packedChild!.byteSize).toBeLessThan(plainChild!.byteSize);
  });

  it('carry a rename made before the end; a rename after it changes nothing', () => {
    const packed = (rename: boolean) => {
      const spans: FinishedSpan[] = [];
      const recorder = new SpanRecorder({ idGenerator: sameIds(), packFinishedSpans: true }, new TracerCounters(), (s) => spans.push(s));
      const handle = recorder.startSpan({ name: rename ? 'GET' : 'GET /users/:id', kind: SpanKind.SERVER, startTimeUnixNanos: 1n });
      if (rename) recorder.updateName(handle, 'GET /users/:id');
      recorder.endSpan(handle, 2n);
      recorder.updateName(handle, 'too late');
      return spans[0]!;
    };
    const renamed = packed(true);
    expect(renamed.constructor.name).toBe('PackedSpan');
    expect(renamed.name).toBe('GET /users/:id');
    expect(renamed.byteSize).toBe(packed(false).byteSize);
    expect(toPlainSpan(renamed)).toEqual(toPlainSpan(packed(false)));
  });

  it('is refused unless true or false', () => {
    expect(() => new SpanRecorder({ packFinishedSpans: 'yes' as never }, new TracerCounters(), () => undefined)).toThrow(
      /packFinishedSpans must be true or false, got "yes"/,
    );
  });
});
