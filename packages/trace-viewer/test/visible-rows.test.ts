import { describe, expect, it } from 'vitest';
import { buildTraceModel } from '../web/src/trace/trace-model.ts';
import { collapsedToLevels, rowIndexOf, visibleRows } from '../web/src/trace/visible-rows.ts';
import { apiSpan } from './support/api-spans.ts';

const model = buildTraceModel('t', [
  apiSpan({ id: 'root', start: 0, duration: 100 }),
  apiSpan({ id: 'a', parent: 'root', start: 1, duration: 50 }),
  apiSpan({ id: 'a1', parent: 'a', start: 2, duration: 0.5 }),
  apiSpan({ id: 'a2', parent: 'a', start: 3, duration: 0.2, error: true }),
  apiSpan({ id: 'b', parent: 'root', start: 60, duration: 0.1 }),
  apiSpan({ id: 'b1', parent: 'b', start: 60, duration: 0.05 }),
]);
const ids = (rows: ReturnType<typeof visibleRows>) => rows.map((row) => row.node.id);

describe('visibleRows', () => {
  it('shows every span depth-first when nothing is collapsed', () => {
    expect(ids(visibleRows(model, new Set()))).toEqual(['root', 'a', 'a1', 'a2', 'b', 'b1']);
  });

  it('leaves out what is under a collapsed span', () => {
    expect(ids(visibleRows(model, new Set(['a'])))).toEqual(['root', 'a', 'b', 'b1']);
  });

  it('folds spans shorter than the threshold with their subtrees, keeps failed ones, and counts the folded', () => {
    const rows = visibleRows(model, new Set(), 1);

    expect(ids(rows)).toEqual(['root', 'a', 'a2']);
    expect(rows.map((row) => row.hiddenShort)).toEqual([1, 1, 0]);
  });

  it('collapses to a number of levels', () => {
    expect([...collapsedToLevels(model, 2)].sort()).toEqual(['a', 'b']);
    expect(ids(visibleRows(model, collapsedToLevels(model, 2)))).toEqual(['root', 'a', 'b']);
    expect(ids(visibleRows(model, collapsedToLevels(model, 1)))).toEqual(['root']);
  });

  it('draws 10,000 spans as rows without recursion', () => {
    const spans = [apiSpan({ id: 's0', start: 0, duration: 1 })];
    for (let i = 1; i < 10_000; i++) spans.push(apiSpan({ id: `s${i}`, parent: `s${i - 1}`, start: i / 10_000, duration: 0.5 }));
    const deep = buildTraceModel('t', spans);

    expect(visibleRows(deep, new Set())).toHaveLength(10_000);
    expect(deep.maxDepth).toBe(9_999);
  });
});

describe('rowIndexOf', () => {
  it('finds a shown span at its own row', () => {
    const rows = visibleRows(model, new Set());
    expect(rowIndexOf(rows, model.byId.get('a1')!)).toEqual({ index: 2, hidden: false });
  });

  it('stands a span folded away by a Levels button at its nearest shown ancestor', () => {
    const rows = visibleRows(model, collapsedToLevels(model, 2));
    expect(ids(rows)).toEqual(['root', 'a', 'b']);
    expect(rowIndexOf(rows, model.byId.get('a2')!)).toEqual({ index: 1, hidden: true });
    expect(rowIndexOf(rows, model.byId.get('b1')!)).toEqual({ index: 2, hidden: true });
  });

  it('stands a span folded away by the threshold at its nearest shown ancestor', () => {
    const rows = visibleRows(model, new Set(), 1);
    expect(rowIndexOf(rows, model.byId.get('b1')!)).toEqual({ index: 0, hidden: true });
  });
});
