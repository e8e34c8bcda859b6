import { InvalidOptionError } from './errors.js';

/**
 * Caps on what one span may carry, so untrusted input cannot grow a record without bound.
 * What goes over a cap is dropped and counted on the span (`droppedAttributesCount`,
 * `droppedEventsCount`, `droppedLinksCount`), and exporters put those counts on the wire.
 */
export interface SpanLimits {
  /** Attributes per span. @defaultValue 128 (OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT) */
  readonly attributeCountLimit: number;
  /** Characters per string value, arrays included. @defaultValue Infinity (OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT) */
  readonly attributeValueLengthLimit: number;
  /** Events per span. @defaultValue 128 (OTEL_SPAN_EVENT_COUNT_LIMIT) */
  readonly eventCountLimit: number;
  /** Links per span. @defaultValue 128 (OTEL_SPAN_LINK_COUNT_LIMIT) */
  readonly linkCountLimit: number;
  /** Attributes per event. @defaultValue 128 (OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT) */
  readonly attributePerEventCountLimit: number;
  /** Attributes per link. @defaultValue 128 (OTEL_LINK_ATTRIBUTE_COUNT_LIMIT) */
  readonly attributePerLinkCountLimit: number;
}

export const DEFAULT_SPAN_LIMITS: SpanLimits = Object.freeze({
  attributeCountLimit: 128,
  attributeValueLengthLimit: Infinity,
  eventCountLimit: 128,
  linkCountLimit: 128,
  attributePerEventCountLimit: 128,
  attributePerLinkCountLimit: 128,
});

const ENV_NAMES: Readonly<Record<keyof SpanLimits, readonly string[]>> = {
  attributeCountLimit: ['OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT', 'OTEL_ATTRIBUTE_COUNT_LIMIT'],
  attributeValueLengthLimit: ['OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT', 'OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT'],
  eventCountLimit: ['OTEL_SPAN_EVENT_COUNT_LIMIT'],
  linkCountLimit: ['OTEL_SPAN_LINK_COUNT_LIMIT'],
  attributePerEventCountLimit: ['OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT'],
  attributePerLinkCountLimit: ['OTEL_LINK_ATTRIBUTE_COUNT_LIMIT'],
};

function checkLimit(name: string, value: unknown): number {
  if (value === Infinity) return value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new InvalidOptionError(`${name} must be a non-negative integer or Infinity, got ${String(value)}`);
  }
  return value;
}

/**
 * Merges `overrides` over the defaults and validates every field.
 * @throws InvalidOptionError when a limit is not a non-negative integer or Infinity.
 */
export function resolveSpanLimits(overrides: Partial<SpanLimits> = {}): SpanLimits {
  const out: Record<string, number> = {};
  for (const key of Object.keys(DEFAULT_SPAN_LIMITS) as (keyof SpanLimits)[]) {
    out[key] = checkLimit(`spanLimits.${key}`, overrides[key] ?? DEFAULT_SPAN_LIMITS[key]);
  }
  return Object.freeze(out as unknown as SpanLimits);
}

/**
 * Reads the standard `OTEL_*_LIMIT` variables from `env` (the first name listed for a field
 * wins). Only variables that are set appear in the result; pass it to `resolveSpanLimits`.
 * @throws InvalidOptionError naming the variable when a value is not a non-negative integer.
 */
export function spanLimitsFromEnv(env: Readonly<Record<string, string | undefined>> = process.env): Partial<SpanLimits> {
  const out: Partial<Record<keyof SpanLimits, number>> = {};
  for (const key of Object.keys(ENV_NAMES) as (keyof SpanLimits)[]) {
    for (const name of ENV_NAMES[key]) {
      const raw = env[name]?.trim();
      if (raw === undefined || raw === '') continue;
      if (!/^\d+$/.test(raw)) throw new InvalidOptionError(`${name} must be a non-negative integer, got "${raw}"`);
      out[key] = Number(raw);
      break;
    }
  }
  return out;
}

/** The strictest of several limits, field by field (a recorder that feeds several tracers). */
export function strictestLimits(all: readonly SpanLimits[]): SpanLimits {
  const out: Record<string, number> = { ...DEFAULT_SPAN_LIMITS };
  for (const key of Object.keys(DEFAULT_SPAN_LIMITS) as (keyof SpanLimits)[]) {
    out[key] = Math.min(...all.map((limits) => limits[key]));
  }
  return Object.freeze(out as unknown as SpanLimits);
}
