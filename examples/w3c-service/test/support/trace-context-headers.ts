// The harness's own reading of the headers a service sends, written from the grammar of W3C Trace
// Context (https://www.w3.org/TR/trace-context-2/, "traceparent Header Field Values" and
// "tracestate Header Field Values"), independent of any tracing code in this repository: a harness
// that shared the parser of the code it tests would agree with that code's mistakes.
//
// It reads what a participant must *send*, so it is strict where a receiver would be lenient: a
// traceparent must be version 00 with exactly four fields, and every tracestate list member must
// follow the grammar. A header it cannot read fails the test, as a ValueError does in the
// official harness.

/** A traceparent as a participant sends it: version `00`, four fields. */
export interface Traceparent {
  version: '00';
  /** 32 lowercase hex digits, not all zero. */
  traceId: string;
  /** 16 lowercase hex digits, not all zero. */
  parentId: string;
  /** The flags byte: bit 0 is `sampled`, bit 1 (Level 2) `random-trace-id`. */
  traceFlags: number;
}

/** The list members of every tracestate header, in order; a key keeps its first value. */
export type Tracestate = ReadonlyMap<string, string>;

const HEX = /^[0-9a-f]+$/;
/** HTTP's optional whitespace, around a field value and around tracestate's commas. */
const OWS = /^[ \t]+|[ \t]+$/g;

/** Reads a traceparent value; throws, saying what is wrong, on anything else. */
export function parseTraceparent(value: string): Traceparent {
  const fields = value.replace(OWS, '').split('-');
  const fail = (why: string): never => {
    throw new Error(`invalid traceparent ${JSON.stringify(value)}: ${why}`);
  };
  if (fields.length !== 4) fail(`expected version 00's four fields, got ${fields.length}`);
  const [version, traceId, parentId, flags] = fields as [string, string, string, string];
  if (version !== '00') fail(`version must be 00, got ${JSON.stringify(version)}`);
  if (!isHex(traceId, 32)) fail('trace-id must be 32 lowercase hex digits');
  if (/^0+$/.test(traceId)) fail('trace-id is all zero');
  if (!isHex(parentId, 16)) fail('parent-id must be 16 lowercase hex digits');
  if (/^0+$/.test(parentId)) fail('parent-id is all zero');
  if (!isHex(flags, 2)) fail('trace-flags must be 2 lowercase hex digits');
  return { version: '00', traceId, parentId, traceFlags: Number.parseInt(flags, 16) };
}

function isHex(field: string, digits: number): boolean {
  return field.length === digits && HEX.test(field);
}

// key = simple-key / multi-tenant-key
// simple-key       = lcalpha 0*255( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
// multi-tenant-key = tenant-id "@" system-id
// tenant-id        = ( lcalpha / DIGIT ) 0*240( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
// system-id        = lcalpha 0*13( lcalpha / DIGIT / "_" / "-"/ "*" / "/" )
// value            = 0*255(chr) nblk-chr; nblk-chr = %x21-2B / %x2D-3C / %x3E-7E; chr = %x20 / nblk-chr
const KEY_CHAR = '[a-z0-9_*/-]';
const SIMPLE_KEY = `[a-z]${KEY_CHAR}{0,255}`;
const MULTI_TENANT_KEY = `[a-z0-9]${KEY_CHAR}{0,240}@[a-z]${KEY_CHAR}{0,13}`;
const NBLK_CHR = '\\x21-\\x2b\\x2d-\\x3c\\x3e-\\x7e';
const VALUE = `[\\x20${NBLK_CHR}]{0,255}[${NBLK_CHR}]`;
const LIST_MEMBER = new RegExp(`^(${SIMPLE_KEY}|${MULTI_TENANT_KEY})=(${VALUE})$`);

/**
 * Reads the values of every tracestate header, in the order they came, as one list. Empty list
 * members (OWS between commas) are allowed and skipped; a member outside the grammar throws. A
 * repeated key keeps its first value, as the official harness's parser does: the duplicate is the
 * service's to drop, and the tests that care look for the key being gone.
 */
export function parseTracestate(values: readonly string[]): Tracestate {
  const state = new Map<string, string>();
  for (const value of values) {
    for (const member of value.split(',')) {
      const text = member.replace(OWS, '');
      if (text === '') continue;
      const match = LIST_MEMBER.exec(text);
      if (!match) throw new Error(`invalid tracestate list member ${JSON.stringify(text)} in ${JSON.stringify(value)}`);
      const [, key, memberValue] = match as unknown as [string, string, string];
      if (!state.has(key)) state.set(key, memberValue);
    }
  }
  return state;
}

/** The list written back as one header value, `key=value` joined by commas. */
export function serializeTracestate(state: Tracestate): string {
  return Array.from(state, ([key, value]) => `${key}=${value}`).join(',');
}
