// OTLP's AnyValue as plain JSON, the form the store's JSON columns take.
import type { JsonObject, JsonValue } from '../span-row.js';
import type { PlainAnyValue, PlainKeyValue } from './otlp-plain.js';

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Attributes as an object. A repeated key keeps its last value (OTLP forbids repeats; the
 * Collector does the same). Nested arrays and kvlists recurse: senders bound their depth.
 */
export function attributesObject(attributes: readonly PlainKeyValue[] | undefined): JsonObject {
  // No prototype: a key named __proto__ is a key like any other (JSON.stringify writes it).
  const out: Record<string, JsonValue> = Object.create(null);
  for (const { key, value } of attributes ?? []) out[key ?? ''] = jsonValue(value);
  return out;
}

/** One AnyValue; an empty AnyValue (OTLP's "no value") is null. */
export function jsonValue(value: PlainAnyValue | undefined): JsonValue {
  if (value === undefined) return null;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return int64Value(value.intValue);
  if (value.doubleValue !== undefined) return finiteOrText(value.doubleValue);
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(jsonValue);
  if (value.kvlistValue !== undefined) return attributesObject(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return value.bytesValue;
  return null;
}

// JSON numbers lose integers past 2^53, so those stay exact as decimal strings.
function int64Value(decimal: string): number | string {
  const n = BigInt(decimal);
  return n <= MAX_SAFE && n >= -MAX_SAFE ? Number(n) : n.toString();
}

// NaN and ±Infinity are valid doubles but not JSON: kept as their names rather than lost as null.
function finiteOrText(n: number): number | string {
  return Number.isFinite(n) ? n : String(n);
}
