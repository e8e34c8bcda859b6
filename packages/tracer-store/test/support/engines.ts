import { freshDatabase as freshDatabaseOn } from '@x/test-postgres';
import { inject } from 'vitest';
import { openTraceStore, type TraceStore, type TraceStoreOptions } from '../../src/index.js';

/** How a suite opens a fresh, empty store of one engine. */
export interface EngineUnderTest {
  readonly name: 'duckdb' | 'postgres';
  /** A new empty store (its own database), with `options` added. */
  open(options?: Omit<TraceStoreOptions, 'engine' | 'path' | 'url'>): Promise<TraceStore>;
}

export const duckdb: EngineUnderTest = {
  name: 'duckdb',
  open: (options) => openTraceStore({ path: ':memory:', ...options }),
};

/** PostgreSQL from the package's global setup; every store gets a database of its own. */
export const postgres: EngineUnderTest = {
  name: 'postgres',
  open: async (options) => openTraceStore({ url: await freshDatabase(), ...options }),
};

export function freshDatabase(): Promise<string> {
  return freshDatabaseOn(inject('postgresUrl'), 'store');
}
