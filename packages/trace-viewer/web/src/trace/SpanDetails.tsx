import { traceHref } from '../router.ts';
import { useContext } from 'preact/hooks';
import { formatClockTime, formatDuration, formatOffset, formatValue } from '../format.ts';
import { ServiceColors } from '../service-colors.ts';
import { AttributeTable } from './AttributeTable.tsx';
import type { CriticalSegment } from './critical-path.ts';
import { offsetMillis, parentPlace, type SpanNode, type TraceModel } from './trace-model.ts';

interface SpanDetailsProps {
  readonly model: TraceModel;
  readonly node: SpanNode;
  readonly critical: readonly CriticalSegment[] | undefined;
  readonly onSelectSpan: (id: string) => void;
  /** Fits the timeline to this span. */
  readonly onZoom: () => void;
}

/** Everything about one span: where it sits, how it ended, its attributes, events and links. */
export function SpanDetails({ model, node, critical, onSelectSpan, onZoom }: SpanDetailsProps) {
  const colorOf = useContext(ServiceColors);
  const { span } = node;
  const onPath = critical?.reduce((sum, segment) => sum + segment.endMillis - segment.startMillis, 0) ?? 0;
  return (
    <div class="details" data-span-id={node.id}>
      <h2>
        <span class="service-dot" style={{ background: colorOf(span.service_name) }} aria-hidden="true" />
        <span class="details-operation">{span.operation_name}</span>
      </h2>
      <p class="details-service">{span.service_name}</p>
      {node.isError && (
        <p class="status-error" role="note"><strong>Error</strong>{span.status_message ? `: ${span.status_message}` : ''}</p>
      )}
      {!node.isError && node.errorBelow && <p class="status-warning" role="note">A span below this one failed.</p>}
      <dl class="facts">
        <dt>Duration</dt><dd>{formatDuration(node.durationMillis)}</dd>
        <dt>Starts at</dt><dd>{formatOffset(node.startMillis)} <span class="hint" title="local time">({formatClockTime(new Date(span.start_time))})</span></dd>
        <dt>Kind</dt><dd>{span.kind}</dd>
        <dt>Status</dt><dd>{span.status}{span.status_code === 1 ? ' (set ok)' : ''}</dd>
        {onPath > 0 && <><dt>Critical path</dt><dd>{formatDuration(onPath)} of it</dd></>}
        <dt>Span ID</dt><dd><code>{node.id}</code></dd>
        <dt>Parent</dt>
        <dd><ParentFact model={model} node={node} onSelectSpan={onSelectSpan} /></dd>
        {span.scope_name && <><dt>Scope</dt><dd>{span.scope_name}{span.scope_version ? ` ${span.scope_version}` : ''}</dd></>}
      </dl>
      <p class="details-actions">
        <a href={traceHref(model.traceId, node.id)} class="deep-link">Link to this span</a>
        <button type="button" onClick={onZoom} aria-keyshortcuts="z">Zoom timeline to it</button>
      </p>

      <section aria-labelledby="attributes-heading">
        <h3 id="attributes-heading">Attributes</h3>
        <AttributeTable attributes={span.tags} label="Span attributes" />
      </section>

      <section aria-labelledby="events-heading">
        <h3 id="events-heading">Events <span class="count">{span.logs.length}</span></h3>
        {span.logs.length === 0 ? <p class="none">none</p> : (
          <ol class="span-events">
            {span.logs.map((event, i) => {
              const at = offsetMillis(model, event.time_unix_nano);
              return (
                <li key={i}>
                  <div class="event-head">
                    <span class="offset" title="from the span's start">{formatOffset(at - node.startMillis)}</span>
                    <strong class="event-name">{event.name}</strong>
                  </div>
                  <AttributeTable attributes={event.attributes} label={`Attributes of event ${event.name}`} />
                </li>
              );
            })}
          </ol>
        )}
      </section>

      {span.links.length > 0 && (
        <section aria-labelledby="links-heading">
          <h3 id="links-heading">Links</h3>
          <ul class="span-links">
            {span.links.map((link) => (
              <li key={`${link.trace_id}-${link.span_id}`}>
                <a href={traceHref(link.trace_id, link.span_id)}><code>{link.trace_id.slice(0, 12)}…/{link.span_id}</code></a>
                {Object.entries(link.attributes).map(([key, value]) => <span key={key} class="hint"> {key}={formatValue(value)}</span>)}
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="resource-heading">
        <h3 id="resource-heading">Resource</h3>
        <AttributeTable attributes={span.resource} label="Resource attributes" />
      </section>
    </div>
  );
}

/** The parent, or why there is none in the tree: missing from the trace, or in a parent cycle. */
function ParentFact({ model, node, onSelectSpan }: { model: TraceModel; node: SpanNode; onSelectSpan: (id: string) => void }) {
  const place = parentPlace(model, node);
  switch (place.kind) {
    case 'none': return <>none (root)</>;
    case 'missing': return <code title="not in this trace's stored spans">{place.parentId} (missing)</code>;
    case 'shown':
    case 'cycle': {
      const { parent } = place;
      return (
        <>
          <button type="button" class="link" onClick={() => onSelectSpan(parent.id)}>{parent.span.operation_name}</button>
          {place.kind === 'cycle' && <span class="hint" data-testid="parent-cycle"> (parent cycle: {parent === node ? 'the span names itself' : 'its ancestors lead back to it'}; shown as a root)</span>}
        </>
      );
    }
  }
}
