import { describe, expect, it } from 'vitest';
import { TracerError, TracerErrorCode, type ExportResult, type FinishedSpan } from '@x/tracer-core';
import { settleExport, type ExportSettlement } from '../src/export-settlement.js';

const batchOf = (size: number) => Array.from({ length: size }, (_, i) => ({ name: `s${i}`, byteSize: 10 }) as unknown as FinishedSpan);
const error = (message: string) => new TracerError(TracerErrorCode.ExportFailed, message);
const stranger = { name: 'stranger', byteSize: 10 } as unknown as FinishedSpan;

/** A settlement as plain values: errors as `Name: message`, spans by name. */
function summary(settlement: ExportSettlement) {
  const text = (e: Error | undefined) => (e === undefined ? undefined : `${e.name}: ${e.message}`);
  return {
    exported: settlement.exported,
    dropped: settlement.dropped,
    putBack: settlement.putBack.map((span) => span.name),
    failure: text(settlement.failure),
    warning: settlement.warning,
    flushError: text(settlement.flushError),
    drainMore: settlement.drainMore,
  };
}

type Summary = ReturnType<typeof summary>;
const nothing: Summary = {
  exported: 0,
  dropped: [],
  putBack: [],
  failure: undefined,
  warning: undefined,
  flushError: undefined,
  drainMore: false,
};

type Row = [string, number, (batch: readonly FinishedSpan[]) => ExportResult | 'timeout', Partial<Summary>];

const NOT_A_RESULT = 'TracerError: exporter returned something that is not an ExportResult';

