import { describe, expect, it } from 'vitest';
import { backoffMillis, isRetryableStatus, parseRetryAfter } from '@x/tracer-http';

const RETRY = { maxAttempts: 10, initialBackoffMillis: 1000, maxBackoffMillis: 5000, multiplier: 2 };
const ALMOST_ONE = 1 - Number.EPSILON;

describe('backoffMillis', () => {
  it.each([
    // attempt, random, wait: the full step is 1000 * 2^(attempt-1), capped at 5000, and jitter takes 50-100% of it.
    [1, ALMOST_ONE, 1000],
    [2, ALMOST_ONE, 2000],
    [3, ALMOST_ONE, 4000],
    [4, ALMOST_ONE, 5000],
    [30, ALMOST_ONE, 5000],
    [1, 0, 500],
    [2, 0, 1000],
    [3, 0, 2000],
    [4, 0, 2500],
    [2, 0.5, 1500],
  ])('attempt %i with random %d waits %i ms', (attempt, random, wait) => {
    expect(backoffMillis(attempt, RETRY, random)).toBe(wait);
  });

  it('grows by the multiplier', () => {
    const retry = { ...RETRY, multiplier: 1.5, maxBackoffMillis: 1e9 };
    expect([1, 2, 3, 4].map((attempt) => backoffMillis(attempt, retry, ALMOST_ONE))).toEqual([1000, 1500, 2250, 3375]);
  });

  it('stays between half and all of the capped step for any random draw', () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const step = Math.min(5000, 1000 * 2 ** (attempt - 1));
      for (const random of [0, 0.001, 0.25, 0.5, 0.75, 0.999, ALMOST_ONE]) {
        const wait = backoffMillis(attempt, RETRY, random);
        expect(wait).toBeGreaterThanOrEqual(step / 2);
        expect(wait).toBeLessThanOrEqual(step);
      }
    }
  });
});

describe('parseRetryAfter', () => {
  // A whole second, so that an HTTP date (second precision) is exact.
  const now = Date.UTC(2026, 0, 15, 12, 0, 0);
  const date = (offsetMillis: number) => new Date(now + offsetMillis).toUTCString();

  it.each<[string, string | string[] | undefined, number | undefined]>([
    ['delta seconds', '120', 120_000],
    ['zero seconds', '0', 0],
    ['delta seconds with spaces', ' 3 ', 3000],
    ['an HTTP date in the future', date(5000), 5000],
    ['an HTTP date an hour ahead', date(3_600_000), 3_600_000],
    ['an HTTP date in the past: at once', date(-60_000), 0],
    ['the obsolete asctime date form', 'Thu Jan 15 12:00:07 2026', 7000],
    ['the first of repeated headers', ['7', '9'], 7000],
    ['an empty list of headers', [], undefined],
    ['absent', undefined, undefined],
    ['empty', '', undefined],
    ['a word', 'soon', undefined],
    ['negative seconds', '-5', undefined],
    ['fractional seconds', '1.5', undefined],
    ['a number with a unit', '10s', undefined],
  ])('%s: %j is %s ms', (_name, value, millis) => {
    expect(parseRetryAfter(value, now)).toBe(millis);
  });
});

describe('isRetryableStatus', () => {
  it.each([
    [429, true],
    [502, true],
    [503, true],
    [504, true],
    [500, false],
    [400, false],
    [401, false],
    [413, false],
    [501, false],
  ])('HTTP %i: %s', (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable);
  });
});
