import { hrTimeToNanoseconds, timeInputToHrTime } from '@opentelemetry/core';
import { describe, expect, it } from 'vitest';
import { unixNanosOf } from '../src/otel-time.js';

// OpenTelemetry's TimeInput read as their SDK reads it (`timeInputToHrTime` of @opentelemetry/core).

describe('unixNanosOf(TimeInput)', () => {
  const now = Date.now();
  it.each([
    ['HrTime', [Math.floor(now / 1000), 123_456_789] as [number, number]],
    ['Date', new Date(now)],
    ['epoch milliseconds', now + 0.5],
    ['performance.now() milliseconds (below the time origin)', performance.now()],
  ])('%s: the same instant as their SDK, to the microsecond', (_what, input) => {
    const theirs = BigInt(hrTimeToNanoseconds(timeInputToHrTime(input)));
    const ours = unixNanosOf(input)!;
    expect(ours - theirs <= 1000n && theirs - ours <= 1000n).toBe(true);
  });

  it.each([undefined, Number.NaN, -1, 0, [1, -1], ['1', 2], 'yesterday', {}])('%s: undefined, so the clock applies', (input) => {
    expect(unixNanosOf(input as never)).toBeUndefined();
  });
});
