import { traceHref } from '../router.ts';
import { useContext, useMemo } from 'preact/hooks';
import { formatDelta, formatDuration } from '../format.ts';
import { ServiceColors } from '../service-colors.ts';
import { useTrace, type LoadedTrace } from '../trace/use-trace.ts';
import { compareTraces } from './compare-model.ts';
import { ComparePicker } from './ComparePicker.tsx';

/** Groups shown at most: past that the slowdown is in the first rows anyway. */
const MAX_ROWS = 400;

export function ComparePage({ a, b }: { a: string; b: string }) {
  if (a === '' || b === '') return <ComparePicker a={a} b={b} />;
  return <CompareView key={`${a}-${b}`} a={a} b={b} />;
}

function CompareView({ a, b }: { a: string; b: string }) {
  const colorOf = useContext(ServiceColors);
  const left = useTrace(a);
  const right = useTrace(b);
  const rows = useMemo(
    () => (left.state === 'ready' && right.state === 'ready' ? compareTraces(left.model, right.model) : undefined),
    [left, right],
  );
  if (left.state === 'failed' || right.state === 'failed') {
    return <main class="compare-page"><p class="error-text" role="alert">{left.state === 'failed' ? left.message : (right as { message: string }).message}</p></main>;
  }
  if (left.state !== 'ready' || right.state !== 'ready' || rows === undefined) return <main class="compare-page"><p role="status">Loading both traces…</p></main>;
  const total = right.model.durationMillis - left.model.durationMillis;
  const largest = Math.max(...rows.map((row) => Math.abs(row.selfDeltaMillis)), 0.001);
  return (
    <main class="compare-page">
      <h1>Compare traces</h1>
      <div class="compare-sides">
        <TraceCard label="A" loaded={left} />
        <TraceCard label="B" loaded={right} />
        <div class="compare-total">
          <span class="hint">B against A</span>
          <strong class={total > 0 ? 'slower' : 'faster'} data-testid="total-delta">{formatDelta(total)}</strong>
          <span class="hint">{total > 0 ? 'slower' : 'faster'}</span>
        </div>
      </div>
      {left.response.summary.root_operation !== right.response.summary.root_operation && (
        <p class="status-warning" role="note">These traces have different root operations: only spans in the same place in both line up.</p>
      )}
      <p class="hint">Spans line up by service, operation and the operations above them; repeated spans add up. Sorted by the change in self time (time in the span itself, not waiting on its children): what got slower comes first.</p>
      <table class="compare-table" aria-label="Span groups, A against B">
        <thead>
          <tr>
            <th scope="col">Operation</th><th scope="col">Service</th>
            <th scope="col" class="num">A</th><th scope="col" class="num">B</th>
            <th scope="col" class="num">Δ duration</th><th scope="col" class="num">Δ self time</th><th scope="col">Change</th>
          </tr>
        </thead>
        <tbody>
          {rows.slice(0, MAX_ROWS).map((row) => (
            <tr key={row.key} class={row.countA === 0 ? 'only-b' : row.countB === 0 ? 'only-a' : ''}>
              <td>
                <span class="operation-name">{row.operation}</span>
                {row.ancestors.length > 0 && <div class="path" title={row.ancestors.join(' › ')}>under {row.ancestors.slice(-2).join(' › ')}</div>}
              </td>
              <td><span class="service-dot" style={{ background: colorOf(row.service) }} aria-hidden="true" />{row.service}</td>
              <td class="num">{side(row.countA, row.millisA)}</td>
              <td class="num">{side(row.countB, row.millisB)}</td>
              <td class={`num ${row.deltaMillis > 0 ? 'slower' : row.deltaMillis < 0 ? 'faster' : ''}`}>{formatDelta(row.deltaMillis)}</td>
              <td class={`num ${row.selfDeltaMillis > 0 ? 'slower' : row.selfDeltaMillis < 0 ? 'faster' : ''}`}>{formatDelta(row.selfDeltaMillis)}</td>
              <td class="delta-cell" aria-hidden="true">
                <div class={`delta-bar ${row.selfDeltaMillis > 0 ? 'slower' : 'faster'}`} style={{ width: `${(Math.abs(row.selfDeltaMillis) / largest) * 100}%` }} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > MAX_ROWS && <p class="hint">{rows.length - MAX_ROWS} smaller changes not shown.</p>}
    </main>
  );
}

function side(count: number, millis: number): string {
  if (count === 0) return '—';
  return count === 1 ? formatDuration(millis) : `${count}× ${formatDuration(millis)}`;
}

function TraceCard({ label, loaded }: { label: string; loaded: LoadedTrace & { state: 'ready' } }) {
  const { summary } = loaded.response;
  return (
    <div class="trace-card">
      <span class="side-label">{label}</span>
      <a href={traceHref(summary.trace_id)}>{summary.root_service}: {summary.root_operation}</a>
      <span>{formatDuration(loaded.model.durationMillis)} · {summary.span_count} spans{summary.error_count > 0 ? ` · ${summary.error_count} errors` : ''}</span>
      <code class="hint">{summary.trace_id}</code>
    </div>
  );
}
