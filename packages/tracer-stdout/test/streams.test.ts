import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, vi } from 'vitest';
import { ExportFailedError, ledgerProblem, type BufferedTracer, type TracerPlugin } from '@x/tracer-core';
import { createStdoutTracer } from '@x/tracer-stdout';
import { describeConformance } from '@x/tracer-testkit/vitest';

const fixture = fileURLToPath(new URL('./fixtures/stdout-child.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

function record(tracer: TracerPlugin, count: number): void {
  for (let i = 0; i < count; i++) tracer.endSpan(tracer.startSpan({ name: `s${i}`, attributes: { i } }));
}

describe('stdout tracer on real streams', () => {
  it('a file: every span reaches the file as one JSON line', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'stdout-tracer-')), 'spans.ndjson');
    const stream = createWriteStream(path);
    const tracer = createStdoutTracer({ stream, hookProcessShutdown: false, maxExportBatchSize: 64 });
    record(tracer, 300);
    await tracer.shutdown();
    await new Promise((resolve) => stream.end(resolve));
    const names = readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line).name);
    expect(names).toEqual(Array.from({ length: 300 }, (_, i) => `s${i}`));
    expect(tracer.stats()).toMatchObject({ spansExported: 300, spansDropped: {} });
  });

  it('writes one chunk per batch, not one write per span', async () => {
    const stream = new PassThrough();
    stream.resume();
    const write = vi.spyOn(stream, 'write');
    const tracer = createStdoutTracer({ stream, hookProcessShutdown: false, maxExportBatchSize: 100 });
    record(tracer, 1000);
    await tracer.shutdown();
    expect(write.mock.calls.length).toBeLessThanOrEqual(10);
    expect(write.mock.calls.length).toBeGreaterThan(0);
  });

  it('obeys backpressure: a stalled reader holds spans in the bounded buffer, not in the stream', async () => {
    const stream = new PassThrough({ highWaterMark: 256 });
    const tracer = createStdoutTracer({ stream, hookProcessShutdown: false, maxExportBatchSize: 50, scheduledDelayMillis: 5 });
    record(tracer, 1000);
    const flushing = tracer.flush();
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Nobody reads: at most one batch (50 lines of ~330 bytes) sits in the stream.
    expect(stream.writableLength).toBeLessThanOrEqual(50 * 400);
    expect(tracer.stats().spansBuffered).toBeGreaterThan(800);
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (text += chunk));
    await flushing;
    await new Promise((resolve) => setImmediate(resolve));
    expect(text.trim().split('\n').map((l) => JSON.parse(l).name)).toEqual(Array.from({ length: 1000 }, (_, i) => `s${i}`));
    expect(ledgerProblem(tracer.stats())).toBeUndefined();
  });

  it('a stream whose writes fail: spans counted with the reason, flush rejects clearly, nothing crashes', async () => {
    const failing = new Writable({
      write(_chunk, _encoding, callback) {
        callback(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
      },
    });
    const tracer = createStdoutTracer({ stream: failing, hookProcessShutdown: false });
    record(tracer, 5);
    const error = await tracer.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportFailedError);
    expect((error as Error).message).toMatch(/writing spans to the output stream failed \(EPIPE: write EPIPE\)/);
    record(tracer, 3);
    await expect(tracer.flush()).rejects.toThrow(/the output stream failed \(EPIPE/);
    const stats = tracer.stats();
    expect(stats.spansDropped).toEqual({ 'stream-error': 8 });
    expect(stats.lastError?.message).toMatch(/EPIPE/);
    expect(ledgerProblem(stats)).toBeUndefined();
    await tracer.shutdown().catch(() => undefined);
  });

  it('a closed stream: spans counted as stream-closed and flush rejects', async () => {
    const stream = new PassThrough();
    stream.resume();
    stream.end();
    const tracer = createStdoutTracer({ stream, hookProcessShutdown: false });
    record(tracer, 4);
    await expect(tracer.flush()).rejects.toThrow(/the output stream is closed/);
    expect(tracer.stats().spansDropped).toEqual({ 'stream-closed': 4 });
    await tracer.shutdown().catch(() => undefined);
  });

  it('a stream destroyed with an error does not crash the process', async () => {
    const stream = new PassThrough();
    const tracer = createStdoutTracer({ stream, hookProcessShutdown: false });
    stream.destroy(Object.assign(new Error('read end gone'), { code: 'EPIPE' }));
    await new Promise((resolve) => setImmediate(resolve));
    record(tracer, 2);
    await expect(tracer.flush()).rejects.toThrow(/EPIPE/);
    expect(tracer.stats().spansDropped).toEqual({ 'stream-error': 2 });
    await tracer.shutdown().catch(() => undefined);
  });

  it('rejects bad options with a clear message', () => {
    expect(() => createStdoutTracer({ format: 'xml' as never })).toThrow(/format must be 'json' or 'pretty', got "xml"/);
    expect(() => createStdoutTracer({ stream: {} as never })).toThrow(/stream must be a Node Writable/);
    expect(() => createStdoutTracer({ orphanTimeoutMillis: -5, format: 'pretty', hookProcessShutdown: false })).toThrow(
      /orphanTimeoutMillis must be a non-negative number/,
    );
  });
});

interface ChildOutcome {
  stdout: string;
  report: { outcome: string; stats: Parameters<typeof ledgerProblem>[0] };
  code: number | null;
}

function runChild(spans: number, closeEarly: boolean): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fixture, String(spans)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const safety = setTimeout(() => child.kill('SIGKILL'), 30_000);
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      if (closeEarly) child.stdout.destroy(); // the reader goes away, like `| head -1`
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(safety);
      const last = stderr.trim().split('\n').at(-1) ?? '';
      try {
        resolve({ stdout, report: JSON.parse(last), code });
      } catch {
        reject(new Error(`child did not report: ${stderr}`));
      }
    });
  });
}

describe('stdout tracer on a real pipe (child process)', () => {
  it('every span crosses the pipe as a parseable line', async () => {
    const { stdout, report, code } = await runChild(2000, false);
    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(2000);
    expect(lines.map((l) => JSON.parse(l).name)).toEqual(Array.from({ length: 2000 }, (_, i) => `span ${i}`));
    expect(report.stats.spansExported).toBe(2000);
  });

  it('EPIPE when the reader leaves: the child does not crash and counts what it could not write', async () => {
    const { report, code } = await runChild(20_000, true);
    expect(code).toBe(0);
    expect(report.outcome).toMatch(/EPIPE|stream/);
    expect(report.stats.spansDropped['stream-error'] ?? 0).toBeGreaterThan(0);
    expect(ledgerProblem(report.stats)).toBeUndefined();
    expect(report.stats.spansEnded).toBe(20_000);
  });
});

const sink = () => new Writable({ write: (_c, _e, callback) => callback() });
/** The NDJSON each conformance tracer wrote, so the checks read the spans back from its lines. */
const written = new WeakMap<TracerPlugin, string[]>();
function collecting(): BufferedTracer {
  const chunks: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _e, callback) => (chunks.push(chunk.toString('utf8')), callback()) });
  const tracer = createStdoutTracer({ stream, format: 'json' });
  written.set(tracer, chunks);
  return tracer;
}
const fromLines = (tracer: TracerPlugin) =>
  written
    .get(tracer)!
    .join('')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as { spanId: string; name: string });
describeConformance('createStdoutTracer (json)', collecting, { exported: fromLines });
describeConformance('createStdoutTracer (pretty)', () => createStdoutTracer({ stream: sink(), format: 'pretty' }));
