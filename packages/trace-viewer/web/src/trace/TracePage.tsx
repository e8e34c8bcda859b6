import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { navigate, traceHref } from '../router.ts';
import { EventsList } from './EventsList.tsx';
import { SpanDetails } from './SpanDetails.tsx';
import { TraceHeader } from './TraceHeader.tsx';
import { traceEvents } from './trace-events.ts';
import { ancestorsOf, type TraceModel } from './trace-model.ts';
import type { CriticalPath } from './critical-path.ts';
import type { TraceResponse } from '../api-types.ts';
import { useTrace } from './use-trace.ts';
import { collapsedToLevels, visibleRows } from './visible-rows.ts';
import { Waterfall, type TimeRange } from './Waterfall.tsx';
import { WaterfallToolbar } from './WaterfallToolbar.tsx';

export function TracePage({ traceId, spanId }: { traceId: string; spanId: string | undefined }) {
  const loaded = useTrace(traceId);
  if (loaded.state === 'loading') return <main class="trace-page"><p class="loading" role="status">Loading trace {traceId}…</p></main>;
  if (loaded.state === 'failed') return <TraceFailed message={loaded.message} />;
  return <TraceView response={loaded.response} model={loaded.model} critical={loaded.critical} linkedSpanId={spanId} />;
}

/** For an address that cannot name a trace (broken percent-encoding): the same page as for an unknown id. */
export function TraceNotFound({ address }: { address: string }) {
  return <TraceFailed message={`no trace at ${address}: its percent-encoding is broken, so it names no trace id`} />;
}

function TraceFailed({ message }: { message: string }) {
  return (
    <main class="trace-page">
      <p class="error-text" role="alert">{message}</p>
      <p><a href="/search">Back to search</a></p>
    </main>
  );
}

interface TraceViewProps {
  readonly response: TraceResponse;
  readonly model: TraceModel;
  readonly critical: CriticalPath;
  readonly linkedSpanId: string | undefined;
}

function TraceView({ response, model, critical, linkedSpanId }: TraceViewProps) {
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(() => new Set());
  const [minMillis, setMinMillis] = useState(0);
  const [showCritical, setShowCritical] = useState(true);
  const [zoom, setZoom] = useState<TimeRange | undefined>(undefined);
  const [tab, setTab] = useState<'timeline' | 'events'>('timeline');
  const [selectedId, setSelectedId] = useState<string | undefined>(() => (linkedSpanId && model.byId.has(linkedSpanId) ? linkedSpanId : model.roots[0]?.id));
  // Bumped when a span is to be scrolled to the middle (a deep link, an event's span).
  const [reveal, setReveal] = useState(() => ({ id: linkedSpanId, count: 0 }));
  const details = useRef<HTMLElement>(null);
  const rows = useMemo(() => visibleRows(model, collapsed, minMillis), [model, collapsed, minMillis]);
  const events = useMemo(() => traceEvents(model), [model]);

  /** Selects a span, unfolding what hides it, and puts it in the URL (replaced: no history step per click). */
  const select = (id: string, centre = false) => {
    const node = model.byId.get(id);
    if (node === undefined) return;
    const hiding = ancestorsOf(node).filter((ancestor) => collapsed.has(ancestor.id));
    if (hiding.length > 0) setCollapsed((old) => new Set([...old].filter((other) => !hiding.some((ancestor) => ancestor.id === other))));
    if ([node, ...ancestorsOf(node)].some((shown) => shown.durationMillis < minMillis && !shown.isError && !shown.errorBelow)) setMinMillis(0);
    setSelectedId(id);
    if (centre) setReveal((old) => ({ id, count: old.count + 1 }));
    navigate(traceHref(model.traceId, id), { replace: true });
  };

  // Back/forward or a pasted link to another span of this trace.
  useEffect(() => {
    if (linkedSpanId !== undefined && linkedSpanId !== selectedId && model.byId.has(linkedSpanId)) select(linkedSpanId, true);
  }, [linkedSpanId]);

  const toggle = (id: string) =>
    setCollapsed((old) => {
      const next = new Set(old);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  const selected = selectedId === undefined ? undefined : model.byId.get(selectedId);
  return (
    <main class="trace-page">
      <TraceHeader response={response} model={model} criticalSpans={critical.bySpan.size} />
      <div class="trace-body">
        <section class="trace-main" aria-label="Trace">
          <div class="tabs" role="tablist" aria-label="Trace views">
            <button type="button" role="tab" id="tab-timeline" aria-selected={tab === 'timeline'} aria-controls="panel-timeline" onClick={() => setTab('timeline')}>Timeline</button>
            <button type="button" role="tab" id="tab-events" aria-selected={tab === 'events'} aria-controls="panel-events" onClick={() => setTab('events')}>
              Events <span class="count">{events.length}</span>
            </button>
          </div>
          {tab === 'timeline' ? (
            <div id="panel-timeline" role="tabpanel" aria-labelledby="tab-timeline" class="timeline-panel">
              <WaterfallToolbar
                model={model} minMillis={minMillis} showCritical={showCritical} shown={rows.length}
                onMinMillis={setMinMillis} onShowCritical={setShowCritical} zoom={zoom} onResetZoom={() => setZoom(undefined)}
                onExpandAll={() => setCollapsed(new Set())} onLevels={(levels) => setCollapsed(collapsedToLevels(model, levels))}
              />
              <Waterfall
                model={model} rows={rows} collapsed={collapsed} critical={showCritical ? critical : undefined}
                selectedId={selectedId} reveal={reveal}
                onSelect={(id) => select(id)} onToggle={toggle} onOpen={() => details.current?.focus()}
                range={zoom ?? { start: 0, end: model.durationMillis }} onZoom={setZoom}
              />
            </div>
          ) : (
            <div id="panel-events" role="tabpanel" aria-labelledby="tab-events" class="events-panel">
              <EventsList events={events} onSelectSpan={(id) => { setTab('timeline'); select(id, true); }} />
            </div>
          )}
        </section>
        <aside class="span-details" aria-label="Span details" tabIndex={-1} ref={details}>
          {selected ? <SpanDetails model={model} node={selected} critical={critical.bySpan.get(selected.id)} onSelectSpan={(id) => select(id, true)}
            onZoom={() => { setTab('timeline'); setZoom({ start: selected.startMillis, end: selected.endMillis }); }} /> : <p>Select a span.</p>}
        </aside>
      </div>
    </main>
  );
}
