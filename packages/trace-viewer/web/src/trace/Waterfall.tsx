import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { formatDuration } from '../format.ts';
import type { CriticalPath } from './critical-path.ts';
import type { TraceModel } from './trace-model.ts';
import { rowIndexOf, type WaterfallRow as Row } from './visible-rows.ts';
import { ROW_HEIGHT, WaterfallRow, type TimeScale } from './WaterfallRow.tsx';

/** Rows drawn above and below the viewport, so fast scrolling does not show blanks. */
const OVERSCAN = 12;

interface WaterfallProps {
  readonly model: TraceModel;
  readonly rows: readonly Row[];
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
    const selectedNode = selectedId === undefined ? undefined : model.byId.get(selectedId);
    // A selection folded away (Levels, threshold) moves from the shown ancestor that hides it.
    const from = selectedIndex >= 0 || selectedNode === undefined ? { index: selectedIndex, hidden: false } : rowIndexOf(rows, selectedNode);
    const row = from.hidden ? undefined : rows[from.index];
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
      case 'ArrowDown': go(from.index + 1); break;
      // The hiding ancestor is the row just above the hidden span.
      case 'ArrowUp': go(from.hidden ? from.index : from.index - 1); break;
      case 'PageDown': go(from.index + page); break;
      case 'PageUp': go(from.index - page); break;
      case 'Home': go(0); break;
      case 'End': go(rows.length - 1); break;
      case 'ArrowRight':
        if (node && node.children.length > 0 && !open) onToggle(node.id);
        else if (open) go(from.index + 1);
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
  const scale: TimeScale = { start: range.start, width };

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
          {rows.slice(first, last).map(({ node, hiddenShort }, i) => (
            <WaterfallRow
              key={node.id} node={node} index={first + i} hiddenShort={hiddenShort} open={!collapsed.has(node.id)}
              selected={node.id === selectedId} segments={critical?.bySpan.get(node.id)} scale={scale}
              onSelect={onSelect} onToggle={onToggle}
            />
          ))}
        </div>
      </div>
    </div>
  );
}
