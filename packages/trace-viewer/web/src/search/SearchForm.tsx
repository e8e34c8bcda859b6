import { useEffect, useState } from 'preact/hooks';
import { fetchOperations, fetchServices } from '../api.ts';
import type { OperationInfo } from '../api-types.ts';
import { LOOKBACKS, parseAttributes, type SearchQuery } from './search-query.ts';

/** The search's fields; submitting hands the query up (the page puts it in the URL). */
export function SearchForm({ query, onSearch }: { query: SearchQuery; onSearch: (query: SearchQuery) => void }) {
  const [draft, setDraft] = useState(query);
  const [services, setServices] = useState<string[]>([]);
  const [operations, setOperations] = useState<OperationInfo[]>([]);
  const set = <K extends keyof SearchQuery>(key: K, value: SearchQuery[K]) => setDraft((old) => ({ ...old, [key]: value }));

  useEffect(() => {
    fetchServices().then(setServices, () => setServices([]));
  }, []);
  useEffect(() => {
    // A slow answer for the service chosen before must not overwrite the list of the one chosen now.
    const request = new AbortController();
    fetchOperations(draft.service, request.signal).then(
      (operations) => { if (!request.signal.aborted) setOperations(operations); },
      () => { if (!request.signal.aborted) setOperations([]); },
    );
    return () => request.abort();
  }, [draft.service]);

  const attributes = parseAttributes(draft.attributes);
  const attributeError = 'error' in attributes ? attributes.error : undefined;
  const operationNames = [...new Set(operations.map((operation) => operation.name))];

  return (
    <form
      class="search-form"
      aria-label="Search traces"
      onSubmit={(event) => {
        event.preventDefault();
        if (attributeError === undefined) onSearch(draft);
      }}
    >
      <label>
        Service
        <select name="service" value={draft.service} onChange={(event) => setDraft((old) => ({ ...old, service: event.currentTarget.value, operation: '' }))}>
          <option value="">All services</option>
          {[...new Set([...services, query.service].filter(Boolean))].map((service) => <option key={service} value={service}>{service}</option>)}
        </select>
      </label>
      <label>
        Operation
        <select name="operation" value={draft.operation} onChange={(event) => set('operation', event.currentTarget.value)}>
          <option value="">All operations</option>
          {[...new Set([...operationNames, draft.operation].filter(Boolean))].map((name) => <option key={name} value={name}>{name}</option>)}
        </select>
      </label>
      <label>
        Attributes
        <input
          name="attributes" type="text" placeholder="http.route=/checkout error=true" value={draft.attributes} spellcheck={false}
          aria-invalid={attributeError !== undefined} aria-describedby="attributes-help"
          onInput={(event) => set('attributes', event.currentTarget.value)}
        />
        <small id="attributes-help" class={attributeError ? 'error-text' : 'hint'}>{attributeError ?? 'key=value, space separated; one span must match all'}</small>
      </label>
      <div class="field-pair">
        <label>
          Min duration
          <input name="min_duration" type="text" placeholder="100ms" value={draft.minDuration} onInput={(event) => set('minDuration', event.currentTarget.value)} />
        </label>
        <label>
          Max duration
          <input name="max_duration" type="text" placeholder="2s" value={draft.maxDuration} onInput={(event) => set('maxDuration', event.currentTarget.value)} />
        </label>
      </div>
      <div class="field-pair">
        <label>
          Lookback
          <select name="lookback" value={draft.lookback} onChange={(event) => set('lookback', event.currentTarget.value)}>
            {LOOKBACKS.map((lookback) => <option key={lookback.value} value={lookback.value}>{lookback.label}</option>)}
          </select>
        </label>
        <label>
          Limit
          <input name="limit" type="number" min={1} max={1000} value={draft.limit} onInput={(event) => set('limit', Math.max(1, Number(event.currentTarget.value) || 20))} />
        </label>
      </div>
      <label class="check">
        <input name="errors" type="checkbox" checked={draft.errorsOnly} onChange={(event) => set('errorsOnly', event.currentTarget.checked)} />
        Only traces with errors
      </label>
      <button type="submit" class="primary">Find traces</button>
    </form>
  );
}
