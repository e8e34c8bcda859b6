import { ancestorsOf, type SpanNode, type TraceModel } from './trace-model.ts';

export interface WaterfallRow {
  readonly node: SpanNode;
  /** Children left out because they were shorter than the threshold. */
  readonly hiddenShort: number;
}

/**
 * The waterfall's rows: depth-first, without the spans under a collapsed span, and without spans
 * shorter than `minMillis` (their subtrees too) unless they failed or lead to a failure: errors
 * are never folded away.
 */
export function visibleRows(model: TraceModel, collapsed: ReadonlySet<string>, minMillis = 0): WaterfallRow[] {
  const rows: WaterfallRow[] = [];
  const stack: SpanNode[] = [];
  for (let i = model.roots.length - 1; i >= 0; i--) stack.push(model.roots[i]!);
  while (stack.length > 0) {
    const node = stack.pop()!;
    let hiddenShort = 0;
    if (!collapsed.has(node.id)) {
      for (let i = node.children.length - 1; i >= 0; i--) {
        const child = node.children[i]!;
        if (child.durationMillis < minMillis && !child.isError && !child.errorBelow) hiddenShort++;
        else stack.push(child);
      }
    }
    rows.push({ node, hiddenShort });
  }
  return rows;
}

/** The spans to collapse so that `levels` levels show (1: the roots alone). */
export function collapsedToLevels(model: TraceModel, levels: number): Set<string> {
  const collapsed = new Set<string>();
  for (const node of model.nodes) if (node.depth >= levels - 1 && node.children.length > 0) collapsed.add(node.id);
  return collapsed;
}

/**
 * The row that stands for `node`: its own, or, when it is folded away (a Levels button, the
 * threshold), its nearest shown ancestor's; -1 when neither shows. Keys move from there, so a
 * hidden selection does not send ArrowDown back to the top.
 */
export function rowIndexOf(rows: readonly WaterfallRow[], node: SpanNode): { readonly index: number; readonly hidden: boolean } {
  const indexOf = new Map<SpanNode, number>();
  rows.forEach((row, index) => indexOf.set(row.node, index));
  const own = indexOf.get(node);
  if (own !== undefined) return { index: own, hidden: false };
  for (const ancestor of ancestorsOf(node)) {
    const index = indexOf.get(ancestor);
    if (index !== undefined) return { index, hidden: true };
  }
  return { index: -1, hidden: true };
}
