// The seed API's errors and edge cases, setEnabled, info, getTracer scopes and configure().
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  configure,
  currentSpan,
  end,
  finishSpan,
  flush,
  getTracer,
  info,
  instant,
  recordEvent,
  setEnabled,
  start,
  startSpan,
  stats,
  TraceError,
  TraceErrorCode,
  withSpan,
} from '@x/trace';
import { InvalidOptionError } from '@x/tracer-core';
import { createMemoryTracer } from '@x/tracer-memory';
import { readFileSync } from 'node:fs';

beforeEach(() => {
  configure();
  setEnabled(true);
  flush();
});
afterEach(() => setEnabled(true));

function thrown(fn: () => unknown): TraceError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(TraceError);
    return error as TraceError;
  }
  throw new Error('expected a TraceError');
}

describe('errors with the seed codes', () => {
  it('end() of an unknown or already-ended id is SpanNotFound (9301)', () => {
    const id = start('once');
    end(id);
    const again = thrown(() => end(id));
    expect(again).toMatchObject({ code: 9301, errno: 9301, reason: 'SpanNotFound', name: 'TraceError' });
    expect(again.code).toBe(TraceError.SpanNotFound);
    expect(thrown(() => end(123456789n)).code).toBe(TraceErrorCode.SpanNotFound);
  });

  it('a malformed id is InvalidSpan (9303)', () => {
    for (const bad of ['1', -1n, 2n ** 64n, 1.5, NaN, null, undefined, {}, Symbol('x')]) {
      expect(thrown(() => end(bad as never)).code).toBe(TraceErrorCode.InvalidSpan);
    }
  });

  it('an id read back from JSON (a number) still ends its span', () => {
    const id = start('json');
    const record = end(Number(id));
    expect(record.id).toBe(id);
  });

  it('finishSpan: a malformed handle is InvalidSpan, a finished one SpanNotFound, a seed-shaped { id } works', () => {
    expect(thrown(() => finishSpan({} as never)).code).toBe(TraceErrorCode.InvalidSpan);
    expect(thrown(() => finishSpan('span' as never)).code).toBe(TraceErrorCode.InvalidSpan);
    const span = startSpan('s');
    finishSpan(span);
    expect(thrown(() => finishSpan(span)).code).toBe(TraceErrorCode.SpanNotFound);
    const other = startSpan('t');
    const record = finishSpan({ id: other.id, name: 't' } as never);
    expect(record.name).toBe('t');
    expect(other.ended).toBe(true);
  });

  it('startSpan with a malformed parent is InvalidSpan; a { id } parent that is not live is SpanNotFound', () => {
    expect(thrown(() => startSpan('x', { parent: 'nope' as never })).code).toBe(TraceErrorCode.InvalidSpan);
    expect(thrown(() => startSpan('x', { parent: { traceId: 'zz', spanId: 'yy' } as never })).code).toBe(TraceErrorCode.InvalidSpan);
    expect(thrown(() => startSpan('x', { parent: { id: 987654321n } })).code).toBe(TraceErrorCode.SpanNotFound);
    expect(currentSpan().id).toBe(0n);
  });

  it('a remote parent (a contract SpanHandle) joins its trace; an INVALID one gives an unrecorded span', () => {
    const remote = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
    const child = startSpan('from remote', { parent: remote });
    const record = finishSpan(child);
    expect(record).toMatchObject({ trace_id: remote.traceId, wire_parent_span_id: remote.spanId, parent_id: null });
    const unsampled = startSpan('unsampled', { parent: { traceId: '0'.repeat(32), spanId: '0'.repeat(16) } });
    expect(unsampled.isRecording()).toBe(false);
    expect(finishSpan(unsampled).trace_id).toBeNull();
    expect(flush().map((r) => r.name)).toEqual(['from remote']);
  });

  it('recording on ended, inert or odd input never throws', () => {
    const span = startSpan('s');
    finishSpan(span);
    expect(() => span.setAttribute('k', 1).addEvent('e').setStatus('error', 'x').record('a', {}).recordException(new Error('e'))).not.toThrow();
    const inert = currentSpan();
    expect(() => inert.setAttribute('k', 1).setAttributes({ a: 1 }).addEvent('e').end()).not.toThrow();
    const hostile = new Proxy({}, { ownKeys: () => { throw new Error('trap'); } });
    expect(() => withSpan('hostile', (s) => s.setAttributes(hostile as never).addEvent('e', hostile), { attributes: hostile })).not.toThrow();
    expect(() => recordEvent('no span')).not.toThrow();
    expect(stats().callsWithoutSpan).toBeGreaterThan(0);
  });
});

