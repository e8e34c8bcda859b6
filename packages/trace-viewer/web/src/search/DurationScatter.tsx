import type { TraceSummary } from '../api-types.ts';
import { formatDuration } from '../format.ts';
import { navigate, traceHref } from '../router.ts';

// Wide as the results column usually is, so the drawing scales little either way.
const WIDTH = 1040;
const HEIGHT = 140;
const PAD = { left: 56, right: 12, top: 10, bottom: 22 };

/**
 * Duration over time, one dot per trace (red: it has errors); a click opens the trace. Durations
 * on a log scale: a 5 s outlier must not flatten the 20 ms crowd into the axis.
 */
export function DurationScatter({ traces, arrived }: { traces: readonly TraceSummary[]; arrived: ReadonlySet<string> }) {
  const times = traces.map((trace) => new Date(trace.start_time).getTime());
  const first = Math.min(...times);
  const last = Math.max(...times);
  const span = Math.max(last - first, 1000);
  const durations = traces.map((trace) => Math.max(trace.duration_ms, 0.01));
  const low = Math.log10(Math.min(...durations));
  const high = Math.max(Math.log10(Math.max(...durations)), low + 1);
  const x = (time: number) => PAD.left + ((time - first) / span) * (WIDTH - PAD.left - PAD.right);
  const y = (millis: number) => HEIGHT - PAD.bottom - ((Math.log10(Math.max(millis, 0.01)) - low) / (high - low)) * (HEIGHT - PAD.top - PAD.bottom);
  const ticks = [low, (low + high) / 2, high].map((exponent) => 10 ** exponent);
  return (
    <figure class="scatter">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={`Duration over time of ${traces.length} traces`}>
        <line class="axis" x1={PAD.left} y1={HEIGHT - PAD.bottom} x2={WIDTH - PAD.right} y2={HEIGHT - PAD.bottom} />
        <line class="axis" x1={PAD.left} y1={PAD.top} x2={PAD.left} y2={HEIGHT - PAD.bottom} />
        {ticks.map((millis) => (
          <g key={millis}>
            <line class="grid" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(millis)} y2={y(millis)} />
            <text class="tick" x={PAD.left - 6} y={y(millis) + 4} text-anchor="end">{formatDuration(millis)}</text>
          </g>
        ))}
        <text class="tick" x={PAD.left} y={HEIGHT - 6}>{new Date(first).toLocaleTimeString()}</text>
        <text class="tick" x={WIDTH - PAD.right} y={HEIGHT - 6} text-anchor="end">{new Date(last).toLocaleTimeString()}</text>
        {traces.map((trace, i) => (
          <circle
            key={trace.trace_id}
            class={`dot${trace.error_count > 0 ? ' failed' : ''}${arrived.has(trace.trace_id) ? ' arrived' : ''}`}
            cx={x(times[i]!)} cy={y(trace.duration_ms)} r={5}
            // Reachable by keyboard as the result list is: Tab to a dot, Enter or Space opens it.
            // Lowercase: on SVG, Preact sets attributes by name, and the tabIndex property left it unfocusable.
            tabindex={0}
            role="link"
            aria-label={`${trace.root_service}: ${trace.root_operation}, ${formatDuration(trace.duration_ms)}${trace.error_count > 0 ? ', failed' : ''}`}
            onClick={() => navigate(traceHref(trace.trace_id))}
            onKeyDown={(event) => {
              if (event.key !== 'Enter' && event.key !== ' ') return;
              event.preventDefault();
              navigate(traceHref(trace.trace_id));
            }}
          >
            <title>{`${trace.root_service}: ${trace.root_operation} — ${formatDuration(trace.duration_ms)}, ${trace.span_count} spans`}</title>
          </circle>
        ))}
      </svg>
    </figure>
  );
}
