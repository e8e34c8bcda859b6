import { traceHref } from '../router.ts';
import { useContext } from 'preact/hooks';
import type { TraceSummary } from '../api-types.ts';
import { formatAgo, formatDuration } from '../format.ts';
import { ServiceColors } from '../service-colors.ts';

interface ResultListProps {
  readonly traces: readonly TraceSummary[];
  readonly arrived: ReadonlySet<string>;
  readonly compare: readonly string[];
  readonly onToggleCompare: (traceId: string) => void;
}

/** The found traces, newest first, each with a bar scaled to the slowest found. */
export function ResultList({ traces, arrived, compare, onToggleCompare }: ResultListProps) {
  const serviceColor = useContext(ServiceColors);
  const longest = Math.max(...traces.map((trace) => trace.duration_ms), 1);
  const now = Date.now();
  return (
    <ol class="result-list" aria-label="Traces found">
      {traces.map((trace) => {
        const start = new Date(trace.start_time);
        const name = `${trace.root_service}: ${trace.root_operation}`;
        return (
          <li key={trace.trace_id} class={`result${arrived.has(trace.trace_id) ? ' arrived' : ''}${trace.error_count > 0 ? ' failed' : ''}`} data-trace-id={trace.trace_id}>
            <div class="result-head">
              <a class="result-title" href={traceHref(trace.trace_id)}>
                <span class="service-dot" style={{ background: serviceColor(trace.root_service) }} aria-hidden="true" />
                {name}
              </a>
              {trace.error_count > 0 && <span class="badge error" title="spans with status error">{trace.error_count} error{trace.error_count === 1 ? '' : 's'}</span>}
              <span class="result-duration">{formatDuration(trace.duration_ms)}</span>
            </div>
            <div class="duration-track" aria-hidden="true">
              <div class="duration-bar" style={{ width: `${Math.max(0.5, (trace.duration_ms / longest) * 100)}%` }} />
            </div>
            <div class="result-meta">
              <span>{trace.span_count} span{trace.span_count === 1 ? '' : 's'}</span>
              <ul class="service-chips" aria-label="Services">
                {trace.services.map((service) => (
                  <li key={service.name} class={service.error_count > 0 ? 'failed' : ''}>
                    <span class="service-dot" style={{ background: serviceColor(service.name) }} aria-hidden="true" />
                    {service.name} <span class="count">{service.span_count}</span>
                  </li>
                ))}
              </ul>
              <time dateTime={trace.start_time} title={start.toLocaleString()}>{formatAgo(start, now)} · {start.toLocaleTimeString()}</time>
              <code class="trace-id">{trace.trace_id.slice(0, 12)}</code>
              <label class="compare-pick">
                <input type="checkbox" checked={compare.includes(trace.trace_id)} onChange={() => onToggleCompare(trace.trace_id)} />
                <span>compare</span>
                <span class="visually-hidden"> {name} {formatDuration(trace.duration_ms)}</span>
              </label>
            </div>
          </li>
        );
      })}
    </ol>
  );
}
