import { useEffect, useState } from 'preact/hooks';
import { searchTraces } from '../api.ts';
import type { TraceSummary } from '../api-types.ts';
import { formatAgo, formatDuration } from '../format.ts';
import { navigate } from '../router.ts';
import { useTrace } from '../trace/use-trace.ts';

/** The compare page's address; ids are typed by hand, so they are encoded. */
function compareUrl(a: string, b: string): string {
  return `/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`;
}

/** With one trace chosen: the recent traces of the same operation to set against it. */
export function ComparePicker({ a, b }: { a: string; b: string }) {
  const chosen = useTrace(a || b);
  const [candidates, setCandidates] = useState<readonly TraceSummary[]>([]);
  const [typedA, setTypedA] = useState(a);
  const [typedB, setTypedB] = useState(b);
  useEffect(() => {
    if (chosen.state !== 'ready') return;
    const { root_service, root_operation } = chosen.response.summary;
    searchTraces(new URLSearchParams({ service: root_service, operation: root_operation, limit: '30' })).then(
      ({ traces }) => setCandidates(traces.filter((trace) => trace.trace_id !== chosen.response.trace_id)),
      () => setCandidates([]),
    );
  }, [chosen]);
  const now = Date.now();
  return (
    <main class="compare-page">
      <h1>Compare traces</h1>
      <form class="compare-form" onSubmit={(event) => { event.preventDefault(); navigate(compareUrl(typedA.trim(), typedB.trim())); }}>
        <label>Trace A <input name="a" value={typedA} onInput={(event) => setTypedA(event.currentTarget.value)} placeholder="trace id" spellcheck={false} /></label>
        <label>Trace B <input name="b" value={typedB} onInput={(event) => setTypedB(event.currentTarget.value)} placeholder="trace id" spellcheck={false} /></label>
        <button type="submit" class="primary">Compare</button>
      </form>
      {chosen.state === 'ready' && (
        <section aria-labelledby="candidates-heading">
          <h2 id="candidates-heading">Compare {chosen.response.summary.root_operation} ({formatDuration(chosen.model.durationMillis)}) with</h2>
          <ul class="candidates">
            {candidates.map((trace) => (
              <li key={trace.trace_id}>
                <a href={a === '' ? compareUrl(trace.trace_id, b) : compareUrl(a, trace.trace_id)}>
                  {formatDuration(trace.duration_ms)} · {trace.span_count} spans{trace.error_count > 0 ? ` · ${trace.error_count} errors` : ''} · {formatAgo(new Date(trace.start_time), now)}
                </a>
                <code class="hint"> {trace.trace_id.slice(0, 12)}</code>
              </li>
            ))}
          </ul>
        </section>
      )}
      {a === '' && b === '' && <p class="hint">Or tick two traces in the search results.</p>}
    </main>
  );
}
