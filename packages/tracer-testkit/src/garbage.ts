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

const HUGE = 'x'.repeat(1_000_000);
const throwingName = Object.defineProperty({}, 'name', {
  enumerable: true,
  get() {
    throw new Error('getter throws');
  },
});

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
  HUGE,
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

/**
 * `SpanStart.scope` values a plugin must take without throwing, each with what it is (for messages):
 * well-formed ones, malformed ones (the contract: the plugin's default scope then), hostile ones.
 */
export const SCOPES: readonly (readonly [what: string, scope: unknown])[] = [
  ['{ name, version }', { name: '@x/checkout', version: '1.2.3' }],
  ['{ name }', { name: 'checkout' }],
  ["{ name: '', version: '' }", { name: '', version: '' }],
  ['{ name: 42 }', { name: 42 }],
  ['{ name, version: 7 }', { name: 'lib', version: 7 }],
  ['a 1,000,000-character name', { name: HUGE, version: HUGE }],
  ['a name getter that throws', throwingName],
  ['a proxy that throws', throwingProxy],
  ['a cyclic object', cyclic],
  ['null', null],
  ['a string', '@x/checkout'],
  ['a number', 42],
  ['a function', () => 'scope'],
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
