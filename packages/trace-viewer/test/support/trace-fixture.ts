import { openTraceStore, startTraceServer, type TraceServer, type TraceStore } from '@x/tracer-store';
import { viewerPages } from '../../src/viewer-pages.ts';
import { bigTraceRows, demoTraces } from './demo-traces.ts';

export interface TraceFixture {
  readonly store: TraceStore;
  readonly server: TraceServer;
  close(): Promise<void>;
}

/** An in-memory store holding the demo's traces and a 10,000-span trace, served with the viewer. */
export async function startTraceFixture(port = 0): Promise<TraceFixture> {
  const store = await openTraceStore({ path: ':memory:' });
  await store.write(demoTraces());
  await store.write(bigTraceRows(10_000));
  // The viewer as built now (the global setup builds it), not the package's default import.
  const server = await startTraceServer({ store, port, pages: viewerPages() });
  return {
    store,
    server,
    async close() {
      await server.close();
      await store.close();
    },
  };
}
