/**
 * One shape for result values whatever the engine, so the document's queries give the same rows on
 * DuckDB and PostgreSQL: integers as numbers (as decimal strings past 2^53, which a number would
 * round), DECIMAL/NUMERIC as numbers, timestamps as `Date`, JSON columns parsed, UUIDs as strings.
 */

/** A 64-bit integer as a number when it is exact, else its decimal text. */
export function integerValue(value: bigint): number | string {
  return value >= -9007199254740991n && value <= 9007199254740991n ? Number(value) : value.toString();
}

/** Text of a PostgreSQL int8 in the same shape as {@link integerValue}. */
export function int8Text(text: string): number | string {
  const number = Number(text);
  return Number.isSafeInteger(number) ? number : text;
}

/** JSON text parsed; text that does not parse stays text (DuckDB's JSON is text underneath). */
export function jsonValue(text: unknown): unknown {
  if (typeof text !== 'string') return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
