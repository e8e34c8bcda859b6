import { describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { SpanKind, SpanStatusCode, type TracerPlugin } from '@x/tracer-core';
import { ORIGIN_UNIX_NANOS } from '@x/tracer-core/internal';
import { createStdoutTracer, type StdoutTracerOptions } from '@x/tracer-stdout';

function setup(options: StdoutTracerOptions & { tty?: boolean } = {}) {
  const stream = new PassThrough();
  if (options.tty) Object.assign(stream, { isTTY: true });
  let text = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => (text += chunk));
  const tracer = createStdoutTracer({ stream, hookProcessShutdown: false, scheduledDelayMillis: 20, ...options });
  return { tracer, output: () => text };
}

const T0 = ORIGIN_UNIX_NANOS + 5_000_000_000n;
const ms = (n: number) => T0 + BigInt(n * 1_000_000);

/** root 0-100 ms; a 10-30 (with an event); b 40-90 (error) with b1 50-60; started out of order. */
function trace(tracer: TracerPlugin) {
  const root = tracer.startSpan({ name: 'GET /orders', kind: SpanKind.SERVER, startTimeUnixNanos: ms(0), attributes: { 'http.request.method': 'GET' } });
  const b = tracer.startSpan({ name: 'b-call', kind: SpanKind.CLIENT, parent: root, startTimeUnixNanos: ms(40) });
  const a = tracer.startSpan({ name: 'a-query', parent: root, startTimeUnixNanos: ms(10) });
  const b1 = tracer.startSpan({ name: 'b1-inner', parent: b, startTimeUnixNanos: ms(50) });
  tracer.addEvent(a, { name: 'cache miss', timeUnixNanos: ms(15), attributes: { key: 'k1' } });
  tracer.endSpan(a, ms(30));
  tracer.endSpan(b1, ms(60));
  tracer.setStatus(b, { code: SpanStatusCode.ERROR, message: 'upstream 503' });
  tracer.endSpan(b, ms(90));
  tracer.endSpan(root, ms(100));
  return root;
}

