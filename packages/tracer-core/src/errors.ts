/**
 * Stable error codes. Users match on `error.code`; messages may change, codes do not.
 *
 * The first four carry the numeric codes of the runtime trace API this project grew from
 * (`errno`): Generic 9300, SpanNotFound 9301, ExportFailed 9302, InvalidSpan 9303. Every other
 * code maps onto the nearest of those for hosts that only understand the numbers.
 */
export const TracerErrorCode = Object.freeze({
  /** Anything without a more specific code. errno 9300. */
  Generic: 'ERR_TRACER_GENERIC',
  /** A span id that the tracer does not hold. errno 9301. */
  SpanNotFound: 'ERR_TRACER_SPAN_NOT_FOUND',
  /** An export did not deliver its spans; `cause` says why. errno 9302. */
  ExportFailed: 'ERR_TRACER_EXPORT_FAILED',
  /** A malformed span or handle. errno 9303. */
  InvalidSpan: 'ERR_TRACER_INVALID_SPAN',
  /** A factory was given an option it cannot use; the message says what is allowed. errno 9300. */
  InvalidOption: 'ERR_TRACER_INVALID_OPTION',
  /** `flush()` or `shutdown()` ran out of time; spans not delivered are counted. errno 9302. */
  Timeout: 'ERR_TRACER_TIMEOUT',
  /** The tracer was shut down. errno 9300. */
  ShutDown: 'ERR_TRACER_SHUT_DOWN',
} as const);

export type TracerErrorCode = (typeof TracerErrorCode)[keyof typeof TracerErrorCode];

/** The numeric codes of the runtime trace API. */
export const TraceErrno = Object.freeze({
  Generic: 9300,
  SpanNotFound: 9301,
  ExportFailed: 9302,
  InvalidSpan: 9303,
} as const);

export type TraceErrno = (typeof TraceErrno)[keyof typeof TraceErrno];

const ERRNO: Readonly<Record<TracerErrorCode, TraceErrno>> = {
  ERR_TRACER_GENERIC: TraceErrno.Generic,
  ERR_TRACER_SPAN_NOT_FOUND: TraceErrno.SpanNotFound,
  ERR_TRACER_EXPORT_FAILED: TraceErrno.ExportFailed,
  ERR_TRACER_INVALID_SPAN: TraceErrno.InvalidSpan,
  ERR_TRACER_INVALID_OPTION: TraceErrno.Generic,
  ERR_TRACER_TIMEOUT: TraceErrno.ExportFailed,
  ERR_TRACER_SHUT_DOWN: TraceErrno.Generic,
};

/**
 * Where an error keeps the names of the classes it was built by (its own and every ancestor up to
 * `TracerError`). `Symbol.for`: two copies of this package in one process (a plugin that bundles
 * its own) share the key, so `instanceof` answers alike in both, as undici's errors do.
 */
const BRANDS: unique symbol = Symbol.for('x-tracing.error.brands') as never;

/**
 * The one base class of every error this project raises. `code` is stable, `errno` is the
 * numeric code, `cause` (standard `ErrorOptions`) carries the underlying error.
 *
 * `instanceof` works across copies of this package: `error instanceof ExportFailedError` is true
 * for an ExportFailedError (or subclass) built by any copy. Matching on `code` works everywhere too.
 */
export class TracerError extends Error {
  override readonly name: string = 'TracerError';
  readonly code: TracerErrorCode;
  readonly errno: TraceErrno;
  declare readonly [BRANDS]: readonly string[];

  constructor(code: TracerErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.errno = ERRNO[code];
    const brands: string[] = [];
    for (let type: unknown = new.target; type !== Error && typeof type === 'function'; type = Object.getPrototypeOf(type)) {
      brands.push((type as { name: string }).name);
    }
    Object.defineProperty(this, BRANDS, { value: Object.freeze(brands) });
  }

  /** True for an error built by this class or a subclass, in this copy of the package or another. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null) return false;
    const brands = (value as { [BRANDS]?: unknown })[BRANDS];
    return Array.isArray(brands) ? brands.includes(this.name) : Function.prototype[Symbol.hasInstance].call(this, value);
  }
}

/** Thrown by factories for a bad option, never by recording. Code `ERR_TRACER_INVALID_OPTION`. */
export class InvalidOptionError extends TracerError {
  override readonly name: string = 'InvalidOptionError';
  constructor(message: string, options?: ErrorOptions) {
    super(TracerErrorCode.InvalidOption, message, options);
  }
}

/** What `flush()` rejects with when spans were not delivered. Code `ERR_TRACER_EXPORT_FAILED`. */
export class ExportFailedError extends TracerError {
  override readonly name: string = 'ExportFailedError';
  constructor(message: string, options?: ErrorOptions) {
    super(TracerErrorCode.ExportFailed, message, options);
  }
}

/** `flush()` or `shutdown()` ran past its deadline. Code `ERR_TRACER_TIMEOUT`. */
export class TimeoutError extends TracerError {
  override readonly name: string = 'TimeoutError';
  constructor(message: string, options?: ErrorOptions) {
    super(TracerErrorCode.Timeout, message, options);
  }
}

/** An operation that needs a running tracer reached one that was shut down. Code `ERR_TRACER_SHUT_DOWN`. */
export class ShutDownError extends TracerError {
  override readonly name: string = 'ShutDownError';
  constructor(message: string, options?: ErrorOptions) {
    super(TracerErrorCode.ShutDown, message, options);
  }
}

/** Wraps anything thrown or rejected into a TracerError, keeping it as `cause`. */
export function toTracerError(value: unknown, fallbackMessage: string): TracerError {
  if (value instanceof TracerError) return value;
  const message = value instanceof Error ? `${fallbackMessage}: ${value.message}` : fallbackMessage;
  return new TracerError(TracerErrorCode.Generic, message, { cause: value });
}
