import { describe, expect, it } from 'vitest';
import { traceEvents } from '../web/src/trace/trace-events.ts';
import { ancestorsOf, buildTraceModel, parentPlace } from '../web/src/trace/trace-model.ts';
import { apiSpan } from './support/api-spans.ts';

describe('buildTraceModel', () => {
  it('nests spans under their parents, children by start, depth-first', () => {
    const model = buildTraceModel('t', [
      apiSpan({ id: 'b', parent: 'root', start: 30, duration: 10 }),
      apiSpan({ id: 'root', start: 0, duration: 100 }),
      apiSpan({ id: 'a', parent: 'root', start: 5, duration: 10 }),
      apiSpan({ id: 'a1', parent: 'a', start: 6, duration: 2 }),
    ]);

    expect(model.nodes.map((node) => node.id)).toEqual(['root', 'a', 'a1', 'b']);
    expect(model.nodes.map((node) => node.depth)).toEqual([0, 1, 2, 1]);
    expect(model.byId.get('root')!.descendants).toBe(3);
    expect(model.durationMillis).toBe(100);
    expect(model.maxDepth).toBe(2);
    expect(ancestorsOf(model.byId.get('a1')!).map((node) => node.id)).toEqual(['a', 'root']);
  });

  it('places times relative to the earliest span, from nanoseconds past 2^53', () => {
    const model = buildTraceModel('t', [apiSpan({ id: 'late', start: 2.5, duration: 1 }), apiSpan({ id: 'early', start: 0.5, duration: 0.25 })]);

    expect(model.byId.get('late')!.startMillis).toBe(2);
    expect(model.byId.get('early')!.durationMillis).toBe(0.25);
  });

  it('makes a span whose parent is missing a root, and breaks parent cycles without losing spans', () => {
    const model = buildTraceModel('t', [
      apiSpan({ id: 'orphan', parent: 'gone', start: 1, duration: 1 }),
      apiSpan({ id: 'x', parent: 'y', start: 2, duration: 1 }),
      apiSpan({ id: 'y', parent: 'x', start: 3, duration: 1 }),
    ]);

    expect(model.nodes).toHaveLength(3);
    expect(model.roots.map((node) => node.id)).toEqual(['orphan', 'x']);
    expect(model.byId.get('y')!.parent?.id).toBe('x');
  });

  it('tells a parent in a cycle (stored, but cut to make a root) from a missing one', () => {
    const model = buildTraceModel('t', [
      apiSpan({ id: 'root', start: 0, duration: 10 }),
      apiSpan({ id: 'child', parent: 'root', start: 1, duration: 1 }),
      apiSpan({ id: 'orphan', parent: 'gone', start: 1, duration: 1 }),
      apiSpan({ id: 'x', parent: 'y', start: 2, duration: 1 }),
      apiSpan({ id: 'y', parent: 'x', start: 3, duration: 1 }),
      apiSpan({ id: 'self', parent: 'self', start: 4, duration: 1 }),
    ]);
    const place = (id: string) => {
      const found = parentPlace(model, model.byId.get(id)!);
      return 'parent' in found ? [found.kind, found.parent.id] : [found.kind];
    };

    expect(place('root')).toEqual(['none']);
    expect(place('child')).toEqual(['shown', 'root']);
    expect(parentPlace(model, model.byId.get('orphan')!)).toEqual({ kind: 'missing', parentId: 'gone' });
    expect(place('x')).toEqual(['cycle', 'y']);
    expect(place('y')).toEqual(['shown', 'x']);
    expect(place('self')).toEqual(['cycle', 'self']);
  });

  it('marks the ancestors of a failed span, and only them', () => {
    const model = buildTraceModel('t', [
      apiSpan({ id: 'root', start: 0, duration: 10 }),
      apiSpan({ id: 'mid', parent: 'root', start: 1, duration: 5 }),
      apiSpan({ id: 'bad', parent: 'mid', start: 2, duration: 1, error: true }),
      apiSpan({ id: 'fine', parent: 'root', start: 7, duration: 1 }),
    ]);

    expect(model.nodes.filter((node) => node.errorBelow).map((node) => node.id)).toEqual(['root', 'mid']);
    expect(model.byId.get('bad')!.isError).toBe(true);
  });

  it('lists every event of the trace by time with its span', () => {
    const model = buildTraceModel('t', [
      apiSpan({ id: 'root', start: 0, duration: 10, events: [{ name: 'late', at: 9 }] }),
      apiSpan({ id: 'child', parent: 'root', start: 1, duration: 5, events: [{ name: 'early', at: 2 }] }),
    ]);

    expect(traceEvents(model).map((event) => [event.event.name, event.node.id, event.offsetMillis])).toEqual([
      ['early', 'child', 2],
      ['late', 'root', 9],
    ]);
  });
});
