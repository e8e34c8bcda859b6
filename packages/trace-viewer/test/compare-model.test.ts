import { describe, expect, it } from 'vitest';
import { compareTraces, selfMillis } from '../web/src/compare/compare-model.ts';
import { buildTraceModel } from '../web/src/trace/trace-model.ts';
import { apiSpan } from './support/api-spans.ts';

function checkout(paymentMillis: number, retries: number) {
  const spans = [
    apiSpan({ id: 'root', start: 0, duration: 20 + paymentMillis, service: 'gateway', operation: 'POST /checkout' }),
    apiSpan({ id: 'pay', parent: 'root', start: 10, duration: paymentMillis, service: 'payments', operation: 'charge' }),
  ];
  for (let i = 0; i < retries; i++) spans.push(apiSpan({ id: `db${i}`, parent: 'root', start: 1 + i, duration: 1, service: 'orders', operation: 'SELECT' }));
  return buildTraceModel('t', spans);
}

describe('compareTraces', () => {
  it('lines spans up by their path, sums repeats, and puts what got slower first', () => {
    const rows = compareTraces(checkout(30, 1), checkout(130, 3));

    expect(rows.map((row) => [row.operation, row.countA, row.countB, row.deltaMillis, row.selfDeltaMillis])).toEqual([
      ['charge', 1, 1, 100, 100],
      ['SELECT', 1, 3, 2, 2],
      ['POST /checkout', 1, 1, 100, -2],
    ]);
  });

  it('keeps spans found in one trace only, with nothing on the other side', () => {
    const a = buildTraceModel('a', [apiSpan({ id: 'r', start: 0, duration: 10, operation: 'root' })]);
    const b = buildTraceModel('b', [
      apiSpan({ id: 'r', start: 0, duration: 10, operation: 'root' }),
      apiSpan({ id: 'c', parent: 'r', start: 1, duration: 4, operation: 'cache miss' }),
    ]);

    const added = compareTraces(a, b).find((row) => row.operation === 'cache miss')!;

    expect([added.countA, added.countB, added.millisA, added.millisB]).toEqual([0, 1, 0, 4]);
  });

  it('tells the same operation under different parents apart', () => {
    const model = (parent: string) => buildTraceModel('t', [
      apiSpan({ id: 'r', start: 0, duration: 10, operation: 'root' }),
      apiSpan({ id: 'p', parent: 'r', start: 0, duration: 10, operation: parent }),
      apiSpan({ id: 'q', parent: 'p', start: 0, duration: 5, operation: 'SELECT' }),
    ]);

    const selects = compareTraces(model('list'), model('detail')).filter((row) => row.operation === 'SELECT');

    expect(selects.map((row) => [row.ancestors, row.countA, row.countB])).toEqual([
      [['root', 'detail'], 0, 1],
      [['root', 'list'], 1, 0],
    ]);
  });
});

describe('selfMillis', () => {
  it('is the time no child covers, overlaps merged and children clipped to the span', () => {
    const model = buildTraceModel('t', [
      apiSpan({ id: 'r', start: 0, duration: 100 }),
      apiSpan({ id: 'a', parent: 'r', start: 10, duration: 30 }),
      apiSpan({ id: 'b', parent: 'r', start: 20, duration: 30 }),
      apiSpan({ id: 'c', parent: 'r', start: 90, duration: 50 }),
    ]);

    expect(selfMillis(model.byId.get('r')!)).toBe(100 - 40 - 10);
  });
});
