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
