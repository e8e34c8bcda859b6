import { describe, expect, it } from 'vitest';
import { SpanHandle, type TracerPlugin } from '@x/tracer-core';
import { createMemoryTracer, type MemoryTracer } from '@x/tracer-memory';
import { CHECK_NAMES, checkConformance, runCheck, wrapPlugin, type ExportedSpan } from '@x/tracer-testkit';
import { describeConformance } from '@x/tracer-testkit/vitest';
import { answeringAfterEnd } from './support/answering-after-end.js';

/** The memory tracer inside each wrapper that `broken` made, so the checks can read its spans. */
const inners = new WeakMap<TracerPlugin, MemoryTracer>();

/** A plugin that behaves like the memory tracer except for what `change` replaces. */
function broken(change: (inner: TracerPlugin) => Partial<TracerPlugin>): () => TracerPlugin {
  return () => {
    const inner = createMemoryTracer();
    const plugin = wrapPlugin(inner, change);
    inners.set(plugin, inner);
    return plugin;
  };
}

/** `ConformanceOptions.exported` for the memory tracer and for `broken` plugins around one. */
const drained = (plugin: TracerPlugin): ExportedSpan[] => (inners.get(plugin) ?? (plugin as MemoryTracer)).drain();

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
  ['updateName renames a live span and changes nothing after its end', broken(() => ({ updateName: () => undefined }))],
  ['traceState answers for a live span only', broken((inner) => ({ traceState: (h) => inner.traceState!(h) ?? '' }))],
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
    const report = await checkConformance(() => createMemoryTracer(), { exported: (tracer) => tracer.drain() });
    expect(report.failed).toEqual([]);
    expect(report.passed).toEqual([...CHECK_NAMES]);
  });

  it('every check has a broken plugin that proves it can fail', () => {
    expect(BROKEN.map(([check]) => check).sort()).toEqual([...CHECK_NAMES].sort());
  });

  it.each(BROKEN)('fails "%s" when that rule is broken', async (check, factory) => {
    const message = await runCheck(check, factory, { flushTimeoutMillis: 200, exported: drained });
    expect(message).toEqual(expect.any(String));
    expect(message).not.toMatch(/the check itself failed/);
  });

  it('the broken plugins break only what they say: the memory tracer wrapper passes untouched', async () => {
    const report = await checkConformance(broken(() => ({})), { exported: drained });
    expect(report.failed).toEqual([]);
  });

  it.each(['updateName', 'traceState'] as const)('a plugin without %s passes every check: the member is optional', async (member) => {
    const report = await checkConformance(broken(() => ({ [member]: undefined })), { exported: drained });
    expect(report.failed).toEqual([]);
  });

  it.each(['updateName', 'traceState'] as const)('a %s that is there but not a function fails "has a name and every method"', async (member) => {
    const message = await runCheck('has a name and every method', broken(() => ({ [member]: 'GET /' as never })));
    expect(message).toBe(`${member} is present but not a function`);
  });

  it('an updateName that throws on a name that is not a string fails "recording never throws on garbage"', async () => {
    const factory = broken((inner) => ({
      updateName: (h, name) => {
        if (typeof name !== 'string') throw new TypeError('name must be a string');
        inner.updateName!(h, name);
      },
    }));
    expect(await runCheck('recording never throws on garbage', factory)).toMatch(/^updateName\(handle, .*\) threw: name must be a string$/);
  });

  it('a traceState that reads a garbage handle unguarded fails "recording never throws on garbage"', async () => {
    const factory = broken((inner) => ({ traceState: (h) => (h.spanId.length === 16 ? inner.traceState!(h) : undefined) }));
    expect(await runCheck('recording never throws on garbage', factory)).toMatch(/^traceState\(.*\) threw: /);
  });

  it.each([
    ['answers for an ended span', answeringAfterEnd, 'traceState after endSpan returned "a=1,b=2"; expected undefined'],
    ['answers an unknown handle', (inner: TracerPlugin) => ({ traceState: (h: SpanHandle) => inner.traceState!(h) ?? '' }), 'traceState(INVALID) returned ""; expected undefined'],
    [
      'answers a number',
      (inner: TracerPlugin) => ({ traceState: (h: SpanHandle) => (inner.traceState!(h) === undefined ? undefined : (42 as never)) }),
      'traceState(a live span started with a tracestate) returned 42, not a string or undefined',
    ],
  ])('a traceState that %s fails the traceState check', async (_how, change, expected) => {
    expect(await runCheck('traceState answers for a live span only', broken(change))).toBe(expected);
  });

  it.each([
    [
      'records another tracestate than the start (a sampler)',
      (inner: TracerPlugin) => ({
        traceState: (h: SpanHandle) => {
          const started = inner.traceState!(h);
          return started === undefined ? undefined : `ot=th:8,${started}`;
        },
      }),
    ],
    ['cannot answer for a live span', () => ({ traceState: () => undefined })],
  ])('a traceState that %s passes the traceState check', async (_how, change) => {
    expect(await runCheck('traceState answers for a live span only', broken(change))).toBeUndefined();
  });

  it('a plugin that still renames a span after its end fails the updateName check', async () => {
    // It ends spans only at flush, so a rename after endSpan still reaches the span.
    const factory = broken((inner) => {
      const ending: SpanHandle[] = [];
      return {
        endSpan: (h) => void ending.push(h),
        flush: () => {
          for (const h of ending.splice(0)) inner.endSpan(h);
          return inner.flush();
        },
      };
    });
    const message = await runCheck('updateName renames a live span and changes nothing after its end', factory, { exported: drained });
    expect(message).toMatch(/was exported as "too late"; expected "GET \/users\/:id"$/);
  });

  it('without a way to read exported spans, the updateName check goes as far as calls show', async () => {
    const factory = broken(() => ({ updateName: () => undefined }));
    expect(await runCheck('updateName renames a live span and changes nothing after its end', factory)).toBeUndefined();
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

describeConformance('createMemoryTracer', () => createMemoryTracer(), { exported: (tracer) => tracer.drain() });
