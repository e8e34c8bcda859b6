import { useContext, useMemo, useState } from 'preact/hooks';
import { formatOffset, formatValue } from '../format.ts';
import { ServiceColors } from '../service-colors.ts';
import { AttributeTable } from './AttributeTable.tsx';
import type { TraceEvent } from './trace-events.ts';

/** All events of the trace in time order, each with the span it was logged on (a click selects it). */
export function EventsList({ events, onSelectSpan }: { events: readonly TraceEvent[]; onSelectSpan: (id: string) => void }) {
  const colorOf = useContext(ServiceColors);
  const [filter, setFilter] = useState('');
  const shown = useMemo(() => {
    const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
    if (words.length === 0) return events;
    return events.filter((entry) => {
      const text = eventText(entry).toLowerCase();
      return words.every((word) => text.includes(word));
    });
  }, [events, filter]);
  if (events.length === 0) return <p class="none">No span of this trace logged an event.</p>;
  return (
    <>
      <div class="events-filter">
        <label>
          Filter events
          <input type="search" value={filter} placeholder="exception payment" onInput={(event) => setFilter(event.currentTarget.value)} />
        </label>
        <span class="hint" aria-live="polite">{shown.length} of {events.length}</span>
      </div>
      <table class="trace-events" aria-label="All events of the trace">
        <thead>
          <tr><th scope="col">Time</th><th scope="col">Span</th><th scope="col">Event</th><th scope="col">Attributes</th></tr>
        </thead>
        <tbody>
          {shown.map(({ node, event, offsetMillis }, i) => (
            <tr key={`${node.id}:${event.time_unix_nano}:${event.name}:${i}`} class={event.name === 'exception' ? 'failed' : ''}>
              <td class="offset">{formatOffset(offsetMillis)}</td>
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
    </>
  );
}

/** What a filter matches: the event's name and attributes, and its span's service and operation. */
function eventText({ node, event }: TraceEvent): string {
  const attributes = Object.entries(event.attributes).map(([key, value]) => `${key}=${formatValue(value)}`);
  return [event.name, node.span.service_name, node.span.operation_name, ...attributes].join(' ');
}
