import { useState } from 'preact/hooks';
import { navigate } from '../router.ts';
import { DurationScatter } from './DurationScatter.tsx';
import { ResultList } from './ResultList.tsx';
import { SearchForm } from './SearchForm.tsx';
import { apiParamsFromQuery, queryFromUrl, urlFromQuery } from './search-query.ts';
import { useTraceSearch } from './use-trace-search.ts';

export function SearchPage({ params }: { params: URLSearchParams }) {
  const query = queryFromUrl(params);
  const urlKey = urlFromQuery(query).toString();
  const [live, setLive] = useState(true);
  const [compare, setCompare] = useState<string[]>([]);
  const { traces, error, arrived } = useTraceSearch(apiParamsFromQuery(query).toString(), live);

  const toggleCompare = (traceId: string) =>
    setCompare((chosen) => (chosen.includes(traceId) ? chosen.filter((id) => id !== traceId) : [...chosen, traceId].slice(-2)));

  return (
    <main class="search-page">
      <SearchForm key={urlKey} query={query} onSearch={(next) => navigate(`/search?${urlFromQuery(next)}`)} />
      <section class="results" aria-labelledby="results-heading">
        <div class="results-bar">
          <h1 id="results-heading">
            {traces === undefined ? 'Searching…' : `${traces.length} trace${traces.length === 1 ? '' : 's'}`}
          </h1>
          <label class="live-toggle">
            <input type="checkbox" checked={live} onChange={(event) => setLive(event.currentTarget.checked)} />
            <span class={live ? 'live-dot on' : 'live-dot'} aria-hidden="true" /> Live
          </label>
          <a
            class={`button${compare.length === 2 ? '' : ' disabled'}`}
            aria-disabled={compare.length !== 2}
            href={compare.length === 2 ? `/compare?a=${compare[0]}&b=${compare[1]}` : undefined}
          >
            Compare {compare.length}/2
          </a>
        </div>
        <p class="visually-hidden" aria-live="polite">{arrived.size > 0 ? `${arrived.size} new trace${arrived.size === 1 ? '' : 's'}` : ''}</p>
        {error !== undefined && <p class="error-text" role="alert">{error}</p>}
        {traces !== undefined && traces.length > 0 && <DurationScatter traces={traces} arrived={arrived} />}
        {traces !== undefined && (
          <ResultList traces={traces} arrived={arrived} compare={compare} onToggleCompare={toggleCompare} />
        )}
        {traces !== undefined && traces.length === 0 && error === undefined && (
          <p class="empty">No traces match. Widen the lookback, or send some: <code>OTEL_EXPORTER_OTLP_ENDPOINT={location.origin}</code></p>
        )}
      </section>
    </main>
  );
}
