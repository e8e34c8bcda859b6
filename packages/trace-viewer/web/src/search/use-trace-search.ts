import { useEffect, useRef, useState } from 'preact/hooks';
import { searchTraces } from '../api.ts';
import type { TraceSummary } from '../api-types.ts';

/** How often a live search asks again. Polling, not push: writers may be other processes. */
export const LIVE_INTERVAL_MILLIS = 2000;

export interface TraceSearch {
  readonly traces: readonly TraceSummary[] | undefined;
  readonly error: string | undefined;
  /** Traces that arrived after the first answer, to highlight. */
  readonly arrived: ReadonlySet<string>;
}

/**
 * Runs a search and, while `live`, runs it again every {@link LIVE_INTERVAL_MILLIS} (skipped while
 * the tab is hidden; one request at a time, so a slow store is not piled on).
 */
export function useTraceSearch(apiParams: string, live: boolean): TraceSearch {
  const [state, setState] = useState<TraceSearch>({ traces: undefined, error: undefined, arrived: new Set() });
  const known = useRef<Set<string> | undefined>(undefined);

  useEffect(() => {
    known.current = undefined;
    setState({ traces: undefined, error: undefined, arrived: new Set() });
  }, [apiParams]);

  useEffect(() => {
    // Turning live off needs no request: the list stays as it is.
    if (!live && known.current !== undefined) return undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const controller = new AbortController();
    const run = async () => {
      if (document.visibilityState !== 'hidden' || known.current === undefined) {
        try {
          const { traces } = await searchTraces(new URLSearchParams(apiParams), controller.signal);
          if (stopped) return;
          const previous = known.current;
          known.current = new Set(traces.map((trace) => trace.trace_id));
          setState((old) => {
            const arrived = new Set(previous === undefined ? [] : [...old.arrived].filter((id) => known.current!.has(id)));
            if (previous !== undefined) for (const trace of traces) if (!previous.has(trace.trace_id)) arrived.add(trace.trace_id);
            return { traces, error: undefined, arrived };
          });
        } catch (error) {
          if (stopped) return;
          setState((old) => ({ ...old, error: error instanceof Error ? error.message : String(error) }));
        }
      }
      if (live && !stopped) timer = setTimeout(run, LIVE_INTERVAL_MILLIS);
    };
    void run();
    return () => {
      stopped = true;
      controller.abort();
      clearTimeout(timer);
    };
  }, [apiParams, live]);

  return state;
}
