import { ancestorsOf, type SpanNode, type TraceModel } from '../trace/trace-model.ts';

/** Spans of both traces that play the same part: same service, operation and ancestor operations. */
export interface ComparedSpans {
  readonly key: string;
  readonly service: string;
  readonly operation: string;
  readonly depth: number;
  /** The operations above, root first. */
  readonly ancestors: readonly string[];
  readonly countA: number;
  readonly countB: number;
  /** Summed durations of the spans in each trace (0 when the trace has none). */
  readonly millisA: number;
  readonly millisB: number;
  /** Time spent in the spans themselves, not waiting on their children. */
  readonly selfMillisA: number;
  readonly selfMillisB: number;
  /** B minus A: positive is slower in B. */
  readonly deltaMillis: number;
  readonly selfDeltaMillis: number;
}

/** The span's place in its trace: its ancestors' and its own service and operation. */
function pathKey(node: SpanNode): string {
  const parts: string[] = [];
  for (let at: SpanNode | undefined = node; at !== undefined; at = at.parent) parts.push(`${at.span.service_name}\u0001${at.span.operation_name}`);
  return parts.reverse().join('\u0002');
}

/** Time in the span not covered by any of its children (children clipped to it, overlaps merged). */
export function selfMillis(node: SpanNode): number {
  const spans = node.children
    .map((child) => [Math.max(child.startMillis, node.startMillis), Math.min(child.endMillis, node.endMillis)] as const)
    .filter(([start, end]) => end > start)
    .sort((a, b) => a[0] - b[0]);
  let covered = 0;
  let reach = node.startMillis;
  for (const [start, end] of spans) {
    if (end <= reach) continue;
    covered += end - Math.max(start, reach);
    reach = end;
  }
  return node.durationMillis - covered;
}

/**
 * Two traces side by side, span group by span group, slowest-in-B first. Spans are matched by their
 * path of operations (a retry loop's three `SELECT`s form one group with a count), so the two
 * traces need not have the same span ids or span counts.
 */
export function compareTraces(a: TraceModel, b: TraceModel): ComparedSpans[] {
  type Group = { service: string; operation: string; depth: number; ancestors: string[]; count: [number, number]; millis: [number, number]; self: [number, number] };
  const groups = new Map<string, Group>();
  const add = (model: TraceModel, side: 0 | 1) => {
    for (const node of model.nodes) {
      const key = pathKey(node);
      let group = groups.get(key);
      if (group === undefined) {
        const ancestors = ancestorsOf(node).map((ancestor) => ancestor.span.operation_name).reverse();
        group = { service: node.span.service_name, operation: node.span.operation_name, depth: node.depth, ancestors, count: [0, 0], millis: [0, 0], self: [0, 0] };
        groups.set(key, group);
      }
      group.count[side]++;
      group.millis[side] += node.durationMillis;
      group.self[side] += selfMillis(node);
    }
  };
  add(a, 0);
  add(b, 1);
  return [...groups].map(([key, group]): ComparedSpans => ({
    key, service: group.service, operation: group.operation, depth: group.depth, ancestors: group.ancestors,
    countA: group.count[0], countB: group.count[1], millisA: group.millis[0], millisB: group.millis[1],
    selfMillisA: group.self[0], selfMillisB: group.self[1],
    deltaMillis: group.millis[1] - group.millis[0], selfDeltaMillis: group.self[1] - group.self[0],
  })).sort((x, y) => y.selfDeltaMillis - x.selfDeltaMillis || y.deltaMillis - x.deltaMillis || x.key.localeCompare(y.key));
}
