import { afterAll, describe, expect, it } from 'vitest';
import { createOtlpTracer } from '@x/tracer-otlp';
import { fuzzPlugin } from '@x/tracer-testkit';
import { startReceiver, type Receiver } from './support/receiver.js';

let receiver: Receiver | undefined;
afterAll(() => receiver?.close());

describe('fuzzing the OTLP tracer against a real receiver', () => {
  it.each(['http/protobuf', 'http/json'] as const)('%s: hostile input never throws, and whatever is exported decodes', async (protocol) => {
    receiver ??= await startReceiver();
    const url = receiver.url;
    const report = await fuzzPlugin(() => createOtlpTracer({ url, protocol, hookProcessShutdown: false, retry: { maxAttempts: 1 } }), { runs: 30 });
    expect(report.failure).toBeUndefined();
    // The receiver decoded every request with the independent schema (a bad encoding would throw there).
    expect(receiver.requests.every((r) => r.status === 200)).toBe(true);
  });
});
