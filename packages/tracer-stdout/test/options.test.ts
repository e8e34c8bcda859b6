import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStdoutTracer } from '@x/tracer-stdout';

describe('createStdoutTracer duration options', () => {
  it.each(['orphanTimeoutMillis', 'scheduledDelayMillis', 'exportTimeoutMillis', 'shutdownTimeoutMillis'] as const)(
    '%s: 2^31-1 ms is taken, one more is refused naming the limit (Node would make it 1 ms)',
    async (option) => {
      const base = { stream: new PassThrough().resume(), format: 'pretty', hookProcessShutdown: false } as const;
      const tracer = createStdoutTracer({ ...base, [option]: 2 ** 31 - 1 });
      await tracer.shutdown({ timeoutMillis: 100 });
      expect(() => createStdoutTracer({ ...base, [option]: 2 ** 31 })).toThrow(
        new RegExp(`${option} must be a non-negative number of milliseconds, at most 2147483647 \\(about 24.8 days`),
      );
    },
  );
});
