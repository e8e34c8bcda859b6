import { describe, expect, it } from 'vitest';
import { normalizeAttributeValue } from '@x/tracer-core/internal';

const cyclic: unknown[] = [];
cyclic.push(cyclic);

describe('normalizeAttributeValue', () => {
  it.each([
    ['string', 'x', 'x'],
    ['empty string', '', ''],
    ['true', true, true],
    ['integer', 42, 42],
    ['double', 1.5, 1.5],
    ['bigint', 2n ** 62n, 2n ** 62n],
    ['int64 min', -(2n ** 63n), -(2n ** 63n)],
    ['string array', ['a', 'b'], ['a', 'b']],
    ['number array', [1, 2.5], [1, 2.5]],
    ['bool array', [true, false], [true, false]],
    ['bigint array', [1n, 2n], [1n, 2n]],
    ['empty array', [], []],
  ])('keeps %s', (_label, value, expected) => {
    expect(normalizeAttributeValue(value)).toEqual(expected);
  });

  it.each([
    ['undefined', undefined],
    ['null', null],
    ['NaN', NaN],
    ['Infinity', Infinity],
    ['bigint over int64', 2n ** 63n],
    ['object', { a: 1 }],
    ['function', () => 1],
    ['symbol', Symbol('s')],
    ['mixed array', ['a', 1]],
    ['nested array', [['a']]],
    ['array with null', ['a', null]],
    ['cyclic array', cyclic],
    ['date', new Date()],
    [
      'throwing proxy',
      new Proxy([], {
        get() {
          throw new Error('boom');
        },
      }),
    ],
  ])('drops %s', (_label, value) => {
    expect(normalizeAttributeValue(value)).toBeUndefined();
  });

  it('cuts strings, in arrays too, to the length limit', () => {
    expect(normalizeAttributeValue('abcdef', 3)).toBe('abc');
    expect(normalizeAttributeValue(['abcdef', 'x'], 3)).toEqual(['abc', 'x']);
  });

  it('copies arrays so later changes by the caller do not reach the record', () => {
    const input = ['a'];
    const kept = normalizeAttributeValue(input);
    input.push('b');
    expect(kept).toEqual(['a']);
  });
});
