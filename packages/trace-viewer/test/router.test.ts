import { describe, expect, it } from 'vitest';
import { decodePathSegment } from '../web/src/router.ts';

describe('decodePathSegment', () => {
  it('decodes a percent-encoded segment', () => {
    expect(decodePathSegment('a%20b%2Fc')).toBe('a b/c');
  });

  it('answers undefined for broken percent-encoding instead of throwing a URIError', () => {
    expect(decodePathSegment('%E0%A4')).toBeUndefined();
    expect(decodePathSegment('%')).toBeUndefined();
  });
});