describe('settleExport', () => {
  it.each<Row>([
    ['success: all delivered', 5, () => ({ status: 'success' }), { exported: 5, drainMore: true }],
    [
      "success with the receiver's warning: all delivered, the warning kept, the flush resolves",
      5,
      () => ({ status: 'success', message: 'deprecated field' }),
      { exported: 5, warning: 'receiver rejected 0 of 5 spans: deprecated field', drainMore: true },
    ],
    ['success with an empty warning: no warning', 5, () => ({ status: 'success', message: '' }), { exported: 5, drainMore: true }],
    ['partial with nothing left out: all delivered', 5, () => ({ status: 'partial' }), { exported: 5, drainMore: true }],
    [
      'partial, deferring two: those go back, no draining',
      5,
      (batch) => ({ status: 'partial', deferred: batch.slice(0, 2) }),
      { exported: 3, putBack: ['s0', 's1'] },
    ],
    [
      'partial deferring a span that is not in the batch: ignored',
      5,
      () => ({ status: 'partial', deferred: [stranger] }),
      { exported: 5, drainMore: true },
    ],
    ['partial whose deferred is not an array: ignored', 5, () => ({ status: 'partial', deferred: 's0' as never }), { exported: 5, drainMore: true }],
    [
      "partial success: rejected spans counted, the flush fails with the receiver's warning, not an export failure",
      5,
      () => ({ status: 'partial', rejected: 2, message: 'bad span ids' }),
      {
        exported: 3,
        dropped: [['export-rejected', 2]],
        warning: 'receiver rejected 2 of 5 spans: bad span ids',
        flushError: 'ExportFailedError: receiver rejected 2 of 5 spans: bad span ids',
        drainMore: true,
      },
    ],
    [
      'partial success without a message',
      5,
      () => ({ status: 'partial', rejected: 2 }),
      {
        exported: 3,
        dropped: [['export-rejected', 2]],
        warning: 'receiver rejected 2 of 5 spans',
        flushError: 'ExportFailedError: receiver rejected 2 of 5 spans',
        drainMore: true,
      },
    ],
    [
      'more rejected than the batch holds: capped',
      5,
      () => ({ status: 'partial', rejected: 99 }),
      {
        dropped: [['export-rejected', 5]],
        warning: 'receiver rejected 5 of 5 spans',
        flushError: 'ExportFailedError: receiver rejected 5 of 5 spans',
        drainMore: true,
      },
    ],
    [
      'a split outcome: deferred, rejected, dropped by reason (capped by what is left), with an error',
      10,
      (batch) => ({
        status: 'partial',
        deferred: batch.slice(0, 2),
        dropped: { 'http-400': 3, bogus: 99 },
        rejected: 1,
        error: error('part of the batch got HTTP 400'),
      }),
      {
        dropped: [
          ['http-400', 3],
          ['bogus', 4],
          ['export-rejected', 1],
        ],
        putBack: ['s0', 's1'],
        failure: 'TracerError: part of the batch got HTTP 400',
        flushError: 'TracerError: part of the batch got HTTP 400',
      },
    ],
    [
      'counts that are not non-negative numbers are 0, fractions are cut',
      5,
      () => ({ status: 'partial', rejected: Number.NaN, dropped: { a: -3, b: 2.7, c: '4' as never, d: Infinity } }),
      { exported: 3, dropped: [['b', 2]], drainMore: true },
    ],
    [
      'partial with an error that is not a TracerError: wrapped',
      5,
      () => ({ status: 'partial', dropped: { 'http-400': 5 }, error: new Error('boom') as never }),
      {
        dropped: [['http-400', 5]],
        failure: 'TracerError: exporter returned partial: boom',
        flushError: 'TracerError: exporter returned partial: boom',
        drainMore: true,
      },
    ],
    [
      'a success carrying the fields of a partial (older JavaScript exporters): settled as that partial',
      5,
      () => ({ status: 'success', rejected: 1, error: error('HTTP 400') }) as never,
      {
        exported: 4,
        dropped: [['export-rejected', 1]],
        failure: 'TracerError: HTTP 400',
        flushError: 'TracerError: HTTP 400',
        drainMore: true,
      },
    ],
    [
      'failure: dropped for its reason',
      5,
      () => ({ status: 'failure', error: error('HTTP 400'), reason: 'http-400' }),
      { dropped: [['http-400', 5]], failure: 'TracerError: HTTP 400', flushError: 'TracerError: HTTP 400' },
    ],
    [
      'failure without a reason: export-failed',
      5,
      () => ({ status: 'failure', error: error('no') }),
      { dropped: [['export-failed', 5]], failure: 'TracerError: no', flushError: 'TracerError: no' },
    ],
    [
      'failure without an error: one is made',
      5,
      () => ({ status: 'failure' }) as never,
      {
        dropped: [['export-failed', 5]],
        failure: 'TracerError: exporter returned failure without an error',
        flushError: 'TracerError: exporter returned failure without an error',
      },
    ],
    [
      'retryable: the whole batch goes back, an export failure',
      5,
      () => ({ status: 'retryable', error: error('HTTP 503') }),
      { putBack: ['s0', 's1', 's2', 's3', 's4'], failure: 'TracerError: HTTP 503', flushError: 'TracerError: HTTP 503' },
    ],
    [
      'retryable with an error that is not a TracerError: wrapped',
      2,
      () => ({ status: 'retryable', error: new Error('socket hang up') as never }),
      {
        putBack: ['s0', 's1'],
        failure: 'TracerError: exporter returned retryable: socket hang up',
        flushError: 'TracerError: exporter returned retryable: socket hang up',
      },
    ],
    [
      'timeout: dropped as export-timeout',
      5,
      () => 'timeout',
      {
        dropped: [['export-timeout', 5]],
        failure: 'TimeoutError: export of 5 spans timed out',
        flushError: 'TimeoutError: export of 5 spans timed out',
      },
    ],
    ['garbage: a number', 3, () => 42 as never, { dropped: [['export-failed', 3]], failure: NOT_A_RESULT, flushError: NOT_A_RESULT }],
    ['garbage: null', 3, () => null as never, { dropped: [['export-failed', 3]], failure: NOT_A_RESULT, flushError: NOT_A_RESULT }],
    ['garbage: an unknown status', 3, () => ({ status: 'ok' }) as never, { dropped: [['export-failed', 3]], failure: NOT_A_RESULT, flushError: NOT_A_RESULT }],
  ])('%s', (_name, size, result, expected) => {
    const batch = batchOf(size);
    const settlement = settleExport(batch, result(batch));
    expect(summary(settlement)).toEqual({ ...nothing, ...expected });
    const dropped = settlement.dropped.reduce((sum, [, n]) => sum + n, 0);
    expect(settlement.exported + dropped + settlement.putBack.length, 'every span in one place').toBe(batch.length);
  });

  it('a timeout on behalf of shutdown counts the spans for that reason', () => {
    const settlement = settleExport(batchOf(4), 'timeout', 'shutdown');
    expect(settlement.dropped).toEqual([['shutdown', 4]]);
  });

  it('puts back the deferred spans themselves, in batch order', () => {
    const batch = batchOf(4);
    const settlement = settleExport(batch, { status: 'partial', deferred: [batch[3]!, batch[1]!] });
    expect(settlement.putBack).toEqual([batch[1], batch[3]]);
    expect(settlement.putBack[0]).toBe(batch[1]);
  });
});
