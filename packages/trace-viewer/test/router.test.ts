import { describe, expect, it } from 'vitest';
import { decodePathSegment, traceHref } from '../web/src/router.ts';

describe('decodePathSegment', () => {
  it('decodes a percent-encoded segment', () => {
    expect(decodePathSegment('a%20b%2Fc')).toBe('a b/c');
  });

  it('answers undefined for broken percent-encoding instead of throwing a URIError', () => {
    expect(decodePathSegment('%E0%A4')).toBeUndefined();
    expect(decodePathSegment('%')).toBeUndefined();
  });
});

describe('traceHref', () => {
  it('encodes ids that are not hex, and they decode back as they were', () => {
    expect(traceHref('4bf92f3577b34da6a3ce929d0e0e4736')).toBe('/trace/4bf92f3577b34da6a3ce929d0e0e4736');
    expect(traceHref('abc/1?x#y', 'a&b')).toBe('/trace/abc%2F1%3Fx%23y?span=a%26b');
    const url = new URL(traceHref('abc/1?x#y', 'a&b'), 'http://x');
    expect(decodePathSegment(url.pathname.slice('/trace/'.length))).toBe('abc/1?x#y');
    expect(url.searchParams.get('span')).toBe('a&b');
  });
});
