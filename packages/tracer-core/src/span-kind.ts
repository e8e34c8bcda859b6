/**
 * What role a span plays, with OpenTelemetry's API numbering (`@opentelemetry/api` `SpanKind`):
 * INTERNAL 0, SERVER 1, CLIENT 2, PRODUCER 3, CONSUMER 4. OTLP's proto enum is this plus one.
 */
export const SpanKind = Object.freeze({
  INTERNAL: 0,
  SERVER: 1,
  CLIENT: 2,
  PRODUCER: 3,
  CONSUMER: 4,
} as const);

export type SpanKind = (typeof SpanKind)[keyof typeof SpanKind];

const KIND_NAMES = ['internal', 'server', 'client', 'producer', 'consumer'] as const;

/** True for the five kinds; anything else is recorded as INTERNAL. */
export function isSpanKind(value: unknown): value is SpanKind {
  return typeof value === 'number' && (value === 0 || value === 1 || value === 2 || value === 3 || value === 4);
}

/** Lowercase name of a kind (`'server'`), for text formats. */
export function spanKindName(kind: SpanKind): (typeof KIND_NAMES)[number] {
  return KIND_NAMES[kind] ?? 'internal';
}
