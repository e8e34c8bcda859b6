import { formatDuration } from '../format.ts';
import type { TraceModel } from './trace-model.ts';
import type { TimeRange } from './Waterfall.tsx';

const THRESHOLDS = [0, 0.1, 1, 5, 10, 50, 100];

interface ToolbarProps {
  readonly model: TraceModel;
  readonly minMillis: number;
  readonly showCritical: boolean;
  readonly shown: number;
  readonly onMinMillis: (millis: number) => void;
  readonly onShowCritical: (show: boolean) => void;
  readonly onExpandAll: () => void;
  readonly onLevels: (levels: number) => void;
  readonly zoom: TimeRange | undefined;
  readonly onResetZoom: () => void;
}

export function WaterfallToolbar({ model, minMillis, showCritical, shown, onMinMillis, onShowCritical, onExpandAll, onLevels, zoom, onResetZoom }: ToolbarProps) {
  const levels = Array.from({ length: Math.min(model.maxDepth, 8) }, (_, i) => i + 1);
  return (
    <div class="waterfall-toolbar" role="toolbar" aria-label="Waterfall">
      <button type="button" onClick={onExpandAll}>Expand all</button>
      <span class="group" role="group" aria-label="Show levels">
        Levels
        {levels.map((count) => (
          <button type="button" key={count} onClick={() => onLevels(count)} aria-label={`Show ${count} level${count === 1 ? '' : 's'}`}>{count}</button>
        ))}
      </span>
      <label>
        Hide spans under
        <select value={String(minMillis)} onChange={(event) => onMinMillis(Number(event.currentTarget.value))}>
          {THRESHOLDS.map((millis) => <option key={millis} value={String(millis)}>{millis === 0 ? 'none' : `${millis} ms`}</option>)}
        </select>
      </label>
      <label class="check">
        <input type="checkbox" checked={showCritical} onChange={(event) => onShowCritical(event.currentTarget.checked)} />
        <span class="critical-swatch" aria-hidden="true" /> Critical path
      </label>
      {zoom && (
        <span class="zoomed">
          Showing {formatDuration(zoom.start)}–{formatDuration(zoom.end)}
          <button type="button" onClick={onResetZoom} aria-keyshortcuts="Escape">Show whole trace</button>
        </span>
      )}
      <span class="shown" aria-live="polite">{shown} of {model.nodes.length} spans shown</span>
    </div>
  );
}
