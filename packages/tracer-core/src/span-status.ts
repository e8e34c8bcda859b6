/** Status codes with OpenTelemetry's numbering (the same in the API and in OTLP). */
export const SpanStatusCode = Object.freeze({
  UNSET: 0,
  OK: 1,
  ERROR: 2,
} as const);

export type SpanStatusCode = (typeof SpanStatusCode)[keyof typeof SpanStatusCode];

/**
 * A span's final status. `message` is kept only with ERROR, as OpenTelemetry specifies.
 * The last `setStatus` before `endSpan` wins.
 */
export interface SpanStatus {
  readonly code: SpanStatusCode;
  readonly message?: string;
}

const UNSET_STATUS: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });
const OK_STATUS: SpanStatus = Object.freeze({ code: SpanStatusCode.OK });

/**
 * Turns anything into a valid status, or `undefined` when `value` is not one (the call is
 * then ignored). Never throws, never keeps a reference to the caller's object.
 */
export function normalizeStatus(value: unknown): SpanStatus | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    const { code, message } = value as { code: unknown; message: unknown };
    if (code === SpanStatusCode.UNSET) return UNSET_STATUS;
    if (code === SpanStatusCode.OK) return OK_STATUS;
    if (code !== SpanStatusCode.ERROR) return undefined;
    return typeof message === 'string' && message.length > 0
      ? { code: SpanStatusCode.ERROR, message }
      : { code: SpanStatusCode.ERROR };
  } catch {
    return undefined;
  }
}

export { UNSET_STATUS };
