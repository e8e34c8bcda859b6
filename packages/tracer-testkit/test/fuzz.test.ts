import { describe, expect, it } from 'vitest';
import type { TracerPlugin } from '@x/tracer-core';
import { createMemoryTracer } from '@x/tracer-memory';
import { fuzzPlugin, wrapPlugin } from '@x/tracer-testkit';
import { answeringAfterEnd } from './support/answering-after-end.js';

function wrap(change: (inner: TracerPlugin) => Partial<TracerPlugin>): () => TracerPlugin {
  return () => wrapPlugin(createMemoryTracer(), change);
}

describe('fuzzPlugin', () => {
  it('the memory tracer survives random hostile call sequences', async () => {
    const report = await fuzzPlugin(() => createMemoryTracer(), { runs: 60 });
    expect(report.failure).toBeUndefined();
    expect(report.calls).toBeGreaterThan(500);
  });

  it('catches a plugin that throws on some input', async () => {
    const report = await fuzzPlugin(
      wrap((inner) => ({
        setAttribute: (h, k, v) => {
          if (typeof v === 'object' && v !== null) throw new TypeError('objects are not attributes');
          inner.setAttribute(h, k, v);
        },
      })),
      { runs: 200, seed: 42 }, // seeded: a detector test must not depend on the draw
    );
    expect(report.failure).toMatch(/objects are not attributes/);
  });

  it('calls updateName too: catches a plugin whose updateName throws on some input', async () => {
    const report = await fuzzPlugin(
      wrap((inner) => ({
        updateName: (h, name) => {
          if (typeof name !== 'string') throw new TypeError('names are strings');
          inner.updateName!(h, name);
        },
      })),
      { runs: 200, seed: 42 },
    );
    expect(report.failure).toMatch(/names are strings/);
  });

  it('a plugin without updateName is fuzzed as it is, and passes', async () => {
    const report = await fuzzPlugin(wrap(() => ({ updateName: undefined })), { runs: 30 });
    expect(report.failure).toBeUndefined();
  });

  it('calls traceState with hostile handles too: catches one that reads a throwing getter or proxy unguarded', async () => {
    const report = await fuzzPlugin(
      wrap((inner) => ({
        traceState: (h) => (typeof h === 'object' && h !== null && typeof h.traceId === 'string' ? inner.traceState!(h) : undefined),
      })),
      { runs: 200, seed: 42 },
    );
    expect(report.failure).toMatch(/(getter|proxy) throws/);
  });

  it('catches a traceState that answers for a span after its end', async () => {
    const report = await fuzzPlugin(
      wrap(answeringAfterEnd),
      { runs: 200, seed: 42 },
    );
    expect(report.failure).toMatch(/traceState answered ".*" for an ended span/);
  });

  it('catches a traceState that answers something other than a string', async () => {
    const report = await fuzzPlugin(wrap((inner) => ({ traceState: (h) => (inner.traceState!(h) === undefined ? undefined : (0 as never)) })), { runs: 200, seed: 42 });
    expect(report.failure).toMatch(/traceState returned a number, not a string or undefined/);
  });

  it('a plugin without traceState is fuzzed as it is, and passes', async () => {
    const report = await fuzzPlugin(wrap(() => ({ traceState: undefined })), { runs: 30 });
    expect(report.failure).toBeUndefined();
  });

  it('catches a plugin that pollutes a prototype', async () => {
    const report = await fuzzPlugin(
      wrap((inner) => ({
        setAttribute: (h, k, v) => {
          const bag: Record<string, unknown> = {};
          // The classic bug, and only that one (no throwing): merging a caller's keys into a plain object.
          try {
            if (typeof v === 'object' && v !== null) for (const key of Object.keys(v)) Object.assign(key === '__proto__' ? Object.getPrototypeOf(bag) : bag, { [`fuzzed_${key}`]: 1 });
          } catch {
            // a hostile value; not the bug under test
          }
          inner.setAttribute(h, k, v);
        },
      })),
      { runs: 300, seed: 42 },
    );
    for (const key of Object.getOwnPropertyNames(Object.prototype)) {
      if (key.startsWith('fuzzed_')) delete (Object.prototype as Record<string, unknown>)[key];
    }
    expect(report.failure).toMatch(/prototype/);
  });

  it('catches a ledger that does not balance', async () => {
    const report = await fuzzPlugin(wrap((inner) => ({ stats: () => ({ ...inner.stats!(), spansExported: inner.stats!().spansExported + 1 }) })), { runs: 20 });
    expect(report.failure).toMatch(/ledger/);
  });
});
