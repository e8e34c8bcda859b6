import type { ApiSpan } from '../api-types.ts';

/** A span placed in its trace: tree links and times relative to the trace's start. */
export interface SpanNode {
  readonly span: ApiSpan;
  readonly id: string;
  parent: SpanNode | undefined;
  readonly children: SpanNode[];
  depth: number;
  /** Milliseconds from the trace's first span start. */
  readonly startMillis: number;
  readonly durationMillis: number;
  readonly endMillis: number;
  readonly isError: boolean;
  /** A span below this one failed: the path to an error stays visible and marked. */
  errorBelow: boolean;
  /** Spans below this one, at any depth. */
  descendants: number;
  /** Position in depth-first order (the waterfall's order when nothing is collapsed). */
  index: number;
}

export interface TraceModel {
  readonly traceId: string;
  readonly startNanos: bigint;
  readonly durationMillis: number;
  /** Spans without a stored parent, by start; the first is the trace's root. */
  readonly roots: readonly SpanNode[];
  /** Depth-first, children by start time. */
  readonly nodes: readonly SpanNode[];
  readonly byId: ReadonlyMap<string, SpanNode>;
  /** Services in order of first appearance. */
  readonly services: readonly string[];
  readonly maxDepth: number;
}

const byStart = (a: SpanNode, b: SpanNode) => a.startMillis - b.startMillis || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The tree of a trace's spans. A span whose parent is not stored (not arrived yet, dropped, or in
 * another trace) becomes a root, as does any span caught in a parent cycle: no span is lost.
 */
export function buildTraceModel(traceId: string, spans: readonly ApiSpan[]): TraceModel {
  let startNanos: bigint | undefined;
  for (const span of spans) {
    const start = BigInt(span.start_unix_nanos);
    if (startNanos === undefined || start < startNanos) startNanos = start;
  }
  const origin = startNanos ?? 0n;
  const byId = new Map<string, SpanNode>();
  for (const span of spans) {
    const startMillis = Number(BigInt(span.start_unix_nanos) - origin) / 1e6;
    const durationMillis = Number(span.duration_nanos) / 1e6;
    byId.set(span.span_id, {
      span, id: span.span_id, parent: undefined, children: [], depth: 0, startMillis, durationMillis,
      endMillis: startMillis + durationMillis, isError: span.status === 'error', errorBelow: false, descendants: 0, index: -1,
    });
  }
  for (const node of byId.values()) {
    const parent = node.span.parent_span_id === null ? undefined : byId.get(node.span.parent_span_id);
    if (parent !== undefined && parent !== node) {
      node.parent = parent;
      parent.children.push(node);
    }
  }
  const candidates = [...byId.values()].sort(byStart);
  for (const node of candidates) node.children.sort(byStart);
  const nodes: SpanNode[] = [];
  const roots: SpanNode[] = [];
  const visit = (root: SpanNode) => {
    roots.push(root);
    root.parent = undefined;
    const stack: SpanNode[] = [root];
    while (stack.length > 0) {
      const node = stack.pop()!;
      node.index = nodes.length;
      node.depth = node.parent === undefined ? 0 : node.parent.depth + 1;
      nodes.push(node);
      for (let i = node.children.length - 1; i >= 0; i--) stack.push(node.children[i]!);
    }
  };
  for (const node of candidates) if (node.parent === undefined) visit(node);
  // Whatever is still unvisited hangs in a cycle: cut it at its earliest span.
  for (const node of candidates) {
    if (node.index === -1) {
      node.parent?.children.splice(node.parent.children.indexOf(node), 1);
      visit(node);
    }
  }
  let maxDepth = 0;
  let endMillis = 0;
  const services: string[] = [];
  const seen = new Set<string>();
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = nodes[i]!;
    if (node.parent === undefined) continue;
    if (node.isError || node.errorBelow) node.parent.errorBelow = true;
    node.parent.descendants += node.descendants + 1;
  }
  for (const node of nodes) {
    maxDepth = Math.max(maxDepth, node.depth);
    endMillis = Math.max(endMillis, node.endMillis);
    if (!seen.has(node.span.service_name)) {
      seen.add(node.span.service_name);
      services.push(node.span.service_name);
    }
  }
  return { traceId, startNanos: origin, durationMillis: endMillis, roots, nodes, byId, services, maxDepth };
}

/** The span's ancestors, nearest first. */
export function ancestorsOf(node: SpanNode): SpanNode[] {
  const ancestors: SpanNode[] = [];
  for (let at = node.parent; at !== undefined; at = at.parent) ancestors.push(at);
  return ancestors;
}

/**
 * Where a span's parent is: none (a true root), in the tree above it, not stored (`missing`), or
 * stored but in a parent cycle, which the model cut, so the span shows as a root.
 */
export type ParentPlace =
  | { readonly kind: 'none' }
  | { readonly kind: 'shown'; readonly parent: SpanNode }
  | { readonly kind: 'missing'; readonly parentId: string }
  | { readonly kind: 'cycle'; readonly parent: SpanNode };

export function parentPlace(model: TraceModel, node: SpanNode): ParentPlace {
  if (node.parent !== undefined) return { kind: 'shown', parent: node.parent };
  const parentId = node.span.parent_span_id;
  if (!parentId) return { kind: 'none' };
  const stored = model.byId.get(parentId);
  return stored === undefined ? { kind: 'missing', parentId } : { kind: 'cycle', parent: stored };
}

/** Nanoseconds since the epoch (decimal text) as milliseconds from the trace's start. */
export function offsetMillis(model: TraceModel, unixNanos: string | number): number {
  return Number(BigInt(unixNanos) - model.startNanos) / 1e6;
}