describe('format: pretty', () => {
  it('prints the trace as a tree: children in start order, durations, bars, events, errors', async () => {
    const { tracer, output } = setup({ format: 'pretty' });
    const root = trace(tracer);
    await tracer.flush();
    const lines = output().split('\n');
    expect(lines[0]).toBe(`● GET /orders  trace ${root.traceId}  100.00 ms  4 spans`);
    const names = lines.slice(1).filter((l) => /ms  [·█]/.test(l)).map((l) => l.trim().split(/\s{2,}/)[0]);
    expect(names).toEqual(['GET /orders', '├─ a-query', '└─ b-call', '└─ b1-inner']);
    const rootLine = lines.find((l) => l.startsWith('  GET /orders'))!;
    expect(rootLine).toContain('100.00 ms  ████████████████████████');
    expect(rootLine).toContain('http.request.method=GET');
    const aLine = lines.find((l) => l.includes('a-query'))!;
    // 10-30 ms of a 100 ms trace on a 24-character bar: columns 2 to 8.
    expect(aLine).toContain('20.00 ms  ··██████················');
    expect(lines.find((l) => l.includes('cache miss'))).toContain('• cache miss +5.00 ms key=k1');
    expect(lines.find((l) => l.includes('b-call'))).toContain('✗ ERROR: upstream 503');
    expect(lines.find((l) => l.includes('b1-inner'))).toMatch(/^ {2}\s+└─ b1-inner/);
  });

  it("shows a span's scope after its name where it differs from its parent's, dim on a terminal", async () => {
    const plain = setup({ format: 'pretty' });
    const tty = setup({ tty: true, env: {} });
    for (const { tracer } of [plain, tty]) {
      const http = { name: '@x/http', version: '2.1.0' };
      const root = tracer.startSpan({ name: 'GET /orders', startTimeUnixNanos: ms(0), scope: http });
      const handler = tracer.startSpan({ name: 'handler', parent: root, startTimeUnixNanos: ms(10), scope: http });
      const query = tracer.startSpan({ name: 'query', parent: handler, startTimeUnixNanos: ms(20), scope: { name: 'pg' } });
      tracer.setStatus(query, { code: SpanStatusCode.ERROR });
      tracer.endSpan(query, ms(30));
      tracer.endSpan(handler, ms(35));
      // Another object, the same name and version: the same scope.
      tracer.endSpan(tracer.startSpan({ name: 'render', parent: root, startTimeUnixNanos: ms(40), scope: { ...http } }), ms(45));
      const bare = tracer.startSpan({ name: 'bare', parent: root, startTimeUnixNanos: ms(50) });
      tracer.endSpan(tracer.startSpan({ name: 'cache', parent: bare, startTimeUnixNanos: ms(55), scope: http }), ms(56));
      tracer.endSpan(bare, ms(60));
      tracer.endSpan(root, ms(100));
      await tracer.flush();
    }
    const lines = plain.output().split('\n');
    const row = (name: string) => lines.find((l) => l.includes(` ${name}`) && /ms  [·█]/.test(l))!;
    expect(row('GET /orders')).toMatch(/^ {2}GET \/orders \[@x\/http@2\.1\.0\] +internal/);
    expect(row('query')).toMatch(/└─ query \[pg\] +internal/);
    for (const same of ['handler', 'render', 'bare']) expect(row(same)).not.toContain('[');
    // Under a span without a scope, a scope is shown again.
    expect(row('cache')).toContain('└─ cache [@x/http@2.1.0]');
    // On a terminal the tag is dim, and an error colors the name only.
    expect(tty.output()).toContain('\u001b[31m│  └─ query\u001b[0m\u001b[2m [pg]');
    expect(tty.output()).toMatch(/GET \/orders\u001b\[2m \[@x\/http@2\.1\.0\] *\u001b\[0m/);
  });

  it('waits for the root on the schedule, then prints children that ended first under it', async () => {
    const { tracer, output } = setup({ format: 'pretty', scheduledDelayMillis: 10 });
    const root = tracer.startSpan({ name: 'root' });
    tracer.endSpan(tracer.startSpan({ name: 'early child', parent: root }));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(output()).toBe(''); // the child waits for its root
    expect(tracer.stats().spansBuffered).toBe(1);
    tracer.endSpan(root);
    await tracer.flush();
    expect(output()).toMatch(/root[^\n]*\n[^\n]*└─ early child/);
  });

  it('prints spans whose parent never arrives: at flush, and on the schedule after the orphan timeout', async () => {
    const { tracer, output } = setup({ format: 'pretty', orphanTimeoutMillis: 30, scheduledDelayMillis: 10 });
    const root = tracer.startSpan({ name: 'never ends' });
    tracer.endSpan(tracer.startSpan({ name: 'orphan', parent: root }));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(output()).toContain('(local root not ended yet)');
    expect(output()).toContain(`orphan`);
    expect(output()).toContain(`(parent ${root.spanId} not seen)`);
    const second = setup({ format: 'pretty' });
    const r2 = second.tracer.startSpan({ name: 'never ends' });
    second.tracer.endSpan(second.tracer.startSpan({ name: 'orphan 2', parent: r2 }));
    await second.tracer.flush();
    expect(second.output()).toContain('orphan 2');
    await tracer.shutdown();
    await second.tracer.shutdown();
  });

  it('colors only on a TTY without NO_COLOR, and never lets a value reach the terminal raw', async () => {
    const plain = setup({ format: 'pretty' });
    const tty = setup({ tty: true, env: {} });
    const noColor = setup({ tty: true, env: { NO_COLOR: '1' } });
    const hostile = 'x\u001b]0;pwned\u0007\u001b[2J\r\n\u009b\u202e';
    for (const { tracer } of [plain, tty, noColor]) {
      tracer.setStatus(tracer.startSpan({ name: hostile }), { code: SpanStatusCode.ERROR });
      const span = tracer.startSpan({ name: hostile, attributes: { k: hostile } });
      tracer.endSpan(span);
      tracer.endSpan(tracer.startSpan({ name: 'h', scope: { name: 'lib\u001b[2J', version: '\u202e1' } }));
      await tracer.flush();
    }
    expect(plain.output()).not.toContain('\u001b');
    expect(noColor.output()).not.toContain('\u001b');
    expect(tty.output()).toContain('\u001b[');
    for (const text of [plain.output(), tty.output().replace(/\u001b\[\d+m/g, '')]) {
      expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202e]/);
      expect(text).toContain('x\\e]0;pwned\\u0007\\e[2J\\r\\n\\u009b\\u202e');
      expect(text).toContain('h [lib\\e[2J@\\u202e1]');
    }
  });

  it('defaults to pretty on a TTY and to json otherwise', async () => {
    const tty = setup({ tty: true, env: { NO_COLOR: '1' } });
    const pipe = setup();
    for (const { tracer } of [tty, pipe]) {
      tracer.endSpan(tracer.startSpan({ name: 'x' }));
      await tracer.flush();
    }
    expect(tty.output()).toMatch(/^● x/);
    expect(JSON.parse(pipe.output()).name).toBe('x');
  });
});
