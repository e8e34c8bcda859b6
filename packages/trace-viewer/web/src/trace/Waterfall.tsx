import { useContext, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { formatDuration } from '../format.ts';
import { ServiceColors } from '../service-colors.ts';
import type { CriticalPath } from './critical-path.ts';
import type { TraceModel } from './trace-model.ts';
import type { WaterfallRow } from './visible-rows.ts';

/** Every row is this tall, so the rows in view follow from the scroll position alone. */
export const ROW_HEIGHT = 26;
/** Rows drawn above and below the viewport, so fast scrolling does not show blanks. */
const OVERSCAN = 12;
/** Deeper spans indent no further: a pathological depth must not push names off the row. */
const MAX_INDENT_LEVELS = 30;

interface WaterfallProps {
  readonly model: TraceModel;
  readonly rows: readonly WaterfallRow[];
  readonly collapsed: ReadonlySet<string>;
  readonly critical: CriticalPath | undefined;
  readonly selectedId: string | undefined;
  /** A span to bring to the middle of the view; `count` changes to ask again for the same span. */
  readonly reveal: { readonly id: string | undefined; readonly count: number };
  readonly onSelect: (id: string) => void;
  readonly onToggle: (id: string) => void;
  readonly onOpen: () => void;
  /** The stretch of the trace the timeline shows, in milliseconds from its start. */
  readonly range: TimeRange;
  readonly onZoom: (range: TimeRange | undefined) => void;
}

export interface TimeRange {
  readonly start: number;
  readonly end: number;
}

/**
 * The timeline as a tree (`role=tree`): only the rows in view are in the DOM. Focus stays on the
 * tree; `aria-activedescendant` names the selected row, which is always rendered because
 * selecting scrolls it into view.
 */
export function Waterfall({ model, rows, collapsed, critical, selectedId, reveal, onSelect, onToggle, onOpen, range, onZoom }: WaterfallProps) {
  const colorOf = useContext(ServiceColors);
  const scroller = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ top: 0, height: 600 });

  useLayoutEffect(() => {
    const element = scroller.current!;
    const measure = () => setViewport({ top: element.scrollTop, height: element.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const selectedIndex = rows.findIndex((row) => row.node.id === selectedId);

  /** Scrolls so that row `index` shows: just into view, or to the middle of it. */
  const bringIntoView = (index: number, centre: boolean) => {
    const element = scroller.current;
    if (element === null || index < 0) return;
    const top = index * ROW_HEIGHT;
    if (centre) element.scrollTop = Math.max(0, top - element.clientHeight / 2);
    else if (top < element.scrollTop) element.scrollTop = top;
    else if (top + ROW_HEIGHT > element.scrollTop + element.clientHeight) element.scrollTop = top + ROW_HEIGHT - element.clientHeight;
    setViewport({ top: element.scrollTop, height: element.clientHeight });
  };

  // A reveal (a deep link, a span chosen elsewhere) centres its span once its row exists.
  const lastReveal = useRef(-1);
  useEffect(() => {
    if (reveal.id !== selectedId || lastReveal.current === reveal.count || selectedIndex < 0) return;
    lastReveal.current = reveal.count;
    bringIntoView(selectedIndex, true);
  }, [reveal.count, selectedIndex]);

  const onKeyDown = (event: KeyboardEvent) => {
    const row = rows[selectedIndex];
    const page = Math.max(1, Math.floor(viewport.height / ROW_HEIGHT) - 1);
    const go = (index: number) => {
      const at = Math.max(0, Math.min(rows.length - 1, index));
      const target = rows[at];
      if (target === undefined) return;
      onSelect(target.node.id);
      bringIntoView(at, false);
    };
    const node = row?.node;
    const open = node !== undefined && node.children.length > 0 && !collapsed.has(node.id);
    switch (event.key) {
      case 'ArrowDown': go(selectedIndex + 1); break;
      case 'ArrowUp': go(selectedIndex - 1); break;
      case 'PageDown': go(selectedIndex + page); break;
      case 'PageUp': go(selectedIndex - page); break;
      case 'Home': go(0); break;
      case 'End': go(rows.length - 1); break;
      case 'ArrowRight':
        if (node && node.children.length > 0 && !open) onToggle(node.id);
        else if (open) go(selectedIndex + 1);
        break;
      case 'ArrowLeft':
        if (open) onToggle(node.id);
        else if (node?.parent) go(rows.findIndex((other) => other.node === node.parent));
        break;
      case 'Enter': onOpen(); break;
      case 'z': if (node) onZoom({ start: node.startMillis, end: node.endMillis }); break;
      case 'Escape': onZoom(undefined); break;
      default: return;
    }
    event.preventDefault();
  };

  const first = Math.max(0, Math.floor(viewport.top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((viewport.top + viewport.height) / ROW_HEIGHT) + OVERSCAN);
  const width = Math.max(range.end - range.start, 1e-6);
  const at = (millis: number) => (millis - range.start) / width;
  const percent = (millis: number) => `${at(millis) * 100}%`;
  const length = (millis: number) => `${(millis / width) * 100}%`;

  return (
    <div class="waterfall">
      <div class="waterfall-head" aria-hidden="true">
        <div class="label-col">Service · operation</div>
        <div class="time-col">
          {[0, 0.25, 0.5, 0.75, 1].map((tick) => (
            <span key={tick} class="tick" style={{ left: `${tick * 100}%` }}>{formatDuration(range.start + width * tick)}</span>
          ))}
        </div>
      </div>
      <div
        class="waterfall-scroll" ref={scroller} role="tree" tabIndex={0} aria-label={`Spans of trace ${model.traceId}`}
        aria-activedescendant={selectedIndex >= first && selectedIndex < last ? `span-row-${selectedId}` : undefined}
        onScroll={(event) => setViewport({ top: event.currentTarget.scrollTop, height: event.currentTarget.clientHeight })}
        onKeyDown={onKeyDown}
      >
        <div class="waterfall-rows" style={{ height: `${rows.length * ROW_HEIGHT}px` }}>
          {rows.slice(first, last).map(({ node, hiddenShort }, i) => {
            const index = first + i;
            const hasChildren = node.children.length > 0;
            const open = hasChildren && !collapsed.has(node.id);
            const segments = critical?.bySpan.get(node.id);
            const color = colorOf(node.span.service_name);
            const classes = ['span-row', node.isError ? 'failed' : '', node.errorBelow ? 'error-below' : '', node.id === selectedId ? 'selected' : '', segments ? 'critical' : ''];
            return (
              <div
                key={node.id} id={`span-row-${node.id}`} role="treeitem" class={classes.join(' ')}
                aria-level={node.depth + 1} aria-selected={node.id === selectedId} aria-expanded={hasChildren ? open : undefined}
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
          })}
        </div>
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
