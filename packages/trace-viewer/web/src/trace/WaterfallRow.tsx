import { useContext } from 'preact/hooks';
import { formatDuration } from '../format.ts';
import { ServiceColors } from '../service-colors.ts';
import type { CriticalSegment } from './critical-path.ts';
import type { SpanNode } from './trace-model.ts';

/** Every row is this tall (styles.css agrees), so the rows in view follow from the scroll position alone. */
export const ROW_HEIGHT = 26;
/** Deeper spans indent no further: a pathological depth must not push names off the row. */
const MAX_INDENT_LEVELS = 30;

/** The stretch of time the timeline column shows, in milliseconds from the trace's start. */
export interface TimeScale {
  readonly start: number;
  readonly width: number;
}

interface WaterfallRowProps {
  readonly node: SpanNode;
  /** Position among the visible rows: the row is placed by it. */
  readonly index: number;
  readonly hiddenShort: number;
  /** Its children are shown (when it has any). */
  readonly open: boolean;
  readonly selected: boolean;
  readonly segments: readonly CriticalSegment[] | undefined;
  readonly scale: TimeScale;
  readonly onSelect: (id: string) => void;
  readonly onToggle: (id: string) => void;
}

/** One span as a `treeitem`: its name column (indent, toggle, marks) and its bar on the timeline. */
export function WaterfallRow({ node, index, hiddenShort, open: expanded, selected, segments, scale, onSelect, onToggle }: WaterfallRowProps) {
  const colorOf = useContext(ServiceColors);
  const hasChildren = node.children.length > 0;
  const open = hasChildren && expanded;
  const color = colorOf(node.span.service_name);
  const at = (millis: number) => (millis - scale.start) / scale.width;
  const percent = (millis: number) => `${at(millis) * 100}%`;
  const length = (millis: number) => `${(millis / scale.width) * 100}%`;
  const classes = ['span-row', node.isError ? 'failed' : '', node.errorBelow ? 'error-below' : '', selected ? 'selected' : '', segments ? 'critical' : ''];
  return (
    <div
      id={`span-row-${node.id}`} role="treeitem" class={classes.join(' ')}
      aria-level={node.depth + 1} aria-selected={selected} aria-expanded={hasChildren ? open : undefined}
      data-span-id={node.id} style={{ transform: `translateY(${index * ROW_HEIGHT}px)` }}
      onClick={() => onSelect(node.id)}
    >
      <div class="label-col" style={{ paddingLeft: `${Math.min(node.depth, MAX_INDENT_LEVELS) * 14 + 4}px` }}>
        {hasChildren ? (
          <button type="button" class="toggle" tabIndex={-1} aria-label={open ? 'Collapse' : 'Expand'}
            onClick={(event) => { event.stopPropagation(); onToggle(node.id); }}>
            {open ? '▾' : '▸'}
          </button>
        ) : <span class="toggle-space" />}
        <span class="service-mark" style={{ background: color }} aria-hidden="true" />
        <span class="service-name">{node.span.service_name}</span>
        <span class="operation-name">{node.span.operation_name}</span>
        {node.isError && <span class="error-mark" title="this span failed">error</span>}
        {!node.isError && node.errorBelow && <span class="error-below-mark" title="a span below failed">!</span>}
        {!open && hasChildren && <span class="count" title="spans below">{node.descendants}</span>}
        {hiddenShort > 0 && <span class="count hidden-short" title="short spans hidden">+{hiddenShort} short</span>}
      </div>
      <div class="time-col">
        <div class="bar" style={{ left: percent(node.startMillis), width: `max(2px, ${length(node.durationMillis)})`, background: color }} />
        {segments?.map((segment) => (
          <div key={segment.startMillis} class="critical-segment" style={{ left: percent(segment.startMillis), width: `max(1px, ${length(segment.endMillis - segment.startMillis)})` }} />
        ))}
        <span class={`bar-label ${labelSide(at(node.startMillis), at(node.endMillis))}`} style={labelPlace(at(node.startMillis), at(node.endMillis))}>
          {formatDuration(node.durationMillis)}
        </span>
      </div>
    </div>
  );
}

type Side = 'after' | 'before' | 'inside';

/** Where a bar's duration fits: after the bar, else before it, else inside its end. */
function labelSide(start: number, end: number): Side {
  if (end < 0.85) return 'after';
  if (start > 0.15) return 'before';
  return 'inside';
}

function labelPlace(start: number, end: number): Record<string, string> {
  const side = labelSide(start, end);
  if (side === 'after') return { left: `calc(${end * 100}% + 4px)` };
  if (side === 'before') return { right: `calc(${100 - start * 100}% + 4px)` };
  return { right: `calc(${100 - end * 100}% + 6px)` };
}
