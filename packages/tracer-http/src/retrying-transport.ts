import { backoffMillis, type ResolvedRetry } from './retry-policy.js';
import { ABORTED, type Transport } from './transport.js';

/** Waits `millis`, or less when `signal` aborts. */
function sleep(millis: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, millis);
    timer.unref();
    signal.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}

/**
 * A {@link Transport} that retries `inner`'s `retryable` results, up to `retry.maxAttempts`
 * attempts, waiting between them as the receiver's `Retry-After` says or else by exponential
 * backoff with jitter (`random` draws it, in [0, 1)). `delivered`, `refused` and `aborted` are
 * final and returned as they are.
 *
 * It owns the deadline: the `timeoutMillis` of a send is the budget of all its attempts and waits
 * together. Each attempt gets what is left of it, and it gives up (a `retryable` result naming the
 * last reason and the number of attempts) rather than wait past the deadline. An abort of the
 * caller's signal ends a wait at once. Never throws.
 */
export function createRetryingTransport(inner: Transport, retry: ResolvedRetry, random: () => number = Math.random): Transport {
  return {
    async send(body, timeoutMillis, signal) {
      const deadline = performance.now() + timeoutMillis;
      let reason = 'no attempt was made before the deadline';
      let attempts = 0;
      while (attempts < retry.maxAttempts && !signal.aborted) {
        const remaining = deadline - performance.now();
        if (remaining <= 0) break;
        attempts++;
        const result = await inner.send(body, remaining, signal);
        if (result.kind !== 'retryable') return result;
        reason = result.reason;
        if (attempts === retry.maxAttempts) break;
        const wait = result.retryAfterMillis ?? backoffMillis(attempts, retry, random());
        if (performance.now() + wait >= deadline) {
          if (result.retryAfterMillis !== undefined) reason += ` (Retry-After ${Math.round(wait / 1000)} s is past the deadline)`;
          break;
        }
        await sleep(wait, signal);
      }
      if (signal.aborted) return ABORTED;
      return { kind: 'retryable', reason: attempts === 0 ? reason : `${reason} after ${attempts} attempt(s)` };
    },
    close: () => inner.close(),
  };
}
