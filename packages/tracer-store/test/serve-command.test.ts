// `x-tracing serve` as a user runs it: a process that prints its address, takes OTLP, answers the
// API, and on SIGTERM writes what it took and leaves the store file behind, readable.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { openTraceStore } from '../src/index.js';
import { freshDatabase } from './support/engines.js';

const cli = fileURLToPath(new URL('../../tracing-config/src/cli.ts', import.meta.url));
const folder = mkdtempSync(join(tmpdir(), 'x-tracing-serve-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Starts `x-tracing serve ...args` and resolves with its URL once it printed it. */
function serve(...args: string[]) {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', cli, 'serve', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match !== null) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`serve exited (${code}) before listening: ${stderr}`)));
  });
  return { child, url, exited, output: () => stdout, errors: () => stderr };
}

const TRACE = '0af7651916cd43dd8448eb211c80319c';
const otlpJson = (spanId: string) =>
  JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: 'cli-test' } }] },
        scopeSpans: [
          {
            spans: [
              {
                traceId: TRACE,
                spanId,
                name: 'GET /',
                kind: 2,
                startTimeUnixNano: String(BigInt(Date.now()) * 1_000_000n),
                endTimeUnixNano: String(BigInt(Date.now() + 5) * 1_000_000n),
              },
            ],
          },
        ],
      },
    ],
  });

describe('x-tracing serve', () => {
  it.each([
    ['DuckDB file', async () => ['--store', join(folder, 'traces.duckdb')], () => openTraceStore({ path: join(folder, 'traces.duckdb') })],
    ['PostgreSQL', async () => ['--postgres', (databaseUrl = await freshDatabase())], () => openTraceStore({ url: databaseUrl })],
  ])('on a %s: prints its address, takes OTLP, answers the API, stops on SIGTERM keeping the spans', async (_, args, reopen) => {
    const server = serve('--port', '0', ...(await args()));
    const url = await server.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const sent = await fetch(`${url}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: otlpJson('00f067aa0ba902b7') });
    expect(sent.status).toBe(200);
    const trace = (await (await fetch(`${url}/_api/traces/${TRACE}`)).json()) as { spans: { service_name: string }[] };
    expect(trace.spans).toMatchObject([{ service_name: 'cli-test' }]);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
    expect(server.output()).toContain('x-tracing store stopped');
    const store = await reopen();
    expect(await store.query('SELECT service_name FROM forge_traces')).toEqual([{ service_name: 'cli-test' }]);
    await store.close();
  }, 60_000);

  it('explains bad arguments and exits 1', () => {
    const run = (...args: string[]) =>
      spawnSync(process.execPath, ['--conditions=source', '--import', 'tsx', cli, 'serve', ...args], { encoding: 'utf8' });
    expect(run('--port', 'abc')).toMatchObject({ status: 1, stderr: expect.stringContaining('--port must be 0 to 65535') });
    expect(run('--store', 'a', '--postgres', 'postgres://x')).toMatchObject({ status: 1, stderr: expect.stringContaining('not both') });
    expect(run('--verbose')).toMatchObject({ status: 1, stderr: expect.stringContaining('unknown argument --verbose') });
    expect(run('--host', '0.0.0.0', '--store', join(folder, 'other.duckdb'))).toMatchObject({ status: 1, stderr: expect.stringContaining('give a token') });
    expect(run('--help')).toMatchObject({ status: 0, stdout: expect.stringContaining('usage: x-tracing serve') });
  }, 60_000);
});
let databaseUrl = '';
