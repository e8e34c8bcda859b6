import { describe, expect, it } from 'vitest';
import { runApp } from './support/run-app.js';

// OpenTelemetry's HTTP and undici instrumentations driving real requests through our provider, with
// and without @x/trace's own automatic HTTP spans. One app: GET /outer -> withSpan('call-inner') ->
// fetch GET /inner on the same server.

async function run(xTraceHttp: 'none' | 'all' | 'server') {
  const app = await runApp('http-app.ts', { X_TRACE_HTTP: xTraceHttp });
  const response = await fetch(`http://127.0.0.1:${app.port}/outer`);
  expect(await response.text()).toBe('outer(inner)');
  const spans = await app.stop();
  return spans.filter((s) => s.name !== undefined);
}

describe('OpenTelemetry HTTP instrumentations on the bridge', () => {
  it('alone: their server, our withSpan and their undici client span make one trace, each under the one before', async () => {
    const spans = await run('none');
    const scopes = new Set(spans.map((s) => s.scope?.name));
    expect(scopes.has('@x/trace/http')).toBe(false);
    const servers = spans.filter((s) => s.kind === 'server');
    expect(servers.map((s) => s.scope.name)).toEqual(['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-http']);
    const outer = servers.find((s) => s.attributes['url.path'] === '/outer' || s.attributes['http.target'] === '/outer')!;
    const inner = servers.find((s) => s !== outer)!;
    const callInner = spans.find((s) => s.name === 'call-inner')!;
    const client = spans.find((s) => s.kind === 'client' && s.scope.name === '@opentelemetry/instrumentation-undici')!;
    expect(callInner.parentSpanId).toBe(outer.spanId);
    expect(client.parentSpanId).toBe(callInner.spanId);
    // Across the request: their undici instrumentation injects and their http one extracts
    // through the propagator register() installed.
    expect(inner.parentSpanId).toBe(client.spanId);
    expect(new Set([outer.traceId, callInner.traceId, client.traceId, inner.traceId]).size).toBe(1);
  });

  it('with instrumentHttp() too: ours win, one server span per request and one client span, in one trace', async () => {
    const spans = await run('all');
    const theirs = spans.filter((s) => s.scope?.name?.startsWith('@opentelemetry/instrumentation-'));
    expect(theirs).toEqual([]);
    const servers = spans.filter((s) => s.kind === 'server');
    expect(servers).toHaveLength(2);
    const clients = spans.filter((s) => s.kind === 'client');
    expect(clients).toHaveLength(1);
    const outer = servers.find((s) => s.attributes['url.path'] === '/outer')!;
    const inner = servers.find((s) => s.attributes['url.path'] === '/inner')!;
    const callInner = spans.find((s) => s.name === 'call-inner')!;
    expect(callInner.parentSpanId).toBe(outer.spanId);
    expect(clients[0].parentSpanId).toBe(callInner.spanId);
    expect(inner.parentSpanId).toBe(clients[0].spanId);
    expect(new Set(spans.map((s) => s.traceId)).size).toBe(1);
  });

  it('with only our server spans on: ours make the server spans, theirs the fetch client span', async () => {
    const spans = await run('server');
    const servers = spans.filter((s) => s.kind === 'server');
    expect(servers.map((s) => s.scope.name)).toEqual(['@x/trace/http', '@x/trace/http']);
    const clients = spans.filter((s) => s.kind === 'client');
    expect(clients.map((s) => s.scope.name)).toEqual(['@opentelemetry/instrumentation-undici']);
    const outer = servers.find((s) => s.attributes['url.path'] === '/outer')!;
    const callInner = spans.find((s) => s.name === 'call-inner')!;
    expect(callInner.parentSpanId).toBe(outer.spanId);
    expect(clients[0].parentSpanId).toBe(callInner.spanId);
    const inner = servers.find((s) => s.attributes['url.path'] === '/inner')!;
    expect(inner.parentSpanId).toBe(clients[0].spanId);
  });
});
