import type { IncomingMessage } from 'node:http';
import type { TraceStore } from '../trace-store.js';
import { ApiError } from './api-error.js';
import { searchParams } from './search-params.js';

/** Spans one trace answer holds at most (the viewer shows 10,000 smoothly); past it `truncated: true`. */
const MAX_TRACE_SPANS = 100_000;
/** Services and operations one answer lists at most: span names of high cardinality make many. */
const MAX_LIST = 10_000;

function decodedId(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ApiError(400, `the trace id '${text}' is not valid percent-encoding`, 'id');
  }
}

/** A JSON answer: status and body. */
export interface ApiAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * The document's API, read-only:
 * - `GET /_api/traces/:id`: the whole trace, spans ordered by start (404 when unknown);
 * - `GET /_api/traces?...`: trace summaries, newest first (see `search-params.ts`);
 * - `GET /_api/services` and `GET /_api/operations?service=`.
 * Undefined for a path that is not the API's.
 */
export async function answerApi(store: TraceStore, req: IncomingMessage, url: URL): Promise<ApiAnswer | undefined> {
  const path = url.pathname;
  if (!path.startsWith('/_api/')) return undefined;
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new ApiError(405, `${path} answers GET only`);
  if (path === '/_api/traces') {
    const query = searchParams(url.searchParams);
    return { status: 200, body: { traces: await store.searchTraces(query), limit: query.limit } };
  }
  if (path.startsWith('/_api/traces/')) {
    const id = decodedId(path.slice('/_api/traces/'.length));
    const trace = await store.getTrace(id);
    if (trace === undefined) throw new ApiError(404, `no trace with id '${id}' is stored`);
    const truncated = trace.spans.length > MAX_TRACE_SPANS;
    const spans = truncated ? trace.spans.slice(0, MAX_TRACE_SPANS) : trace.spans;
    return { status: 200, body: { trace_id: trace.summary.trace_id, summary: trace.summary, spans, ...(truncated ? { truncated: true } : {}) } };
  }
  if (path === '/_api/services') return { status: 200, body: { services: (await store.services()).slice(0, MAX_LIST) } };
  if (path === '/_api/operations') {
    const service = url.searchParams.get('service') ?? undefined;
    return { status: 200, body: { operations: (await store.operations(service === '' ? undefined : service)).slice(0, MAX_LIST) } };
  }
  throw new ApiError(404, `no such API path: ${path} (the API: /_api/traces, /_api/traces/:id, /_api/services, /_api/operations)`);
}
