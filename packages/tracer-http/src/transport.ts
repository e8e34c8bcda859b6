/**
 * What one send gave, as a value: the one vocabulary of the transport seam, spoken alike by the
 * HTTP transport and by the retrying decorator over it.
 */
export type TransportResult =
  /** The receiver took the request (2xx). `body` is its reply, which may hold a partial success. */
  | { readonly kind: 'delivered'; readonly body: Uint8Array }
  /** A final refusal (an HTTP status not worth retrying): sending the same bytes again will not help. */
  | { readonly kind: 'refused'; readonly status: number; readonly body: Uint8Array }
  /**
   * Not delivered this time, worth another try: a retryable status, a network error, no answer in
   * time. `reason` says which, for messages; `retryAfterMillis` is how long the receiver asked to
   * be left alone, when it said.
   */
  | { readonly kind: 'retryable'; readonly reason: string; readonly retryAfterMillis?: number }
  /** The caller's signal aborted the send. */
  | { readonly kind: 'aborted' };

/**
 * Bytes out, one {@link TransportResult} back. The HTTP exporter depends on this, not on HTTP:
 * `HttpTransport` implements it, and `createRetryingTransport` decorates any implementation.
 */
export interface Transport {
  /**
   * Sends one encoded request and says what became of it within `timeoutMillis` (no answer by
   * then is `retryable`). Never throws or rejects. When `signal` aborts, it stops promptly and
   * resolves `aborted`. `body` is not kept after the promise settles.
   */
  send(body: Uint8Array, timeoutMillis: number, signal: AbortSignal): Promise<TransportResult>;
  /** Releases connections, once, after the last send (at shutdown). Never rejects. */
  close(): Promise<void>;
}

/** The result of a send whose caller aborted it. */
export const ABORTED: TransportResult = Object.freeze({ kind: 'aborted' });
