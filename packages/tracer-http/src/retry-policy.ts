/** How an HTTP exporter retries within one export's deadline. */
export interface RetryOptions {
  /** Attempts per request, the first included. @defaultValue 5 */
  readonly maxAttempts?: number;
  /** Wait before the second attempt. @defaultValue 1000 */
  readonly initialBackoffMillis?: number;
  /** Longest wait between attempts (a longer `Retry-After` is honored if it fits the deadline). @defaultValue 5000 */
  readonly maxBackoffMillis?: number;
  /** Growth of the wait per attempt. @defaultValue 1.5 */
  readonly multiplier?: number;
}

export type ResolvedRetry = Required<RetryOptions>;

/**
 * Whether an HTTP status is worth retrying, as the OTLP/HTTP specification lists them: 429, 502,
 * 503 and 504. Everything else that is not 2xx is final. Pure.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 502 || status === 503 || status === 504;
}

/**
 * A `Retry-After` header as milliseconds from `nowMillis`: delta-seconds or an HTTP date (0 when
 * the date has passed). The first value of a repeated header counts. Returns undefined when absent
 * or unreadable, so the caller falls back to its backoff. Pure.
 */
export function parseRetryAfter(value: string | string[] | undefined, nowMillis: number): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  // Every HTTP date names its day or month in letters. Without this, Date.parse reads garbage
  // such as "-5" or "1.5" as a date in 2001, which would mean "retry at once".
  if (!/[a-z]{3}/i.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - nowMillis);
}

/**
 * The wait before attempt `attempt + 1` (attempt counts from 1): exponential, capped, with full
 * jitter between half and all of it, so that many clients do not retry in step. `random` is a
 * number in [0, 1). Pure.
 */
export function backoffMillis(attempt: number, retry: ResolvedRetry, random: number): number {
  const base = Math.min(retry.maxBackoffMillis, retry.initialBackoffMillis * retry.multiplier ** (attempt - 1));
  return Math.round(base * (0.5 + random / 2));
}
