import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createRetryingTransport } from '../src/retrying-transport.js';
import type { Transport, TransportResult } from '../src/transport.js';

const RETRY = { maxAttempts: 4, initialBackoffMillis: 1000, maxBackoffMillis: 5000, multiplier: 2 };
const BODY = new Uint8Array([1, 2, 3]);
const busy = (retryAfterMillis?: number): TransportResult => ({
  kind: 'retryable',
  reason: 'HTTP 503',
  ...(retryAfterMillis === undefined ? {} : { retryAfterMillis }),
});

/** An inner transport that answers from a script (the last answer repeats) and notes each send. */
function scripted(...answers: TransportResult[]) {
  const sends: { at: number; timeoutMillis: number }[] = [];
  let closed = 0;
  const inner: Transport = {
    async send(body, timeoutMillis) {
      expect(body).toBe(BODY);
      sends.push({ at: performance.now(), timeoutMillis });
      return answers.length > 1 ? answers.shift()! : answers[0]!;
    },
    async close() {
      closed++;
    },
  };
  return { inner, sends, closed: () => closed };
}

// The clock the deadline is read from and the timers of the waits, both fake: waits are exact.
beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
afterEach(() => vi.useRealTimers());

/** Sends through `transport` and lets fake time run until it answers. */
async function send(transport: Transport, timeoutMillis: number, signal = new AbortController().signal) {
  const started = performance.now();
  const pending = transport.send(BODY, timeoutMillis, signal);
  await vi.runAllTimersAsync();
  return { result: await pending, took: performance.now() - started };
}

describe('createRetryingTransport', () => {
  it.each<[string, TransportResult]>([
    ['delivered', { kind: 'delivered', body: new Uint8Array() }],
    ['refused (a final status)', { kind: 'refused', status: 400, body: new Uint8Array() }],
    ['aborted', { kind: 'aborted' }],
  ])('returns %s at once, after one attempt', async (_name, answer) => {
    const { inner, sends } = scripted(answer);
    const { result } = await send(createRetryingTransport(inner, RETRY, () => 0), 10_000);
    expect(result).toBe(answer);
    expect(sends).toHaveLength(1);
  });

  it('retries a retryable answer with exponential backoff, each attempt bounded by the time left', async () => {
    const delivered: TransportResult = { kind: 'delivered', body: new Uint8Array() };
    const { inner, sends } = scripted(busy(), busy(), busy(), delivered);
    const { result } = await send(createRetryingTransport(inner, RETRY, () => 0), 10_000);
    expect(result).toBe(delivered);
    // Waits of 500, 1000, 2000 ms: half of each step, as random() = 0 draws.
    expect(sends.map((s) => s.at - sends[0]!.at)).toEqual([0, 500, 1500, 3500]);
    expect(sends.map((s) => s.timeoutMillis)).toEqual([10_000, 9500, 8500, 6500]);
  });

  it('gives up after maxAttempts with the last reason and the number of attempts', async () => {
    const { inner, sends } = scripted(busy());
    const { result } = await send(createRetryingTransport(inner, RETRY, () => 0), 60_000);
    expect(result).toEqual({ kind: 'retryable', reason: 'HTTP 503 after 4 attempt(s)' });
    expect(sends).toHaveLength(4);
  });

  it('waits as long as Retry-After says, instead of the backoff', async () => {
    const { inner, sends } = scripted(busy(3000), busy(0), { kind: 'delivered', body: new Uint8Array() });
    const { result } = await send(createRetryingTransport(inner, RETRY, () => 0), 10_000);
    expect(result.kind).toBe('delivered');
    expect(sends.map((s) => s.at - sends[0]!.at)).toEqual([0, 3000, 3000]);
  });

  it('gives up at once when Retry-After is past the deadline', async () => {
    const { inner, sends } = scripted(busy(3_600_000));
    const { result, took } = await send(createRetryingTransport(inner, RETRY, () => 0), 10_000);
    expect(result).toEqual({ kind: 'retryable', reason: 'HTTP 503 (Retry-After 3600 s is past the deadline) after 1 attempt(s)' });
    expect(sends).toHaveLength(1);
    expect(took).toBe(0);
  });

  it('gives up rather than sleep past the deadline when the backoff would', async () => {
    const { inner, sends } = scripted(busy());
    // 500 ms fits in 1200; then 1000 ms would end past it.
    const { result, took } = await send(createRetryingTransport(inner, RETRY, () => 0), 1200);
    expect(result).toEqual({ kind: 'retryable', reason: 'HTTP 503 after 2 attempt(s)' });
    expect(sends.map((s) => s.timeoutMillis)).toEqual([1200, 700]);
    expect(took).toBe(500);
  });

  it('makes no attempt with no time left', async () => {
    const { inner, sends } = scripted(busy());
    const { result } = await send(createRetryingTransport(inner, RETRY), 0);
    expect(result).toEqual({ kind: 'retryable', reason: 'no attempt was made before the deadline' });
    expect(sends).toHaveLength(0);
  });

  it('stops waiting when the caller aborts, and answers aborted', async () => {
    const { inner, sends } = scripted(busy());
    const controller = new AbortController();
    const pending = createRetryingTransport(inner, RETRY, () => 0).send(BODY, 10_000, controller.signal);
    await vi.advanceTimersByTimeAsync(200);
    controller.abort();
    expect(await pending).toEqual({ kind: 'aborted' });
    expect(sends).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('sends nothing when the caller has already aborted', async () => {
    const { inner, sends } = scripted(busy());
    const controller = new AbortController();
    controller.abort();
    const { result } = await send(createRetryingTransport(inner, RETRY), 10_000, controller.signal);
    expect(result).toEqual({ kind: 'aborted' });
    expect(sends).toHaveLength(0);
  });

  it('closes the transport it wraps', async () => {
    const { inner, closed } = scripted(busy());
    await createRetryingTransport(inner, RETRY).close();
    expect(closed()).toBe(1);
  });
});
