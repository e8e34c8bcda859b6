/**
 * What a record keeps of a value the application gave (attributes, a result, event data): a
 * bounded, JSON-like copy, taken when it was given. A copy, so a record does not change when the
 * caller later mutates its object; bounded, so one huge value cannot hold the store hostage; and
 * measured while copying, so the store's byte bound counts what it really holds.
 *
 * As JSON would: own enumerable keys, `toJSON()` when there is one (a Date becomes its ISO text),
 * functions, symbols and undefined left out (null in arrays). Kept as they are: strings, numbers,
 * booleans, null, bigints (a record's JSON form writes them). Beyond the bounds a value becomes a
 * marker text and is counted: strings past {@link MAX_STRING} characters are cut (`…` appended),
 * past {@link MAX_DEPTH} levels or {@link MAX_VALUES} values `[truncated]`, a cycle `[circular]`,
 * a getter or proxy that throws `[unreadable]`. Never throws.
 */
export const MAX_STRING = 16 * 1024;
export const MAX_DEPTH = 8;
export const MAX_VALUES = 1024;

export interface Snapshot {
  readonly value: unknown;
  /** A rough retained size of the copy, as the core's buffers count bytes. */
  readonly bytes: number;
  /** Values cut or replaced by a marker. */
  readonly truncated: number;
}

interface Walk {
  values: number;
  bytes: number;
  truncated: number;
  readonly seen: Set<object>;
}

export function snapshot(value: unknown): Snapshot {
  const walk: Walk = { values: 0, bytes: 0, truncated: 0, seen: new Set() };
  const copy = copyValue(value, 0, walk);
  return { value: copy, bytes: walk.bytes, truncated: walk.truncated };
}

function marker(walk: Walk, text: string): string {
  walk.truncated++;
  walk.bytes += 16 + 2 * text.length;
  return text;
}

function copyValue(value: unknown, depth: number, walk: Walk): unknown {
  if (++walk.values > MAX_VALUES) return marker(walk, '[truncated]');
  switch (typeof value) {
    case 'string':
      if (value.length > MAX_STRING) {
        walk.truncated++;
        walk.bytes += 16 + 2 * (MAX_STRING + 1);
        return `${value.slice(0, MAX_STRING)}…`;
      }
      walk.bytes += 16 + 2 * value.length;
      return value;
    case 'number':
    case 'boolean':
    case 'bigint':
      walk.bytes += 16;
      return value;
    case 'object':
      return value === null ? ((walk.bytes += 8), null) : copyObject(value, depth, walk);
    default:
      return undefined;
  }
}

function copyObject(value: object, depth: number, walk: Walk): unknown {
  if (depth >= MAX_DEPTH) return marker(walk, '[truncated]');
  if (walk.seen.has(value)) return marker(walk, '[circular]');
  walk.seen.add(value);
  try {
    if (value instanceof Error) return copyValue(`${value.name}: ${value.message}`, depth, walk);
    const toJSON = (value as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') return copyValue(toJSON.call(value), depth + 1, walk);
    walk.bytes += 32;
    if (Array.isArray(value)) {
      const out: unknown[] = [];
      for (const item of value) {
        const copy = copyValue(item, depth + 1, walk);
        out.push(copy === undefined ? null : copy);
        walk.bytes += 8;
        if (walk.values > MAX_VALUES) break;
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      if (key === '__proto__') continue;
      const copy = copyValue((value as Record<string, unknown>)[key], depth + 1, walk);
      if (copy === undefined) continue;
      out[key] = copy;
      walk.bytes += 16 + 2 * key.length;
      if (walk.values > MAX_VALUES) break;
    }
    return out;
  } catch {
    return marker(walk, '[unreadable]');
  } finally {
    walk.seen.delete(value);
  }
}
