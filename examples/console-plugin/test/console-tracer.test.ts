import { describe, expect, it } from 'vitest';
import { checkConformance } from '@x/tracer-testkit';
import { describeConformance } from '@x/tracer-testkit/vitest';
import { createConsoleTracer } from '@x/example-console-plugin';

describe('createConsoleTracer', () => {
  it('writes one JSON line per span at flush', async () => {
    const lines: string[] = [];
    const tracer = createConsoleTracer((line) => lines.push(line), { hookProcessShutdown: false });
    const root = tracer.startSpan({ name: 'root', attributes: { big: 2n ** 60n } });
    tracer.endSpan(tracer.startSpan({ name: 'child', parent: root }));
    tracer.endSpan(root);
    await tracer.shutdown();
    const [child, parsedRoot] = lines.map((line) => JSON.parse(line));
    expect(child).toMatchObject({ name: 'child', parentSpanId: root.spanId, traceId: root.traceId });
    expect(parsedRoot.attributes).toEqual({ big: String(2n ** 60n) });
  });

  it('passes checkConformance without a test framework', async () => {
    const report = await checkConformance(() => createConsoleTracer(() => {}, { hookProcessShutdown: false }));
    expect(report.failed).toEqual([]);
  });
});

describeConformance('createConsoleTracer (process hooks on)', () => createConsoleTracer(() => {}));

// With a way to read back what the plugin wrote, the checks also see spans as exported (updateName).
const lines = new WeakMap<object, string[]>();
describeConformance(
  'createConsoleTracer (read back)',
  () => {
    const written: string[] = [];
    const tracer = createConsoleTracer((line) => written.push(line), { hookProcessShutdown: false });
    lines.set(tracer, written);
    return tracer;
  },
  { exported: (tracer) => lines.get(tracer)!.map((line) => JSON.parse(line)) },
);
