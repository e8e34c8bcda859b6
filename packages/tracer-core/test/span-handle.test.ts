import { describe, expect, it } from 'vitest';
import { SpanHandle } from '@x/tracer-core';

const T = '0af7651916cd43dd8448eb211c80319c';
const S = 'b7ad6b7169203331';

describe('SpanHandle', () => {
  it('INVALID is all zeros, frozen, and not valid', () => {
    expect(SpanHandle.INVALID).toEqual({ traceId: '0'.repeat(32), spanId: '0'.repeat(16) });
    expect(Object.isFrozen(SpanHandle.INVALID)).toBe(true);
    expect(SpanHandle.isValid(SpanHandle.INVALID)).toBe(false);
    expect(SpanHandle.isInvalid(SpanHandle.INVALID)).toBe(true);
    expect(SpanHandle.isInvalid({ traceId: T, spanId: '0'.repeat(16) })).toBe(true);
    expect(SpanHandle.isInvalid({ traceId: T, spanId: S })).toBe(false);
  });

  it.each([
    ['valid', { traceId: T, spanId: S }, true],
    ['short trace id', { traceId: T.slice(1), spanId: S }, false],
    ['long span id', { traceId: T, spanId: `${S}0` }, false],
    ['uppercase hex', { traceId: T.toUpperCase(), spanId: S }, false],
    ['non-hex', { traceId: `${T.slice(0, 31)}g`, spanId: S }, false],
    ['zero trace id', { traceId: '0'.repeat(32), spanId: S }, false],
    ['zero span id', { traceId: T, spanId: '0'.repeat(16) }, false],
    ['numbers', { traceId: 1, spanId: 2 }, false],
    ['null', null, false],
    ['string', 'abc', false],
    [
      'throwing getter',
      Object.defineProperty({}, 'traceId', {
        get() {
          throw new Error('boom');
        },
      }),
      false,
    ],
  ])('isValid: %s', (_label, value, expected) => {
    expect(SpanHandle.isValid(value)).toBe(expected);
  });

  it('of() builds a frozen handle and refuses malformed ids', () => {
    const handle = SpanHandle.of(T, S);
    expect(handle).toEqual({ traceId: T, spanId: S });
    expect(Object.isFrozen(handle)).toBe(true);
    expect(SpanHandle.of('xyz', S)).toBeUndefined();
    expect(SpanHandle.of(T, '0'.repeat(16))).toBeUndefined();
  });

  it('converts to wire bytes and back', () => {
    const { traceId, spanId } = SpanHandle.toBytes({ traceId: T, spanId: S });
    expect(Buffer.from(traceId).toString('hex')).toBe(T);
    expect(Buffer.from(spanId).toString('hex')).toBe(S);
    expect(SpanHandle.fromBytes(traceId, spanId)).toEqual({ traceId: T, spanId: S });
  });

  it('fromBytes refuses wrong widths and maps zeros to INVALID', () => {
    expect(SpanHandle.fromBytes(new Uint8Array(15), new Uint8Array(8))).toBeUndefined();
    expect(SpanHandle.fromBytes(new Uint8Array(16), new Uint8Array(7))).toBeUndefined();
    expect(SpanHandle.fromBytes(new Uint8Array(16), new Uint8Array(8))).toBe(SpanHandle.INVALID);
  });

  it('equals compares ids, not identity', () => {
    expect(SpanHandle.equals({ traceId: T, spanId: S }, SpanHandle.of(T, S)!)).toBe(true);
    expect(SpanHandle.equals({ traceId: T, spanId: S }, SpanHandle.INVALID)).toBe(false);
  });
});
