/**
 * Attribute values as OpenTelemetry allows them: string, boolean, 64-bit integer (a safe
 * integer `number` or a `bigint` within int64), double, and homogeneous arrays of each.
 * A `number` that is an integer is an int64 on the wire, any other number a double, as in
 * OpenTelemetry JS.
 */
export type AttributeValue =
  | string
  | boolean
  | number
  | bigint
  | readonly string[]
  | readonly boolean[]
  | readonly number[]
  | readonly bigint[];

/** Attributes as a plain record. Records handed out by tracers have a null prototype. */
export type Attributes = Record<string, AttributeValue>;

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function normalizeScalar(value: unknown, lengthLimit: number): string | boolean | number | bigint | undefined {
  switch (typeof value) {
    case 'string':
      return value.length > lengthLimit ? value.slice(0, lengthLimit) : value;
    case 'boolean':
      return value;
    case 'number':
      // Non-finite doubles have no portable text form (JSON, stdout); they are dropped and counted.
      return Number.isFinite(value) ? value : undefined;
    case 'bigint':
      return value >= INT64_MIN && value <= INT64_MAX ? value : undefined;
    default:
      return undefined;
  }
}

function normalizeArray(value: readonly unknown[], lengthLimit: number): AttributeValue | undefined {
  const length = value.length;
  if (typeof length !== 'number' || length > 1_000_000) return undefined;
  const out: unknown[] = new Array(length);
  let kind: string | undefined;
  for (let i = 0; i < length; i++) {
    const item = normalizeScalar(value[i], lengthLimit);
    if (item === undefined) return undefined;
    const itemKind = typeof item;
    if (kind === undefined) kind = itemKind;
    else if (kind !== itemKind) return undefined;
    out[i] = item;
  }
  return out as AttributeValue;
}

/**
 * Returns `value` as a valid attribute value, or `undefined` when it is not one (the caller
 * drops it and counts the drop). Strings, including those in arrays, are cut to `lengthLimit`
 * characters. Arrays are copied, so later changes by the caller do not reach the record.
 * Never throws: proxies, throwing getters and cyclic structures all give `undefined`.
 */
export function normalizeAttributeValue(value: unknown, lengthLimit = Infinity): AttributeValue | undefined {
  if (typeof value !== 'object') return normalizeScalar(value, lengthLimit);
  if (value === null) return undefined;
  try {
    return Array.isArray(value) ? normalizeArray(value, lengthLimit) : undefined;
  } catch {
    return undefined;
  }
}

/** True for a usable attribute key: a non-empty string. */
export function isAttributeKey(key: unknown): key is string {
  return typeof key === 'string' && key.length > 0;
}

/** A rough size in bytes of a normalized value, for byte-capped buffers. */
export function estimateValueBytes(value: AttributeValue): number {
  if (typeof value === 'string') return 16 + 2 * value.length;
  if (typeof value !== 'object') return 16;
  let bytes = 32;
  for (let i = 0; i < value.length; i++) {
    const item = value[i];
    bytes += typeof item === 'string' ? 16 + 2 * item.length : 16;
  }
  return bytes;
}
