import { describe, expect, it } from 'vitest';
import { keeps, parseRandomness, parseThreshold, probabilityToThreshold, randomnessOfTraceId } from '../src/threshold.js';

// OpenTelemetry's "TraceState: Probability Sampling", table "1-in-N probability sampling, with
// precision 3, 4 and 5": the threshold each precision writes.
const SPEC_TABLE: [number, string, string, string][] = [
  [1, '0', '0', '0'],
  [0.5, '8', '8', '8'],
  [1 / 3, 'aab', 'aaab', 'aaaab'],
  [0.25, 'c', 'c', 'c'],
  [0.2, 'ccd', 'cccd', 'ccccd'],
  [0.125, 'e', 'e', 'e'],
  [0.1, 'e66', 'e666', 'e6666'],
  [0.0625, 'f', 'f', 'f'],
  [0.01, 'fd71', 'fd70a', 'fd70a4'],
  [0.001, 'ffbe7', 'ffbe77', 'ffbe76d'],
  [0.0001, 'fff972', 'fff9724', 'fff97247'],
  [0.00001, 'ffff584', 'ffff583a', 'ffff583a5'],
  [0.000001, 'ffffef4', 'ffffef39', 'ffffef391'],
];

describe('probabilityToThreshold', () => {
  it.each(SPEC_TABLE)('%d gives %s, %s, %s at precision 3, 4, 5 (the specification table)', (p, three, four, five) => {
    expect(probabilityToThreshold(p, 3).th).toBe(three);
    expect(probabilityToThreshold(p, 4).th).toBe(four);
    expect(probabilityToThreshold(p, 5).th).toBe(five);
  });

  it("matches the issue's examples: 50% -> 8 and 10% -> e666 at the default precision, 1% -> fd70a4 at five digits (the specification's own 1% example)", () => {
    expect(probabilityToThreshold(0.5).th).toBe('8');
    expect(probabilityToThreshold(0.1).th).toBe('e666');
    expect(probabilityToThreshold(0.01, 5).th).toBe('fd70a4');
    expect(probabilityToThreshold(0.01).th).toBe('fd70a');
  });

  it('keeps the threshold as two integers and states the probability after rounding', () => {
    const quarter = probabilityToThreshold(0.25);
    expect([quarter.hi, quarter.lo]).toEqual([0xc00000, 0]);
    expect(quarter.probability).toBe(0.25);
    const tenth = probabilityToThreshold(0.1);
    expect([tenth.hi, tenth.lo]).toEqual([0xe66600, 0]);
    expect(tenth.probability).toBeCloseTo(0.100006103515625, 15);
    expect(probabilityToThreshold(1)).toMatchObject({ hi: 0, lo: 0, th: '0', probability: 1 });
  });

  it('writes the smallest probability with all 14 digits and never rounds up to "never"', () => {
    expect(probabilityToThreshold(2 ** -56, 14).th).toBe('ffffffffffffff');
    expect(probabilityToThreshold(2 ** -56, 1).th).toBe('ffffffffffffff');
  });

  it.each([0, -0.1, 1.5, Number.NaN, 2 ** -57])('rejects %d', (p) => {
    expect(() => probabilityToThreshold(p)).toThrow(RangeError);
  });
});

describe('parseThreshold and parseRandomness', () => {
  it('reads th right-padded with zeros, and rv of exactly 14 digits', () => {
    expect(parseThreshold('fd70a4')).toMatchObject({ hi: 0xfd70a4, lo: 0, th: 'fd70a4' });
    expect(parseThreshold('8')).toMatchObject({ hi: 0x800000, lo: 0, probability: 0.5 });
    expect(parseThreshold('0')).toMatchObject({ hi: 0, lo: 0, probability: 1 });
    expect(parseThreshold('123456789abcde')).toMatchObject({ hi: 0x123456, lo: 0x789abcde });
    expect(parseRandomness('6e6d1a75832a2f')).toEqual({ hi: 0x6e6d1a, lo: 0x75832a2f });
  });

  it('reads uppercase hex too (the specification writes lowercase)', () => {
    expect(parseThreshold('FD70A4')).toMatchObject({ hi: 0xfd70a4, th: 'fd70a4' });
    expect(parseRandomness('6E6D1A75832A2F')).toEqual({ hi: 0x6e6d1a, lo: 0x75832a2f });
  });

  it.each(['', 'g', '123456789abcdef', ' 8'])('rejects th %j', (th) => {
    expect(parseThreshold(th)).toBeUndefined();
  });

  it.each(['', '6e6d1a75832a2', '6e6d1a75832a2ff', '6e6d1a75832a2g'])('rejects rv %j', (rv) => {
    expect(parseRandomness(rv)).toBeUndefined();
  });
});

describe('keeps', () => {
  it('keeps exactly when R >= T, across the word boundary', () => {
    const t = parseThreshold('80000000000001')!;
    expect(keeps(randomnessOfTraceId('0000000000000000' + '0080000000000001')!, t)).toBe(true);
    expect(keeps(randomnessOfTraceId('0000000000000000' + '0080000000000000')!, t)).toBe(false);
    expect(keeps(randomnessOfTraceId('0000000000000000' + '0080000100000000')!, t)).toBe(true);
    expect(keeps(randomnessOfTraceId('ffffffffffffffff' + '007fffffffffffff')!, t)).toBe(false);
    // Only the low 56 bits count: the high byte of the low half does not.
    expect(keeps(randomnessOfTraceId('0000000000000000' + 'ff00000000000000')!, t)).toBe(false);
  });
});
