import { describe, expect, it } from 'vitest';
import { toPlainSpan, type FinishedSpan, type InstrumentationScope } from '@x/tracer-core';
import { SpanRecorder, TracerCounters } from '@x/tracer-core/internal';

function setup() {
  const counters = new TracerCounters();
  const ended: FinishedSpan[] = [];
  const recorder = new SpanRecorder({}, counters, (span) => ended.push(span));
  /** Records one span started with `scope` and returns it as it ended. */
  const spanWith = (scope: unknown, name = 'op'): FinishedSpan => {
    recorder.endSpan(recorder.startSpan({ name, scope: scope as InstrumentationScope }));
    return ended.at(-1)!;
  };
  return { counters, recorder, spanWith };
}

const throwingProxy = new Proxy(
  {},
  {
    get() {
      throw new Error('boom');
    },
  },
);
const throwingVersion = Object.defineProperty({ name: 'lib' }, 'version', {
  get() {
    throw new Error('boom');
  },
});

describe('SpanRecorder: the scope of a span (SpanStart.scope)', () => {
  it('keeps a well-formed scope, frozen, in the finished span and its plain form', () => {
    const { spanWith, counters } = setup();
    const span = spanWith({ name: '@x/http', version: '2.1.0' });
    expect(span.scope).toEqual({ name: '@x/http', version: '2.1.0' });
    expect(Object.isFrozen(span.scope)).toBe(true);
    expect(toPlainSpan(span).scope).toBe(span.scope);
    expect(counters.invalidCalls).toBe(0);
  });

  it('no scope: undefined, and nothing counted (null too)', () => {
    const { spanWith, counters } = setup();
    expect(spanWith(undefined).scope).toBeUndefined();
    expect(spanWith(null).scope).toBeUndefined();
    expect(toPlainSpan(spanWith(undefined))).toHaveProperty('scope', undefined);
    expect(counters.invalidCalls).toBe(0);
  });

  it.each([
    ['no version', { name: 'lib' }],
    ["'' as version", { name: 'lib', version: '' }],
    ['undefined as version', { name: 'lib', version: undefined }],
  ])('%s: version is undefined, with the key present (one shape for every scope)', (_what, scope) => {
    const { spanWith } = setup();
    const kept = spanWith(scope).scope!;
    expect(Object.keys(kept)).toEqual(['name', 'version']);
    expect(kept).toStrictEqual({ name: 'lib', version: undefined });
  });

  it.each([
    ['a name that is not a string', { name: 42 }],
    ['an empty name', { name: '' }],
    ['a name over 1024 characters', { name: 'n'.repeat(1025) }],
    ['a version that is not a string', { name: 'lib', version: 7 }],
    ['a version over 1024 characters', { name: 'lib', version: 'v'.repeat(1025) }],
    ['a string', '@x/http'],
    ['a number', 42],
    ['a function (whose name is a string)', function named() {}],
    ['a proxy that throws', throwingProxy],
    ['a version getter that throws', throwingVersion],
  ])('%s: the span is recorded without a scope, and each call is counted', (_what, scope) => {
    const { spanWith, counters } = setup();
    expect(() => spanWith(scope)).not.toThrow();
    expect(spanWith(scope)).toMatchObject({ name: 'op', scope: undefined });
    expect(counters.invalidCalls).toBe(2);
    expect(counters.spansEnded).toBe(2);
  });

  it('takes a name and a version of exactly 1024 characters', () => {
    const { spanWith } = setup();
    expect(spanWith({ name: 'n'.repeat(1024), version: 'v'.repeat(1024) }).scope?.name).toHaveLength(1024);
  });

  it('spans of one scope object share one scope, even when scopes interleave', () => {
    const { spanWith } = setup();
    const http = { name: 'http' };
    const db = { name: 'db', version: '1' };
    const spans = [spanWith(http), spanWith(db), spanWith(http), spanWith(db), spanWith(undefined), spanWith(http)];
    expect(spans.map((s) => s.scope?.name)).toEqual(['http', 'db', 'http', 'db', undefined, 'http']);
    expect(spans[2]!.scope).toBe(spans[0]!.scope);
    expect(spans[5]!.scope).toBe(spans[0]!.scope);
    expect(spans[3]!.scope).toBe(spans[1]!.scope);
  });

  it('a scope read from a finished span and passed back is kept as it is', () => {
    const { spanWith } = setup();
    const first = spanWith({ name: 'lib', version: '3' });
    expect(spanWith(first.scope).scope).toBe(first.scope);
  });

  it('reads a scope object once: later changes to it are not seen (the contract asks for one object per scope)', () => {
    const { spanWith } = setup();
    const scope = { name: 'before' };
    spanWith(scope);
    scope.name = 'after';
    expect(spanWith(scope).scope?.name).toBe('before');
  });

  it('counts a scope in byteSize only on the span that made it: a shared scope costs the buffer nothing more', () => {
    const { spanWith } = setup();
    const unscoped = spanWith(undefined).byteSize;
    const scope = { name: 'a-library-name', version: '1.0.0' };
    const first = spanWith(scope).byteSize;
    const again = spanWith(scope).byteSize;
    expect(first).toBeGreaterThanOrEqual(unscoped + 2 * ('a-library-name'.length + '1.0.0'.length));
    expect(again).toBe(unscoped);
    // A fresh object per span is a scope per span: each is counted.
    expect(spanWith({ ...scope }).byteSize).toBe(first);
  });
});
