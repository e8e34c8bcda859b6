// Type-checked with `tsc --noEmit` against the published declarations (never run). Each
// `@ts-expect-error` proves the types are real: were an import `any`, the line would not error.
import { SpanHandle, SpanKind, ledgerProblem, type PlainSpan, type TracerPlugin, type TracerStats } from '@x/tracer-core';
// The entry for sibling packages resolves too (its names carry no promise, so none is named here).
import * as internal from '@x/tracer-core/internal';
import { createFanoutTracer, type FanoutTracerOptions } from '@x/tracer-fanout';
import { createMemoryTracer, type MemoryTracer } from '@x/tracer-memory';
import { createOtlpTracer, otlpOptionsFromEnv, type OtlpTracerOptions } from '@x/tracer-otlp';
import { createStdoutTracer, type StdoutTracerOptions } from '@x/tracer-stdout';
import { checkConformance, fuzzPlugin, type ConformanceReport } from '@x/tracer-testkit';
import { describeConformance } from '@x/tracer-testkit/vitest';
import { configure, getTracer, withSpan, type Span, type SpanRecord } from '@x/trace';

const stdoutOptions: StdoutTracerOptions = { stream: process.stdout, format: 'json' };
const otlpOptions: OtlpTracerOptions = { ...otlpOptionsFromEnv(), protocol: 'http/json' };
const fanoutOptions: FanoutTracerOptions = { name: 'all', flushTimeoutMillis: 1000 };
const memory: MemoryTracer = createMemoryTracer();
const tracer: TracerPlugin = createFanoutTracer(
  [createStdoutTracer(stdoutOptions), createOtlpTracer(otlpOptions), memory],
  fanoutOptions,
);

const span: SpanHandle = tracer.startSpan({ name: 'GET /', kind: SpanKind.SERVER, parent: SpanHandle.INVALID });
tracer.updateName?.(span, 'GET /users/:id');
memory.updateName(span, 'GET /users/:id');
tracer.endSpan(span, 1n);
const stats: TracerStats | undefined = tracer.stats?.();
const problem: string | undefined = stats && ledgerProblem(stats);
const drained: PlainSpan[] = memory.drain();
const report: Promise<ConformanceReport> = checkConformance(() => createMemoryTracer(), { exported: (t) => t.drain() });
const fuzzed: Promise<{ failure?: string }> = fuzzPlugin(() => tracer, { runs: 1 });
describeConformance('memory', () => createMemoryTracer());
configure({ tracer: memory, service: 'types' });
const answer: Promise<number> = withSpan('GET /', async (active: Span) => (active.record('k', 1), 42));
const record: SpanRecord = getTracer('lib', '1.0.0').instant('tick');
export { internal, problem, drained, report, fuzzed, answer, record };

// @ts-expect-error: format is 'pretty' or 'json'
createStdoutTracer({ format: 'xml' });
// @ts-expect-error: protocol is 'http/protobuf', 'http/json' or 'grpc'
createOtlpTracer({ protocol: 'http/xml' });
// @ts-expect-error: the children are an array of plugins
createFanoutTracer(memory);
// @ts-expect-error: withSpan's result is its function's result
const wrong: string = withSpan('x', () => 1);
// @ts-expect-error: updateName is optional on a TracerPlugin: call it as updateName?.()
tracer.updateName(span, 'GET /users/:id');
// @ts-expect-error: exported gets what the factory makes: a memory tracer, not a fan-out
checkConformance(() => createMemoryTracer(), { exported: (t) => t.stats().children });
// @ts-expect-error: endSpan takes a bigint time
tracer.endSpan(span, 1.5);
