import { describe, expect, it } from 'vitest';
import { formatDelta, formatDuration, formatOffset } from '../web/src/format.ts';

describe('formatDuration', () => {
  it.each([
    [0.42, '420µs'],
    [0.9994, '999µs'],
    // Rounded first, then the unit picked: never `1000µs`, `10.00ms`, `60.00s` or `1m 60s`.
    [0.9996, '1.00ms'],
    [9.994, '9.99ms'],
    [9.999, '10.0ms'],
    [99.96, '100ms'],
    [999.6, '1.00s'],
    [1_250, '1.25s'],
    [59_994, '59.99s'],
    [59_999, '1m 0s'],
    [119_400, '1m 59s'],
    [119_600, '2m 0s'],
    [125_000, '2m 5s'],
  ])('formats %d ms as %s', (millis, text) => {
    expect(formatDuration(millis)).toBe(text);
  });

  it('formats a negative value in the unit of its size, the sign in front', () => {
    expect(formatDuration(-3)).toBe('−3.00ms');
    expect(formatDuration(-0.5)).toBe('−500µs');
    expect(formatDuration(-59_999)).toBe('−1m 0s');
  });

  it('gives no sign to a negative value that rounds to zero, and a dash to no number', () => {
    expect(formatDuration(-0.0001)).toBe('0µs');
    expect(formatDuration(Number.NaN)).toBe('–');
  });
});

describe('formatOffset and formatDelta', () => {
  it('signs an offset before its start (an event logged before its span started) with a minus, not "+-"', () => {
    expect(formatOffset(-3)).toBe('−3.00ms');
    expect(formatOffset(3)).toBe('+3.00ms');
    expect(formatOffset(0)).toBe('+0µs');
  });

  it('calls a sub-microsecond difference ±0', () => {
    expect(formatDelta(0.0004)).toBe('±0');
    expect(formatDelta(-0.0004)).toBe('±0');
    expect(formatDelta(-4)).toBe('−4.00ms');
    expect(formatDelta(1_410)).toBe('+1.41s');
  });
});
