import { trimOws } from './traceparent.js';

/**
 * The `tracestate` header of W3C Trace Context (Level 2): a comma-separated list of up to 32
 * `key=value` members, vendor entries first. Per the Recommendation, a header that breaks the
 * grammar anywhere (a bad key or value, a duplicated key, more than 32 members) is dropped whole;
 * empty members and optional whitespace around members are allowed. Several header lines are one
 * list, in order.
 *
 * Keys: `simple-key = lcalpha 0*255(lcalpha / DIGIT / "_" / "-" / "*" / "/")`, or
 * `tenant@system` with a tenant of at most 241 characters (first one lcalpha or DIGIT) and a system
 * of at most 14 (first one lcalpha). Values: 1 to 256 printable ASCII characters without `,` and
 * `=`, the last one not a space.
 */
export const MAX_MEMBERS = 32;
/** What we pass on at most: the Recommendation asks for at least 512 characters to be propagated. */
export const MAX_LENGTH = 512;
/** Members longer than this go first when the header would be too long (the Recommendation's order). */
const LONG_MEMBER = 128;

/** A valid tracestate as an ordered list of members (`key=value`), or undefined when invalid. */
export function parseTraceState(lines: readonly string[]): string[] | undefined {
  const members: string[] = [];
  const keys = new Set<string>();
  for (const line of lines) {
    for (const raw of line.split(',')) {
      const member = trimOws(raw);
      if (member === '') continue;
      const equals = member.indexOf('=');
      if (equals <= 0) return undefined;
      const key = member.slice(0, equals);
      if (!isKey(key) || !isValue(member, equals + 1) || keys.has(key)) return undefined;
      keys.add(key);
      members.push(member);
      if (members.length > MAX_MEMBERS) return undefined;
    }
  }
  return members;
}

/** `members` with `key=value` first (any older entry of `key` removed), at most 32 members and 512 characters. */
export function withEntry(members: readonly string[], key: string, value: string): string {
  const out = [`${key}=${value}`];
  for (const member of members) if (!member.startsWith(`${key}=`)) out.push(member);
  while (out.length > MAX_MEMBERS) out.pop();
  return joinWithin(out);
}

/**
 * The members joined within {@link MAX_LENGTH}: members over 128 characters go first, from the end,
 * then the last members, as the Recommendation orders it. The first member (ours) always stays.
 */
export function joinWithin(members: readonly string[]): string {
  const kept = [...members];
  const length = () => kept.reduce((sum, member) => sum + member.length, kept.length - 1);
  for (let i = kept.length - 1; i > 0 && length() > MAX_LENGTH; i--) if (kept[i]!.length > LONG_MEMBER) kept.splice(i, 1);
  while (kept.length > 1 && length() > MAX_LENGTH) kept.pop();
  return kept.join(',');
}

function isKeyChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95 || code === 45 || code === 42 || code === 47;
}

const isLcAlpha = (code: number) => code >= 97 && code <= 122;
const isDigit = (code: number) => code >= 48 && code <= 57;

/** True for a simple key or a `tenant@system` key. */
export function isKey(key: string): boolean {
  const at = key.indexOf('@');
  if (at < 0) return key.length <= 256 && isLcAlpha(key.charCodeAt(0)) && allKeyChars(key, 1, key.length);
  const tenant = at;
  const system = key.length - at - 1;
  if (tenant < 1 || tenant > 241 || system < 1 || system > 14) return false;
  const first = key.charCodeAt(0);
  return (
    (isLcAlpha(first) || isDigit(first)) &&
    allKeyChars(key, 1, at) &&
    isLcAlpha(key.charCodeAt(at + 1)) &&
    allKeyChars(key, at + 2, key.length)
  );
}

function allKeyChars(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isKeyChar(text.charCodeAt(i))) return false;
  return true;
}

/** True when `text[from..]` is a value: 1-256 of %x20-2B / %x2D-3C / %x3E-7E, the last not a space. */
function isValue(text: string, from: number): boolean {
  const length = text.length - from;
  if (length < 1 || length > 256 || text.charCodeAt(text.length - 1) === 32) return false;
  for (let i = from; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x2c || code === 0x3d) return false;
  }
  return true;
}
