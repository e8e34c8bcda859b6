import { describe, expect, it } from 'vitest';
import { apiParamsFromQuery, DEFAULT_QUERY, parseAttributes, queryFromUrl, urlFromQuery, type SearchQuery } from '../web/src/search/search-query.ts';

describe('search query', () => {
  it.each<[string, Partial<SearchQuery>]>([
    ['defaults', {}],
    ['every field', { service: 'orders', operation: 'POST /orders', attributes: 'http.route=/orders user.id=u-77', minDuration: '100ms', maxDuration: '2s', lookback: '6h', limit: 50, errorsOnly: true }],
    ['a value with spaces and quotes', { attributes: 'db.statement="SELECT \\"a\\" FROM t" empty=""' }],
    ['all time', { lookback: '' }],
  ])('round-trips through the URL: %s', (_, fields) => {
    const query = { ...DEFAULT_QUERY, ...fields };

    const url = urlFromQuery(query).toString();

    expect(queryFromUrl(new URLSearchParams(url))).toEqual(query);
  });

  it('leaves defaults out of the URL', () => {
    expect(urlFromQuery(DEFAULT_QUERY).toString()).toBe('');
  });

  it('asks the API with its own parameter names, the lookback as since', () => {
    const params = apiParamsFromQuery({ ...DEFAULT_QUERY, service: 'orders', attributes: 'http.route=/orders error=true', minDuration: '1.2s', errorsOnly: true });

    expect([...params]).toEqual([
      ['service', 'orders'], ['tag', 'http.route:/orders'], ['tag', 'error:true'], ['min_duration', '1.2s'], ['status', 'error'], ['since', '1h'], ['limit', '20'],
    ]);
  });

  it('takes a bad limit as the default', () => {
    expect(queryFromUrl(new URLSearchParams('limit=-3')).limit).toBe(20);
    expect(queryFromUrl(new URLSearchParams('limit=5000')).limit).toBe(1000);
  });
});

describe('parseAttributes', () => {
  it('reads key=value pairs, quoted values with spaces', () => {
    expect(parseAttributes(' a=1  b="two words" c=x=y ')).toEqual({ pairs: [['a', '1'], ['b', 'two words'], ['c', 'x=y']] });
  });

  it('names the piece that is not key=value', () => {
    expect(parseAttributes('a=1 oops')).toEqual({ error: "expected key=value at 'oops'" });
  });
});
