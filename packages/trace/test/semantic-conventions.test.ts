// The URL redaction the HTTP spans use, on the edge cases of a query string.
import { describe, expect, it } from 'vitest';
import { redactQuery } from '../src/http/semantic-conventions.js';

const SENSITIVE = new Set(['sig', 'Signature', 'X-Goog-Signature']);

describe('redactQuery', () => {
  it.each([
    ['a=1&sig=2&b=3', 'a=1&sig=REDACTED&b=3'],
    ['sig=x', 'sig=REDACTED'],
    ['a=1&Signature=2&sig=3', 'a=1&Signature=REDACTED&sig=REDACTED'],
    ['&&sig=1&&', '&&sig=REDACTED&&'],
    ['sig=&b', 'sig=REDACTED&b'],
    ['=x&sig=1=2', '=x&sig=REDACTED'],
    // Names are compared percent-decoded; a name that does not decode is compared as it is.
    ['X%2DGoog-Signature=abc&z=1', 'X%2DGoog-Signature=REDACTED&z=1'],
    ['b%zz=1&sig=1', 'b%zz=1&sig=REDACTED'],
  ])('%s -> %s', (query, expected) => {
    expect(redactQuery(query, SENSITIVE)).toBe(expected);
  });

  it('returns the query itself when nothing is redacted: a name without a value, other names, case', () => {
    for (const query of ['a=1', 'sig', 'SIG=1', 'signature=1', 'a=sig', '']) {
      expect(redactQuery(query, SENSITIVE)).toBe(query);
    }
    expect(redactQuery('sig=1', new Set())).toBe('sig=1');
  });
});
