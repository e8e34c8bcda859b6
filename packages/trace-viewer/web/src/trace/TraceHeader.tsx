import { useContext } from 'preact/hooks';
import type { TraceResponse } from '../api-types.ts';
import { formatDuration } from '../format.ts';
import { ServiceColors } from '../service-colors.ts';
import { samplingReason } from './sampling-reason.ts';
import type { TraceModel } from './trace-model.ts';

/** The trace in one glance: what, how long, which services, why it was kept, and what to do next. */
export function TraceHeader({ response, model, criticalSpans }: { response: TraceResponse; model: TraceModel; criticalSpans: number }) {
  const colorOf = useContext(ServiceColors);
  const { summary } = response;
  const root = model.roots[0];
  const kept = root ? samplingReason(root.span.tags) : undefined;
  const errors = model.nodes.filter((node) => node.isError).length;
  return (
    <header class="trace-header">
      <div class="trace-title">
        <h1>
          <span class="service-dot big" style={{ background: colorOf(summary.root_service) }} aria-hidden="true" />
          {summary.root_service}: {summary.root_operation}
        </h1>
        <div class="trace-actions">
          <a class="button" href={`/compare?a=${encodeURIComponent(model.traceId)}`}>Compare…</a>
          <a class="button" href={`/_api/traces/${encodeURIComponent(model.traceId)}`} download={`trace-${model.traceId}.json`}>Download JSON</a>
        </div>
      </div>
      <dl class="trace-facts">
        <div><dt>Duration</dt><dd>{formatDuration(model.durationMillis)}</dd></div>
        <div><dt>Spans</dt><dd>{model.nodes.length}</dd></div>
        <div><dt>Depth</dt><dd>{model.maxDepth + 1}</dd></div>
        <div><dt>Errors</dt><dd class={errors > 0 ? 'error-text' : ''}>{errors}</dd></div>
        <div><dt>Started</dt><dd><time dateTime={summary.start_time}>{new Date(summary.start_time).toLocaleString()}</time></dd></div>
        <div><dt>On critical path</dt><dd>{criticalSpans} spans</dd></div>
        <div><dt>Trace ID</dt><dd><code>{model.traceId}</code></dd></div>
      </dl>
      {response.truncated && (
        <p class="truncated-note" role="note" data-testid="truncated-note">
          <strong>Incomplete:</strong> showing the first {model.nodes.length.toLocaleString()} spans of a larger trace
          {summary.span_count > model.nodes.length ? ` (${summary.span_count.toLocaleString()} spans stored)` : ''}; the rest are
          left out of the waterfall, the critical path and the counts here. Download JSON holds the same first spans.
        </p>
      )}
      {kept && (
        <p class="sampling-note" data-testid="sampling-note">
          <strong>Kept by tail sampling</strong> (<code>sampling.rule={kept.rule}</code>): {kept.because}
          {kept.early ? `; ${kept.early}` : ''}.
        </p>
      )}
      <ul class="legend" aria-label="Services">
        {summary.services.map((service) => (
          <li key={service.name}>
            <span class="service-swatch" style={{ background: colorOf(service.name) }} aria-hidden="true" />
            {service.name} <span class="count">{service.span_count}</span>
            {service.error_count > 0 && <span class="badge error">{service.error_count} failed</span>}
          </li>
        ))}
      </ul>
    </header>
  );
}
