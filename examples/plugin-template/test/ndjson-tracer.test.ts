import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExportFailedError, SpanKind, SpanStatusCode } from '@x/tracer-core';
import { describeConformance } from '@x/tracer-testkit/vitest';
import { createTracer } from '@x/example-tracer-plugin';

const dir = mkdtempSync(join(tmpdir(), 'ndjson-tracer-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
/** A new file in the test's folder, so that each tracer reads back only its own spans. */
function freshFile(): string {
  return join(dir, `spans-${++files}.ndjson`);
}

/** The spans written so far: none before the first export creates the file. */
function readLines(file: string): Record<string, unknown>[] {
  const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
  return text.split('\n').filter((line) => line !== '').map((line) => JSON.parse(line));
}

describe('createTracer (NDJSON file)', () => {
  it('appends one JSON object a line per finished span, with the resource from the context', async () => {
    const configFile = join(dir, 'tracing.toml');
    writeFileSync(join(dir, 'relative.ndjson'), '{"earlier":"line"}\n');
    const tracer = createTracer(
      { file: 'relative.ndjson', hookProcessShutdown: false },
      { name: 'mine', serviceName: 'checkout', resourceAttributes: { 'deployment.environment': 'test', 'service.name': 'overridden' }, configFile },
    );
    const root = tracer.startSpan({ name: 'GET /cart', kind: SpanKind.SERVER, attributes: { 'http.status_code': 200, big: 2n ** 60n } });
    const child = tracer.startSpan({ name: 'load cart', parent: root });
    tracer.addEvent(child, { name: 'cache miss', attributes: { key: 'cart:7' } });
    tracer.setStatus(child, { code: SpanStatusCode.ERROR, message: 'timeout' });
    tracer.endSpan(child);
    tracer.endSpan(root);
    await tracer.flush();

    const [earlier, writtenChild, writtenRoot, ...rest] = readLines(join(dir, 'relative.ndjson'));
    expect(earlier).toEqual({ earlier: 'line' });
    expect(rest).toEqual([]);
    expect(writtenChild).toMatchObject({
      resource: { 'service.name': 'checkout', 'deployment.environment': 'test' },
      traceId: root.traceId,
      parentSpanId: root.spanId,
      name: 'load cart',
      kind: 'internal',
      status: { code: SpanStatusCode.ERROR, message: 'timeout' },
      events: [{ name: 'cache miss', attributes: { key: 'cart:7' } }],
    });
    expect(writtenRoot).toMatchObject({ spanId: root.spanId, kind: 'server', attributes: { 'http.status_code': 200, big: String(2n ** 60n) } });
    expect(BigInt(writtenRoot!.endTimeUnixNanos as string)).toBeGreaterThanOrEqual(BigInt(writtenRoot!.startTimeUnixNanos as string));
    expect(tracer.name).toBe('mine');
    expect(tracer.stats()).toMatchObject({ spansExported: 2, spansBuffered: 0 });
    await tracer.shutdown();
  });

  it('drops and counts a batch it cannot write, and the flush rejects naming the file', async () => {
    const folder = mkdtempSync(join(dir, 'gone-'));
    const file = join(folder, 'spans.ndjson');
    const tracer = createTracer({ file, hookProcessShutdown: false });
    rmSync(folder, { recursive: true });
    tracer.endSpan(tracer.startSpan({ name: 'lost' }));

    const error = await tracer.flush().then(() => undefined, (rejection: unknown) => rejection);
    expect(error).toBeInstanceOf(ExportFailedError);
    expect((error as Error).message).toContain(`appending 1 spans to ${file} failed: ENOENT`);
    expect(tracer.stats().spansDropped).toEqual({ 'export-failed': 1 });
    await tracer.shutdown();
  });

  it('names itself after the plugin table, or ndjson when called by hand', async () => {
    const byHand = createTracer({ file: freshFile(), hookProcessShutdown: false });
    const named = createTracer({ file: freshFile(), name: 'audit', hookProcessShutdown: false }, { name: 'mine' });
    expect([byHand.name, named.name]).toEqual(['ndjson', 'audit']);
    await Promise.all([byHand.shutdown(), named.shutdown()]);
  });
});

// The conformance kit reads back what each tracer wrote, so the rules that only exported spans
// show (updateName) are checked too. Process hooks stay on, as a configured plugin has them.
const fileOf = new WeakMap<object, string>();
describeConformance(
  'createTracer',
  () => {
    const file = freshFile();
    const tracer = createTracer({ file }, { serviceName: 'conformance' });
    fileOf.set(tracer, file);
    return tracer;
  },
  { exported: (tracer) => readLines(fileOf.get(tracer)!) as never },
);
