import type { AttributeValue, Attributes } from '@x/tracer-core';

/**
 * The seed API takes attributes, results and event data as any JSON-like value; the contract
 * takes flat OpenTelemetry attributes. This is the one translation between them:
 *
 * - string, number, boolean, bigint: as they are (the tracer drops what it cannot keep, counted);
 * - an array of one primitive type: as it is; any other array: its JSON text;
 * - a nested object: flattened into dotted keys (`{ user: { id: 7 } }` → `user.id = 7`), as
 *   OpenTelemetry's semantic conventions name things, down to {@link MAX_DEPTH} levels; deeper, its
 *   JSON text;
 * - a Date: its ISO text; an Error: `name: message`;
 * - null, undefined, functions and symbols: left out.
 *
 * A value that is not an object at all (`start('job', 42)`) becomes the single attribute `value`.
 * Never throws: a proxy or getter that throws ends the walk with what was read so far.
 */
export const MAX_DEPTH = 4;
/** The most keys one conversion yields; the rest are left out (the tracer's own limit is lower). */
export const MAX_KEYS = 256;

/** `value` as contract attributes; undefined when there are none. */
export function toAttributes(value: unknown, prefix?: string): Attributes | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object') {
    const one = scalar(value);
    return one === undefined ? undefined : { [prefix ?? 'value']: one };
  }
  if (prefix === undefined && isFlat(value)) return value as Attributes;
  const out: Record<string, AttributeValue> = {};
  try {
    // An array is one value (a list attribute), not an object of indexes.
    if (Array.isArray(value)) {
      out[prefix ?? 'value'] = homogeneous(value) ? (value as AttributeValue) : json(value);
      return out;
    }
  } catch {
    return undefined;
  }
  try {
    flatten(value as object, prefix === undefined ? '' : `${prefix}.`, 0, out, { keys: 0 });
  } catch {
    // A throwing getter or proxy trap: keep what was read before it.
  }
  return out;
}

/** True when every own value is a string, number or boolean: the object can go to the tracer as it is. */
function isFlat(value: object): boolean {
  try {
    // Inside the try: a revoked proxy throws even from Array.isArray.
    if (Array.isArray(value) || value instanceof Date || value instanceof Error) return false;
    let count = 0;
    for (const key in value) {
      if (!Object.hasOwn(value, key)) return false;
      const type = typeof (value as Record<string, unknown>)[key];
      if (type !== 'string' && type !== 'number' && type !== 'boolean') return false;
      if (++count > MAX_KEYS) return false;
    }
    return true;
  } catch {
    return false;
  }
}

function flatten(
  value: object,
  prefix: string,
  depth: number,
  out: Record<string, AttributeValue>,
  count: { keys: number },
): void {
  for (const key of Object.keys(value)) {
    if (count.keys >= MAX_KEYS) return;
    const item = (value as Record<string, unknown>)[key];
    const name = prefix + key;
    const one = scalar(item);
    if (one !== undefined) {
      out[name] = one;
      count.keys++;
    } else if (typeof item === 'object' && item !== null) {
      if (Array.isArray(item)) {
        out[name] = homogeneous(item) ? (item as AttributeValue) : json(item);
        count.keys++;
      } else if (depth + 1 < MAX_DEPTH) flatten(item, `${name}.`, depth + 1, out, count);
      else {
        out[name] = json(item);
        count.keys++;
      }
    }
  }
}

function scalar(value: unknown): AttributeValue | undefined {
  switch (typeof value) {
    case 'string':
    case 'number':
    case 'boolean':
    case 'bigint':
      return value;
    case 'object':
      if (value instanceof Date) return Number.isNaN(value.getTime()) ? String(value) : value.toISOString();
      if (value instanceof Error) return `${value.name}: ${value.message}`;
      return undefined;
    default:
      return undefined;
  }
}

function homogeneous(items: readonly unknown[]): boolean {
  if (items.length === 0) return true;
  const type = typeof items[0];
  if (type !== 'string' && type !== 'number' && type !== 'boolean' && type !== 'bigint') return false;
  for (const item of items) if (typeof item !== type) return false;
  return true;
}

/** JSON text of a value that may hold bigints or cycles; never throws. */
export function json(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? item.toString() : item)) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
