/**
 * The numeric codes of the runtime trace API (`TraceErrorCode` in the seed documents). They are
 * the same numbers as `TraceErrno` in `@x/tracer-core`.
 */
export const TraceErrorCode = Object.freeze({
  Generic: 9300,
  SpanNotFound: 9301,
  ExportFailed: 9302,
  InvalidSpan: 9303,
} as const);

export type TraceErrorCode = (typeof TraceErrorCode)[keyof typeof TraceErrorCode];

type CodeName = keyof typeof TraceErrorCode;

const NAMES: Readonly<Record<TraceErrorCode, CodeName>> = {
  9300: 'Generic',
  9301: 'SpanNotFound',
  9302: 'ExportFailed',
  9303: 'InvalidSpan',
};

/**
 * What the seed API throws, with the seed's numeric `code`. It is not a `TracerError` of the core
 * (whose `code` is a string): the seed promised `code: TraceErrorCode`, a number, and code written
 * against the seed compares numbers. `errno` carries the same number, as on `TracerError`, and
 * `reason` its name, for messages and logs.
 *
 * Only the seed API throws it (`end`, `finishSpan`, `startSpan` with a bad parent); recording
 * itself never throws.
 */
export class TraceError extends Error {
  override readonly name = 'TraceError';
  readonly code: TraceErrorCode;
  readonly errno: TraceErrorCode;
  readonly reason: CodeName;

  static readonly Generic = TraceErrorCode.Generic;
  static readonly SpanNotFound = TraceErrorCode.SpanNotFound;
  static readonly ExportFailed = TraceErrorCode.ExportFailed;
  static readonly InvalidSpan = TraceErrorCode.InvalidSpan;

  constructor(code: TraceErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
    this.errno = code;
    this.reason = NAMES[code];
  }
}
