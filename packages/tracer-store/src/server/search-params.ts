import { parseDuration } from '../duration.js';
import { MAX_SEARCH_LIMIT, type TraceQuery } from '../trace-query.js';
import { ApiError } from './api-error.js';

const PARAMETERS = ['service', 'operation', 'min_duration', 'max_duration', 'status', 'tag', 'since', 'until', 'limit'];

/**
 * `GET /_api/traces`'s parameters as a {@link TraceQuery}. Durations are milliseconds (`1000`) or
 * durations (`1.2s`, `250ms`); `since`/`until` an ISO time, milliseconds since the epoch, or a
 * duration before now (`since=1h`); `tag=key:value`, repeatable; `limit` capped at 1000.
 * @throws ApiError (400) naming the first parameter that is wrong and what it takes.
 */
export function searchParams(params: URLSearchParams): TraceQuery & { limit: number } {
  for (const name of new Set(params.keys())) {
    if (!PARAMETERS.includes(name)) throw new ApiError(400, `unknown parameter '${name}'; the parameters are ${PARAMETERS.join(', ')}`, name);
  }
  const text = (name: string) => {
    const values = params.getAll(name);
    if (values.length > 1) throw new ApiError(400, `${name} is given ${values.length} times; give it once`, name);
    const value = values[0];
    if (value === '') throw new ApiError(400, `${name} is empty; leave it out to match any`, name);
    return value;
  };
  const duration = (name: string) => {
    const value = text(name);
    if (value === undefined) return undefined;
    const millis = parseDuration(/^\d+(\.\d+)?$/.test(value) ? Number(value) : value);
    if (millis === undefined) throw new ApiError(400, `${name} must be milliseconds (1000) or a duration (1.2s, 250ms), got '${value}'`, name);
    return millis;
  };
  const status = text('status');
  if (status !== undefined && status !== 'error') throw new ApiError(400, `status takes only 'error' (traces with an error span), got '${status}'`, 'status');
  const tags = params.getAll('tag').map((tag) => {
    const colon = tag.indexOf(':');
    if (colon <= 0) throw new ApiError(400, `tag must be key:value (http.route:/orders), got '${tag}'`, 'tag');
    return [tag.slice(0, colon), tag.slice(colon + 1)] as const;
  });
  const limitText = text('limit');
  let limit = 20;
  if (limitText !== undefined) {
    if (!/^\d+$/.test(limitText) || Number(limitText) < 1) throw new ApiError(400, `limit must be a whole number from 1, got '${limitText}'`, 'limit');
    limit = Math.min(Number(limitText), MAX_SEARCH_LIMIT);
  }
  const minDurationMillis = duration('min_duration');
  const maxDurationMillis = duration('max_duration');
  return {
    ...optional('service', text('service')),
    ...optional('operation', text('operation')),
    ...optional('minDurationMillis', minDurationMillis),
    ...optional('maxDurationMillis', maxDurationMillis),
    ...(status === 'error' ? { errorsOnly: true } : {}),
    ...(tags.length > 0 ? { tags } : {}),
    ...optional('since', time('since', text('since'))),
    ...optional('until', time('until', text('until'))),
    limit,
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function time(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  // Epoch seconds (10 digits, as Unix tools print them) or milliseconds (13, as Date.now()).
  if (/^\d{10}$/.test(value)) return new Date(Number(value) * 1000);
  if (/^\d{13}$/.test(value)) return new Date(Number(value));
  const ago = parseDuration(value);
  if (ago !== undefined && !/^\d{4}-/.test(value)) return new Date(Date.now() - ago);
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new ApiError(400, `${name} must be an ISO time (2026-11-22T10:00:00Z), seconds (10 digits) or milliseconds (13) since the epoch, or a duration before now (1h), got '${value}'`, name);
  }
  return date;
}
