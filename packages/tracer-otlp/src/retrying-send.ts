import type { AttemptResult, HttpTransport } from './http-transport.js';
import { backoffMillis, isRetryableStatus, parseRetryAfter, type ResolvedRetry } from './retry-policy.js';

/** How one request ended after its retries. */
export type SendOutcome =
  | { readonly kind: 'delivered'; readonly status: number; readonly body: Buffer }
  | { readonly kind: 'refused'; readonly status: number; readonly body: Buffer }
  | { readonly kind: 'gave-up'; readonly why: string; readonly attempts: number }
  | { readonly kind: 'aborted' };

/** A signal that aborts with `parent` or after `millis`; `dispose` clears the timer. */
function withTimeout(parent: AbortSignal, millis: number): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  const timer = setTimeout(abort, Math.max(0, millis));
  timer.unref();
  parent.addEventListener('abort', abort, { once: true });
  return {
    signal: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      parent.removeEventListener('abort', abort);
    },
  };
}

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

function describeAttempt(result: AttemptResult): string {
  if (result.kind === 'response') return `HTTP ${result.status}`;
  if (result.kind === 'network-error') {
    const code = (result.error as NodeJS.ErrnoException).code;
    return code ? `${code} (${result.error.message})` : result.error.message;
  }
  return 'aborted';
}

/**
 * Sends `body`, retrying what the OTLP specification says to retry (429, 502, 503, 504, and
 * network errors) with exponential backoff and jitter, honoring `Retry-After` (seconds or an HTTP
 * date), all before `deadline` (a `performance.now()` time). Each attempt is bounded by the time
 * left. Gives up early rather than wait past the deadline. Never throws.
 */
export async function sendWithRetry(
  transport: HttpTransport,
  body: Uint8Array,
  deadline: number,
  retry: ResolvedRetry,
  signal: AbortSignal,
): Promise<SendOutcome> {
  let last = 'no attempt was made before the deadline';
  for (let attempt = 1; attempt <= retry.maxAttempts; attempt++) {
    const remaining = deadline - performance.now();
    if (remaining <= 0 || signal.aborted) break;
    const bounded = withTimeout(signal, remaining);
    const result = await transport.send(body, bounded.signal);
    bounded.dispose();
    if (signal.aborted) return { kind: 'aborted' };
    if (result.kind === 'response') {
      if (result.status >= 200 && result.status < 300) return { kind: 'delivered', status: result.status, body: result.body };
      if (!isRetryableStatus(result.status)) return { kind: 'refused', status: result.status, body: result.body };
    }
    last = result.kind === 'aborted' ? `no answer within the ${Math.round(remaining)} ms left` : describeAttempt(result);
    if (attempt === retry.maxAttempts) break;
    const retryAfter = result.kind === 'response' ? parseRetryAfter(result.headers['retry-after'], Date.now()) : undefined;
    const wait = retryAfter ?? backoffMillis(attempt, retry, Math.random());
    if (performance.now() + wait >= deadline) {
      last += retryAfter === undefined ? '' : ` (Retry-After ${Math.round(retryAfter / 1000)} s is past the deadline)`;
      return { kind: 'gave-up', why: last, attempts: attempt };
    }
    await sleep(wait, signal);
  }
  if (signal.aborted) return { kind: 'aborted' };
  return { kind: 'gave-up', why: last, attempts: retry.maxAttempts };
}
