import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { SpanKind, SpanStatusCode } from '@x/tracer-core';
import { ORIGIN_UNIX_NANOS } from '@x/tracer-core/internal';
import { createStdoutTracer } from '@x/tracer-stdout';

async function collect(stream: PassThrough): Promise<string> {
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (text += chunk));
  return new Promise((resolve) => setImmediate(() => resolve(text)));
}

describe('format: json', () => {
  it('writes one parseable object per span per line with the documented fields', async () => {
    const stream = new PassThrough();
    const output = collect(stream);
    const tracer = createStdoutTracer({ stream, format: 'json', hookProcessShutdown: false });
    const start = ORIGIN_UNIX_NANOS + 1_000_000_000n;
    const link = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
    const root = tracer.startSpan({ name: 'GET /users', kind: SpanKind.SERVER, startTimeUnixNanos: start, links: [{ context: link }] });
    const child = tracer.startSpan({ name: 'db', kind: SpanKind.CLIENT, parent: root, startTimeUnixNanos: start + 10n });
    tracer.setAttribute(child, 'int64', 2n ** 62n + 1n);
    tracer.setAttribute(child, 'small', 5n);
    tracer.setAttribute(child, 'list', ['a', 'b']);
    tracer.setAttribute(child, 'ratio', 0.25);
    tracer.addEvent(child, { name: 'row', timeUnixNanos: start + 20n, attributes: { n: 1 } });
    tracer.setStatus(child, { code: SpanStatusCode.ERROR, message: 'timeout' });
    tracer.endSpan(child, start + 1_500_010n);
    tracer.endSpan(root, start + 2_000_000n);
    await tracer.shutdown();
    stream.end();
    const lines = (await output).split('\n');
    expect(lines.at(-1)).toBe('');
    const [db, users] = lines.slice(0, -1).map((line) => JSON.parse(line));
    expect(db).toEqual({
      traceId: root.traceId,
      spanId: child.spanId,
      parentSpanId: root.spanId,
      name: 'db',
      kind: 'client',
      startTimeUnixNano: String(start + 10n),
      endTimeUnixNano: String(start + 1_500_010n),
      durationMs: 1.5,
      status: { code: 'error', message: 'timeout' },
      attributes: { int64: '4611686018427387905', small: 5, list: ['a', 'b'], ratio: 0.25 },
      events: [{ name: 'row', timeUnixNano: String(start + 20n), attributes: { n: 1 } }],
    });
    expect(users).toMatchObject({ parentSpanId: null, kind: 'server', durationMs: 2, status: { code: 'unset' } });
    expect(users.links).toEqual([{ ...link, attributes: {} }]);
  });

  it('escapes every value so no line breaks and no terminal control sequence gets through', async () => {
    const stream = new PassThrough();
    const output = collect(stream);
    const tracer = createStdoutTracer({ stream, format: 'json', hookProcessShutdown: false });
    const hostile = 'a\nb\r\u001b[31mred\u0007\u009b2J\u2028\u2029\u202eevil\u0000"\\';
    const span = tracer.startSpan({ name: hostile, attributes: { [hostile]: hostile }, scope: { name: hostile, version: hostile } });
    tracer.endSpan(span);
    await tracer.shutdown();
    const text = await output;
    expect(text.split('\n')).toHaveLength(2);
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202e]/);
    const parsed = JSON.parse(text);
    expect(parsed.name).toBe(hostile);
    expect(parsed.attributes[hostile]).toBe(hostile);
    expect(parsed.scope).toEqual({ name: hostile, version: hostile });
  });

  it('carries the scope: name and version, version left out when none, no field without a scope', async () => {
    const stream = new PassThrough();
    const output = collect(stream);
    const tracer = createStdoutTracer({ stream, format: 'json', hookProcessShutdown: false });
    const http = { name: '@x/http', version: '2.1.0' };
    const root = tracer.startSpan({ name: 'root', scope: http });
    tracer.endSpan(tracer.startSpan({ name: 'db', parent: root, scope: { name: 'pg' } }));
    tracer.endSpan(tracer.startSpan({ name: 'plain', parent: root }));
    tracer.endSpan(tracer.startSpan({ name: 'malformed', parent: root, scope: { name: 42 } as never }));
    tracer.endSpan(root);
    await tracer.shutdown();
    const lines = (await output).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.name, line.scope])).toEqual([
      ['db', { name: 'pg' }],
      ['plain', undefined],
      ['malformed', undefined],
      ['root', { name: '@x/http', version: '2.1.0' }],
    ]);
    expect(lines.filter((line) => 'scope' in line)).toHaveLength(2);
  });

  it('writes the name a span was renamed to before it ended', async () => {
    const stream = new PassThrough();
    const output = collect(stream);
    const tracer = createStdoutTracer({ stream, format: 'json', hookProcessShutdown: false });
    const server = tracer.startSpan({ name: 'GET', kind: SpanKind.SERVER });
    tracer.endSpan(tracer.startSpan({ name: 'db', parent: server }));
    tracer.updateName(server, 'GET /users/:id');
    tracer.updateName(server, 42 as never);
    tracer.endSpan(server);
    tracer.updateName(server, 'too late');
    await tracer.shutdown();
    const lines = (await output).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.name, line.spanId, line.kind])).toEqual([
      ['db', expect.any(String), 'internal'],
      ['GET /users/:id', server.spanId, 'server'],
    ]);
    expect(tracer.stats()).toMatchObject({ invalidCalls: 1, spansExported: 2 });
  });

  it('reports dropped counts only when something was dropped', async () => {
    const stream = new PassThrough();
    const output = collect(stream);
    const tracer = createStdoutTracer({ stream, format: 'json', hookProcessShutdown: false, spanLimits: { attributeCountLimit: 1 } });
    tracer.endSpan(tracer.startSpan({ name: 'a', attributes: { x: 1, y: 2 } }));
    tracer.endSpan(tracer.startSpan({ name: 'b' }));
    await tracer.shutdown();
    const [a, b] = (await output).trim().split('\n').map((line) => JSON.parse(line));
    expect(a.dropped).toEqual({ attributes: 1, events: 0, links: 0 });
    expect(b.dropped).toBeUndefined();
  });
});