describe('setEnabled', () => {
  it('off: every call is a no-op, nothing is kept; spans already open still end', () => {
    const open = start('open before');
    setEnabled(false);
    expect(info().status).toBe('disabled');
    expect(start('x')).toBe(0n);
    expect(end(0n).id).toBe(0n);
    expect(instant('i').id).toBe(0n);
    const inert = startSpan('s');
    expect(inert.id).toBe(0n);
    expect(finishSpan(inert).id).toBe(0n);
    let ran = false;
    expect(withSpan('w', (span) => ((ran = true), span.id))).toBe(0n);
    expect(ran).toBe(true);
    recordEvent('e');
    expect(end(open).name).toBe('open before');
    expect(flush().map((r) => r.name)).toEqual(['open before']);
    setEnabled(true);
    expect(start('again')).toBeGreaterThan(0n);
  });

  it('takes only booleans', () => {
    expect(() => setEnabled('no' as never)).toThrow(InvalidOptionError);
  });
});

describe('info', () => {
  it('names this package and its version', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    expect(info()).toEqual({ name: pkg.name, version: pkg.version, status: 'enabled' });
  });
});

describe('getTracer: instrumentation scopes', () => {
  it('spans carry their scope to records and to the tracer', () => {
    const memory = createMemoryTracer();
    configure({ tracer: memory, service: 'checkout' });
    const billing = getTracer('billing', '2.1.0');
    expect(getTracer('billing', '2.1.0')).toBe(billing);
    expect(getTracer('billing')).not.toBe(billing);
    withSpan('app work', () => billing.withSpan('charge', () => undefined));
    const records = flush();
    expect(records.find((r) => r.name === 'charge')!.scope).toEqual({ name: 'billing', version: '2.1.0' });
    expect(records.find((r) => r.name === 'app work')!.scope).toEqual({ name: 'checkout' });
    const spans = memory.drain();
    expect(spans.map((s) => [s.name, (s as { scope?: unknown }).scope])).toEqual([
      ['charge', { name: 'billing', version: '2.1.0' }],
      ['app work', { name: 'checkout' }],
    ]);
    // A scope's methods are bound: they can be taken off the object.
    const { start: startBilling, end: endBilling } = billing;
    expect(endBilling(startBilling('destructured')).scope.name).toBe('billing');
  });

  it('rejects an empty or non-string name', () => {
    expect(() => getTracer('')).toThrow(InvalidOptionError);
    expect(() => getTracer(7 as never)).toThrow(/name must be a non-empty string/);
    expect(() => getTracer('x', 2 as never)).toThrow(/version must be a string/);
  });
});

describe('configure', () => {
  it('checks every option before changing anything', () => {
    expect(() => configure({ tracer: {} as never })).toThrow(/tracer is not a TracerPlugin: startSpan is not a function/);
    expect(() => configure({ service: '' })).toThrow(/service must be a non-empty string/);
    expect(() => configure({ records: 'yes' as never })).toThrow(/records must be true, false or \{ maxRecords, maxBytes \}/);
    expect(() => configure({ records: { maxRecords: 0 } })).toThrow(/records.maxRecords must be a positive integer/);
    expect(() => configure({ records: { max: 1 } as never })).toThrow(/unknown records option "max"/);
    expect(() => configure({ records: false })).toThrow(/records: false with no tracer would keep nothing/);
    expect(() => configure({ tracers: [] } as never)).toThrow(/unknown option "tracers"; the options are tracer, service, records, maxLiveSpans/);
    expect(() => configure({ maxLiveSpans: -1 })).toThrow(InvalidOptionError);
    // Nothing changed: still records only, default scope.
    expect(instant('still').scope).toEqual({ name: 'unknown_service:node' });
  });

  it('bounds live spans: past maxLiveSpans the oldest is forgotten and counted, and its end() is SpanNotFound', () => {
    configure({ maxLiveSpans: 2 });
    const first = start('first');
    const second = start('second');
    // Spans earlier tests left open were evicted by now; from here on only ours are live.
    const before = stats().spansEvicted;
    const third = start('third');
    expect(stats().spansEvicted - before).toBe(1);
    expect(stats().spansLive).toBe(2);
    expect(thrown(() => end(first)).code).toBe(TraceErrorCode.SpanNotFound);
    end(second);
    end(third);
    expect(flush().map((r) => r.name)).toEqual(['second', 'third']);
  });

  it('spans keep the tracer they started on when the site switches tracers', () => {
    const first = createMemoryTracer();
    const second = createMemoryTracer();
    configure({ tracer: first });
    const id = start('spans the switch');
    configure({ tracer: second });
    end(id);
    instant('after');
    expect(first.drain().map((s) => s.name)).toEqual(['spans the switch']);
    expect(second.drain().map((s) => s.name)).toEqual(['after']);
  });
});
