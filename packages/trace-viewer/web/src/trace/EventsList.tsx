import { useContext } from 'preact/hooks';
import { formatDuration } from '../format.ts';
import { ServiceColors } from '../service-colors.ts';
import { AttributeTable } from './AttributeTable.tsx';
import type { TraceEvent } from './trace-events.ts';

/** All events of the trace in time order, each with the span it was logged on (a click selects it). */
export function EventsList({ events, onSelectSpan }: { events: readonly TraceEvent[]; onSelectSpan: (id: string) => void }) {
  const colorOf = useContext(ServiceColors);
  if (events.length === 0) return <p class="none">No span of this trace logged an event.</p>;
  return (
    <table class="trace-events" aria-label="All events of the trace">
      <thead>
        <tr><th scope="col">Time</th><th scope="col">Span</th><th scope="col">Event</th><th scope="col">Attributes</th></tr>
      </thead>
      <tbody>
        {events.map(({ node, event, offsetMillis }, i) => (
          <tr key={i} class={event.name === 'exception' ? 'failed' : ''}>
            <td class="offset">+{formatDuration(offsetMillis)}</td>
            <td>
              <button type="button" class="link" onClick={() => onSelectSpan(node.id)}>
                <span class="service-dot" style={{ background: colorOf(node.span.service_name) }} aria-hidden="true" />
                {node.span.service_name}: {node.span.operation_name}
              </button>
            </td>
            <td class="event-name">{event.name}</td>
            <td><AttributeTable attributes={event.attributes} label={`Attributes of event ${event.name}`} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
