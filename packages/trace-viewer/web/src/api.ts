import type { OperationInfo, SearchResponse, TraceResponse } from './api-types.ts';

/** What the API answered instead of data: its message (the store names the wrong parameter). */
export class ApiFailure extends Error {
  override readonly name = 'ApiFailure';
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(path, { headers: { accept: 'application/json' }, ...(signal ? { signal } : {}) });
  const body = (await response.json().catch(() => undefined)) as { error?: { message?: string } } | undefined;
  if (!response.ok) throw new ApiFailure(response.status, body?.error?.message ?? `${path} answered ${response.status}`);
  return body as T;
}

/** Trace summaries, newest first; `params` are the API's (see search-query.ts). */
export function searchTraces(params: URLSearchParams, signal?: AbortSignal): Promise<SearchResponse> {
  return getJson(`/_api/traces?${params}`, signal);
}

export function fetchTrace(traceId: string, signal?: AbortSignal): Promise<TraceResponse> {
  return getJson(`/_api/traces/${encodeURIComponent(traceId)}`, signal);
}

export async function fetchServices(): Promise<string[]> {
  return (await getJson<{ services: string[] }>('/_api/services')).services;
}

export async function fetchOperations(service: string, signal?: AbortSignal): Promise<OperationInfo[]> {
  const query = service === '' ? '' : `?service=${encodeURIComponent(service)}`;
  return (await getJson<{ operations: OperationInfo[] }>(`/_api/operations${query}`, signal)).operations;
}
