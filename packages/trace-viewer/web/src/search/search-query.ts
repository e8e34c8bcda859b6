// The search as the URL holds it (shareable, the back button restores it) and as the API takes it.
// Pure: the form, the page and the tests all go through these three functions.

export interface SearchQuery {
  readonly service: string;
  readonly operation: string;
  /** As typed: `key=value` pairs separated by spaces, values with spaces in double quotes. */
  readonly attributes: string;
  /** As typed: milliseconds (`250`) or a duration (`1.2s`); empty for none. */
  readonly minDuration: string;
  readonly maxDuration: string;
  /** How far back: `15m`, `1h`, … or empty for all time. */
  readonly lookback: string;
  readonly limit: number;
  readonly errorsOnly: boolean;
}

export const DEFAULT_QUERY: SearchQuery = {
  service: '', operation: '', attributes: '', minDuration: '', maxDuration: '', lookback: '1h', limit: 20, errorsOnly: false,
};

export const LOOKBACKS: readonly { readonly value: string; readonly label: string }[] = [
  { value: '5m', label: 'Last 5 minutes' },
  { value: '15m', label: 'Last 15 minutes' },
  { value: '1h', label: 'Last hour' },
  { value: '6h', label: 'Last 6 hours' },
  { value: '1d', label: 'Last day' },
  { value: '7d', label: 'Last 7 days' },
  { value: '', label: 'All time' },
];

/** `a=b c="d e"` as pairs; undefined with the first piece that is not `key=value`. */
export function parseAttributes(text: string): { pairs: [string, string][] } | { error: string } {
  const pairs: [string, string][] = [];
  const piece = /\s*([^\s=]+)=("((?:[^"\\]|\\.)*)"|\S*)\s*/y;
  let at = 0;
  const rest = text.trim();
  while (at < rest.length) {
    piece.lastIndex = at;
    const match = piece.exec(rest);
    if (match === null) return { error: `expected key=value at '${rest.slice(at)}'` };
    pairs.push([match[1]!, match[3] !== undefined ? match[3].replace(/\\(.)/g, '$1') : match[2]!]);
    at = piece.lastIndex;
  }
  return { pairs };
}

function formatAttributes(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([key, value]) => `${key}=${/[\s"]/.test(value) || value === '' ? `"${value.replace(/["\\]/g, '\\$&')}"` : value}`).join(' ');
}

/** The URL's search (`/search?...`) as a query; missing or bad parts take their defaults. */
export function queryFromUrl(params: URLSearchParams): SearchQuery {
  const limit = Number(params.get('limit'));
  const tags = params.getAll('tag').flatMap((tag) => {
    const colon = tag.indexOf(':');
    return colon > 0 ? [[tag.slice(0, colon), tag.slice(colon + 1)] as const] : [];
  });
  return {
    service: params.get('service') ?? '',
    operation: params.get('operation') ?? '',
    attributes: formatAttributes(tags),
    minDuration: params.get('min_duration') ?? '',
    maxDuration: params.get('max_duration') ?? '',
    lookback: params.get('lookback') ?? DEFAULT_QUERY.lookback,
    limit: Number.isInteger(limit) && limit > 0 ? Math.min(limit, 1000) : DEFAULT_QUERY.limit,
    errorsOnly: params.get('status') === 'error',
  };
}

/** The parameters both URLs share: the API's names, so a search URL reads like the API call. */
function commonParams(query: SearchQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.service) params.set('service', query.service);
  if (query.operation) params.set('operation', query.operation);
  const attributes = parseAttributes(query.attributes);
  if ('pairs' in attributes) for (const [key, value] of attributes.pairs) params.append('tag', `${key}:${value}`);
  if (query.minDuration.trim()) params.set('min_duration', query.minDuration.trim());
  if (query.maxDuration.trim()) params.set('max_duration', query.maxDuration.trim());
  if (query.errorsOnly) params.set('status', 'error');
  return params;
}

/** The page's URL search for a query; defaults left out so URLs stay short. */
export function urlFromQuery(query: SearchQuery): URLSearchParams {
  const params = commonParams(query);
  if (query.lookback !== DEFAULT_QUERY.lookback) params.set('lookback', query.lookback);
  if (query.limit !== DEFAULT_QUERY.limit) params.set('limit', String(query.limit));
  return params;
}

/** `GET /_api/traces`'s parameters for a query (the lookback becomes `since`). */
export function apiParamsFromQuery(query: SearchQuery): URLSearchParams {
  const params = commonParams(query);
  if (query.lookback) params.set('since', query.lookback);
  params.set('limit', String(query.limit));
  return params;
}
