// Two escapers: one for JSON lines, one for text shown on a terminal. Neither lets a value break
// the line format or reach the terminal as a control sequence.

// JSON.stringify already escapes U+0000-U+001F, quotes and backslashes. It leaves DEL, the C1
// controls (U+0080-U+009F, where U+009B is a one-character CSI on some terminals), the Unicode line
// separators and the bidirectional overrides raw: those are escaped too.
const JSON_EXTRA = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const JSON_EXTRA_TEST = /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

const hex4 = (ch: string) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A JSON string literal (quotes included) safe on one line and on a terminal. */
export function jsonString(value: string): string {
  const literal = JSON.stringify(value);
  return JSON_EXTRA_TEST.test(literal) ? literal.replace(JSON_EXTRA, hex4) : literal;
}

// Every control character, line separator and bidi override becomes a visible escape.
const TERMINAL_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const TERMINAL_UNSAFE_TEST = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t', '\u001b': '\\e' };

/** `value` with every character that could move the cursor, recolor or reorder text made visible. */
export function visible(value: string): string {
  if (!TERMINAL_UNSAFE_TEST.test(value)) return value;
  return value.replace(TERMINAL_UNSAFE, (ch) => NAMED[ch] ?? hex4(ch));
}
