import type { SpanNode, TraceModel } from './trace-model.ts';

/** A stretch of time during which this span was what the trace waited on. */
export interface CriticalSegment {
  readonly spanId: string;
  readonly startMillis: number;
  readonly endMillis: number;
}

export interface CriticalPath {
  readonly segments: readonly CriticalSegment[];
  readonly bySpan: ReadonlyMap<string, readonly CriticalSegment[]>;
}

/**
 * The chain of work the root waited on, after Jaeger's algorithm: from the root's end walk back in
 * time; the child that finished last before the cursor was blocking, so it takes the time from its
 * start to then (and is walked the same way), the parent takes the gaps between blocking children.
 * Children are clipped to their parent's time and to the cursor: a child overlapping the blocking
 * child it started before is blocking up to that child's start (Jaeger skips it and gives the
 * parent that time instead, which hides a slow predecessor).
 */
export function criticalPath(model: TraceModel): CriticalPath {
  const root = model.roots.reduce<SpanNode | undefined>((longest, node) => (longest === undefined || node.durationMillis > longest.durationMillis ? node : longest), undefined);
  const segments: CriticalSegment[] = [];
  const stack: { node: SpanNode; start: number; end: number }[] = root ? [{ node: root, start: root.startMillis, end: root.endMillis }] : [];
  const add = (spanId: string, start: number, end: number) => {
    if (end > start) segments.push({ spanId, startMillis: start, endMillis: end });
  };
  while (stack.length > 0) {
    const { node, start, end } = stack.pop()!;
    let cursor = end;
    const byEnd = node.children.filter((child) => child.endMillis > start && child.startMillis < end).sort((a, b) => b.endMillis - a.endMillis);
    for (const child of byEnd) {
      if (child.startMillis >= cursor) continue;
      const childEnd = Math.min(child.endMillis, cursor);
      const childStart = Math.max(child.startMillis, start);
      add(node.id, childEnd, cursor);
      stack.push({ node: child, start: childStart, end: childEnd });
      cursor = childStart;
      if (cursor <= start) break;
    }
    add(node.id, start, cursor);
  }
  segments.sort((a, b) => a.startMillis - b.startMillis);
  const bySpan = new Map<string, CriticalSegment[]>();
  for (const segment of segments) {
    const list = bySpan.get(segment.spanId);
    if (list) list.push(segment);
    else bySpan.set(segment.spanId, [segment]);
  }
  return { segments, bySpan };
}
