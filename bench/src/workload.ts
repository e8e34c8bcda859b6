// The same work, written once for each library: the benchmark's "full span" and a bare child.
import { SpanKind as OtelKind, SpanStatusCode as OtelStatus, context, trace, type Context, type Tracer } from '@opentelemetry/api';
import { SpanKind, SpanStatusCode, type SpanHandle, type SpanStart, type TracerPlugin } from '@x/tracer-core';

const OK = { code: SpanStatusCode.OK } as const;
const OTEL_OK = { code: OtelStatus.OK } as const;

/** Kind, 3 attributes at start, 2 setAttribute, 1 event with 1 attribute, status, end. */
export function oursFullSpan(tracer: TracerPlugin, parent?: SpanHandle): void {
  const span = tracer.startSpan({
    name: 'GET /users/:id',
    kind: SpanKind.SERVER,
    parent,
    attributes: { 'http.request.method': 'GET', 'url.path': '/users/42', 'user_agent.original': 'bench/1.0' },
  });
  tracer.setAttribute(span, 'http.response.status_code', 200);
  tracer.setAttribute(span, 'http.route', '/users/:id');
  tracer.addEvent(span, { name: 'cache.miss', attributes: { 'cache.key': 'user:42' } });
  tracer.setStatus(span, OK);
  tracer.endSpan(span);
}

export function theirsFullSpan(tracer: Tracer, ctx?: Context): void {
  const span = tracer.startSpan(
    'GET /users/:id',
    {
      kind: OtelKind.SERVER,
      attributes: { 'http.request.method': 'GET', 'url.path': '/users/42', 'user_agent.original': 'bench/1.0' },
    },
    ctx,
  );
  span.setAttribute('http.response.status_code', 200);
  span.setAttribute('http.route', '/users/:id');
  span.addEvent('cache.miss', { 'cache.key': 'user:42' });
  span.setStatus(OTEL_OK);
  span.end();
}

/** A parent with `children` bare children (start, end). */
export function oursNested(tracer: TracerPlugin, children: number): void {
  const parent = tracer.startSpan({ name: 'parent', kind: SpanKind.SERVER });
  for (let i = 0; i < children; i++) tracer.endSpan(tracer.startSpan({ name: 'child', parent }));
  tracer.endSpan(parent);
}

export function theirsNested(tracer: Tracer, children: number): void {
  const parent = tracer.startSpan('parent', { kind: OtelKind.SERVER });
  const ctx = trace.setSpan(context.active(), parent);
  for (let i = 0; i < children; i++) tracer.startSpan('child', undefined, ctx).end();
  parent.end();
}

const HOISTED_EVENT = { name: 'cache.miss' };
const HOISTED_STATUS = { code: 1 } as const;

/**
 * `count` spans with every recording call, the caller's objects made once (`start` included): what
 * the tracer itself allocates, for the allocation notes.
 */
export function oursHoistedSpans(tracer: TracerPlugin, start: SpanStart, count: number): void {
  for (let i = 0; i < count; i++) {
    const span = tracer.startSpan(start);
    tracer.setAttribute(span, 'http.route', '/users/:id');
    tracer.addEvent(span, HOISTED_EVENT);
    tracer.setStatus(span, HOISTED_STATUS);
    tracer.endSpan(span);
  }
}
