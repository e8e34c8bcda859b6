import { describe, expect, it } from 'vitest';
import { readOtSampling, ThresholdWriter, traceRandomness, withThreshold } from '../src/ot-trace-state.js';

describe('readOtSampling', () => {
  it('reads th and rv from the ot member wherever it is, with optional whitespace', () => {
    const { threshold, randomness } = readOtSampling('vendor=x , ot=rv:6e6d1a75832a2f;th:c;other:1,z=2');
    expect(threshold?.th).toBe('c');
    expect(randomness).toEqual({ hi: 0x6e6d1a, lo: 0x75832a2f });
  });

  it('treats malformed values and other members as absent', () => {
    expect(readOtSampling('ot=th:XYZ;rv:12')).toEqual({ threshold: undefined, randomness: undefined });
    expect(readOtSampling('vendor=th:8')).toEqual({ threshold: undefined, randomness: undefined });
    expect(readOtSampling('')).toEqual({ threshold: undefined, randomness: undefined });
    expect(readOtSampling(undefined)).toEqual({ threshold: undefined, randomness: undefined });
  });
});

describe('withThreshold', () => {
  it.each([
    [undefined, 'c', 'ot=th:c'],
    ['', 'c', 'ot=th:c'],
    ['a=1,b=2', 'e666', 'ot=th:e666,a=1,b=2'],
    ['a=1,ot=rv:6e6d1a75832a2f', '8', 'ot=th:8;rv:6e6d1a75832a2f,a=1'],
    ['a=1,ot=th:8;rv:6e6d1a75832a2f', 'c', 'ot=th:c;rv:6e6d1a75832a2f,a=1'],
    ['a=1,ot=th:8;x:y', undefined, 'ot=x:y,a=1'],
    ['a=1,ot=th:8', undefined, 'a=1'],
    ['a=1, b=2', undefined, 'a=1, b=2'],
  ])('%j with th %j is %j', (traceState, th, expected) => {
    expect(withThreshold(traceState, th)).toBe(expected);
  });

  it('keeps at most 32 members, dropping the rightmost', () => {
    const members = Array.from({ length: 32 }, (_, i) => `k${i}=v`);
    const out = withThreshold(members.join(','), 'c').split(',');
    expect(out).toHaveLength(32);
    expect(out[0]).toBe('ot=th:c');
    expect(out.at(-1)).toBe('k30=v');
  });

  it('a writer gives the same answers, remembered for the same input', () => {
    const writer = new ThresholdWriter('e666');
    expect(writer.write('a=1')).toBe('ot=th:e666,a=1');
    expect(writer.write('a=1')).toBe('ot=th:e666,a=1');
    expect(writer.write(undefined)).toBe('ot=th:e666');
    expect(new ThresholdWriter(undefined).write('ot=th:8,a=1')).toBe('a=1');
  });
});

describe('traceRandomness', () => {
  it('prefers rv to the trace id', () => {
    expect(traceRandomness('ot=rv:00000000000001', 'ffffffffffffffffffffffffffffffff')).toEqual({ hi: 0, lo: 1 });
    expect(traceRandomness(undefined, '0000000000000000001234567890abcd')).toEqual({ hi: 0x123456, lo: 0x7890abcd });
    expect(traceRandomness(undefined, 'not a trace id')).toBeUndefined();
  });
});
