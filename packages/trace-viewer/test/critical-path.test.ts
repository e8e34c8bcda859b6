import { describe, expect, it } from 'vitest';
import { criticalPath } from '../web/src/trace/critical-path.ts';
import { buildTraceModel } from '../web/src/trace/trace-model.ts';
import { apiSpan } from './support/api-spans.ts';

function segments(spans: ReturnType<typeof apiSpan>[]): [string, number, number][] {
  return criticalPath(buildTraceModel('t', spans)).segments.map((segment) => [segment.spanId, segment.startMillis, segment.endMillis]);
}

describe('criticalPath', () => {
  it('is the root alone when it has no children', () => {
    expect(segments([apiSpan({ id: 'root', start: 0, duration: 10 })])).toEqual([['root', 0, 10]]);
  });

  it('runs through sequential children and gives the gaps to the parent', () => {
    expect(segments([
      apiSpan({ id: 'root', start: 0, duration: 100 }),
      apiSpan({ id: 'a', parent: 'root', start: 10, duration: 20 }),
      apiSpan({ id: 'b', parent: 'root', start: 40, duration: 50 }),
    ])).toEqual([
      ['root', 0, 10], ['a', 10, 30], ['root', 30, 40], ['b', 40, 90], ['root', 90, 100],
    ]);
  });

  it('takes the child that ends last among parallel ones, and descends into it', () => {
    expect(segments([
      apiSpan({ id: 'root', start: 0, duration: 100 }),
      apiSpan({ id: 'fast', parent: 'root', start: 0, duration: 30 }),
      apiSpan({ id: 'slow', parent: 'root', start: 0, duration: 80 }),
      apiSpan({ id: 'db', parent: 'slow', start: 20, duration: 50 }),
    ])).toEqual([
      ['slow', 0, 20], ['db', 20, 70], ['slow', 70, 80], ['root', 80, 100],
    ]);
  });

  it('counts an overlapping predecessor as blocking up to the start of the child after it', () => {
    expect(segments([
      apiSpan({ id: 'root', start: 0, duration: 100 }),
      apiSpan({ id: 'first', parent: 'root', start: 0, duration: 60 }),
      apiSpan({ id: 'second', parent: 'root', start: 50, duration: 50 }),
    ])).toEqual([['first', 0, 50], ['second', 50, 100]]);
  });

  it('clips a child that outlives its parent (an async send) to the parent', () => {
    expect(segments([
      apiSpan({ id: 'root', start: 0, duration: 50 }),
      apiSpan({ id: 'async', parent: 'root', start: 40, duration: 100 }),
    ])).toEqual([['root', 0, 40], ['async', 40, 50]]);
  });
});
