import type { TestProject } from 'vitest/node';
import { startPostgres } from './postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresUrl: string;
  }
}

/**
 * A Vitest global setup: one PostgreSQL server for a package's tests (`inject('postgresUrl')`);
 * each test file makes its own database in it (`freshDatabase`). A package uses it with a
 * `test/global-setup.ts` that re-exports it.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const server = await startPostgres();
  project.provide('postgresUrl', server.url);
  return () => server.stop();
}
