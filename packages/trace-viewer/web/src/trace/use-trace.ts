import { useEffect, useState } from 'preact/hooks';
import { fetchTrace } from '../api.ts';
import type { TraceResponse } from '../api-types.ts';
import { criticalPath, type CriticalPath } from './critical-path.ts';
import { buildTraceModel, type TraceModel } from './trace-model.ts';

export type LoadedTrace =
  | { readonly state: 'loading' }
  | { readonly state: 'failed'; readonly message: string }
  | { readonly state: 'ready'; readonly response: TraceResponse; readonly model: TraceModel; readonly critical: CriticalPath };

/** A trace fetched once and modelled once (tree, critical path): the views only read it. */
export function useTrace(traceId: string): LoadedTrace {
  const [loaded, setLoaded] = useState<LoadedTrace>({ state: 'loading' });
  useEffect(() => {
    const controller = new AbortController();
    setLoaded({ state: 'loading' });
    fetchTrace(traceId, controller.signal).then(
      (response) => {
        const model = buildTraceModel(response.trace_id, response.spans);
        setLoaded({ state: 'ready', response, model, critical: criticalPath(model) });
      },
      (error: unknown) => {
        if (!controller.signal.aborted) setLoaded({ state: 'failed', message: error instanceof Error ? error.message : String(error) });
      },
    );
    return () => controller.abort();
  }, [traceId]);
  return loaded;
}
