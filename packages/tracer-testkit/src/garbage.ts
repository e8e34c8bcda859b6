import { SpanHandle } from '@x/tracer-core';

const cyclic: Record<string, unknown> = { name: 'cyclic' };
cyclic.self = cyclic;
const cyclicArray: unknown[] = [];
cyclicArray.push(cyclicArray);

const throwingGetter = Object.defineProperty({}, 'traceId', {
  enumerable: true,
  get() {
    throw new Error('getter throws');
  },
});
const throwingProxy = new Proxy(
  {},
  {
    get() {
      throw new Error('proxy throws');
    },
    ownKeys() {
      throw new Error('proxy throws');
    },
  },
);

/** Values no recording method may throw on: wrong types, hostile objects, huge data. */
export const GARBAGE: readonly unknown[] = [
  undefined,
  null,
  0,
  -1,
  NaN,
  Infinity,
  2n ** 80n,
  '',
  'x'.repeat(1_000_000),
  true,
  Symbol('garbage'),
  () => 'function',
  [],
  [1, 'mixed', null],
  cyclic,
  cyclicArray,
  JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'),
  Object.create(null),
  new Date(0),
  new Map([['a', 1]]),
  throwingGetter,
  throwingProxy,
  { name: 42, kind: 'server', parent: 'nope', attributes: cyclic, links: cyclic, startTimeUnixNanos: NaN },
  { name: 'forged', parent: { traceId: 'z'.repeat(32), spanId: 'z'.repeat(16) } },
  { traceId: 1, spanId: 2 },
];

/** Handles that are not live spans of the plugin under test. */
export const FOREIGN_HANDLES: readonly unknown[] = [
  SpanHandle.INVALID,
  { traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8) },
  { traceId: '0'.repeat(32), spanId: '1'.repeat(16) },
  { traceId: 'AB'.repeat(16), spanId: 'CD'.repeat(8) },
  { spanId: 'cd'.repeat(8) },
  ...GARBAGE,
];
