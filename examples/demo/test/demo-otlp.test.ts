import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type Receiver } from '../../../packages/tracer-otlp/test/support/receiver.js';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

function runDemo(env: Record<string, string>): Promise<{ stdout: string; code: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', main], {
      cwd: repoRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const safety = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let stdout = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (stdout += chunk));
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(safety);
      resolve({ stdout, code });
    });
  });
}

describe('pnpm demo with an OTLP endpoint', () => {
  let receiver: Receiver | undefined;
  afterEach(() => receiver?.close());

  it('without the variables, runs as before and exports nothing', async () => {
    const { stdout, code } = await runDemo({ OTEL_EXPORTER_OTLP_ENDPOINT: '', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: '' });
    expect(code).toBe(0);
    expect(stdout).toContain('one site from tracing.toml: stdout + spans-file + store, 3 backends chained');
    expect(stdout).toMatch(/spans-file: started 10, exported 10, buffered 0, live 0, dropped none; ledger balanced/);
    expect(stdout).not.toContain('otlp:');
    expect(stdout).toMatch(/store: started 10, exported 10, buffered 0, live 0, dropped none; ledger balanced/);
    expect(stdout).toMatch(/== the trace store: \d+ spans of \d+ traces in examples\/demo\/\.x-tracing\/traces\.duckdb/);
    expect(stdout).toContain('see them in the viewer: npm run x-tracing -- serve --store examples/demo/.x-tracing/traces.duckdb');
  }, 30_000);

  it.each([
    [{}, 'application/x-protobuf', undefined],
    [{ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip' }, 'application/json', 'gzip'],
  ])('exports every sampled span there (%o) and exits after the final flush', async (extra, contentType, encoding) => {
    receiver = await startReceiver();
    const endpoint = receiver.url.replace(/\/v1\/traces$/, '');
    const { stdout, code } = await runDemo({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SERVICE_NAME: 'demo-under-test', ...extra });
    expect(code).toBe(0);
    expect(stdout).toContain('final flush delivered');
    expect(stdout).toMatch(/otlp: started 10, exported 10, buffered 0, live 0, dropped none; ledger balanced/);
    expect(receiver.accepted()).toHaveLength(10);
    expect(receiver.requests.every((r) => r.contentType === contentType && r.headers['content-encoding'] === encoding)).toBe(true);
    const resource = receiver.requests[0]!.request.resourceSpans[0].resource.attributes;
    expect(resource).toContainEqual({ key: 'service.name', value: { stringValue: 'demo-under-test' } });
  }, 30_000);
});
