import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createStdoutTracer } from '@x/tracer-stdout';
import { fuzzPlugin } from '@x/tracer-testkit';

describe('fuzzing the stdout tracer', () => {
  it.each(['json', 'pretty'] as const)('%s: no call throws, the ledger balances, no prototype is polluted', async (format) => {
    const report = await fuzzPlugin(() => createStdoutTracer({ stream: new PassThrough().resume(), format, hookProcessShutdown: false }), { runs: 40 });
    expect(report.failure).toBeUndefined();
    expect(report.calls).toBeGreaterThan(400);
  });
});
