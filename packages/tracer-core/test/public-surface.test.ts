import { describe, expect, it } from 'vitest';

// The `.` entry is the promise to plugin authors: a value added or removed here is a decision,
// made on purpose (and in the README), not a side effect of exporting a building block.
const PUBLIC_VALUES = [
  'DEFAULT_SPAN_LIMITS',
  'ExportFailedError',
  'InvalidOptionError',
  'ShutDownError',
  'SpanHandle',
  'SpanKind',
  'SpanStatusCode',
  'TimeoutError',
  'TraceErrno',
  'TracerError',
  'TracerErrorCode',
  'attributesToRecord',
  'createBufferedTracer',
  'ledgerProblem',
  'spanKindName',
  'spanLimitsFromEnv',
  'toPlainSpan',
  'toUnixNanos',
];

describe('the public surface of @x/tracer-core', () => {
  it('exports exactly the contract values, and no building block', async () => {
    const core = await import('@x/tracer-core');
    expect(Object.keys(core).sort()).toEqual(PUBLIC_VALUES);
  });

  it('the building blocks are in ./internal, and nothing is in both', async () => {
    const internal = await import('@x/tracer-core/internal');
    expect(Object.keys(internal)).toEqual(expect.arrayContaining(['SpanRecorder', 'LiveSpans', 'SpanBuffer', 'ExportScheduler', 'TracerCounters']));
    expect(Object.keys(internal).filter((name) => PUBLIC_VALUES.includes(name))).toEqual([]);
  });
});
