import { describe, expect, it } from 'vitest';
import { SpanKind, SpanStatusCode, ledgerProblem } from '@x/tracer-core';
import { createMemoryTracer } from '@x/tracer-memory';

describe('createMemoryTracer', () => {
  it('keeps finished spans as plain records and drain empties the buffer', () => {
    const tracer = createMemoryTracer();
    const root = tracer.startSpan({ name: 'request', kind: SpanKind.SERVER, attributes: { route: '/users' } });
    const child = tracer.startSpan({ name: 'db', kind: SpanKind.CLIENT, parent: root });
    tracer.addEvent(child, { name: 'row', attributes: { n: 1 } });
    tracer.setStatus(child, { code: SpanStatusCode.OK });
    tracer.endSpan(child);
    tracer.endSpan(root);
    const [db, request] = tracer.drain();
    expect(db).toMatchObject({ name: 'db', kind: SpanKind.CLIENT, parentSpanId: root.spanId, traceId: root.traceId });
    expect(db!.status).toEqual({ code: SpanStatusCode.OK });
    expect(db!.events.map((e) => e.name)).toEqual(['row']);
    expect(request!.parentSpanId).toBeUndefined();
    expect({ ...request!.attributes }).toEqual({ route: '/users' });
    expect(request!.durationNanos).toBe(request!.endTimeUnixNanos - request!.startTimeUnixNanos);
    expect(request!.durationNanos >= db!.durationNanos).toBe(true);
    expect(tracer.drain()).toEqual([]);
  });

  it.each([false, true])("records carry the span's scope (packFinishedSpans: %s)", (packFinishedSpans) => {
    const tracer = createMemoryTracer({ packFinishedSpans });
    const scope = { name: '@x/http', version: '2.1.0' };
    const root = tracer.startSpan({ name: 'request', scope });
    tracer.endSpan(tracer.startSpan({ name: 'db', parent: root, scope: { name: 'pg' } }));
    tracer.endSpan(tracer.startSpan({ name: 'unscoped', parent: root }));
    tracer.endSpan(root);
    const records = tracer.drain();
    expect(records.map((s) => [s.name, s.scope])).toEqual([
      ['db', { name: 'pg', version: undefined }],
      ['unscoped', undefined],
      ['request', { name: '@x/http', version: '2.1.0' }],
    ]);
  });

  it.each([false, true])('drains the name a span was renamed to; a bad name or a late one changes nothing (packFinishedSpans: %s)', (packFinishedSpans) => {
    const tracer = createMemoryTracer({ packFinishedSpans });
    const server = tracer.startSpan({ name: 'GET', kind: SpanKind.SERVER });
    const child = tracer.startSpan({ name: 'auth', parent: server });
    tracer.updateName(server, 'GET /users/:id');
    tracer.updateName(child, null as never);
    tracer.endSpan(child);
    tracer.endSpan(server);
    tracer.updateName(server, 'too late');
    expect(tracer.drain().map((s) => [s.name, s.spanId])).toEqual([
      ['auth', child.spanId],
      ['GET /users/:id', server.spanId],
    ]);
    expect(tracer.stats()).toMatchObject({ invalidCalls: 1, spansExported: 2 });
    expect(ledgerProblem(tracer.stats())).toBeUndefined();
  });

  it('counts drained spans as exported and bounds the buffer, counting overflow', () => {
    const tracer = createMemoryTracer({ maxBufferedSpans: 2 });
    for (let i = 0; i < 3; i++) tracer.endSpan(tracer.startSpan({ name: `s${i}` }));
    expect(tracer.drain().map((s) => s.name)).toEqual(['s0', 's1']);
    const stats = tracer.stats();
    expect(stats).toMatchObject({ spansStarted: 3, spansEnded: 3, spansExported: 2, spansDropped: { 'queue-full': 1 } });
    expect(ledgerProblem(stats)).toBeUndefined();
  });

  it('rejects bad options with a clear message', () => {
    expect(() => createMemoryTracer({ name: '' })).toThrow(/name must be a non-empty string/);
    expect(() => createMemoryTracer({ maxBufferedSpans: -1 })).toThrow(/maxBufferedSpans must be a positive integer/);
    expect(() => createMemoryTracer('fast' as never)).toThrow(/options must be an object/);
  });
});
