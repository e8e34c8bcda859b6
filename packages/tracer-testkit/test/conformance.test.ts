import { describe, expect, it } from 'vitest';
import { SpanHandle, type TracerPlugin } from '@x/tracer-core';
import { createMemoryTracer } from '@x/tracer-memory';
import { CHECK_NAMES, checkConformance, runCheck, wrapPlugin } from '@x/tracer-testkit';
import { describeConformance } from '@x/tracer-testkit/vitest';

/** A plugin that behaves like the memory tracer except for what `change` replaces. */
function broken(change: (inner: TracerPlugin) => Partial<TracerPlugin>): () => TracerPlugin {
  return () => wrapPlugin(createMemoryTracer(), change);
}

/** Each entry breaks exactly one rule; the check of that name must fail. */
const BROKEN: readonly [string, () => TracerPlugin][] = [
  ['has a name and every method', broken(() => ({ name: '' }))],
  ['startSpan returns a well-formed handle or INVALID', broken(() => ({ startSpan: () => undefined as never }))],
  [
    'ids have the wire widths (32 and 16 lowercase hex)',
    broken((inner) => ({
      startSpan: (s) => {
        const h = inner.startSpan(s);
        return { traceId: h.traceId, spanId: h.spanId.toUpperCase().replace(/[0-9]/g, 'A') };
      },
    })),
  ],
  ['roots get fresh trace ids', broken((inner) => ({ startSpan: (s) => inner.startSpan({ ...s, traceId: 'ab'.repeat(16) }) }))],
  [
    "children share their parent's trace id",
    broken((inner) => ({ startSpan: (s) => inner.startSpan({ ...s, parent: undefined }) })),
  ],
  [
    'an INVALID parent gives INVALID',
    broken((inner) => ({
      startSpan: (s) => inner.startSpan({ ...s, parent: SpanHandle.isInvalid(s.parent) ? undefined : s.parent }),
    })),
  ],
  [
    'a remote parent is joined',
    broken((inner) => ({ startSpan: (s) => inner.startSpan(s.parent && !SpanHandle.isInvalid(s.parent) ? { name: s.name } : s) })),
  ],
  [
    'recording never throws on garbage',
    broken((inner) => ({
      setAttribute: (h, k, v) => {
        if (typeof k !== 'string') throw new TypeError('key must be a string');
        inner.setAttribute(h, k, v);
      },
    })),
  ],
  [
    'startSpan takes any scope, well-formed or not, without throwing',
    broken((inner) => ({
      startSpan: (s) => {
        if (s.scope !== undefined && typeof s.scope.name !== 'string') throw new TypeError('scope.name must be a string');
        return inner.startSpan(s);
      },
    })),
  ],
  [
    'unknown, foreign and INVALID handles are no-ops',
    broken((inner) => {
      let ended = 0;
      return {
        endSpan: (h, t) => {
          ended++;
          inner.endSpan(h, t);
        },
        stats: () => ({ ...inner.stats!(), spansEnded: ended }),
      };
    }),
  ],
  [
    'ending twice and recording after end are no-ops',
    broken((inner) => {
      const seen = new Set<unknown>();
      let extra = 0;
      return {
        endSpan: (h, t) => {
          if (seen.has(h)) extra++;
          seen.add(h);
          inner.endSpan(h, t);
        },
        stats: () => ({ ...inner.stats!(), spansEnded: inner.stats!().spansEnded + extra }),
      };
    }),
  ],
  [
    'flush returns a promise, never throws synchronously, and settles in time',
    broken(() => ({ flush: () => new Promise<void>(() => {}) })),
  ],
  [
    'recording keeps working while a flush is in flight',
    broken((inner) => {
      let flushing = false;
      return {
        flush: () => {
          flushing = true;
          return new Promise<void>((resolve) => setTimeout(resolve, 10)).then(() => void (flushing = false));
        },
        startSpan: (s) => {
          if (flushing) throw new Error('busy flushing');
          return inner.startSpan(s);
        },
      };
    }),
  ],
  [
    'shutdown is idempotent and recording afterwards is a no-op',
    broken((inner) => {
      let calls = 0;
      return {
        shutdown: () => (++calls > 1 ? Promise.reject(new Error('already shut down')) : Promise.resolve()),
        startSpan: (s) => inner.startSpan(s),
      };
    }),
  ],
  [
    'stats balance the ledger',
    broken((inner) => ({ stats: () => ({ ...inner.stats!(), spansExported: inner.stats!().spansExported + 1 }) })),
  ],
];

describe('checkConformance', () => {
  it('the memory tracer passes every check', async () => {
    const report = await checkConformance(() => createMemoryTracer());
    expect(report.failed).toEqual([]);
    expect(report.passed).toEqual([...CHECK_NAMES]);
  });

  it('every check has a broken plugin that proves it can fail', () => {
    expect(BROKEN.map(([check]) => check).sort()).toEqual([...CHECK_NAMES].sort());
  });

  it.each(BROKEN)('fails "%s" when that rule is broken', async (check, factory) => {
    const message = await runCheck(check, factory, { flushTimeoutMillis: 200 });
    expect(message).toEqual(expect.any(String));
    expect(message).not.toMatch(/the check itself failed/);
  });

  it('the broken plugins break only what they say: the memory tracer wrapper passes untouched', async () => {
    const report = await checkConformance(broken(() => ({})));
    expect(report.failed).toEqual([]);
  });

  it('a plugin that never samples is conformant: rules about sampled spans hold vacuously', async () => {
    const report = await checkConformance(broken(() => ({ startSpan: () => SpanHandle.INVALID })));
    expect(report.failed).toEqual([]);
  });

  it('skips checks by name and reports unknown ones', async () => {
    const report = await checkConformance(() => createMemoryTracer(), { skip: [CHECK_NAMES[0]!] });
    expect(report.passed).not.toContain(CHECK_NAMES[0]);
    expect(await runCheck('no such rule', () => createMemoryTracer())).toMatch(/no check is named/);
  });

  it('a factory that throws fails every check without rejecting', async () => {
    const report = await checkConformance(() => {
      throw new Error('cannot build');
    });
    expect(report.passed).toEqual([]);
    expect(report.failed[0]!.message).toMatch(/cannot build/);
  });
});

describeConformance('createMemoryTracer', () => createMemoryTracer());
