import type { JsonObject, JsonValue } from './span-row.js';

/** NUL, or half of a surrogate pair: what PostgreSQL's text and JSON (and DuckDB's JSON) refuse. */
const REFUSED = /[\u0000\ud800-\udfff]/;

/**
 * Text as both engines take it: lone surrogates (a string cut mid-emoji by a sender) and NUL
 * become U+FFFD. One RegExp test on the common path, where nothing changes.
 */
export function wellFormedText(text: string): string {
  if (!REFUSED.test(text)) return text;
  return (text as string & { toWellFormed(): string }).toWellFormed().replaceAll('\u0000', '\ufffd');
}

/** A JSON value with every string and key made {@link wellFormedText}; the same object when nothing changed. */
export function wellFormedJson<T extends JsonValue>(value: T): T {
  if (typeof value === 'string') return wellFormedText(value) as T;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    let changed = false;
    const items = value.map((item) => {
      const fixed = wellFormedJson(item as JsonValue);
      changed ||= fixed !== item;
      return fixed;
    });
    return (changed ? items : value) as T;
  }
  let copy: Record<string, JsonValue> | undefined;
  for (const [key, item] of Object.entries(value as JsonObject)) {
    const fixedKey = wellFormedText(key);
    const fixed = wellFormedJson(item);
    if (copy === undefined && (fixedKey !== key || fixed !== item)) {
      copy = Object.create(null) as Record<string, JsonValue>;
      for (const [before, kept] of Object.entries(value as JsonObject)) {
        if (before === key) break;
        copy[before] = kept;
      }
    }
    if (copy !== undefined) copy[fixedKey] = fixed;
  }
  return (copy ?? value) as T;
}

/** A nullable text column, well formed. */
export function wellFormedOrNull(text: string | null): string | null {
  return text === null ? null : wellFormedText(text);
}
