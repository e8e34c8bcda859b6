import { openTraceStore } from './trace-store.js';
import { DEFAULT_STORE_PATH } from './store-options.js';
import { startTraceServer, type TraceServerOptions } from './server/trace-server.js';

export const SERVE_USAGE =
  'usage: x-tracing serve [--port N] [--host ADDRESS] [--token TOKEN] [--store PATH | --postgres URL] [--max-age 7d]';

interface ServeArguments {
  readonly port: number;
  readonly host: string;
  readonly token: string | undefined;
  readonly path: string;
  readonly url: string | undefined;
  readonly maxAge: string | undefined;
}

function parseServeArguments(argv: readonly string[]): ServeArguments {
  const values = new Map<string, string>();
  const names = ['--port', '--host', '--token', '--store', '--postgres', '--max-age'];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!;
    if (!names.includes(name)) throw new Error(`unknown argument ${name}; ${SERVE_USAGE}`);
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) throw new Error(`${name} needs a value; ${SERVE_USAGE}`);
    values.set(name, value);
  }
  if (values.has('--store') && values.has('--postgres')) throw new Error(`give --store or --postgres, not both; ${SERVE_USAGE}`);
  const port = Number(values.get('--port') ?? 4318);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0 to 65535, got ${values.get('--port')}`);
  return {
    port,
    host: values.get('--host') ?? '127.0.0.1',
    token: values.get('--token') ?? process.env.X_TRACING_TOKEN,
    path: values.get('--store') ?? DEFAULT_STORE_PATH,
    url: values.get('--postgres'),
    maxAge: values.get('--max-age'),
  };
}

/**
 * `x-tracing serve`: opens the store (DuckDB file by default, PostgreSQL with --postgres), starts
 * the OTLP receiver and the API on it, prints the address, and on SIGINT/SIGTERM stops taking
 * requests, writes what was received and closes the store. Port 4318 by default, OTLP/HTTP's, so
 * an OpenTelemetry SDK's default endpoint reaches it. Resolves when the server has stopped.
 */
export async function runServeCommand(
  argv: readonly string[],
  out: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
  extra: Pick<TraceServerOptions, 'pages'> = {},
): Promise<void> {
  const args = parseServeArguments(argv);
  const where = args.url === undefined ? { path: args.path } : { url: args.url };
  const store = await openTraceStore({ ...where, ...(args.maxAge ? { maxAge: args.maxAge } : {}) });
  let server;
  try {
    server = await startTraceServer({ store, host: args.host, port: args.port, ...(args.token ? { token: args.token } : {}), ...extra });
  } catch (error) {
    await store.close();
    throw error;
  }
  out(`x-tracing store (${store.engine}${args.url === undefined ? `, ${args.path}` : ''}) listening on ${server.url}`);
  out(`  viewer: ${server.url}/   OTLP/HTTP: ${server.url}/v1/traces   API: ${server.url}/_api/traces`);
  if (args.token !== undefined) out(`  with a token: open ${server.url}/?token=<the token> once; the browser keeps it as a cookie`);
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  await store.close();
  out('x-tracing store stopped');
}
