import type { AttributeList, AttributeValue } from '@x/tracer-core';

/**
 * An attribute value as a Zipkin tag, as the mapping says: strings as they are, numbers in their
 * shortest round-trip form, booleans `"true"`/`"false"`, arrays as a JSON list in a string. Pure.
 */
export function tagValue(value: AttributeValue): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return JSON.stringify(value);
  return String(value);
}

/** Adds `attributes` (a flat key, value list) to `tags` as strings; later keys win. */
export function putTags(tags: Record<string, string>, attributes: AttributeList): void {
  for (let i = 0; i < attributes.length; i += 2) tags[attributes[i] as string] = tagValue(attributes[i + 1] as AttributeValue);
}

/** `attributes` as a plain object of their values (for an annotation's text). */
export function attributeObject(attributes: AttributeList): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (let i = 0; i < attributes.length; i += 2) out[attributes[i] as string] = attributes[i + 1] as AttributeValue;
  return out;
}
